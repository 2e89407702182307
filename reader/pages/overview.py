"""Queries of Tổng quan: the data date, each source's freshness, the headline counts, and the units to inspect
first — the highest ranked, leaving out those inspected in the last K months whose re-inspection is not due, as
the draw does (reader.register), each with its first reasons and numbers."""

from __future__ import annotations

import duckdb

from reader.publication import publication, source_health
from reader.reasons import FEW_CASES, explain, read_reasons
from reader.register import RECENT_MONTHS, last_inspections, recency
from reader.sql import has_table, one, rows

TOP = 5


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


def inspect_first(cur: duckdb.DuckDBPyConnection, as_of, n: int = TOP) -> tuple[list[dict], list[dict]]:
    """The `n` highest-ranked units not inspected in the last RECENT_MONTHS months (unless re-inspection is
    due), each with its reasons, last inspection and re-inspection; and the units ranked above the last of them
    that were left out for a recent inspection."""
    rule = recency(cur, as_of, RECENT_MONTHS) if as_of else None
    left_out = set(rule.left_out_codes) if rule else set()
    found = rows(cur, "SELECT rank, unit_code, unit_name, unit_type, risk_score, top_reasons "
                      "FROM marts.inspection_priority ORDER BY rank LIMIT ?", [n + len(left_out)])
    shown = [u for u in found if u["unit_code"] not in left_out][:n]
    last_rank = shown[-1]["rank"] if shown else 0
    skipped = [u for u in found if u["unit_code"] in left_out and u["rank"] < last_rank]
    codes = [u["unit_code"] for u in shown + skipped]
    reasons, last = read_reasons(cur, codes), last_inspections(cur, as_of, codes) if as_of else {}

    def annotated(u: dict) -> dict:
        return u | {"explanation": explain(reasons.get(u["unit_code"], []), list(u["top_reasons"] or [])),
                    "last": last.get(u["unit_code"]), "recent": rule is not None and u["unit_code"] in rule.recent,
                    "due": rule.due.get(u["unit_code"]) if rule else None}

    return [annotated(u) for u in shown], [annotated(u) for u in skipped]


def read_overview(cur: duckdb.DuckDBPyConnection) -> dict:
    pub = publication(cur)
    sources = source_health(cur)
    top, skipped = inspect_first(cur, pub.as_of)
    return {"pub": pub, "sources": sources, "counts": headline(cur, pub.as_of), "top": top, "skipped": skipped,
            "recent_months": RECENT_MONTHS, "few_cases": FEW_CASES,
            "troubled": [s for s in sources if s["state"] in ("stale", "failed", "never")]}
