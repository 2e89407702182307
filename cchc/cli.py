"""`cchc`: the operator's command line."""

from __future__ import annotations

import argparse
import sys

from dotenv import load_dotenv

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
    except ValueError as exc:
        print(f"cchc: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
