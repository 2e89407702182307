"""Queries of Ưu tiên kiểm tra: the ranked units that pass the filters, one page of them with their reasons (and
the numbers behind them), their last inspection and whether re-inspection is due, and the filters' choices."""

from __future__ import annotations

import duckdb

from reader.catalog import signal_catalog
from reader.paging import Paging
from reader.publication import publication
from reader.reasons import FEW_CASES, explain, read_reasons
from reader.register import RECENT_MONTHS, last_inspections, recency
from reader.sql import conditions, one, rows
from reader.units import matching_units

HIDE_CHOICES = (3, 6, RECENT_MONTHS, 24)
"""The choices of the filter that hides the units inspected in the last K months (K = 12 is the draw's)."""


def _where(unit_type: str | None, parent: str | None, codes: list[str] | None,
           hidden: list[str] | None) -> tuple[str, list]:
    return conditions([("p.unit_type = ?", unit_type or None), ("u.parent_unit_code = ?", parent or None),
                       ("list_contains(?::VARCHAR[], p.unit_code)", codes),
                       ("NOT list_contains(?::VARCHAR[], p.unit_code)", hidden)])


def count_ranked(cur: duckdb.DuckDBPyConnection, unit_type: str | None, parent: str | None,
                 codes: list[str] | None, hidden: list[str] | None = None) -> int:
    condition, params = _where(unit_type, parent, codes, hidden)
    return one(cur, f"SELECT count(*) AS n FROM marts.inspection_priority p "
                    f"LEFT JOIN marts.units u USING (unit_code) WHERE {condition}", params)["n"]


def priority_page(cur: duckdb.DuckDBPyConnection, unit_type: str | None, parent: str | None,
                  codes: list[str] | None, trang: str | None,
                  hidden: list[str] | None = None) -> tuple[Paging, list[dict]]:
    """The ranked units that pass the filters (`codes`: only these, None: any; `hidden`: not these), one page,
    by rank."""
    condition, params = _where(unit_type, parent, codes, hidden)
    paging = Paging.fit(trang, count_ranked(cur, unit_type, parent, codes, hidden))
    found = rows(cur, f"""
        SELECT p.rank, p.unit_code, p.unit_name, p.unit_type, p.risk_score, p.signals_evaluated, p.top_reasons,
               u.parent_unit_code, pu.unit_name AS parent_name
        FROM marts.inspection_priority p
        LEFT JOIN marts.units u USING (unit_code)
        LEFT JOIN marts.units pu ON pu.unit_code = u.parent_unit_code
        WHERE {condition} ORDER BY p.rank, p.unit_code LIMIT ? OFFSET ?""", [*params, paging.size, paging.offset])
    return paging, found


def priority_filters(cur: duckdb.DuckDBPyConnection) -> dict:
    """The choices of the filters: the types and the parents of the ranked units."""
    return {"types": [r["unit_type"] for r in rows(cur, "SELECT DISTINCT unit_type FROM marts.inspection_priority "
                                                         "ORDER BY unit_type")],
            "parents": rows(cur, """
                SELECT u.parent_unit_code AS code, any_value(pu.unit_name) AS name, count(*) AS units
                FROM marts.inspection_priority p JOIN marts.units u USING (unit_code)
                LEFT JOIN marts.units pu ON pu.unit_code = u.parent_unit_code
                WHERE u.parent_unit_code IS NOT NULL GROUP BY u.parent_unit_code ORDER BY name, code""")}


def annotate(cur: duckdb.DuckDBPyConnection, units: list[dict], as_of, months: int) -> list[dict]:
    """Each ranked unit with what the list shows of it: its reasons with their numbers (`explanation`), its last
    inspection (`last`), whether that was in the last `months` months (`recent`), and why re-inspection is due
    (`due`, None when it is not)."""
    codes = [u["unit_code"] for u in units]
    reasons = read_reasons(cur, codes)
    last = last_inspections(cur, as_of, codes) if as_of else {}
    rule = recency(cur, as_of, months) if as_of else None
    return [u | {"explanation": explain(reasons.get(u["unit_code"], []), list(u["top_reasons"] or [])),
                 "last": last.get(u["unit_code"]),
                 "recent": rule is not None and u["unit_code"] in rule.recent,
                 "due": rule.due.get(u["unit_code"]) if rule else None} for u in units]


def read_priority_list(cur: duckdb.DuckDBPyConnection, unit_type: str | None, parent: str | None, q: str,
                       trang: str | None, hide_months: int | None = None) -> dict:
    """The page: the file, the catalog, the filters' choices, one page of the ranked units that pass them —
    without the units inspected in the last `hide_months` months whose re-inspection is not due (the draw's rule,
    reader.register), when asked."""
    pub = publication(cur)
    codes = matching_units(cur, q) if q else None
    months = hide_months or RECENT_MONTHS
    hidden = recency(cur, pub.as_of, months).left_out_codes if hide_months and pub.as_of else None
    paging, found = priority_page(cur, unit_type, parent, codes, trang, hidden)
    hidden_here = count_ranked(cur, unit_type, parent, codes) - paging.total if hidden else 0
    return {"pub": pub, "catalog": signal_catalog(cur), "filters": priority_filters(cur),
            "units": annotate(cur, found, pub.as_of, months), "paging": paging, "hidden": hidden_here,
            "recent_months": months, "hide_choices": HIDE_CHOICES, "few_cases": FEW_CASES}
