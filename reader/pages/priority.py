"""Queries of Ưu tiên kiểm tra: the ranked units that pass the filters, one page of them, and the filters'
choices."""

from __future__ import annotations

import duckdb

from reader.catalog import signal_catalog
from reader.paging import Paging
from reader.publication import publication
from reader.sql import conditions, one, rows
from reader.units import matching_units


def priority_page(cur: duckdb.DuckDBPyConnection, unit_type: str | None, parent: str | None,
                  codes: list[str] | None, trang: str | None) -> tuple[Paging, list[dict]]:
    """The ranked units that pass the filters (`codes`: only these; None: any), one page, by rank."""
    condition, params = conditions([("p.unit_type = ?", unit_type or None), ("u.parent_unit_code = ?", parent or None),
                                    ("list_contains(?::VARCHAR[], p.unit_code)", codes)])
    total = one(cur, f"SELECT count(*) AS n FROM marts.inspection_priority p "
                     f"LEFT JOIN marts.units u USING (unit_code) WHERE {condition}", params)["n"]
    paging = Paging.fit(trang, total)
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


def read_priority_list(cur: duckdb.DuckDBPyConnection, unit_type: str | None, parent: str | None, q: str,
                       trang: str | None) -> dict:
    """The page: the file, the catalog, the filters' choices, one page of the ranked units that pass them."""
    codes = matching_units(cur, q) if q else None
    paging, found = priority_page(cur, unit_type, parent, codes, trang)
    return {"pub": publication(cur), "catalog": signal_catalog(cur), "filters": priority_filters(cur),
            "units": found, "paging": paging}
