"""`cchc`: the operator's command line."""

from __future__ import annotations

import argparse
import sys

from dotenv import load_dotenv

from core.errors import PipelineError
from simulator import cli as simulator_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cchc", description="Hanoi CCHC inspection data platform (Plan 61/KH-UBND)")
    sub = parser.add_subparsers(dest="command", required=True)
    simulator_cli.register(sub)
    check = sub.add_parser("check-sources", help="start the simulated city and show that all five systems answer")
    simulator_cli.add_world_arguments(check)
    check.set_defaults(func=_check_sources)
    refresh = sub.add_parser("refresh", help="run the whole pipeline once, in process (what the schedule runs)")
    refresh.set_defaults(func=_refresh)
    brief = sub.add_parser("brief", help="write an inspection brief (.xlsx, Vietnamese) from the published warehouse")
    which = brief.add_mutually_exclusive_group(required=True)
    which.add_argument("--unit", help="unit code, or exact unit name (case-insensitive)")
    which.add_argument("--top", type=int, help="one brief for each of the N highest-priority units")
    brief.add_argument("--out", help="workbook path (with --unit; default briefs/bao-cao-kiem-tra-<code>-<date>.xlsx)")
    brief.add_argument("--out-dir", help="folder for the workbooks (default briefs)")
    brief.add_argument("--months", type=int, default=12, help="months of trend and evidence (default 12)")
    brief.set_defaults(func=_brief)
    ui = sub.add_parser("ui", help="the Dagster UI and daemon on this project (schedule, sensors, run queue)")
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=_ui)
    sql = sub.add_parser("sql", help="a read-only SQL shell on the published warehouse")
    sql.add_argument("-c", "--command", default=None, help="run one statement and exit")
    sql.set_defaults(func=_sql)
    return parser


def _brief(args: argparse.Namespace) -> int:
    from cchc.brief import run_brief

    return run_brief(args)


def _ui(args: argparse.Namespace) -> int:
    from cchc.ui import run_ui

    return run_ui(args.host, args.port)


def _sql(args: argparse.Namespace) -> int:
    from cchc.sql_shell import run_sql

    return run_sql(args.command)


def _refresh(args: argparse.Namespace) -> int:
    from pipelines.run import refresh

    return refresh()


def _check_sources(args: argparse.Namespace) -> int:
    from cchc.check_sources import run_check

    return run_check(args)


def main(argv: list[str] | None = None) -> int:
    load_dotenv(".env", override=False)  # variables already set win over the file
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, PipelineError) as exc:
        print(f"cchc: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
