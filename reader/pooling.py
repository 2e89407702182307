"""Each signal of a unit pooled over the brief's window, by the one rule `sql/marts/unit_signals_pooled.sql` defines.

The brief's window (the `--months` months ending with the file's latest month) is normally the mart's (the
twelve months ending with the as-of month): then the pooled rows are read from the published file. When it
is not (another `--months`, a file with no data yet in its as-of month, a file published before the mart
existed), the mart's own SQL runs on the published file over the brief's window: it reads only marts tables
and takes its window from two macros, defined here as temporary ones. Nothing is pooled in Python.
"""

from __future__ import annotations

from functools import cache

import duckdb

from reader.model import Pooled, Signal, Window
from reader.sql import fetch_one, has_table
from storage.sqlmodels import discover

MART = "unit_signals_pooled"
COLUMNS = "signal_code, months, months_met, numerator, denominator, pooled_value, threshold, meets_threshold"


@cache
def _model_sql() -> str:
    return discover()[f"marts.{MART}"].sql


def _mart_covers(con: duckdb.DuckDBPyConnection, window: Window) -> bool:
    """Whether the published mart was pooled over exactly the months of `window`."""
    if not has_table(con, MART):
        return False
    bounds = fetch_one(con, f"SELECT min(period_from), max(period_to) FROM marts.{MART}")
    return bounds == (window.first, window.last)


def _rows_from_mart(con: duckdb.DuckDBPyConnection, unit_code: str) -> list[tuple]:
    return con.execute(f"SELECT {COLUMNS} FROM marts.{MART} WHERE unit_code = ?", [unit_code]).fetchall()


def _rows_from_model(con: duckdb.DuckDBPyConnection, unit_code: str, window: Window) -> list[tuple]:
    """The mart's SQL over `window`, for one unit (temporary macros: the file stays read-only)."""
    con.execute("SET VARIABLE brief_first_month = ?", [window.first])
    con.execute("SET VARIABLE brief_last_month = ?", [window.last])
    con.execute("CREATE OR REPLACE TEMP MACRO pool_first_month() AS CAST(getvariable('brief_first_month') AS DATE)")
    con.execute("CREATE OR REPLACE TEMP MACRO pool_last_month() AS CAST(getvariable('brief_last_month') AS DATE)")
    return con.execute(f"SELECT {COLUMNS} FROM (\n{_model_sql()}\n) WHERE unit_code = ?", [unit_code]).fetchall()


def read_pooled(con: duckdb.DuckDBPyConnection, unit_code: str, window: Window, signals: list[Signal]) -> list[Pooled]:
    """One `Pooled` per signal, in the order of `signals`; signals without data in the window included."""
    rows = (_rows_from_mart(con, unit_code) if _mart_covers(con, window)
            else _rows_from_model(con, unit_code, window))
    found = {code: rest for code, *rest in rows}
    pooled = []
    for s in signals:
        if s.code not in found:
            pooled.append(Pooled(s, threshold=s.threshold))
            continue
        months, months_met, numerator, denominator, value, threshold, met = found[s.code]
        pooled.append(Pooled(s, months, months_met, numerator, denominator, value, threshold, met))
    return pooled
