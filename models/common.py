"""Shared parsers, field types and validation helpers for the source models.

The parsers run on millions of records, so they slice strings by hand and build ``date`` /
``datetime`` directly instead of calling ``strptime``. Every parser raises ``ValueError`` (and
only ``ValueError``) with a short message that never repeats the offending value: rejection
reasons are stored and shown to data stewards, and a value may be personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from core.timezone import ICT, UTC

__all__ = [
    "ICT",
    "UTC",
    "MIN_YEAR",
    "MAX_YEAR",
    "parse_ddmmyyyy",
    "parse_compact_local",
    "parse_utc_z",
    "parse_iso_offset",
    "parse_iso_date",
    "parse_local_naive",
    "to_local_date",
    "NullAsEmptyList",
    "SourceItem",
    "SourceRecord",
    "validate_record",
    "record_id_of",
    "storage_row",
    "coerce_int",
    "empty_to_none",
    "redacted_raw",
]


MIN_YEAR = 1990
MAX_YEAR = 2100

_YEAR_MSG = f"year outside {MIN_YEAR}-{MAX_YEAR}"

T = TypeVar("T")
M = TypeVar("M", bound="SourceRecord")


# --------------------------------------------------------------------------- low-level helpers


def _digits(s: str) -> bool:
    # str.isdigit alone accepts non-ASCII digits ('²', '٣'), and int() accepts '_' and signs:
    # check ASCII first so that int() below can never fail or misread.
    return s.isascii() and s.isdigit()


def _make_date(y: int, m: int, d: int) -> date:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise ValueError(_YEAR_MSG)
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueError("impossible date") from None


def _make_datetime(y: int, mo: int, d: int, h: int, mi: int, s: int, us: int, tz: timezone) -> datetime:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise ValueError(_YEAR_MSG)
    try:
        return datetime(y, mo, d, h, mi, s, us, tzinfo=tz)
    except ValueError:
        raise ValueError("impossible date or time") from None


def _require_text(value: object) -> str:
    if type(value) is not str:
        raise ValueError("expected text")
    return value


def _iso_date_parts(s: str, what: str) -> tuple[int, int, int]:
    """Split ``YYYY-MM-DD`` (the first 10 characters of ``s`` must be exactly that)."""
    if len(s) < 10 or s[4] != "-" or s[7] != "-":
        raise ValueError(f"expected {what}")
    y, m, d = s[0:4], s[5:7], s[8:10]
    if not _digits(y + m + d):
        raise ValueError(f"expected {what}")
    return int(y), int(m), int(d)


def _time_parts(s: str, sep: str, what: str) -> tuple[int, int, int, int, int, int, int, int]:
    """Parse ``YYYY-MM-DD<sep>HH:MM:SS[.f…]`` at the start of ``s``.

    Returns the components and the index where the rest (a zone designator) starts.
    Up to 9 fraction digits are read (Java emits nanoseconds); they are truncated to microseconds.
    """
    if len(s) < 19 or s[10] != sep or s[13] != ":" or s[16] != ":":
        raise ValueError(f"expected {what}")
    y, mo, d = _iso_date_parts(s, what)
    hh, mm, ss = s[11:13], s[14:16], s[17:19]
    if not _digits(hh + mm + ss):
        raise ValueError(f"expected {what}")
    us = 0
    end = 19
    if len(s) > 19 and s[19] == ".":
        end = 20
        n = len(s)
        while end < n and "0" <= s[end] <= "9":
            end += 1
        frac = s[20:end]
        if not 1 <= len(frac) <= 9:
            raise ValueError(f"expected {what}")
        us = int((frac + "00000")[:6])
    return y, mo, d, int(hh), int(mm), int(ss), us, end


# --------------------------------------------------------------------------- public parsers


# Fast paths: the exact shapes the sources send, parsed by the C implementations. Anything else (or
# a value they refuse) falls through to the careful parsers below, which give the precise reason.


def _iso_shape(s: str) -> bool:
    return s[4] == "-" and s[7] == "-" and s.isascii()


def _time_shape(s: str, sep: str) -> bool:
    return s[10] == sep and s[13] == ":" and s[16] == ":" and _iso_shape(s)


def parse_ddmmyyyy(s: str) -> date:
    """``dd/MM/yyyy`` (nhiemvu) → ``date``."""
    if type(s) is str and len(s) == 10 and s[2] == "/" and s[5] == "/" and s.isascii():
        d, m, y = s[0:2], s[3:5], s[6:10]
        if (d + m + y).isdigit() and MIN_YEAR <= int(y) <= MAX_YEAR:
            try:
                return date(int(y), int(m), int(d))
            except ValueError:
                pass
    s = _require_text(s)
    if len(s) != 10 or s[2] != "/" or s[5] != "/":
        raise ValueError("expected dd/MM/yyyy")
    d, m, y = s[0:2], s[3:5], s[6:10]
    if not _digits(d + m + y):
        raise ValueError("expected dd/MM/yyyy")
    return _make_date(int(y), int(m), int(d))


def parse_compact_local(s: str) -> datetime:
    """``yyyyMMddHHmmss`` local time (motcua) → aware ``datetime`` in ICT.

    ``""`` is *not* accepted here; the motcua fields map ``""`` to None before calling this.
    """
    if type(s) is str and len(s) == 14 and s.isascii() and s.isdigit() and MIN_YEAR <= int(s[0:4]) <= MAX_YEAR:
        try:
            return datetime(int(s[0:4]), int(s[4:6]), int(s[6:8]), int(s[8:10]), int(s[10:12]), int(s[12:14]),
                            tzinfo=ICT)
        except ValueError:
            pass
    s = _require_text(s)
    if len(s) != 14 or not _digits(s):
        raise ValueError("expected yyyyMMddHHmmss")
    return _make_datetime(
        int(s[0:4]), int(s[4:6]), int(s[6:8]), int(s[8:10]), int(s[10:12]), int(s[12:14]), 0, ICT
    )


def parse_utc_z(s: str) -> datetime:
    """``YYYY-MM-DDTHH:MM:SS[.f]Z`` (baocao) → aware ``datetime`` in UTC."""
    if type(s) is str and len(s) == 20 and s[19] == "Z" and _time_shape(s, "T"):
        try:
            dt = datetime.fromisoformat(s[:19]).replace(tzinfo=UTC)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= dt.year <= MAX_YEAR:
                return dt
    s = _require_text(s)
    what = "UTC time YYYY-MM-DDTHH:MM:SSZ"
    y, mo, d, h, mi, sec, us, end = _time_parts(s, "T", what)
    if s[end:] != "Z":
        raise ValueError(f"expected {what}")
    return _make_datetime(y, mo, d, h, mi, sec, us, UTC)


_OFFSETS: dict[str, timezone] = {"Z": UTC, "+07:00": ICT, "+00:00": UTC}
"""Offsets already seen: building a ``timezone`` per value would dominate the parse time."""


def _parse_offset(tail: str, what: str) -> timezone:
    tz = _OFFSETS.get(tail)
    if tz is not None:
        return tz
    if len(tail) != 6 or tail[0] not in "+-" or tail[3] != ":" or not _digits(tail[1:3] + tail[4:6]):
        if tail == "":
            raise ValueError("missing UTC offset (ambiguous local time)")
        raise ValueError(f"expected {what}")
    hours, minutes = int(tail[1:3]), int(tail[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError("impossible UTC offset")
    delta = timedelta(hours=hours, minutes=minutes)
    if tail[0] == "-":
        delta = -delta
    tz = timezone(delta)
    if len(_OFFSETS) < 256:
        _OFFSETS[tail] = tz
    return tz


def parse_iso_offset(s: str) -> datetime:
    """ISO 8601 ``YYYY-MM-DDTHH:MM:SS[.f](+HH:MM|-HH:MM|Z)`` (qlvb) → aware ``datetime``.

    A value without an offset is rejected: it would be a guess whether it is local or UTC.
    The offset is kept as given (instants compare correctly whatever the offset).
    """
    if type(s) is str and len(s) == 25 and s[22] == ":" and s[19] in "+-" and _time_shape(s, "T"):
        tz = _OFFSETS.get(s[19:])
        if tz is not None:
            try:
                dt = datetime.fromisoformat(s[:19]).replace(tzinfo=tz)
            except ValueError:
                pass
            else:
                if MIN_YEAR <= dt.year <= MAX_YEAR:
                    return dt
    s = _require_text(s)
    what = "ISO 8601 time with offset"
    y, mo, d, h, mi, sec, us, end = _time_parts(s, "T", what)
    tz = _parse_offset(s[end:], what)
    return _make_datetime(y, mo, d, h, mi, sec, us, tz)


def parse_iso_date(s: str) -> date:
    """``YYYY-MM-DD`` → ``date``."""
    if type(s) is str and len(s) == 10 and _iso_shape(s) and (s[0:4] + s[5:7] + s[8:10]).isdigit():
        try:
            d = date.fromisoformat(s)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= d.year <= MAX_YEAR:
                return d
    s = _require_text(s)
    if len(s) != 10:
        raise ValueError("expected YYYY-MM-DD")
    return _make_date(*_iso_date_parts(s, "YYYY-MM-DD"))


def parse_local_naive(s: str) -> datetime:
    """``yyyy-MM-dd HH:mm:ss[.f]`` local time without zone (nhiemvu) → aware ``datetime`` in ICT."""
    if type(s) is str and len(s) == 19 and _time_shape(s, " "):
        try:
            dt = datetime.fromisoformat(s).replace(tzinfo=ICT)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= dt.year <= MAX_YEAR:
                return dt
    s = _require_text(s)
    what = "yyyy-MM-dd HH:mm:ss"
    y, mo, d, h, mi, sec, us, end = _time_parts(s, " ", what)
    if end != len(s):
        raise ValueError(f"expected {what}")
    return _make_datetime(y, mo, d, h, mi, sec, us, ICT)


def to_local_date(dt: datetime) -> date:
    """The ICT calendar date of an instant (signals take periods from local dates)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime is not an instant")
    return dt.astimezone(ICT).date()


# --------------------------------------------------------------------------- field validators


def _required(parser: Callable[[str], T]) -> Callable[[Any], T]:
    def check(value: Any) -> T:
        if value is None or value == "":
            raise ValueError("missing value")
        return parser(value)

    return check


def _optional(parser: Callable[[str], T]) -> Callable[[Any], T | None]:
    def check(value: Any) -> T | None:
        if value is None or value == "":
            return None
        return parser(value)

    return check


def _non_empty_text(value: Any) -> str:
    if value is None:
        raise ValueError("missing value")
    if type(value) is not str:
        raise ValueError("expected text")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def empty_to_none(value: Any) -> Any:
    # Only the exact empty string is "no value" (sources.md); anything else is kept as-is so
    # that an unknown code can be listed exactly as the source holds it.
    return None if value == "" else value


def _list_or_empty(value: Any) -> Any:
    return [] if value is None else value


NullAsEmptyList = BeforeValidator(_list_or_empty)
"""Use as ``Annotated[list[X], NullAsEmptyList]``: a missing list (null) becomes ``[]``."""


def _text_list(value: Any) -> Any:
    """null → []; empty-string entries dropped (an empty name is no value)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v != ""]
    return value


def coerce_int(value: Any) -> int:
    # pydantic's lax int accepts True/False; a boolean in an integer column is a contract breach.
    if type(value) is int:
        return value
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, int):  # numpy / subclasses
        return int(value)
    if isinstance(value, str):
        t = value[1:] if value[:1] == "-" else value
        if t and _digits(t):
            return int(value)
        raise ValueError("expected an integer")
    if isinstance(value, float | Decimal):
        try:
            if value == int(value):
                return int(value)
        except (ValueError, OverflowError, ArithmeticError):
            pass
    raise ValueError("expected an integer")


def _required_int(value: Any) -> int:
    if value is None or value == "":
        raise ValueError("missing value")
    return coerce_int(value)


def _optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return coerce_int(value)


def _db_bool(value: Any) -> bool:
    """Database booleans: SQLite and some drivers return 0/1 integers."""
    if value is True or value is False:
        return value
    if value is None:
        raise ValueError("missing value")
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("1", "true"):
            return True
        if low in ("0", "false"):
            return False
    raise ValueError("expected a boolean (true/false or 0/1)")


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if value is None:
        raise ValueError("missing value")
    return value


def _check_year(d: date) -> None:
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise ValueError(_YEAR_MSG)


def _db_date(value: Any) -> date:
    """A DATE column: a ``date``, a midnight ``datetime``, or an ISO string (SQLite)."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError("expected a date, got a time of day")
        d = value.date()
        _check_year(d)
        return d
    if isinstance(value, date):
        _check_year(value)
        return value
    s = _require_text(value)
    if len(s) == 10:
        return parse_iso_date(s)
    # SQLite may hold a DATE as 'YYYY-MM-DD 00:00:00[.000000]'.
    if len(s) >= 19 and s[10] in " T" and s[11:19] == "00:00:00" and s[19:].strip(".0") == "":
        return parse_iso_date(s[:10])
    raise ValueError("expected YYYY-MM-DD")


def _db_local_timestamp(value: Any) -> datetime:
    """A TIMESTAMP column holding local time without zone → aware ``datetime`` in ICT."""
    if isinstance(value, datetime):
        _check_year(value)
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=ICT)
        return value.astimezone(ICT)
    if isinstance(value, date):
        raise ValueError("expected a timestamp, got a date")
    s = _require_text(value)
    if len(s) >= 19 and s[10] == "T":
        s = s[:10] + " " + s[11:]
    return parse_local_naive(s)


# --------------------------------------------------------------------------- annotated field types

NonEmptyStr = Annotated[str, BeforeValidator(_non_empty_text)]
"""A required id / text that must not be empty."""

UnitRef = Annotated[str | None, BeforeValidator(empty_to_none)]
"""A unit code or name as the source holds it; not checked against any pattern; ``""`` → None."""

TextList = Annotated[list[str], BeforeValidator(_text_list)]

IntId = Annotated[int, BeforeValidator(_required_int)]
OptInt = Annotated[int | None, BeforeValidator(_optional_int)]
DbBool = Annotated[bool, BeforeValidator(_db_bool)]
NonNegNumber = Annotated[float, BeforeValidator(_number), Field(ge=0, allow_inf_nan=False)]

DdMmYyyy = Annotated[date, BeforeValidator(_required(parse_ddmmyyyy))]
OptDdMmYyyy = Annotated[date | None, BeforeValidator(_optional(parse_ddmmyyyy))]
CompactLocal = Annotated[datetime, BeforeValidator(_required(parse_compact_local))]
OptCompactLocal = Annotated[datetime | None, BeforeValidator(_optional(parse_compact_local))]
UtcZ = Annotated[datetime, BeforeValidator(_required(parse_utc_z))]
OptUtcZ = Annotated[datetime | None, BeforeValidator(_optional(parse_utc_z))]
IsoOffset = Annotated[datetime, BeforeValidator(_required(parse_iso_offset))]
OptIsoOffset = Annotated[datetime | None, BeforeValidator(_optional(parse_iso_offset))]
IsoDate = Annotated[date, BeforeValidator(_required(parse_iso_date))]
OptIsoDate = Annotated[date | None, BeforeValidator(_optional(parse_iso_date))]
LocalNaive = Annotated[datetime, BeforeValidator(_required(parse_local_naive))]
DbDate = Annotated[date, BeforeValidator(_required(_db_date))]
OptDbDate = Annotated[date | None, BeforeValidator(_optional(_db_date))]
DbLocalTimestamp = Annotated[datetime, BeforeValidator(_required(_db_local_timestamp))]


# --------------------------------------------------------------------------- base models


class SourceItem(BaseModel):
    """An entry of a nested list inside a source record. Unknown keys are dropped."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class SourceRecord(BaseModel):
    """One source record as the contract defines it.

    ``extra="ignore"`` is what keeps personal data out: personal fields are never declared, so
    validation drops them. ``PERSONAL_FIELDS`` lists them anyway, to scrub reasons and rejects.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    SYSTEM: ClassVar[str]
    """System name: qlvb, baocao, motcua, nhiemvu, donthu or directory."""
    TABLE: ClassVar[str]
    """Endpoint / table the records come from (several per system for donthu)."""
    ID_FIELD: ClassVar[str]
    """The source's id field, spelled as the source spells it."""
    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def sensitive_raw_fields(cls, raw: Mapping[str, Any]) -> frozenset[str]:
        """Raw fields whose values must never be stored or shown (personal data and the like)."""
        return cls.PERSONAL_FIELDS

    def to_row(self) -> dict[str, Any]:
        """Exactly what may reach disk: the typed fields, nested lists as lists of dicts."""
        return self.model_dump()


# --------------------------------------------------------------------------- validation helpers

_MAX_ERRORS = 10
_MIN_SCRUB_LEN = 3


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
