"""Reading the published warehouse for a brief: what each row means, and the queries (bound parameters only).

The file is opened read-only; the marts hold no personal data, and the brief copies nothing else.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from core.timezone import ICT
from models.directory import UNIT_TYPE_VI

if TYPE_CHECKING:  # remediation reads through this module's helpers
    from brief.remediation import Cycle

# The marts' codes in Vietnamese, and the order the brief lists kinds in (systems: as declared, from the file).
KIND_VI = {"ratio": "Tỷ lệ", "count": "Số lượng", "days": "Số ngày"}
KIND_ORDER = list(KIND_VI)


class BriefError(ValueError):
    """A brief cannot be written; the message is what the operator reads (the CLI exits 2)."""


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    type: str
    parent_code: str | None
    parent_name: str | None
    valid_from: date | None
    valid_to: date | None

    @property
    def type_vi(self) -> str:
        return UNIT_TYPE_VI.get(self.type, self.type)

    def in_force(self, day: date) -> bool:
        """In force on `day`: started on or before it, not ended before it."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)


@dataclass(frozen=True)
class Signal:
    code: str
    system: str
    kind: str
    name_vi: str
    description_vi: str
    threshold: float | None
    legal_basis: str


@dataclass(frozen=True)
class Window:
    """The months the brief covers (first days, oldest first) and the as-of date it states."""

    as_of: date
    as_of_reason: str
    months: list[date]

    @property
    def first(self) -> date:
        return self.months[0]

    @property
    def last(self) -> date:
        return self.months[-1]


@dataclass(frozen=True)
class Priority:
    rank: int
    risk_score: float
    signals_evaluated: int
    top_reasons: list[str]
    ranked_units: int


@dataclass(frozen=True)
class Pooled:
    """One signal of one unit pooled over the window, as `marts.unit_signals_pooled` defines it.

    A signal without data in the window has `months` 0, the catalog's threshold and None elsewhere."""

    signal: Signal
    months: int = 0
    months_met: int = 0
    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None
    threshold: float | None = None
    met: bool | None = None

    @property
    def has_data(self) -> bool:
        return self.months > 0


MonthlyRow = tuple[int, int | None, float, float, bool]  # numerator, denominator, value, threshold, met


@dataclass
class BriefData:
    unit: Unit
    window: Window
    signals: list[Signal]
    priority: Priority | None
    monthly: dict[tuple[date, str], MonthlyRow]
    findings: list[tuple]
    pooled: list[Pooled]
    last_sync: datetime | None
    systems: dict[str, str] = field(default_factory=dict)  # system → Vietnamese title, in declaration order
    simulated: bool = False  # the file holds the demo city's data (DỮ LIỆU MÔ PHỎNG)
    cycle: Cycle | None = None  # the unit's inspections and remediation; None: the file has no register
    evidence_counts: dict[str, int] = field(default_factory=dict)  # findings per signal in the window, all of them
    findings_total: int = 0  # how many findings the window holds (`findings` may list only the newest)
    generated_at: datetime = field(default_factory=lambda: datetime.now(ICT).replace(tzinfo=None, microsecond=0))

    @property
    def signal_by_code(self) -> dict[str, Signal]:
        return {s.code: s for s in self.signals}


# --- opening the file -------------------------------------------------------------------------------------


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """The published file, read-only; a missing file is the operator's cue to run a refresh."""
    if not path.is_file():
        raise BriefError(f"chưa có tệp dữ liệu {path} — hãy chạy `cchc refresh` trước (run `cchc refresh` first)")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise BriefError(f"không mở được tệp dữ liệu {path}: {str(exc).splitlines()[0]}") from None


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row or None; fetches the whole result, so the connection is free for the next query."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether schema marts holds `table` (a file published before the table existed does not)."""
    return fetch_one(con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?",
                     [table])[0] > 0


# --- the window -------------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def report_window(con: duckdb.DuckDBPyConnection, today: date, months: int) -> Window:
    """The `months` months ending with the latest month that has data in the file.

    The as-of date is `today` when that month is the current one (the file was built this month), otherwise
    the last day of the file's latest month; the summary sheet says which."""
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


# --- the rows ---------------------------------------------------------------------------------------------

UnitRow = tuple[str, str, str, str | None, date | None, date | None]


def read_units(con: duckdb.DuckDBPyConnection) -> list[UnitRow]:
    """Every unit of the directory (dissolved ones too): code, name, type, parent code, valid from, valid to."""
    return con.execute("SELECT unit_code, unit_name, unit_type, parent_unit_code, valid_from, valid_to "
                       "FROM marts.units ORDER BY unit_code").fetchall()


def top_unit_codes(con: duckdb.DuckDBPyConnection, n: int) -> list[str]:
    """The `n` highest-priority units, rank 1 first."""
    rows = con.execute("SELECT unit_code FROM marts.inspection_priority ORDER BY rank LIMIT ?", [n]).fetchall()
    if not rows:
        raise BriefError("marts.inspection_priority không có đơn vị nào được xếp hạng")
    return [code for (code,) in rows]


def read_systems(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The source systems with their Vietnamese titles, in their declared order (empty for a file
    published before source_health carried them)."""
    columns = {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                         "AND table_name = 'source_health'").fetchall()}
    if not {"title_vi", "sort_order"} <= columns:
        return {}
    return dict(con.execute("SELECT system, title_vi FROM marts.source_health ORDER BY sort_order, system").fetchall())


def read_simulated(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the file holds simulated data (the demo city): its marts.publication says so."""
    return has_table(con, "publication") and bool(fetch_one(con, "SELECT bool_or(simulated) FROM marts.publication")[0])


def read_signals(con: duckdb.DuckDBPyConnection, systems: dict[str, str]) -> list[Signal]:
    """The signal catalog, by system (in declared order), then kind (ratio, count, days), then code."""
    rows = con.execute("SELECT signal_code, system, kind, name_vi, description_vi, threshold, legal_basis "
                       "FROM marts.signal_catalog").fetchall()
    signals = [Signal(*row) for row in rows]
    order_of = {name: i for i, name in enumerate(systems)}

    def order(s: Signal) -> tuple:
        return (order_of.get(s.system, len(order_of)), s.system,
                KIND_ORDER.index(s.kind) if s.kind in KIND_ORDER else len(KIND_ORDER), s.code)

    return sorted(signals, key=order)


def read_priority(con: duckdb.DuckDBPyConnection, unit_code: str) -> Priority | None:
    row = fetch_one(con, "SELECT rank, risk_score, signals_evaluated, top_reasons, "
                         "(SELECT count(*) FROM marts.inspection_priority) "
                         "FROM marts.inspection_priority WHERE unit_code = ?", [unit_code])
    if row is None:
        return None
    rank, score, evaluated, reasons, ranked = row
    return Priority(rank, score, evaluated, list(reasons or []), ranked)


def read_monthly(con: duckdb.DuckDBPyConnection, unit_code: str, window: Window) -> dict[tuple[date, str], MonthlyRow]:
    """(period, signal) → the unit's monthly row, for the months of the window."""
    return {(period, code): (numerator, denominator, value, threshold, met)
            for period, code, numerator, denominator, value, threshold, met in con.execute(
                "SELECT period, signal_code, numerator, denominator, value, threshold, meets_threshold "
                "FROM marts.unit_signals_monthly WHERE unit_code = ? AND period BETWEEN ? AND ?",
                [unit_code, window.first, window.last]).fetchall()}


def read_findings(con: duckdb.DuckDBPyConnection, unit_code: str, window: Window,
                  limit: int | None = None) -> list[tuple]:
    """The unit's findings in the window, newest month first (at most `limit`): period, signal, system, record id,
    date, detail."""
    return con.execute(
        "SELECT period, signal_code, system, source_record_id, event_date, detail_vi FROM marts.findings "
        "WHERE unit_code = ? AND period BETWEEN ? AND ? ORDER BY period DESC, signal_code, source_record_id "
        "LIMIT ?", [unit_code, window.first, window.last, limit]).fetchall()


def count_findings(con: duckdb.DuckDBPyConnection, unit_code: str, window: Window) -> dict[str, int]:
    """The unit's findings in the window, counted per signal."""
    return dict(con.execute("SELECT signal_code, count(*) FROM marts.findings WHERE unit_code = ? "
                            "AND period BETWEEN ? AND ? GROUP BY signal_code",
                            [unit_code, window.first, window.last]).fetchall())


def read_last_sync(con: duckdb.DuckDBPyConnection) -> datetime | None:
    last_sync = fetch_one(con, "SELECT max(last_success_at) FROM marts.source_health")[0]
    return last_sync.replace(microsecond=0) if last_sync else None
