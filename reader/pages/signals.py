"""Queries of Chỉ số: the signals with their latest month's shortfalls, and one signal: its months, the spread
across units in a month, the buckets of its histogram, the units that fall short (paged), and — for a ratio
signal — its funnel: every ranked unit's rate pooled over the priority window against its number of cases
(marts.priority_signals), placed against the funnel limits around the threshold (reader.funnel)."""

from __future__ import annotations

import duckdb

from reader.catalog import signal_catalog
from reader.funnel import BELOW_95, BELOW_998, FunnelPoint
from reader.months import add_months, month_start
from reader.paging import Paging
from reader.publication import publication
from reader.sql import has_table, one, rows

FUNNEL_LISTED = 100  # the units below the 99.8 % limit listed under the funnel, the furthest first


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


def read_funnel(cur: duckdb.DuckDBPyConnection, signal: dict, as_of) -> dict | None:
    """The funnel of a ratio signal over the priority window (None for other kinds, or a file without
    marts.priority_signals): each unit's point, the months, how many units lie below each lower limit, and the
    units below the 99.8 % limit, the least likely at the threshold first."""
    if signal["kind"] != "ratio" or signal["threshold"] is None or as_of is None or \
            not has_table(cur, "priority_signals"):
        return None
    points = [FunnelPoint(*row) for row in cur.execute("""
        SELECT s.unit_code, p.unit_name, p.unit_type, s.numerator, s.denominator, s.value, ?
        FROM marts.priority_signals s JOIN marts.inspection_priority p USING (unit_code)
        WHERE s.signal_code = ? AND s.denominator > 0 ORDER BY s.unit_code""",
        [signal["threshold"], signal["signal_code"]]).fetchall()]
    below = sorted((pt for pt in points if pt.zone == BELOW_998), key=lambda pt: (pt.tail, pt.value, pt.unit_code))
    last = month_start(as_of)
    return {"points": points, "threshold": signal["threshold"], "first": add_months(last, -11), "last": last,
            "below_998": below, "listed": below[:FUNNEL_LISTED],
            "below_95": sum(1 for pt in points if pt.zone == BELOW_95)}


def read_signal_list(cur: duckdb.DuckDBPyConnection) -> dict:
    catalog = signal_catalog(cur)
    return {"pub": publication(cur), "signals": list(catalog.values()), "overview": signals_overview(cur)}


def default_month(months: list, as_of) -> object:
    """The latest month that has ended by the as-of date and has data (the current month is still filling up),
    else the latest month with data; None without data."""
    ended = [m for m in months if as_of is None or m < as_of.replace(day=1)]
    return ended[0] if ended else (months[0] if months else None)


def read_signal(cur: duckdb.DuckDBPyConnection, code: str, month, trang: str | None) -> dict:
    """One signal's page: `signal` None when the catalog lacks `code`; `month` the one asked for when it has data,
    else the default one (None: no data at all)."""
    pub = publication(cur)
    signal = signal_catalog(cur).get(code)
    if signal is None:
        return {"pub": pub, "signal": None}
    months = signal_months(cur, code)
    month = month if month in months else default_month(months, pub.as_of)
    context = {"pub": pub, "signal": signal, "months": months, "month": month,
               "funnel": read_funnel(cur, signal, pub.as_of)}
    if month is None:
        return context | {"spread": None, "short": [], "paging": Paging.fit(None, 0)}
    paging, short = signal_short_page(cur, code, month, signal["kind"], trang)
    return context | {"spread": signal_spread(cur, code, month),
                      "buckets": signal_buckets(cur, code, month, signal["kind"]), "paging": paging, "short": short}
