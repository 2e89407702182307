"""Time zone, epoch helpers, the formats each system speaks, and Vietnam's working-day calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache, lru_cache

ICT = timezone(timedelta(hours=7))
UTC = UTC
DAY = 86_400
HOUR = 3_600
MINUTE = 60


def local_epoch(d: date, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    """Epoch seconds of a local (ICT) wall-clock time on day `d`."""
    return (d.toordinal() - 719_163) * 86_400 - 25_200 + hour * 3_600 + minute * 60 + second


def local_datetime(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, ICT)


def local_date(ts: int) -> date:
    return _day((ts + 25_200) // 86_400)


# --- the formats of each system ------------------------------------------------------------
# Hand-rolled on a cached day table: strftime costs more than the rest of a record's generation.

_OFFSET = 7 * HOUR
_EPOCH_DAY = date(1970, 1, 1)


@lru_cache(maxsize=8192)
def _day(day_number: int) -> date:
    return _EPOCH_DAY + timedelta(days=day_number)


@lru_cache(maxsize=8192)
def _iso_day(day_number: int) -> str:
    return _day(day_number).isoformat()


def _hms(seconds: int, sep: str = ":") -> str:
    return f"{seconds // 3600:02d}{sep}{seconds // 60 % 60:02d}{sep}{seconds % 60:02d}"


def fmt_iso_local(ts: int) -> str:
    """qlvb: ISO 8601 with the +07:00 offset."""
    day, sec = divmod(ts + _OFFSET, DAY)
    return f"{_iso_day(day)}T{_hms(sec)}+07:00"


def fmt_utc_z(ts: int) -> str:
    """baocao: UTC with a Z."""
    day, sec = divmod(ts, DAY)
    return f"{_iso_day(day)}T{_hms(sec)}Z"


def fmt_compact_local(ts: int | None) -> str:
    """motcua: yyyyMMddHHmmss local; no value is the empty string."""
    if ts is None:
        return ""
    day, sec = divmod(ts + _OFFSET, DAY)
    return f"{_iso_day(day).replace('-', '')}{_hms(sec, '')}"


def fmt_dmy(d: date | None) -> str | None:
    """nhiemvu dates: dd/MM/yyyy."""
    return None if d is None else f"{d.day:02d}/{d.month:02d}/{d.year}"


def fmt_local_seconds(ts: int) -> str:
    """nhiemvu update time: yyyy-MM-dd HH:mm:ss local."""
    day, sec = divmod(ts + _OFFSET, DAY)
    return f"{_iso_day(day)} {_hms(sec)}"


def fmt_naive_local(ts: int) -> datetime:
    """donthu `updated_at`: a naive local timestamp, as the database column holds it."""
    return datetime.fromtimestamp(ts, ICT).replace(tzinfo=None)


# --- parsing the filters the endpoints accept ------------------------------------------------

def parse_iso_filter(text: str) -> int:
    """An ISO timestamp in a query string; with an offset or Z, else read as local time."""
    text = text.strip().replace(" ", "+") if "T" in text and " " in text else text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ICT)
    return int(dt.timestamp())


def parse_compact_filter(text: str) -> int:
    return int(datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=ICT).timestamp())


def parse_local_seconds_filter(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ICT).timestamp())


# --- the calendar -----------------------------------------------------------------------------

# Official public holidays (days off, including compensatory days) as announced for civil servants.
_HOLIDAYS: dict[int, list[tuple[str, str]]] = {
    2023: [("01-01", "01-02"), ("01-20", "01-26"), ("04-29", "05-03"), ("09-01", "09-04")],
    2024: [("01-01", "01-01"), ("02-08", "02-14"), ("04-18", "04-18"), ("04-27", "05-01"),
           ("08-31", "09-03")],
    2025: [("01-01", "01-01"), ("01-25", "02-02"), ("04-07", "04-07"), ("04-30", "05-04"),
           ("08-30", "09-02")],
    2026: [("01-01", "01-01"), ("02-14", "02-22"), ("04-26", "04-27"), ("04-30", "05-03"),
           ("08-29", "09-02")],
    2027: [("01-01", "01-01"), ("02-05", "02-11"), ("04-16", "04-16"), ("04-30", "05-03"),
           ("09-02", "09-03")],
}
# First day of Tết (lunar new year); work is slower for about two weeks around it.
_TET = {2022: "02-01", 2023: "01-22", 2024: "02-10", 2025: "01-29", 2026: "02-17", 2027: "02-06",
        2028: "01-26"}


@cache
def _holidays(year: int) -> frozenset[date]:
    days: set[date] = set()
    for first, last in _HOLIDAYS.get(year, [("01-01", "01-01"), ("04-30", "05-01"), ("09-02", "09-02")]):
        d = date.fromisoformat(f"{year}-{first}")
        end = date.fromisoformat(f"{year}-{last}")
        while d <= end:
            days.add(d)
            d += timedelta(days=1)
    return frozenset(days)


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _holidays(d.year)


def activity_factor(d: date) -> float:
    """How busy offices are on a day relative to normal: 0 off days, lower around Tết."""
    if not is_working_day(d):
        return 0.0
    for year in (d.year, d.year + 1):
        tet = _TET.get(year)
        if tet is None:
            continue
        gap = (d - date.fromisoformat(f"{year}-{tet}")).days
        if -14 <= gap <= 10:
            return 0.55
    return 1.0


@lru_cache(maxsize=65536)
def add_working_days(d: date, n: int) -> date:
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def daterange(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def working_days_per_year_factor() -> float:
    """Average activity per calendar day, used to turn yearly volumes into daily rates."""
    y = 2023
    total = sum(activity_factor(d) for d in daterange(date(y, 1, 1), date(y, 12, 31)))
    return total
