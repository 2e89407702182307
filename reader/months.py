"""Months as the marts hold them (their first day), and the window a read covers."""

from __future__ import annotations

import calendar
from datetime import date

import duckdb

from reader.model import Window
from reader.sql import fetch_one


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def report_window(con: duckdb.DuckDBPyConnection, today: date, months: int) -> Window:
    """The `months` months ending with the latest month that has data in the file.

    The as-of date is `today` when that month is the current one (the file was built this month), otherwise
    the last day of the file's latest month; the brief's summary sheet says which."""
    latest = fetch_one(con, "SELECT max(period) FROM marts.unit_signals_monthly")[0]
    current = month_start(today)
    if latest is None:
        end, as_of, reason = current, today, "hôm nay (tệp chưa có số liệu theo tháng)"
    elif latest == current:
        end, as_of, reason = current, today, "hôm nay (tháng hiện tại là tháng có số liệu mới nhất trong tệp)"
    else:
        end, as_of = latest, month_end(latest)
        reason = (f"ngày cuối của tháng có số liệu mới nhất trong tệp ({latest:%m/%Y}); "
                  f"tệp không có số liệu của tháng {current:%m/%Y}")
    return Window(as_of, reason, [add_months(end, i - months + 1) for i in range(months)])
