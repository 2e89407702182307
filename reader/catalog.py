"""The signal catalog (`marts.signal_catalog`): each signal's name, kind, threshold and legal basis."""

from __future__ import annotations

import duckdb

from reader.model import KIND_ORDER, Signal
from reader.sql import rows


def read_signals(con: duckdb.DuckDBPyConnection, systems: dict[str, str]) -> list[Signal]:
    """The signal catalog, by system (in declared order), then kind (ratio, count, days), then code."""
    found = con.execute("SELECT signal_code, system, kind, name_vi, description_vi, threshold, legal_basis "
                        "FROM marts.signal_catalog").fetchall()
    signals = [Signal(*row) for row in found]
    order_of = {name: i for i, name in enumerate(systems)}

    def order(s: Signal) -> tuple:
        return (order_of.get(s.system, len(order_of)), s.system,
                KIND_ORDER.index(s.kind) if s.kind in KIND_ORDER else len(KIND_ORDER), s.code)

    return sorted(signals, key=order)


def signal_catalog(cur: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """code → the catalog row, in the order the pages list them (system, ratio before count before days)."""
    return {r["signal_code"]: r for r in rows(cur, """
        SELECT signal_code, system, kind, name_vi, description_vi, threshold, legal_basis FROM marts.signal_catalog
        ORDER BY system, CASE kind WHEN 'ratio' THEN 0 WHEN 'count' THEN 1 ELSE 2 END, signal_code""")}
