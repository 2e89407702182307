"""The exact rejection reasons of the format parsers: stored rejects carry them, so they must not drift."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import (
    ICT,
    UTC,
    parse_compact_local,
    parse_ddmmyyyy,
    parse_iso_date,
    parse_iso_offset,
    parse_local_naive,
    parse_utc_z,
)
from models.parsers import coerce_db_date, coerce_db_local_timestamp

YEAR = "year outside 1990-2100"


class Text(str):
    pass


REASONS = [
    # dd/MM/yyyy
    (parse_ddmmyyyy, "2023-03-01", "expected dd/MM/yyyy"),
    (parse_ddmmyyyy, "1/3/2023", "expected dd/MM/yyyy"),
    (parse_ddmmyyyy, "１５/03/2023", "expected dd/MM/yyyy"),
    (parse_ddmmyyyy, "15/W0/2023", "expected dd/MM/yyyy"),  # would be an ISO week date
    (parse_ddmmyyyy, "15/03/1989", YEAR),
    (parse_ddmmyyyy, "31/02/1989", YEAR),  # the year is named before the impossible day
    (parse_ddmmyyyy, "31/02/2023", "impossible date"),
    (parse_ddmmyyyy, "15/13/2023", "impossible date"),
    (parse_ddmmyyyy, None, "expected text"),
    (parse_ddmmyyyy, Text("01/03/2023"), "expected text"),
    # yyyyMMddHHmmss
    (parse_compact_local, "", "expected yyyyMMddHHmmss"),
    (parse_compact_local, "2023031508300x", "expected yyyyMMddHHmmss"),
    (parse_compact_local, "2023031508300", "expected yyyyMMddHHmmss"),
    (parse_compact_local, "19891231235959", YEAR),
    (parse_compact_local, "20230230083000", "impossible date or time"),
    (parse_compact_local, "20230315240000", "impossible date or time"),
    (parse_compact_local, 20230315083000, "expected text"),
    # YYYY-MM-DDTHH:MM:SS[.f]Z
    (parse_utc_z, "2023-03-18T10:00:00", "expected UTC time YYYY-MM-DDTHH:MM:SSZ"),
    (parse_utc_z, "2023-03-18T10:00:00+07:00", "expected UTC time YYYY-MM-DDTHH:MM:SSZ"),
    (parse_utc_z, "2023-03-18T10:00:00.Z", "expected UTC time YYYY-MM-DDTHH:MM:SSZ"),
    (parse_utc_z, "2023-03-18T10:00:00.1234567890Z", "expected UTC time YYYY-MM-DDTHH:MM:SSZ"),
    (parse_utc_z, "2101-03-18T10:00:00Z", YEAR),
    (parse_utc_z, "2023-02-30T10:00:00Z", "impossible date or time"),
    (parse_utc_z, "2023-03-18T24:00:00Z", "impossible date or time"),
    # ISO 8601 with offset
    (parse_iso_offset, "2023-03-15T08:30:00", "missing UTC offset (ambiguous local time)"),
    (parse_iso_offset, "2023-03-15T08:30:00.5", "missing UTC offset (ambiguous local time)"),
    (parse_iso_offset, "2023-03-15T08:30:00+7:00", "expected ISO 8601 time with offset"),
    (parse_iso_offset, "2023-03-15T08:30:00+0700", "expected ISO 8601 time with offset"),
    (parse_iso_offset, "2023-03-15T08:30:00.+07:00", "expected ISO 8601 time with offset"),
    (parse_iso_offset, "2023-03-15 08:30:00+07:00", "expected ISO 8601 time with offset"),
    (parse_iso_offset, "2023-03-15", "expected ISO 8601 time with offset"),
    (parse_iso_offset, "2023-03-15T08:30:00+24:00", "impossible UTC offset"),
    (parse_iso_offset, "2023-03-15T08:30:00+07:60", "impossible UTC offset"),
    (parse_iso_offset, "1989-03-32T08:30:00+24:00", "impossible UTC offset"),  # the offset comes first
    (parse_iso_offset, "1989-03-15T08:30:00+07:00", YEAR),
    (parse_iso_offset, "2023-03-32T08:30:00+07:00", "impossible date or time"),
    (parse_iso_offset, "2023-03-15T08:60:00+07:00", "impossible date or time"),
    (parse_iso_offset, "2023-03-15T24:00:00Z", "impossible date or time"),
    # YYYY-MM-DD
    (parse_iso_date, "2023-3-14", "expected YYYY-MM-DD"),
    (parse_iso_date, "2023-03-14T00:00:00", "expected YYYY-MM-DD"),
    (parse_iso_date, "1989-12-31", YEAR),
    (parse_iso_date, "2023-02-29", "impossible date"),
    (parse_iso_date, b"2023-03-14", "expected text"),
    # yyyy-MM-dd HH:mm:ss[.f]
    (parse_local_naive, "2023-04-28T10:00:00", "expected yyyy-MM-dd HH:mm:ss"),
    (parse_local_naive, "2023-04-28 10:00", "expected yyyy-MM-dd HH:mm:ss"),
    (parse_local_naive, "2023-04-28 10:00:00+07:00", "expected yyyy-MM-dd HH:mm:ss"),
    (parse_local_naive, "2101-04-28 10:00:00", YEAR),
    (parse_local_naive, "2023-04-31 10:00:00", "impossible date or time"),
    (parse_local_naive, "2023-04-28 24:00:00", "impossible date or time"),
    # database values
    (coerce_db_date, "2023-03-10 00:00:01", "expected YYYY-MM-DD"),
    (coerce_db_date, "2023-02-30", "impossible date"),
    (coerce_db_date, date(1989, 12, 31), YEAR),
    (coerce_db_date, datetime(2023, 3, 10, 9, 15), "expected a date, got a time of day"),
    (coerce_db_date, 20230310, "expected text"),
    (coerce_db_local_timestamp, date(2023, 3, 10), "expected a timestamp, got a date"),
    (coerce_db_local_timestamp, datetime(2101, 1, 1), YEAR),
    (coerce_db_local_timestamp, "2023-03-10T09:15", "expected yyyy-MM-dd HH:mm:ss"),
]


@pytest.mark.parametrize("parser, value, reason", REASONS, ids=[f"{p.__name__}-{v!r}" for p, v, _ in REASONS])
def test_exact_reason(parser, value, reason):
    with pytest.raises(ValueError) as info:
        parser(value)
    assert str(info.value) == reason


def test_values_at_the_edges():
    assert parse_iso_offset("2023-03-15T08:30:00.123456789-00:00") == datetime(2023, 3, 15, 8, 30, 0, 123456, UTC)
    assert parse_iso_offset("2023-03-15T08:30:00+23:59").utcoffset() == timedelta(hours=23, minutes=59)
    assert parse_utc_z("2023-03-18T10:00:00.5Z").microsecond == 500000
    assert parse_local_naive("2023-04-28 23:59:59.9999999") == datetime(2023, 4, 28, 23, 59, 59, 999999, ICT)
    assert coerce_db_date("2023-03-10T00:00:00.000") == date(2023, 3, 10)
    assert coerce_db_local_timestamp("2023-03-10T09:15:00") == datetime(2023, 3, 10, 9, 15, tzinfo=ICT)
    assert coerce_db_local_timestamp(datetime(2023, 3, 10, 2, 15, tzinfo=UTC)) == datetime(2023, 3, 10, 9, 15, tzinfo=ICT)


def test_values_of_one_offset_share_one_zone():
    assert parse_compact_local("20230315083000").tzinfo is ICT
    assert parse_local_naive("2023-04-28 10:00:00").tzinfo is ICT
    assert parse_iso_offset("2023-03-15T08:30:00+07:00").tzinfo is ICT
    assert parse_utc_z("2023-03-18T10:00:00Z").tzinfo is UTC
    a, b = parse_iso_offset("2023-03-15T08:30:00-05:00"), parse_iso_offset("2023-03-16T08:30:00.1-05:00")
    assert a.tzinfo is b.tzinfo


@settings(deadline=None)
@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31, 23, 59, 59)),
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59),
)
def test_fractions_truncate_to_microseconds(dt, digits, offset_minutes):
    fraction = f"{dt.microsecond:06d}987"[:digits]
    expected = dt.replace(microsecond=int((fraction + "00000")[:6]))
    head = dt.strftime("%Y-%m-%dT%H:%M:%S") + "." + fraction
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    zone = timezone(timedelta(minutes=offset_minutes))
    assert parse_iso_offset(f"{head}{sign}{hours:02d}:{minutes:02d}") == expected.replace(tzinfo=zone)
    assert parse_utc_z(head + "Z") == expected.replace(tzinfo=UTC)
    assert parse_local_naive(head.replace("T", " ")) == expected.replace(tzinfo=ICT)


@pytest.mark.parametrize(("text", "expected"), [
    ("1961-05-31", date(1961, 5, 31)),  # quận Hoàn Kiếm
    ("1800-01-01", date(1800, 1, 1)),
    ("2008-08-01", date(2008, 8, 1)),
    ("1799-12-31", "year outside 1800-2100"),
    ("1961-02-29", "impossible date"),
    ("2101-01-01", "year outside 1990-2100"),
    ("31/05/1961", "expected YYYY-MM-DD"),
])
def test_a_unit_may_be_older_than_the_records(text, expected):
    from models.parsers import parse_unit_validity_date

    if isinstance(expected, date):
        assert parse_unit_validity_date(text) == expected
    else:
        with pytest.raises(ValueError) as caught:
            parse_unit_validity_date(text)
        assert str(caught.value) == expected
