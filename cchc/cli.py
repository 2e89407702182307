"""`cchc`: the operator's command line."""

from __future__ import annotations

import argparse
import sys

from dotenv import load_dotenv

from connectors.errors import PipelineError
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
    ui = sub.add_parser("ui", help="the Dagster UI and daemon on this project (schedule, sensors, run queue)")
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=lambda a: __import__("cchc.ui", fromlist=["run_ui"]).run_ui(a.host, a.port))
    sql = sub.add_parser("sql", help="a read-only SQL shell on the published warehouse")
    sql.add_argument("-c", "--command", default=None, help="run one statement and exit")
    sql.set_defaults(func=lambda a: __import__("cchc.sql_shell", fromlist=["run_sql"]).run_sql(a.command))
    return parser


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
