"""One unit's data over a window, as the brief (`cchc brief`) reads it: its priority, monthly rows and findings."""

from __future__ import annotations

from datetime import date

import duckdb

from reader.errors import ReadError
from reader.model import MonthlyRow, Priority, Window
from reader.sql import fetch_one


def top_unit_codes(con: duckdb.DuckDBPyConnection, n: int) -> list[str]:
    """The `n` highest-priority units, rank 1 first."""
    found = con.execute("SELECT unit_code FROM marts.inspection_priority ORDER BY rank LIMIT ?", [n]).fetchall()
    if not found:
        raise ReadError("marts.inspection_priority không có đơn vị nào được xếp hạng")
    return [code for (code,) in found]


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
