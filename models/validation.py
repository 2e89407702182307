"""Validating raw records: the record or a one-line reason, and what of a record may be kept.

Reasons and kept rejects never carry personal data: reasons are built from messages only (never
from input values), and are scrubbed of the record's sensitive values as a second line of defence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from .base import SourceRecord

__all__ = ["validate_record", "record_id_of", "field_value_of", "storage_row", "redacted_raw", "Rejected"]

M = TypeVar("M", bound=SourceRecord)

_MAX_ERRORS = 10
_MIN_SCRUB_LEN = 3


@dataclass(frozen=True)
class Rejected:
    """A record refused before its model saw it, by a reader that knows why (a workbook row that names
    an unknown unit, a file that is no workbook). It is kept as a reject like any invalid record."""

    record_id: str
    reason: str


# --------------------------------------------------------------------------- reasons


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "record"


def _clean_msg(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
            break
    return " ".join(msg.split())


def _sensitive_values(model_cls: type[SourceRecord], raw: Any) -> list[str]:
    if not isinstance(raw, Mapping):
        return []
    values = []
    for name in model_cls.sensitive_raw_fields(raw):
        v = raw.get(name)
        if v is None or isinstance(v, bool):
            continue
        text = str(v).strip()
        if len(text) >= _MIN_SCRUB_LEN:
            values.append(text)
    return values


def _reason(model_cls: type[SourceRecord], raw: Any, exc: ValidationError) -> str:
    errors = exc.errors(include_input=False, include_url=False, include_context=False)
    parts = [f"{_format_loc(e['loc'])}: {_clean_msg(e['msg'])}" for e in errors[:_MAX_ERRORS]]
    if len(errors) > _MAX_ERRORS:
        parts.append(f"(+{len(errors) - _MAX_ERRORS} more errors)")
    reason = "; ".join(parts)
    # Defence in depth: no message we produce echoes input, but never let personal data through.
    for value in _sensitive_values(model_cls, raw):
        reason = reason.replace(value, "[redacted]")
    return reason


# --------------------------------------------------------------------------- public helpers


def validate_record(model_cls: type[M], raw: Any) -> tuple[M | None, str | None]:
    """Validate one raw record: ``(record, None)`` or ``(None, reason)``.

    The reason is one line, ``<field path>: <message>`` per error joined by ``; ``, built from
    messages only: it never contains input values (``str(ValidationError)`` would).
    An unexpected exception inside validation also becomes a reason (its type only, not its
    text, which could carry the value): one bad record must not stop a sync.
    """
    try:
        return model_cls.model_validate(raw), None
    except ValidationError as exc:
        return None, _reason(model_cls, raw, exc)
    except Exception as exc:  # noqa: BLE001 - deliberately broad, see docstring
        return None, f"record: unexpected {type(exc).__name__} during validation"


@cache
def _field_adapter(model_cls: type[SourceRecord], name: str) -> TypeAdapter:
    info = model_cls.model_fields[name]
    return TypeAdapter(Annotated[info.annotation, *info.metadata])


def field_value_of(model_cls: type[SourceRecord], name: str, raw: Any) -> Any | None:
    """One field of a (possibly invalid) record, validated as the model would; None when it is missing or
    invalid. A rejected record's update time says in which window the source counts it."""
    if not isinstance(raw, Mapping):
        return None
    try:
        return _field_adapter(model_cls, name).validate_python(raw.get(name))
    except (ValidationError, ValueError, TypeError):
        return None


def record_id_of(model_cls: type[SourceRecord], raw: Any) -> str | None:
    """The raw id of a (possibly invalid) record as text, or None when missing or empty."""
    if not isinstance(raw, Mapping):
        return None
    try:
        value = raw.get(model_cls.ID_FIELD)
    except Exception:  # noqa: BLE001 - exotic mappings; an id is best effort here
        return None
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, str | int | float | Decimal):
        return None
    text = str(value)
    return text if text.strip() else None


def storage_row(record: SourceRecord) -> dict[str, Any]:
    """``model_dump()`` of a validated record: exactly what is allowed to reach disk."""
    return record.to_row()


def redacted_raw(model_cls: type[SourceRecord], raw: Any) -> dict[str, Any]:
    """A copy of a raw record without its sensitive fields, for keeping rejects.

    Personal fields are removed; for a classified document the subject line and number are set
    to None. Nested values are kept as they are.
    """
    if not isinstance(raw, Mapping):
        return {}
    drop = model_cls.sensitive_raw_fields(raw)
    out = {}
    for k, v in raw.items():
        if k in drop:
            if k not in model_cls.PERSONAL_FIELDS:
                out[k] = None
            continue
        out[k] = v
    return out
