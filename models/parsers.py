"""Date and time parsers of the source formats (spec/sources.md), and the database date coercions.

Each format is declared once, as a :class:`Layout`. Its parser has one path: the exact shape
(a regular expression derived from the layout) goes straight to a C constructor. Whatever that
path refuses goes to one shared diagnosis, :func:`_refusal`, which checks the value against the
same layout, step by step, to name the reason. The parsers run on millions of records, so the accept path does no per-character
Python work.

Every parser raises ``ValueError`` (and only ``ValueError``) with a short message that never
repeats the offending value: rejection reasons are stored and shown to data stewards, and a value
may be personal data. The messages are part of the contract (stored rejects carry them).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from core.timezone import ICT, UTC

__all__ = [
    "MIN_YEAR",
    "MAX_YEAR",
    "YEAR_OUT_OF_RANGE",
    "parse_ddmmyyyy",
    "parse_compact_local",
    "parse_utc_z",
    "parse_iso_offset",
    "parse_iso_date",
    "parse_local_naive",
    "to_local_date",
    "coerce_db_date",
    "coerce_db_local_timestamp",
]

MIN_YEAR = 1990
EARLIEST_UNIT_YEAR = 1800
MAX_YEAR = 2100
YEAR_OUT_OF_RANGE = f"year outside {MIN_YEAR}-{MAX_YEAR}"


# --------------------------------------------------------------------------- layouts


class Layout:
    """One source format, declared once; its exact shape and its diagnosis both derive from it.

    ``head`` is a template in which ``Y M D h m s`` each stand for one ASCII digit (year, month,
    day, hour, minute, second) and any other character for itself. With ``fraction``, a fraction
    of a second of 1 to 9 digits may follow the head (Java emits nanoseconds; the parsed value
    keeps microseconds, truncated). ``end`` must then end the value, unless ``offset``: then a
    UTC offset (``Z`` or ``±HH:MM``) does.
    """

    __slots__ = ("expected", "impossible", "shape", "exact", "year", "offset")

    def __init__(self, name: str, head: str, *, fraction: bool = False, end: str = "", offset: bool = False):
        self.expected = f"expected {name}"
        self.impossible = "impossible date or time" if "h" in head else "impossible date"
        self.year = slice(head.index("Y"), head.rindex("Y") + 1)
        self.offset = offset
        tail = (r"(?:\.[0-9]{1,9})?" if fraction else "") + re.escape(end)
        self.shape = re.compile(_pattern(head, exact=False) + tail)
        """Digits and separators in place: what the diagnosis checks first."""
        self.exact = re.compile(_pattern(head, exact=True) + tail)
        """The shape, hours limited to 00-23: what the parser hands to the C constructor.
        (``fromisoformat`` in newer Pythons reads ``24:00:00`` as the next day's midnight.)"""


_DIGIT = "[0-9]"  # ASCII only (``\d`` would take any script's digits)
_HOUR = "(?:[01][0-9]|2[0-3])"


def _pattern(head: str, *, exact: bool) -> str:
    """The regular expression of a head template; runs of digits become ``[0-9]{n}`` (faster)."""
    if exact:
        head = head.replace("hh", "H")
    pattern = "".join(_DIGIT if c in "YMDhms" else _HOUR if c == "H" else re.escape(c) for c in head)
    return re.sub(r"(?:\[0-9\]){2,}", lambda m: f"{_DIGIT}{{{len(m[0]) // len(_DIGIT)}}}", pattern)


DD_MM_YYYY = Layout("dd/MM/yyyy", "DD/MM/YYYY")
COMPACT_LOCAL = Layout("yyyyMMddHHmmss", "YYYYMMDDhhmmss")
UTC_Z = Layout("UTC time YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DDThh:mm:ss", fraction=True, end="Z")
ISO_OFFSET = Layout("ISO 8601 time with offset", "YYYY-MM-DDThh:mm:ss", fraction=True, offset=True)
ISO_DATE = Layout("YYYY-MM-DD", "YYYY-MM-DD")
LOCAL_NAIVE = Layout("yyyy-MM-dd HH:mm:ss", "YYYY-MM-DD hh:mm:ss", fraction=True)


# --------------------------------------------------------------------------- UTC offsets

_ZONES: dict[str, timezone] = {"Z": UTC, "+07:00": ICT, "+00:00": UTC}
"""Offsets already seen: building a ``timezone`` per value would dominate the parse time, and
values of one offset share one zone object."""

_OFFSET_SHAPE = re.compile(r"[+-][0-9]{2}:[0-9]{2}")


def _zone(offset: str) -> timezone | None:
    """The zone of a UTC offset (``Z`` or ``±HH:MM``); None when malformed or impossible."""
    tz = _ZONES.get(offset)
    if tz is None and _OFFSET_SHAPE.fullmatch(offset):
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours <= 23 and minutes <= 59:
            delta = timedelta(hours=hours, minutes=minutes)
            tz = timezone(-delta if offset[0] == "-" else delta)
            if len(_ZONES) < 256:
                _ZONES[offset] = tz
    return tz


# --------------------------------------------------------------------------- the diagnosis


def _refusal(value: object, layout: Layout) -> ValueError:
    """Why ``value`` is not a value of ``layout``: called once its parser has refused it.

    The first fault found, in this order: not text; digits or separators out of place; (offset
    layouts) the offset missing, malformed or impossible; the year outside the accepted range.
    Failing all of those, the parser's constructor refused: the date or time does not exist.
    """
    if type(value) is not str:
        return ValueError("expected text")
    if layout.offset:
        m = layout.shape.match(value)
        if m is None:
            return ValueError(layout.expected)
        tail = value[m.end() :]
        if _zone(tail) is None:
            if tail == "":
                return ValueError("missing UTC offset (ambiguous local time)")
            if _OFFSET_SHAPE.fullmatch(tail) is None:
                return ValueError(layout.expected)
            return ValueError("impossible UTC offset")
    elif layout.shape.fullmatch(value) is None:
        return ValueError(layout.expected)
    if not MIN_YEAR <= int(value[layout.year]) <= MAX_YEAR:
        return ValueError(YEAR_OUT_OF_RANGE)
    return ValueError(layout.impossible)


# --------------------------------------------------------------------------- the parsers
# Each: exact shape → C constructor → year range; anything else → _refusal. ``combine`` attaches
# the shared zone object (``replace(tzinfo=...)`` costs several times more).

_fromisoformat = datetime.fromisoformat
_combine = datetime.combine


def parse_ddmmyyyy(s: str) -> date:
    """``dd/MM/yyyy`` (nhiemvu) → ``date``."""
    if type(s) is str and DD_MM_YYYY.exact.fullmatch(s):
        try:
            d = date.fromisoformat(f"{s[6:]}{s[3:5]}{s[:2]}")  # yyyyMMdd
        except ValueError:
            pass
        else:
            if MIN_YEAR <= d.year <= MAX_YEAR:
                return d
    raise _refusal(s, DD_MM_YYYY)


def parse_compact_local(s: str) -> datetime:
    """``yyyyMMddHHmmss`` local time (motcua) → aware ``datetime`` in ICT.

    ``""`` is *not* accepted here; the motcua fields map ``""`` to None before calling this.
    """
    if type(s) is str and COMPACT_LOCAL.exact.fullmatch(s):
        try:
            dt = _fromisoformat(f"{s[:8]}T{s[8:]}")  # ISO 8601 basic format
        except ValueError:
            pass
        else:
            if MIN_YEAR <= dt.year <= MAX_YEAR:
                return _combine(dt, dt.time(), ICT)
    raise _refusal(s, COMPACT_LOCAL)


def parse_utc_z(s: str) -> datetime:
    """``YYYY-MM-DDTHH:MM:SS[.f]Z`` (baocao) → aware ``datetime`` in UTC."""
    if type(s) is str and UTC_Z.exact.fullmatch(s):
        try:
            dt = _fromisoformat(s)  # "Z" gives the shared timezone.utc
        except ValueError:
            pass
        else:
            if MIN_YEAR <= dt.year <= MAX_YEAR:
                return dt
    raise _refusal(s, UTC_Z)


def parse_iso_offset(s: str) -> datetime:
    """ISO 8601 ``YYYY-MM-DDTHH:MM:SS[.f](+HH:MM|-HH:MM|Z)`` (qlvb) → aware ``datetime``.

    A value without an offset is rejected: it would be a guess whether it is local or UTC.
    The offset is kept as given (instants compare correctly whatever the offset).
    """
    if type(s) is str and (m := ISO_OFFSET.exact.match(s)) is not None:
        end = m.end()
        tz = _zone(s[end:])
        if tz is not None:
            try:
                dt = _fromisoformat(s[:end])
            except ValueError:
                pass
            else:
                if MIN_YEAR <= dt.year <= MAX_YEAR:
                    return _combine(dt, dt.time(), tz)
    raise _refusal(s, ISO_OFFSET)


def parse_iso_date(s: str) -> date:
    """``YYYY-MM-DD`` → ``date``."""
    if type(s) is str and ISO_DATE.exact.fullmatch(s):
        try:
            d = date.fromisoformat(s)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= d.year <= MAX_YEAR:
                return d
    raise _refusal(s, ISO_DATE)


def parse_unit_validity_date(s: str) -> date:
    """``YYYY-MM-DD`` of a unit's first or last day (the directory): units long predate the records, whose
    dates are held to 1990-2100 (quận Hoàn Kiếm dates from 1961), so the years allowed start at 1800."""
    if type(s) is str and ISO_DATE.exact.fullmatch(s) and int(s[:4]) < MIN_YEAR:
        if int(s[:4]) < EARLIEST_UNIT_YEAR:
            raise ValueError(f"year outside {EARLIEST_UNIT_YEAR}-{MAX_YEAR}")
        try:
            return date.fromisoformat(s)
        except ValueError:
            raise ValueError(ISO_DATE.impossible) from None
    return parse_iso_date(s)


def parse_local_naive(s: str) -> datetime:
    """``yyyy-MM-dd HH:mm:ss[.f]`` local time without zone (nhiemvu) → aware ``datetime`` in ICT."""
    if type(s) is str and LOCAL_NAIVE.exact.fullmatch(s):
        try:
            dt = _fromisoformat(s)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= dt.year <= MAX_YEAR:
                return _combine(dt, dt.time(), ICT)
    raise _refusal(s, LOCAL_NAIVE)


def to_local_date(dt: datetime) -> date:
    """The ICT calendar date of an instant (signals take periods from local dates)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime is not an instant")
    return dt.astimezone(ICT).date()


# --------------------------------------------------------------------------- database values
# The petitions database hands back ``date``/``datetime`` objects, or ISO text (SQLite).


def _check_year(d: date) -> None:
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise ValueError(YEAR_OUT_OF_RANGE)


def coerce_db_date(value: Any) -> date:
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
    if type(value) is not str:
        raise ValueError("expected text")
    if len(value) == 10:
        return parse_iso_date(value)
    # SQLite may hold a DATE as 'YYYY-MM-DD 00:00:00[.000000]'.
    if len(value) >= 19 and value[10] in " T" and value[11:19] == "00:00:00" and value[19:].strip(".0") == "":
        return parse_iso_date(value[:10])
    raise ValueError("expected YYYY-MM-DD")


def coerce_db_local_timestamp(value: Any) -> datetime:
    """A TIMESTAMP column holding local time without zone → aware ``datetime`` in ICT."""
    if isinstance(value, datetime):
        _check_year(value)
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=ICT)
        return value.astimezone(ICT)
    if isinstance(value, date):
        raise ValueError("expected a timestamp, got a date")
    if type(value) is not str:
        raise ValueError("expected text")
    if len(value) >= 19 and value[10] == "T":
        value = value[:10] + " " + value[11:]
    return parse_local_naive(value)
