"""What the file is and how fresh: real or simulated data, its as-of date, each source system's last sync."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from core import clock
from reader.model import Publication
from reader.sql import columns_of, fetch_one, has_table, one, rows

STALE_AFTER = timedelta(hours=36)  # the nightly refresh runs every 24 h: a day and a half without one is late


def publication(cur: duckdb.DuckDBPyConnection) -> Publication:
    """What the file is (real or simulated data) and its as-of date: every page shows it."""
    found = one(cur, "SELECT data_kind, simulated, as_of, built_at, note_vi FROM marts.publication") \
        if has_table(cur, "publication") else None
    if found is None:
        return Publication("CHƯA RÕ", False, None, None, "")
    return Publication(**found)


def read_simulated(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the file holds simulated data (the demo city): its marts.publication says so."""
    return has_table(con, "publication") and bool(fetch_one(con, "SELECT bool_or(simulated) FROM marts.publication")[0])


def read_systems(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The source systems with their Vietnamese titles, in their declared order (empty for a file
    published before source_health carried them)."""
    if not {"title_vi", "sort_order"} <= columns_of(con, "source_health"):
        return {}
    return dict(con.execute("SELECT system, title_vi FROM marts.source_health ORDER BY sort_order, system").fetchall())


def read_last_sync(con: duckdb.DuckDBPyConnection) -> datetime | None:
    last_sync = fetch_one(con, "SELECT max(last_success_at) FROM marts.source_health")[0]
    return last_sync.replace(microsecond=0) if last_sync else None


def source_health(cur: duckdb.DuckDBPyConnection, now: datetime | None = None) -> list[dict]:
    """Each source with its state: `ok`, `stale` (no success for 36 h), `failed` (the last attempt failed)
    or `never` (never synced)."""
    now = now or clock.now_local().replace(tzinfo=None)
    out = []
    for row in rows(cur, "SELECT * FROM marts.source_health ORDER BY sort_order, system"):
        if row.get("last_error"):
            state = "failed"
        elif row["last_success_at"] is None:
            state = "never"
        elif now - row["last_success_at"] > STALE_AFTER:
            state = "stale"
        else:
            state = "ok"
        out.append(row | {"state": state})
    return out
