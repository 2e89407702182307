"""Queries of Tổng quan: the data date, each source's freshness, the headline counts, the units to inspect first."""

from __future__ import annotations

import duckdb

from reader.publication import publication, source_health
from reader.sql import has_table, one, rows


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


def read_overview(cur: duckdb.DuckDBPyConnection) -> dict:
    pub = publication(cur)
    sources = source_health(cur)
    return {"pub": pub, "sources": sources, "counts": headline(cur, pub.as_of),
            "top": rows(cur, "SELECT rank, unit_code, unit_name, unit_type, risk_score FROM "
                             "marts.inspection_priority ORDER BY rank LIMIT 5"),
            "troubled": [s for s in sources if s["state"] in ("stale", "failed", "never")]}
