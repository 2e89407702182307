"""The page queries: bound parameters only, each page reading only what it shows (paged where it lists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from core.timezone import ICT

STALE_AFTER = timedelta(hours=36)  # the nightly refresh runs every 24 h: a day and a half without one is late


def rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    rel = cur.execute(sql, params or [])
    columns = [d[0] for d in rel.description]
    return [dict(zip(columns, row, strict=True)) for row in rel.fetchall()]


def one(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> dict | None:
    found = rows(cur, sql, params)
    return found[0] if found else None


def has_table(cur: duckdb.DuckDBPyConnection, table: str) -> bool:
    return cur.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?",
                       [table]).fetchall()[0][0] > 0


@dataclass(frozen=True)
class Publication:
    data_kind: str
    simulated: bool
    as_of: object
    built_at: datetime | None
    note_vi: str


def publication(cur: duckdb.DuckDBPyConnection) -> Publication:
    """What the file is (real or simulated data) and its as-of date: every page shows it."""
    found = one(cur, "SELECT data_kind, simulated, as_of, built_at, note_vi FROM marts.publication") \
        if has_table(cur, "publication") else None
    if found is None:
        return Publication("CHƯA RÕ", False, None, None, "")
    return Publication(**found)


def source_health(cur: duckdb.DuckDBPyConnection, now: datetime | None = None) -> list[dict]:
    """Each source with its state: `ok`, `stale` (no success for 36 h), `failed` (the last attempt failed)
    or `never` (never synced)."""
    now = now or datetime.now(ICT).replace(tzinfo=None)
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


def headline(cur: duckdb.DuckDBPyConnection, as_of) -> dict:
    """The overview's counts."""
    counts = one(cur, """
        SELECT (SELECT count(*) FROM marts.units WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?))
                   AS units_in_force,
               (SELECT count(*) FROM marts.inspection_priority) AS ranked,
               (SELECT count(*) FROM marts.inspection_priority WHERE risk_score > 0) AS with_shortfall,
               (SELECT count(*) FROM marts.findings
                WHERE period >= CAST(date_trunc('month', ?::DATE) - INTERVAL 11 MONTH AS DATE)) AS findings_12m
    """, [as_of, as_of, as_of])
    if has_table(cur, "remediation"):
        counts |= one(cur, """
            SELECT (SELECT count(*) FROM marts.inspections) AS inspections,
                   (SELECT count(*) FROM marts.remediation WHERE overdue) AS overdue,
                   (SELECT count(*) FROM marts.remediation WHERE claim_contradicted) AS contradicted,
                   (SELECT count(*) FROM marts.reinspection_candidates) AS reinspection
        """)
    return counts
