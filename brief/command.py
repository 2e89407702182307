"""`cchc brief --unit X [--out PATH]` or `cchc brief --top N [--out-dir DIR]`: one workbook per unit."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import duckdb

from brief.lookup import UnitDirectory
from brief.pooling import read_pooled
from brief.remediation import read_cycle
from brief.warehouse import (
    BriefData,
    BriefError,
    Unit,
    Window,
    count_findings,
    open_warehouse,
    read_findings,
    read_last_sync,
    read_monthly,
    read_priority,
    read_signals,
    read_simulated,
    read_systems,
    read_units,
    report_window,
    top_unit_codes,
)
from brief.workbook import build_workbook
from core.errors import ConfigError
from core.settings import Settings


def brief_filename(unit_code: str, as_of: date) -> str:
    return f"bao-cao-kiem-tra-{unit_code}-{as_of.isoformat()}.xlsx"


def read_brief_data(con: duckdb.DuckDBPyConnection, unit: Unit, window: Window,
                    max_findings: int | None = None) -> BriefData:
    """Everything the workbook shows for one unit, from the published marts (the evidence sheet: at most
    `max_findings` rows, the newest; the counts are always of all of them)."""
    systems = read_systems(con)
    signals = read_signals(con, systems)
    counts = count_findings(con, unit.code, window)
    return BriefData(unit, window, signals, read_priority(con, unit.code), read_monthly(con, unit.code, window),
                     read_findings(con, unit.code, window, max_findings), read_pooled(con, unit.code, window, signals),
                     read_last_sync(con), systems, read_simulated(con), read_cycle(con, unit.code), counts,
                     sum(counts.values()))


def write_brief(con: duckdb.DuckDBPyConnection, unit: Unit, window: Window, path: Path,
                max_findings: int | None = None) -> Path:
    """Write one unit's workbook to `path` (folders created)."""
    data = read_brief_data(con, unit, window, max_findings)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(data).save(path)
    return path


def run_brief(args: argparse.Namespace) -> int:
    """The command: prints each path written; a `BriefError` is the operator's message (exit 2)."""
    if args.months < 1:
        raise BriefError("--months phải là số nguyên dương")
    if args.top is not None and args.top < 1:
        raise BriefError("--top phải là số nguyên dương")
    if args.top is not None and args.out:
        raise BriefError("--out chỉ dùng với --unit; với --top hãy dùng --out-dir")
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        raise BriefError(str(exc)) from None
    out_dir = Path(args.out_dir) if args.out_dir else Path("briefs")
    with open_warehouse(settings.warehouse) as con:
        window = report_window(con, settings.as_of, args.months)
        directory = UnitDirectory(read_units(con))
        queries = top_unit_codes(con, args.top) if args.top is not None else [args.unit]
        units = [directory.find(query, window.as_of) for query in queries]
        for unit in units:
            path = Path(args.out) if args.out else out_dir / brief_filename(unit.code, window.as_of)
            print(write_brief(con, unit, window, path))
    return 0
