"""Everything the workbook shows for one unit (`BriefData`), read from the published file through `reader`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from core import clock
from reader.catalog import read_signals
from reader.history import history_months, movement, read_contributions, read_standings
from reader.model import MonthlyRow, Pooled, Priority, Signal, Unit, Window
from reader.months import month_start
from reader.pooling import read_pooled
from reader.publication import read_last_sync, read_simulated, read_systems
from reader.reasons import Reason, read_reasons
from reader.register import Cycle, read_cycle
from reader.sql import fetch_one, has_table
from reader.unit_data import count_findings, read_findings, read_monthly, read_priority


@dataclass
class BriefData:
    unit: Unit
    window: Window
    signals: list[Signal]
    priority: Priority | None
    monthly: dict[tuple[date, str], MonthlyRow]
    findings: list[tuple]
    pooled: list[Pooled]
    last_sync: datetime | None
    systems: dict[str, str] = field(default_factory=dict)  # system → Vietnamese title, in declaration order
    simulated: bool = False  # the file holds the demo city's data (DỮ LIỆU MÔ PHỎNG)
    cycle: Cycle | None = None  # the unit's inspections and remediation; None: the file has no register
    evidence_counts: dict[str, int] = field(default_factory=dict)  # findings per signal in the window, all of them
    findings_total: int = 0  # how many findings the window holds (`findings` may list only the newest)
    generated_at: datetime = field(default_factory=lambda: clock.now_local().replace(tzinfo=None, microsecond=0))
    reasons: list[Reason] = field(default_factory=list)  # every ratio signal its score counts (priority_signals)
    movement: str | None = None  # how its score and rank moved since the previous month-end, and why

    @property
    def signal_by_code(self) -> dict[str, Signal]:
        return {s.code: s for s in self.signals}


def read_brief_data(con: duckdb.DuckDBPyConnection, unit: Unit, window: Window,
                    max_findings: int | None = None) -> BriefData:
    """Everything the workbook shows for one unit, from the published marts (the evidence sheet: at most
    `max_findings` rows, the newest; the counts are always of all of them)."""
    systems = read_systems(con)
    signals = read_signals(con, systems)
    counts = count_findings(con, unit.code, window)
    priority = read_priority(con, unit.code)
    return BriefData(unit, window, signals, priority, read_monthly(con, unit.code, window),
                     read_findings(con, unit.code, window, max_findings), read_pooled(con, unit.code, window, signals),
                     read_last_sync(con), systems, read_simulated(con), read_cycle(con, unit.code), counts,
                     sum(counts.values()), reasons=read_reasons(con, [unit.code]).get(unit.code, []),
                     movement=_movement(con, unit.code, {s.code: s.name_vi for s in signals}) if priority else None)


def _movement(con: duckdb.DuckDBPyConnection, code: str, names: dict[str, str]) -> str | None:
    """The unit page's sentence of how the unit's ranking moved since the previous month-end (reader.history)."""
    months = history_months(con)
    as_of = fetch_one(con, "SELECT max(as_of) FROM marts.publication")[0] if has_table(con, "publication") else None
    if not months or as_of is None:
        return None
    standings = read_standings(con, code, month_start(as_of))
    now = next((s for s in standings if s.current), None)
    before = next((s for s in standings if not s.current and s.month == months[-1]), None)
    return movement(months[-1], before, now, read_contributions(con, code, months[-1]),
                    read_contributions(con, code, None), names)
