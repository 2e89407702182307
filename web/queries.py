"""The page queries: bound parameters only, each page reading only what it shows (paged where it lists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from brief.warehouse import has_table
from core.timezone import ICT
from web.paging import Paging

STALE_AFTER = timedelta(hours=36)  # the nightly refresh runs every 24 h: a day and a half without one is late


def rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    rel = cur.execute(sql, params or [])
    columns = [d[0] for d in rel.description]
    return [dict(zip(columns, row, strict=True)) for row in rel.fetchall()]


def one(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> dict | None:
    found = rows(cur, sql, params)
    return found[0] if found else None


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


# --- the catalog, the units' search keys -----------------------------------------------------------------------


def signal_catalog(cur: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """code → the catalog row, in the order the pages list them (system, ratio before count before days)."""
    return {r["signal_code"]: r for r in rows(cur, """
        SELECT signal_code, system, kind, name_vi, description_vi, threshold, legal_basis FROM marts.signal_catalog
        ORDER BY system, CASE kind WHEN 'ratio' THEN 0 WHEN 'count' THEN 1 ELSE 2 END, signal_code""")}


_SEARCH_KEYS: dict[tuple, list[tuple[str, str]]] = {}


def unit_search_keys(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(unit_code, toneless key of its name) for every unit of the file; computed once per published file
    (keyed by its build time, as-of date and size of the directory) and kept for the next requests."""
    from models.names import search_key

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
    from models.names import search_key

    toneless = search_key(query) or ""
    typed = query.strip().lower()
    return [code for code, key in unit_search_keys(cur) if (toneless and toneless in key) or (typed and typed in code.lower())]


# --- Ưu tiên kiểm tra ------------------------------------------------------------------------------------------


def conditions(filters: list[tuple[str, object]]) -> tuple[str, list]:
    """A WHERE of the filters that have a value (None: no filter), each with one bound parameter."""
    chosen = [(sql, value) for sql, value in filters if value is not None]
    return " AND ".join([sql for sql, _value in chosen] or ["TRUE"]), [value for _sql, value in chosen]


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


# --- Đơn vị ------------------------------------------------------------------------------------------------------


def unit_profile(cur: duckdb.DuckDBPyConnection, code: str) -> dict | None:
    return one(cur, """
        SELECT u.unit_code, u.unit_name, u.unit_type, u.parent_unit_code, pu.unit_name AS parent_name,
               u.valid_from, u.valid_to, p.rank, p.risk_score, p.signals_evaluated, p.top_reasons,
               (SELECT count(*) FROM marts.inspection_priority) AS ranked
        FROM marts.units u
        LEFT JOIN marts.units pu ON pu.unit_code = u.parent_unit_code
        LEFT JOIN marts.inspection_priority p ON p.unit_code = u.unit_code
        WHERE u.unit_code = ?""", [code])


def unit_children(cur: duckdb.DuckDBPyConnection, code: str, limit: int = 200) -> list[dict]:
    return rows(cur, "SELECT unit_code, unit_name, unit_type, valid_to FROM marts.units WHERE parent_unit_code = ? "
                     "ORDER BY valid_to IS NOT NULL, unit_name LIMIT ?", [code, limit])


def latest_period(cur: duckdb.DuckDBPyConnection):
    return one(cur, "SELECT max(period) AS p FROM marts.unit_signals_monthly")["p"]


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


# --- Chỉ số ------------------------------------------------------------------------------------------------------


def signals_overview(cur: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Per signal: its latest month with data, how many units it covers then and how many fall short."""
    return {r["signal_code"]: r for r in rows(cur, """
        SELECT signal_code, max(period) AS latest,
               count(*) FILTER (WHERE period = latest_of) AS units,
               count(*) FILTER (WHERE period = latest_of AND NOT meets_threshold) AS short
        FROM (SELECT *, max(period) OVER (PARTITION BY signal_code) AS latest_of FROM marts.unit_signals_monthly)
        GROUP BY signal_code""")}


def signal_months(cur: duckdb.DuckDBPyConnection, signal: str) -> list:
    return [p for (p,) in cur.execute("SELECT DISTINCT period FROM marts.unit_signals_monthly WHERE signal_code = ? "
                                      "ORDER BY period DESC", [signal]).fetchall()]


def signal_spread(cur: duckdb.DuckDBPyConnection, signal: str, month) -> dict:
    return one(cur, """
        SELECT count(*) AS units, count(*) FILTER (WHERE meets_threshold) AS met,
               count(*) FILTER (WHERE NOT meets_threshold) AS short,
               min(value) AS min, quantile_cont(value, 0.25) AS q1, median(value) AS median,
               quantile_cont(value, 0.75) AS q3, max(value) AS max,
               sum(numerator) AS numerator, sum(denominator) AS denominator
        FROM marts.unit_signals_monthly WHERE signal_code = ? AND period = ?""", [signal, month])


def signal_buckets(cur: duckdb.DuckDBPyConnection, signal: str, month, kind: str) -> list[dict]:
    """How many units fall in each bucket of value that month: tenths for a ratio, small ranges otherwise."""
    if kind == "ratio":
        found = {r["b"]: r for r in rows(cur, """
            SELECT least(CAST(floor(value * 10) AS INTEGER), 9) AS b, count(*) AS n,
                   bool_and(meets_threshold) AS all_met, bool_or(meets_threshold) AS any_met
            FROM marts.unit_signals_monthly WHERE signal_code = ? AND period = ? GROUP BY b""", [signal, month])}
        labels = [f"{10 * b}–{10 * b + 10} %" for b in range(10)]
    else:
        found = {r["b"]: r for r in rows(cur, """
            SELECT CASE WHEN value <= 0 THEN 0 WHEN value <= 1 THEN 1 WHEN value <= 2 THEN 2 WHEN value <= 3 THEN 3
                        WHEN value <= 5 THEN 4 WHEN value <= 10 THEN 5 WHEN value <= 20 THEN 6 ELSE 7 END AS b,
                   count(*) AS n, bool_and(meets_threshold) AS all_met, bool_or(meets_threshold) AS any_met
            FROM marts.unit_signals_monthly WHERE signal_code = ? AND period = ? GROUP BY b""", [signal, month])}
        labels = ["0", "1", "2", "3", "4–5", "6–10", "11–20", "trên 20"]
    out = []
    for b, label in enumerate(labels):
        r = found.get(b)
        met = None if r is None or r["all_met"] != r["any_met"] else bool(r["all_met"])
        out.append({"label": label, "n": r["n"] if r else 0, "met": met})
    return out


def signal_short_page(cur: duckdb.DuckDBPyConnection, signal: str, month, kind: str,
                      trang: str | None) -> tuple[Paging, list[dict]]:
    """The units that fall short of the signal that month, the furthest first, one page."""
    paging = Paging.fit(trang, one(cur, "SELECT count(*) AS n FROM marts.unit_signals_monthly WHERE signal_code = ? "
                                        "AND period = ? AND NOT meets_threshold", [signal, month])["n"])
    order = "m.value DESC" if kind == "count" else "m.value"
    found = rows(cur, f"""
        SELECT m.unit_code, u.unit_name, u.unit_type, m.numerator, m.denominator, m.value, m.threshold
        FROM marts.unit_signals_monthly m LEFT JOIN marts.units u USING (unit_code)
        WHERE m.signal_code = ? AND m.period = ? AND NOT m.meets_threshold
        ORDER BY {order}, m.unit_code LIMIT ? OFFSET ?""", [signal, month, paging.size, paging.offset])
    return paging, found
