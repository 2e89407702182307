"""The configuration variables of spec/sources.md, read from the environment and `.env`.

Secrets are wrapped so that no repr, log line or exception can show them. Every variable is checked
here, with one line naming it (never its value) when it is wrong.

The failure e-mail (`CCHC_ALERT_*`) is optional: without CCHC_ALERT_SMTP_HOST there is none; with it,
the sender and recipients are required.

The sources are all configured or none: with none, `cchc refresh` runs the demo on the simulated
city (which then configures them itself, and says so with `CCHC_SIMULATED_CITY`); with some but
not all, nothing runs, so that simulated records never mix with real ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values
from sqlalchemy.engine import URL, make_url

from core import clock
from core.errors import ConfigError

DEFAULT_LGSP_MAX_CONCURRENCY = 8
"""Requests in flight to the gateway at most, unless CCHC_LGSP_MAX_CONCURRENCY says otherwise."""

DEFAULT_RECONCILE_DAYS = 35
"""Days the weekly reconcile re-reads, and the nightly count check compares, unless CCHC_RECONCILE_DAYS says."""

SOURCE_VARIABLES = ("CCHC_LGSP_URL", "CCHC_LGSP_CLIENT_ID", "CCHC_LGSP_CLIENT_SECRET", "CCHC_DONTHU_DB_URL")
"""Every source variable: all set (real sources), or none (the demo)."""

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
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparseable: show nothing of it
        return "<database URL>"


def database_display(url: str) -> str:
    """A database URL without its password and query string (which may hold secrets)."""
    try:
        parts = make_url(url)
        return URL.create(parts.drivername, username=parts.username, host=parts.host, port=parts.port,
                          database=parts.database).render_as_string(hide_password=False)
    except Exception:  # noqa: BLE001 - unparseable: show nothing of it
        return "<database URL>"


def gateway_display(url: str) -> str:
    """A gateway URL without user info, query or fragment."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


@dataclass(frozen=True)
class AlertSettings:
    """Where the e-mail about a failed refresh goes, and through which SMTP server."""

    smtp_host: str
    smtp_port: int
    smtp_user: str | None
    smtp_password: Secret | None = field(repr=False)
    starttls: bool  # upgrade the connection with STARTTLS (port 465: TLS from the start instead)
    sender: str
    recipients: tuple[str, ...]

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv_path: str | Path = ".env") -> AlertSettings | None:
        """The alert variables alone (None when no e-mail is configured), e.g. when another variable is wrong."""
        return _alert_settings(_reader(env, dotenv_path))


@dataclass(frozen=True)
class Settings:
    lgsp_url: str | None
    client_id: str | None
    client_secret: Secret | None = field(repr=False)
    donthu_db_url: Secret | None = field(repr=False)
    as_of: date
    warehouse: Path
    sync_start: date
    lookback_days: int
    lgsp_max_concurrency: int = DEFAULT_LGSP_MAX_CONCURRENCY  # requests in flight to the gateway at most
    reconcile_days: int = DEFAULT_RECONCILE_DAYS  # how far back the weekly reconcile and the count check look
    simulated_city: str | None = None  # set by the demo: the simulated city behind the configured sources
    sim_seed: int | None = None  # the demo city's seed and scale (None: the simulator's defaults)
    sim_scale: float | None = None
    sim_faults: str | None = None  # the demo city's fault rates, in the simulator's --faults syntax
    alert: AlertSettings | None = None  # the e-mail about a failed refresh (None: no e-mail)
    inspections_dir: Path | None = None  # the inspection register's workbooks (None: no register)
    calendar_file: Path | None = None  # the announced days off and working Saturdays (core/workdays.py; None: built-in)

    @property
    def state_path(self) -> Path:
        """The pipeline's own DuckDB (raw tables, cursors, rejects), beside the published file."""
        return self.warehouse.with_name(self.warehouse.stem + "-state.duckdb")

    @property
    def sources_configured(self) -> bool:
        return self.lgsp_url is not None

    @property
    def gateway_identity(self) -> str:
        """Where systems 1-4 come from, as kept with their cursors and shown in source_health."""
        return self._identity("gateway", gateway_display(self._require_sources().lgsp_url))

    @property
    def database_identity(self) -> str:
        """Where system 5 comes from: the database URL without its password."""
        return self._identity("database", database_display(self._require_sources().donthu_db_url.reveal()))

    @property
    def workbooks_identity(self) -> str:
        """Where the inspection register comes from: its folder."""
        folder = self.inspections_dir.resolve() if self.inspections_dir else "(CCHC_INSPECTIONS_DIR not set)"
        return self._identity("workbooks", str(folder))

    def source_identity(self, kind: str) -> str:
        """The identity of a system reached the way `kind` says (a `System.kind`: api, sql, excel)."""
        return {"sql": lambda: self.database_identity, "excel": lambda: self.workbooks_identity}.get(
            kind, lambda: self.gateway_identity)()

    def _identity(self, kind: str, where: str) -> str:
        return f"simulated city ({self.simulated_city})" if self.simulated_city else f"{kind} {where}"

    def _require_sources(self) -> Settings:
        if not self.sources_configured:
            raise ConfigError(", ".join(SOURCE_VARIABLES), "are not set",
                              "set them to read the city's systems; `cchc refresh` with none set runs the demo "
                              "on the built-in simulated city")
        return self

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv_path: str | Path = ".env") -> Settings:
        """Read the variables; the process environment wins over `.env`."""
        get = _reader(env, dotenv_path)
        present = [name for name in SOURCE_VARIABLES if get(name) is not None]
        if present and len(present) < len(SOURCE_VARIABLES):
            missing = [name for name in SOURCE_VARIABLES if name not in present]
            raise ConfigError(", ".join(missing), f"{'is' if len(missing) == 1 else 'are'} not set while "
                              f"{', '.join(present)} {'is' if len(present) == 1 else 'are'}",
                              "set every source variable to read the city's systems, or none of them for the "
                              "demo on the simulated city; simulated and real records are never mixed, so "
                              "nothing was run")
        if not present and get("CCHC_INSPECTIONS_DIR") is not None:
            raise ConfigError("CCHC_INSPECTIONS_DIR", f"is set while {', '.join(SOURCE_VARIABLES)} are not",
                              "a real inspection register is never read with the simulated city: unset "
                              "CCHC_INSPECTIONS_DIR for the demo (it brings its own register), or set the sources")
        url = get("CCHC_LGSP_URL")
        if url is not None and not url.startswith(("http://", "https://")):
            raise ConfigError("CCHC_LGSP_URL", "must be an http:// or https:// URL",
                              "set it to the gateway's base URL")
        db_url = get("CCHC_DONTHU_DB_URL")
        if db_url is not None and "://" not in db_url:
            raise ConfigError("CCHC_DONTHU_DB_URL", "is not a SQLAlchemy URL",
                              "use e.g. postgresql+psycopg://user:password@host/db or sqlite:///path")
        secret = get("CCHC_LGSP_CLIENT_SECRET")
        return cls(
            lgsp_url=url.rstrip("/") if url else None,
            client_id=get("CCHC_LGSP_CLIENT_ID"),
            client_secret=Secret(secret) if secret else None,
            donthu_db_url=Secret(db_url) if db_url else None,
            as_of=_date(get("CCHC_AS_OF"), "CCHC_AS_OF", clock.today()),
            warehouse=Path(get("CCHC_WAREHOUSE") or "warehouse/cchc.duckdb"),
            sync_start=_date(get("CCHC_SYNC_START"), "CCHC_SYNC_START", date(2023, 1, 1)),
            lookback_days=_int(get("CCHC_LOOKBACK_DAYS"), "CCHC_LOOKBACK_DAYS", 3, 0, 60, "of days"),
            lgsp_max_concurrency=_int(get("CCHC_LGSP_MAX_CONCURRENCY"), "CCHC_LGSP_MAX_CONCURRENCY",
                                      DEFAULT_LGSP_MAX_CONCURRENCY, 1, 64, "of requests",
                                      "it is how many requests may be in flight to the gateway at once; keep it "
                                      "within the quota the LGSP operator grants"),
            reconcile_days=_int(get("CCHC_RECONCILE_DAYS"), "CCHC_RECONCILE_DAYS", DEFAULT_RECONCILE_DAYS, 1, 400,
                                "of days", "it is how far back the weekly reconcile re-reads every system"),
            simulated_city=get("CCHC_SIMULATED_CITY") if url is not None else None,
            sim_seed=_int(get("CCHC_SIM_SEED"), "CCHC_SIM_SEED", None, 0, 2**31 - 1, ""),
            sim_scale=_float(get("CCHC_SIM_SCALE"), "CCHC_SIM_SCALE", 0.0001, 2.0),
            sim_faults=get("CCHC_SIM_FAULTS"),
            inspections_dir=Path(get("CCHC_INSPECTIONS_DIR")) if get("CCHC_INSPECTIONS_DIR") else None,
            calendar_file=Path(get("CCHC_CALENDAR_FILE")) if get("CCHC_CALENDAR_FILE") else None,
            alert=_alert_settings(get),
        )


def _reader(env: dict[str, str] | None, dotenv_path: str | Path):
    """`get(name)`: a variable's value, stripped, or None when unset or blank; the environment wins over `.env`."""
    values = {k: v for k, v in dotenv_values(dotenv_path).items() if v is not None} if Path(dotenv_path).is_file() else {}
    values.update(os.environ if env is None else env)

    def get(name: str) -> str | None:
        value = values.get(name)
        return value.strip() if value and value.strip() else None

    return get


def _alert_settings(get) -> AlertSettings | None:
    host = get("CCHC_ALERT_SMTP_HOST")
    if host is None:
        return None
    missing = [name for name in ("CCHC_ALERT_FROM", "CCHC_ALERT_TO") if get(name) is None]
    if missing:
        raise ConfigError(", ".join(missing), f"{'is' if len(missing) == 1 else 'are'} not set while "
                          "CCHC_ALERT_SMTP_HOST is", "set the sender and the recipients of the failure e-mail, "
                          "or unset CCHC_ALERT_SMTP_HOST for no e-mail")
    if "://" in host or "/" in host or any(c.isspace() for c in host):
        raise ConfigError("CCHC_ALERT_SMTP_HOST", "is not a host name",
                          "set the SMTP server's name or address alone, e.g. smtp.hanoi.gov.vn (the port goes "
                          "in CCHC_ALERT_SMTP_PORT)")
    user, password = get("CCHC_ALERT_SMTP_USER"), get("CCHC_ALERT_SMTP_PASSWORD")
    if (user is None) != (password is None):
        unset, other = (("CCHC_ALERT_SMTP_PASSWORD", "CCHC_ALERT_SMTP_USER") if password is None
                        else ("CCHC_ALERT_SMTP_USER", "CCHC_ALERT_SMTP_PASSWORD"))
        raise ConfigError(unset, f"is not set while {other} is", "set both to log in to the SMTP server, or neither")
    recipients = tuple(part.strip() for part in get("CCHC_ALERT_TO").split(",") if part.strip())
    for name, addresses in (("CCHC_ALERT_FROM", (get("CCHC_ALERT_FROM"),)), ("CCHC_ALERT_TO", recipients)):
        if not addresses or not all(_is_address(a) for a in addresses):
            raise ConfigError(name, "is not a list of e-mail addresses" if name == "CCHC_ALERT_TO"
                              else "is not an e-mail address", "write plain addresses such as "
                              "thanhtra@hanoi.gov.vn, separated by commas")
    return AlertSettings(
        smtp_host=host,
        smtp_port=_int(get("CCHC_ALERT_SMTP_PORT"), "CCHC_ALERT_SMTP_PORT", 587, 1, 65535, ""),
        smtp_user=user,
        smtp_password=Secret(password) if password else None,
        starttls=_bool(get("CCHC_ALERT_SMTP_STARTTLS"), "CCHC_ALERT_SMTP_STARTTLS", True),
        sender=get("CCHC_ALERT_FROM"),
        recipients=recipients,
    )


def _is_address(text: str) -> bool:
    """A plain address: one @, something on each side, no spaces, angle brackets or line breaks."""
    local, at, domain = text.rpartition("@")
    return bool(at and local and domain and "@" not in local
                and not any(c.isspace() or c in "<>,;\"" for c in text))


def _bool(text: str | None, name: str, default: bool) -> bool:
    if text is None:
        return default
    value = text.lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(name, "is not true or false", "write true or false")


def _date(text: str | None, name: str, default: date) -> date:
    if text is None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(name, "is not a date in the form YYYY-MM-DD") from None


def _int(text: str | None, name: str, default: int | None, low: int, high: int, unit: str,
         hint: str = "") -> int | None:
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(name, f"is not a whole number {unit}".rstrip(), hint) from None
    if not low <= value <= high:
        raise ConfigError(name, f"must be between {low} and {high}", hint)
    return value


def _float(text: str | None, name: str, low: float, high: float) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(name, "is not a number") from None
    if not low <= value <= high:
        raise ConfigError(name, f"must be between {low} and {high}")
    return value
