"""Queries of Đơn vị: the unit's profile and priority — its reasons with their numbers, what its score is made of,
how its rank and score moved over the last twelve month-ends and why since the previous one, its last
inspection — its monthly rows over the trend window, its findings (paged and filtered, or counted for the
print view), and its part of the inspection cycle."""

from __future__ import annotations

from datetime import date

import duckdb

from core import clock
from reader.catalog import signal_catalog
from reader.history import history_months, movement, read_contributions, read_standings
from reader.model import Unit
from reader.months import month_start, report_window
from reader.paging import Paging
from reader.publication import publication
from reader.reasons import FEW_CASES, explain, read_reasons
from reader.register import RECENT_MONTHS, last_inspections, read_cycle, recency
from reader.sql import conditions, one, rows

TREND_MONTHS = 12


def unit_profile(cur: duckdb.DuckDBPyConnection, code: str) -> dict | None:
    return one(cur, """
        SELECT u.unit_code, u.unit_name, u.unit_type, u.parent_unit_code, pu.unit_name AS parent_name,
               u.valid_from, u.valid_to, p.rank, p.risk_score, p.signals_evaluated, p.top_reasons,
               (SELECT count(*) FROM marts.inspection_priority) AS ranked
        FROM marts.units u
        LEFT JOIN marts.units pu ON pu.unit_code = u.parent_unit_code
        LEFT JOIN marts.inspection_priority p ON p.unit_code = u.unit_code
        WHERE u.unit_code = ?""", [code])


def unit_monthly(cur: duckdb.DuckDBPyConnection, code: str, first, last) -> list[dict]:
    return rows(cur, """
        SELECT period, signal_code, numerator, denominator, value, threshold, meets_threshold
        FROM marts.unit_signals_monthly WHERE unit_code = ? AND period BETWEEN ? AND ?
        ORDER BY signal_code, period""", [code, first, last])


def findings_summary(cur: duckdb.DuckDBPyConnection, code: str) -> list[dict]:
    """How many findings the unit has per signal and month (the choices of the findings' filters)."""
    return rows(cur, "SELECT signal_code, period, count(*) AS n FROM marts.findings WHERE unit_code = ? "
                     "GROUP BY signal_code, period ORDER BY period DESC, signal_code", [code])


def findings_page(cur: duckdb.DuckDBPyConnection, code: str, signal: str | None, month,
                  trang: str | None) -> tuple[Paging, list[dict]]:
    """The unit's findings (newest month first), filtered by signal and month, one page; the count has the same
    WHERE."""
    condition, params = conditions([("unit_code = ?", code), ("signal_code = ?", signal or None),
                                    ("period = ?", month or None)])
    paging = Paging.fit(trang, one(cur, f"SELECT count(*) AS n FROM marts.findings WHERE {condition}", params)["n"])
    found = rows(cur, f"SELECT period, signal_code, system, source_record_id, event_date, detail_vi "
                      f"FROM marts.findings WHERE {condition} "
                      f"ORDER BY period DESC, signal_code, event_date DESC, source_record_id LIMIT ? OFFSET ?",
                 [*params, paging.size, paging.offset])
    return paging, found


def findings_examples(cur: duckdb.DuckDBPyConnection, code: str, first, last, per_signal: int = 1) -> list[dict]:
    """The newest `per_signal` findings of each signal from `first` to `last` (the print view's examples)."""
    return rows(cur, """
        SELECT period, signal_code, system, source_record_id, event_date, detail_vi FROM marts.findings
        WHERE unit_code = ? AND period BETWEEN ? AND ?
        QUALIFY row_number() OVER (PARTITION BY signal_code
                                   ORDER BY period DESC, event_date DESC, source_record_id) <= ?
        ORDER BY signal_code, period DESC, event_date DESC, source_record_id""", [code, first, last, per_signal])


def in_catalog_order(codes, catalog: dict[str, dict]) -> list[str]:
    """Signal codes in the catalog's order (codes the catalog lacks last, by code)."""
    order = {code: i for i, code in enumerate(catalog)}
    return sorted(set(codes), key=lambda c: (order.get(c, len(order)), c))


def read_priority(cur: duckdb.DuckDBPyConnection, profile: dict, catalog: dict[str, dict], as_of) -> dict:
    """The unit's reasons and what its score is made of, its standings at the month-ends and now, the sentence of
    how it moved since the previous month-end, its last inspection and whether re-inspection is due."""
    code = profile["unit_code"]
    reasons = read_reasons(cur, [code]).get(code, [])
    as_of_month = month_start(as_of) if as_of else None
    months = history_months(cur)
    standings = read_standings(cur, code, as_of_month)
    now = next((s for s in standings if s.current), None)
    previous = months[-1] if months else None
    before = next((s for s in standings if not s.current and s.month == previous), None)
    moved = movement(previous, before, now, read_contributions(cur, code, previous),
                     read_contributions(cur, code, None), {c: r["name_vi"] for c, r in catalog.items()}) \
        if previous else None
    rule = recency(cur, as_of, RECENT_MONTHS) if as_of else None
    return {"explanation": explain(reasons, list(profile["top_reasons"] or [])), "composition": reasons,
            "standings": standings, "history_months": months + ([as_of_month] if as_of_month else []),
            "movement": moved, "last": last_inspections(cur, as_of, [code]).get(code) if as_of else None,
            "recent": rule is not None and code in rule.recent, "due": rule.due.get(code) if rule else None,
            "recent_months": RECENT_MONTHS, "few_cases": FEW_CASES}


def read_unit(cur: duckdb.DuckDBPyConnection, code: str) -> dict:
    """What every view of the unit shows: the file, the profile (None: no such unit), the catalog, its priority
    (`read_priority`), the trend window and its monthly rows, the findings counted by signal and month, and the
    inspection cycle."""
    pub = publication(cur)
    profile = unit_profile(cur, code)
    if profile is None:
        return {"pub": pub, "unit": None}
    window = report_window(cur, pub.as_of or clock.today(), TREND_MONTHS)
    catalog = signal_catalog(cur)
    return {"pub": pub, "unit": profile, "catalog": catalog, "window": window,
            "monthly": unit_monthly(cur, code, window.first, window.last), "summary": findings_summary(cur, code),
            "cycle": read_cycle(cur, code)} | read_priority(cur, profile, catalog, pub.as_of)


def listed_findings(cur, code: str, catalog: dict[str, dict], summary: list[dict], signal: str | None,
                    month: date | None, trang: str | None) -> dict:
    """The unit page's findings: a page of them, filtered by signal and month."""
    paging, findings = findings_page(cur, code, signal, month, trang)
    return {"summary_signals": in_catalog_order((r["signal_code"] for r in summary), catalog),
            "summary_months": sorted({r["period"] for r in summary}, reverse=True),
            "findings_by_signal": {c: sum(r["n"] for r in summary if r["signal_code"] == c)
                                   for c in {r["signal_code"] for r in summary}},
            "findings": findings, "paging": paging}


def printed_findings(cur, code: str, catalog: dict[str, dict], summary: list[dict], window) -> dict:
    """The print view's findings: the window's counted by signal and month, and the newest of each signal."""
    counts = {(r["signal_code"], r["period"]): r["n"] for r in summary if window.first <= r["period"] <= window.last}
    signals = in_catalog_order((s for s, _ in counts), catalog)
    by_signal = [{"code": s, "months": [counts.get((s, m), 0) for m in window.months],
                  "total": sum(n for (c, _), n in counts.items() if c == s)} for s in signals]
    return {"by_signal": by_signal, "month_totals": [sum(counts.get((s, m), 0) for s in signals)
                                                     for m in window.months],
            "window_total": sum(counts.values()),
            "examples": findings_examples(cur, code, window.first, window.last)}


def brief_subject(cur: duckdb.DuckDBPyConnection, code: str) -> dict:
    """The file, and the unit and window of its downloadable brief (the unit page's window); unit None: no such
    unit."""
    pub = publication(cur)
    profile = unit_profile(cur, code)
    if profile is None:
        return {"pub": pub, "unit": None, "window": None}
    unit = Unit(profile["unit_code"], profile["unit_name"], profile["unit_type"], profile["parent_unit_code"],
                profile["parent_name"], profile["valid_from"], profile["valid_to"])
    return {"pub": pub, "unit": unit, "window": report_window(cur, pub.as_of or clock.today(), TREND_MONTHS)}
