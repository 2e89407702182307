"""`cchc brief --unit X [--out PATH]` or `cchc brief --top N [--out-dir DIR]`: one workbook per unit; and
`write_brief`, the one function the web app's download calls."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import duckdb

from brief.data import read_brief_data
from brief.errors import BriefError
from brief.lookup import UnitDirectory
from brief.workbook import build_workbook
from core.errors import ConfigError
from core.settings import Settings
from reader.file import open_read_only
from reader.model import Unit, Window
from reader.months import report_window
from reader.unit_data import top_unit_codes
from reader.units import read_units


def brief_filename(unit_code: str, as_of: date) -> str:
    return f"bao-cao-kiem-tra-{unit_code}-{as_of.isoformat()}.xlsx"


def _write(con: duckdb.DuckDBPyConnection, unit: Unit, window: Window, path: Path,
           max_findings: int | None = None) -> Path:
    """Write one unit's workbook to `path` (folders created)."""
    data = read_brief_data(con, unit, window, max_findings)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(data).save(path)
    return path


def write_brief(con: duckdb.DuckDBPyConnection, unit: Unit, window: Window, folder: Path,
                max_findings: int | None = None) -> Path:
    """One unit's workbook in `folder`, under the name `cchc brief` gives it; its path (the evidence sheet lists
    at most `max_findings` findings, the newest)."""
    return _write(con, unit, window, folder / brief_filename(unit.code, window.as_of), max_findings)


def run_brief(args: argparse.Namespace) -> int:
    """The command: prints each path written; a refusal is the operator's one line (exit 2)."""
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
    with open_read_only(settings.warehouse) as con:
        window = report_window(con, settings.as_of, args.months)
        directory = UnitDirectory(read_units(con))
        queries = top_unit_codes(con, args.top) if args.top is not None else [args.unit]
        units = [directory.find(query, window.as_of) for query in queries]
        for unit in units:
            print(_write(con, unit, window, Path(args.out)) if args.out else write_brief(con, unit, window, out_dir))
    return 0
