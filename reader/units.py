"""The directory of units (`marts.units`): every unit, and the units whose name a toneless query matches."""

from __future__ import annotations

import duckdb

from models.names import search_key
from reader.model import UnitRow
from reader.sql import has_table, one


def read_units(con: duckdb.DuckDBPyConnection) -> list[UnitRow]:
    """Every unit of the directory (dissolved ones too): code, name, type, parent code, valid from, valid to."""
    return con.execute("SELECT unit_code, unit_name, unit_type, parent_unit_code, valid_from, valid_to "
                       "FROM marts.units ORDER BY unit_code").fetchall()


_SEARCH_KEYS: dict[tuple, list[tuple[str, str]]] = {}


def unit_search_keys(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(unit_code, toneless key of its name) for every unit of the file; computed once per published file
    (keyed by its build time, as-of date and size of the directory) and kept for the next requests."""
    stamp = one(cur, "SELECT (SELECT max(built_at) FROM marts.publication) AS built_at, "
                     "(SELECT max(as_of) FROM marts.publication) AS as_of, count(*) AS n, "
                     "max(unit_code) AS last_code FROM marts.units") if has_table(cur, "publication") else \
        one(cur, "SELECT NULL AS built_at, NULL AS as_of, count(*) AS n, max(unit_code) AS last_code FROM marts.units")
    key = tuple(stamp.values())
    found = _SEARCH_KEYS.get(key)
    if found is None:
        found = [(code, search_key(name) or "") for code, name in
                 cur.execute("SELECT unit_code, unit_name FROM marts.units").fetchall()]
        _SEARCH_KEYS.clear()  # only the newest file's keys are kept
        _SEARCH_KEYS[key] = found
    return found


def matching_units(cur: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    """The codes of the units whose name contains the query, tones, case and spacing aside ("ba dinh" finds
    "Ba Đình"), or whose code contains it."""
    toneless = search_key(query) or ""
    typed = query.strip().lower()
    return [code for code, key in unit_search_keys(cur) if (toneless and toneless in key) or (typed and typed in code.lower())]
