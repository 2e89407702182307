"""`cchc`: the operator's command line.

Commands import what they need when they run, so that `cchc brief` does not load Dagster and no
command but the demo's and `simulate` loads the simulated city.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from importlib import metadata

from dotenv import load_dotenv

from core.errors import FolderNotWritable, PipelineError
from core.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cchc", description="Hanoi CCHC inspection data platform (Plan 61/KH-UBND)")
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--debug", action="store_true", help="show Dagster's event log and the traceback of errors")
    sub = parser.add_subparsers(dest="command", required=True)
    simulate = sub.add_parser("simulate", add_help=False, help="run the simulated city (all five systems); "
                                                               "`cchc simulate --help` for its commands")
    simulate.add_argument("arguments", nargs=argparse.REMAINDER)
    simulate.set_defaults(func=_simulate)
    check = sub.add_parser("check-sources", help="replaced by `cchc doctor`")
    check.set_defaults(func=_check_sources)
    refresh = sub.add_parser("refresh", help="run the whole pipeline once, in process (what the schedule runs); "
                                             "with no source configured, on the built-in simulated city")
    refresh.set_defaults(func=_refresh)
    reset = sub.add_parser("reset", help="start a system over: drop its raw records, cursor and rejects "
                                         "(after its source changed)")
    reset.add_argument("system", help="the system's name (qlvb, baocao, motcua, nhiemvu, donthu, directory), or all")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    reset.set_defaults(func=_reset)
    brief = sub.add_parser("brief", help="write an inspection brief (.xlsx, Vietnamese) from the published warehouse")
    which = brief.add_mutually_exclusive_group(required=True)
    which.add_argument("--unit", help="unit code, or unit name (abbreviations and missing tone marks are fine)")
    which.add_argument("--top", type=int, help="one brief for each of the N highest-priority units")
    brief.add_argument("--out", help="workbook path (with --unit; default briefs/bao-cao-kiem-tra-<code>-<date>.xlsx)")
    brief.add_argument("--out-dir", help="folder for the workbooks (default briefs)")
    brief.add_argument("--months", type=int, default=12, help="months of trend and evidence (default 12)")
    brief.set_defaults(func=_brief)
    draw = sub.add_parser("draw", help="a risk-weighted surprise draw of units to inspect, logged (mode 0600) so "
                                       "that --replay ID repeats it; docs/draw.md")
    what = draw.add_mutually_exclusive_group(required=True)
    what.add_argument("--n", type=int, help="how many units to draw")
    what.add_argument("--replay", metavar="ID", help="repeat a logged draw and show its list")
    what.add_argument("--list", action="store_true", help="the draws logged (without the units drawn)")
    draw.add_argument("--unit-type", action="append", dest="unit_types", metavar="TYPE", help="only this "
                      "directory type (SO, UBND_XA, ...); repeatable")
    draw.add_argument("--seed", type=int, metavar="S", help="the random seed (default: a fresh one, printed and "
                      "logged)")
    draw.add_argument("--recent-months", type=int, default=12, metavar="K", help="leave out units inspected in "
                      "the last K months, unless re-inspection is due (default 12)")
    draw.add_argument("--floor", type=float, default=10.0, metavar="F", help="weight = F + risk score "
                      "(default 10, > 0)")
    draw.set_defaults(func=_draw)
    ui = sub.add_parser("ui", help="the Dagster UI and daemon on this project (schedule, sensors, run queue); "
                                   "with no source configured, on the built-in simulated city")
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=_ui)
    sql = sub.add_parser("sql", help="a read-only SQL shell on the published warehouse")
    sql.add_argument("-c", "--command", default=None, help="run one statement and exit")
    sql.set_defaults(func=_sql)
    doctor = sub.add_parser("doctor", help="check what is configured: gateway token and endpoints, source database, "
                                           "warehouse folder, state, Dagster instance (with no source configured, "
                                           "on the built-in simulated city); exits 1 when a check failed")
    doctor.set_defaults(func=_doctor)
    rejects = sub.add_parser("rejects", help="the records the sources sent that failed validation, from the "
                                             "pipeline state (never their content)")
    rejects.add_argument("--system", help="one system only")
    rejects.add_argument("--since", help="last seen on or after this local day (YYYY-MM-DD)")
    rejects.add_argument("--until", help="last seen on or before this local day (YYYY-MM-DD)")
    rejects.add_argument("--limit", type=int, help="at most N rows (default 50 on the terminal, all with --csv)")
    rejects.add_argument("--csv", metavar="FILE", help="write CSV to FILE (- for standard output)")
    rejects.add_argument("--summary", action="store_true", help="count by system and the field each reason names")
    rejects.add_argument("--full", action="store_true", help="each reject with its whole reason (for the inspection "
                                                            "register's, which name file, sheet, row and column)")
    rejects.set_defaults(func=_rejects)
    web = sub.add_parser("web", help="the inspectors' web app (Vietnamese) over the published file")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=8080)
    web.add_argument("--secure-cookies", action="store_true", help="mark cookies Secure (behind HTTPS)")
    web.set_defaults(func=_web)
    users = sub.add_parser("users", help="the web app's accounts: add (password on standard input), remove, list")
    users.add_argument("action", choices=["add", "remove", "list"])
    users.add_argument("login", nargs="?", help="the login (add, remove)")
    users.add_argument("--role", choices=["thanh-tra", "quan-tri"], default="thanh-tra")
    users.set_defaults(func=_users)
    inspections = sub.add_parser("inspections", help="the inspection register (Excel workbooks in "
                                                     "CCHC_INSPECTIONS_DIR)")
    inspections.add_argument("action", choices=["template"], help="template: write an empty register workbook")
    inspections.add_argument("file", help="the workbook to write (.xlsx)")
    inspections.set_defaults(func=_inspections)
    return parser


def _web(args: argparse.Namespace) -> int:
    from cchc.web import run_web

    return run_web(args.host, args.port, args.secure_cookies)


def _users(args: argparse.Namespace) -> int:
    from cchc.web import run_users

    if args.action != "list" and not args.login:
        raise ValueError(f"cchc users {args.action}: name the login")
    return run_users(args)


def _inspections(args: argparse.Namespace) -> int:
    from cchc.inspections import run_inspections

    return run_inspections(args)


def _simulate(args: argparse.Namespace) -> int:
    from cchc.simulate import run_simulate

    return run_simulate(args.arguments)


def _check_sources(args: argparse.Namespace) -> int:
    print("cchc check-sources is replaced by `cchc doctor`, which checks the configured sources (or, with none "
          "configured, the built-in simulated city); running it now.", file=sys.stderr, flush=True)
    return _doctor(args)


def _refresh(args: argparse.Namespace) -> int:
    from cchc.console import show_progress
    from pipelines.run import refresh

    settings = Settings.from_env()
    show_progress(sys.stderr)
    if settings.sources_configured:
        return refresh(debug=args.debug)
    from cchc.demo import BANNER, demo_label, environment, simulated_city

    print(f"No source is configured: this refresh runs on the built-in simulated city ({demo_label(settings)}). "
          f"Everything it publishes is marked {BANNER}.\nGenerating the city from {settings.sync_start:%d/%m/%Y} "
          "to yesterday ...", flush=True)
    with simulated_city(settings) as city, environment(city.env):
        print(f"Generated {city.records:,} records in {city.seconds:.0f} s; syncing them:", flush=True)
        return refresh(debug=args.debug)


def _reset(args: argparse.Namespace) -> int:
    from cchc.reset import run_reset

    return run_reset(args.system, args.yes)


def _brief(args: argparse.Namespace) -> int:
    from brief import run_brief

    return run_brief(args)


def _draw(args: argparse.Namespace) -> int:
    from cchc.draw import run_draw

    return run_draw(args)


def _ui(args: argparse.Namespace) -> int:
    from cchc.ui import run_ui

    settings = Settings.from_env()
    if settings.sources_configured:
        return run_ui(args.host, args.port)
    from cchc.demo import BANNER, demo_label, simulated_city

    print(f"No source is configured: the UI's runs read the built-in simulated city ({demo_label(settings)}), "
          f"generated now; everything they publish is marked {BANNER}.", flush=True)
    with simulated_city(settings) as city:
        return run_ui(args.host, args.port, extra_env=city.env)


def _sql(args: argparse.Namespace) -> int:
    from cchc.sql_shell import run_sql

    return run_sql(args.command)


def _version() -> str:
    try:
        return f"cchc {metadata.version('cchc-inspect')} (Dagster {metadata.version('dagster')}, " \
               f"DuckDB {metadata.version('duckdb')})"
    except metadata.PackageNotFoundError:
        return "cchc (not installed)"


def _doctor(args: argparse.Namespace) -> int:
    from cchc.doctor import run_doctor

    return run_doctor()


def _rejects(args: argparse.Namespace) -> int:
    from cchc.rejects import run_rejects

    return run_rejects(args)


def main(argv: list[str] | None = None) -> int:
    load_dotenv(".env", override=False)  # variables already set win over the file
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("\ncchc: interrupted; nothing half-done was kept.", file=sys.stderr)
        return 130
    except FolderNotWritable as exc:  # a full disk, a read-only folder: the run failed, as a refresh's does (1)
        if args.debug:
            traceback.print_exc()
        print(f"cchc: {exc}", file=sys.stderr)
        return 1
    except (ValueError, PipelineError) as exc:
        if args.debug:
            traceback.print_exc()
        print(f"cchc: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - one line for the operator; the traceback with --debug
        if args.debug:
            raise
        print(f"cchc: unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
              "(run again with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
