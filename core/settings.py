"""The configuration variables of spec/sources.md, read from the environment and `.env`.

Secrets are wrapped so that no repr, log line or exception can show them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from dotenv import dotenv_values

from core.errors import ConfigError
from core.timezone import ICT

SIMULATOR_CLIENT_ID = "cchc-inspection"
SIMULATOR_CLIENT_SECRET = "cchc-sim-secret"


class Secret:
    """A secret value: compare and use it, never print it."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def redact_url(url: str) -> str:
    """A database URL with its password masked, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparseable: show nothing of it
        return "<database URL>"


@dataclass(frozen=True)
class Settings:
    lgsp_url: str | None
    client_id: str
    client_secret: Secret = field(repr=False)
    donthu_db_url: Secret | None = field(repr=False)
    as_of: date
    warehouse: Path
    sync_start: date
    lookback_days: int

    @property
    def state_path(self) -> Path:
        """The pipeline's own DuckDB (raw tables, cursors, rejects), beside the published file."""
        return self.warehouse.with_name(self.warehouse.stem + "-state.duckdb")

    @property
    def uses_builtin_gateway(self) -> bool:
        return self.lgsp_url is None

    @property
    def uses_builtin_database(self) -> bool:
        return self.donthu_db_url is None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv_path: str | Path = ".env") -> Settings:
        """Read the variables; the process environment wins over `.env`."""
        values = {k: v for k, v in dotenv_values(dotenv_path).items() if v is not None} if Path(dotenv_path).is_file() else {}
        values.update(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = values.get(name)
            return value.strip() if value and value.strip() else None

        url = get("CCHC_LGSP_URL")
        if url is not None and not url.startswith(("http://", "https://")):
            raise ConfigError("CCHC_LGSP_URL", "must be an http:// or https:// URL",
                              "set it to the gateway's base URL, or unset it to use the built-in simulator")
        client_id = get("CCHC_LGSP_CLIENT_ID")
        secret = get("CCHC_LGSP_CLIENT_SECRET")
        if url is not None and (client_id is None or secret is None):
            missing = "CCHC_LGSP_CLIENT_ID" if client_id is None else "CCHC_LGSP_CLIENT_SECRET"
            raise ConfigError(missing, "is required when CCHC_LGSP_URL is set",
                              "set the client credentials issued to the inspection team")
        db_url = get("CCHC_DONTHU_DB_URL")
        if db_url is not None and "://" not in db_url:
            raise ConfigError("CCHC_DONTHU_DB_URL", "is not a SQLAlchemy URL",
                              "use e.g. postgresql+psycopg://user:password@host/db or sqlite:///path")
        return cls(
            lgsp_url=url.rstrip("/") if url else None,
            client_id=client_id or SIMULATOR_CLIENT_ID,
            client_secret=Secret(secret or SIMULATOR_CLIENT_SECRET),
            donthu_db_url=Secret(db_url) if db_url else None,
            as_of=_date(get("CCHC_AS_OF"), "CCHC_AS_OF", datetime.now(ICT).date()),
            warehouse=Path(get("CCHC_WAREHOUSE") or "warehouse/cchc.duckdb"),
            sync_start=_date(get("CCHC_SYNC_START"), "CCHC_SYNC_START", date(2023, 1, 1)),
            lookback_days=_int(get("CCHC_LOOKBACK_DAYS"), "CCHC_LOOKBACK_DAYS", 3),
        )


def _date(text: str | None, name: str, default: date) -> date:
    if text is None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(name, "is not a date in the form YYYY-MM-DD") from None


def _int(text: str | None, name: str, default: int) -> int:
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(name, "is not a whole number of days") from None
    if not 0 <= value <= 60:
        raise ConfigError(name, "must be between 0 and 60 days")
    return value
