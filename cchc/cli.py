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

from core import failpoints
from core.english import counted
from core.errors import FolderNotWritable, PipelineError
from core.settings import Settings
from sources import SYSTEMS
from web.users import ROLES


class Parser(argparse.ArgumentParser):
    """argparse, with its refusals on one line that names the command and where its arguments are explained
    (argparse prints the usage first, and blames arguments a subcommand does not know on the top command).
    Subcommands' parsers are of the same class."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (`{self.prog} --help` explains the arguments)\n")

    def parse_args(self, args=None, namespace=None):
        parsed, unknown = self.parse_known_args(args, namespace)
        if unknown:
            self._chosen(parsed).error(f"unrecognized arguments: {' '.join(unknown)}")
        return parsed

    def _chosen(self, parsed: argparse.Namespace) -> argparse.ArgumentParser:
        """The parser of the (sub)command the arguments chose, the deepest one."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = action.choices.get(getattr(parsed, action.dest, None))
                if chosen is not None:
                    return chosen._chosen(parsed) if isinstance(chosen, Parser) else chosen
        return self


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="cchc", description="Hanoi CCHC inspection data platform (Plan 61/KH-UBND)")
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--debug", action="store_true", help="show Dagster's event log and the traceback of errors")
    systems = [s.name for s in SYSTEMS]  # the declared systems, in the order a refresh reads them
    sub = parser.add_subparsers(dest="command", required=True, title="commands", metavar="COMMAND",
                                description="`cchc COMMAND --help` tells more of each")
    # Everything after `simulate`, --help included, goes to the simulator's own parser (cchc/simulate.py,
    # loaded only then): with a prefix no argument starts with, this parser takes none of them as its options.
    simulate = sub.add_parser("simulate", add_help=False, prefix_chars="\0",
                              help="run the simulated city (all five systems); `cchc simulate --help` for its "
                                   "commands")
    simulate.add_argument("arguments", nargs=argparse.REMAINDER)
    simulate.set_defaults(func=_simulate)
    check = sub.add_parser("check-sources", help="replaced by `cchc doctor`")
    check.set_defaults(func=_check_sources)
    refresh = sub.add_parser("refresh", help="run the whole pipeline once, in process (what the schedule runs); "
                                             "with no source configured, on the built-in simulated city")
    refresh.add_argument("--reconcile", action="store_true", help="re-read every system over the last "
                         "CCHC_RECONCILE_DAYS (default 35) instead of the nightly lookback, as the weekly_reconcile "
                         "schedule does on Sundays")
    refresh.set_defaults(func=_refresh)
    reset = sub.add_parser("reset", help="start a system over: drop its raw records, cursor and rejects "
                                         "(after its source changed)")
    reset.add_argument("system", choices=[*systems, "all"], metavar="SYSTEM",
                       help=f"the system: {', '.join(systems)}; or all (every system)")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    reset.set_defaults(func=_reset)
    brief = sub.add_parser("brief", help="write an inspection brief (.xlsx, Vietnamese) from the published warehouse")
    which = brief.add_mutually_exclusive_group(required=True)
    which.add_argument("--unit", help="unit code, or unit name (abbreviations and missing tone marks are fine)")
    which.add_argument("--top", type=int, metavar="N", help="one brief for each of the N highest-priority units")
    brief.add_argument("--out", metavar="FILE", help="workbook path (with --unit; default "
                                                     "briefs/bao-cao-kiem-tra-<code>-<date>.xlsx)")
    brief.add_argument("--out-dir", metavar="DIR", help="folder for the workbooks (default briefs)")
    brief.add_argument("--months", type=int, default=12, metavar="N", help="months of trend and evidence "
                                                                           "(default 12)")
    brief.set_defaults(func=_brief)
    draw = sub.add_parser("draw", help="a risk-weighted surprise draw of units to inspect, logged (mode 0600) so "
                                       "that --replay ID repeats it; docs/draw.md")
    what = draw.add_mutually_exclusive_group(required=True)
    what.add_argument("--n", type=int, metavar="N", help="how many units to draw")
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
    ui.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    ui.add_argument("--port", type=int, default=3000, help="the port (default 3000)")
    ui.set_defaults(func=_ui)
    sql = sub.add_parser("sql", help="a read-only SQL shell on the published warehouse")
    sql.add_argument("-c", "--command", default=None, metavar="SQL", help="run one statement and exit")
    sql.set_defaults(func=_sql)
    doctor = sub.add_parser("doctor", help="check what is configured: gateway token and endpoints, source database, "
                                           "warehouse folder, state, Dagster instance (with no source configured, "
                                           "on the built-in simulated city); exits 1 when a check failed")
    doctor.set_defaults(func=_doctor)
    rejects = sub.add_parser("rejects", help="the records the sources sent that failed validation, from the "
                                             "pipeline state (never their content)")
    which_system = rejects.add_mutually_exclusive_group()
    which_system.add_argument("system", nargs="?", choices=systems, metavar="SYSTEM",
                              help=f"one system only: {', '.join(systems)} (the same as --system SYSTEM)")
    which_system.add_argument("--system", dest="system_option", choices=systems, metavar="SYSTEM",
                              help="one system only")
    rejects.add_argument("--since", metavar="DAY", help="last seen on or after this local day (YYYY-MM-DD)")
    rejects.add_argument("--until", metavar="DAY", help="last seen on or before this local day (YYYY-MM-DD)")
    rejects.add_argument("--limit", type=int, metavar="N", help="at most N rows (default 50 on the terminal, all "
                                                                "with --csv)")
    rejects.add_argument("--csv", metavar="FILE", help="write CSV to FILE (- for standard output)")
    rejects.add_argument("--summary", action="store_true", help="count by system and the field each reason names")
    rejects.add_argument("--full", action="store_true", help="each reject with its whole reason (for the inspection "
                                                            "register's, which name file, sheet, row and column)")
    rejects.set_defaults(func=_rejects)
    web = sub.add_parser("web", help="the inspectors' web app (Vietnamese) over the published file")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=8080)
    web.add_argument("--secure-cookies", action="store_true", help="mark cookies Secure (behind HTTPS)")
    web.add_argument("--forwarded-allow-ips", metavar="ADDRESSES", default="",
                     help="the reverse proxies (comma-separated addresses or networks) whose X-Forwarded-For "
                          "names the client; default none: the client is the connection's address")
    web.set_defaults(func=_web)
    users = sub.add_parser("users", help="the web app's accounts: add (password on standard input), remove, list")
    users.add_argument("action", choices=["add", "remove", "list"],
                       help="add LOGIN (the password on standard input, or typed twice at a terminal), "
                            "remove LOGIN, or list the accounts")
    users.add_argument("login", nargs="?", metavar="LOGIN", help="the login (add, remove): 2-40 of a-z 0-9 . _ -")
    users.add_argument("--role", choices=list(ROLES), default="thanh-tra",
                       help="with add: thanh-tra (an inspector: reads every page; the default), thu-ky (the team's "
                            "secretary: also uploads register workbooks), truong-doan (the team lead: also draws "
                            "units and reads the draws' log) or quan-tri (an administrator: keeps the accounts)")
    users.set_defaults(func=_users)
    inspections = sub.add_parser("inspections", help="the inspection register (Excel workbooks in "
                                                     "CCHC_INSPECTIONS_DIR)")
    inspections.add_argument("action", choices=["template"], help="template: write an empty register workbook")
    inspections.add_argument("file", metavar="FILE", help="the workbook to write (.xlsx)")
    inspections.set_defaults(func=_inspections)
    for name, command in sub.choices.items():  # `cchc refresh --debug` as well as `cchc --debug refresh`
        if name != "simulate":  # its arguments are the simulator's
            command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                                 help="show Dagster's event log and the traceback of errors (as `cchc --debug`)")
    return parser


def _web(args: argparse.Namespace) -> int:
    from cchc.web import run_web

    return run_web(args.host, args.port, args.secure_cookies, args.forwarded_allow_ips)


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
    from pipelines.run import checked_settings, refresh

    settings = checked_settings(prefix="cchc")  # before the demo city is generated for nothing
    if settings is None:
        return 2
    show_progress(sys.stderr)
    if settings.sources_configured:
        failpoints.reached("refresh.before_run")
        return refresh(debug=args.debug, reconcile=args.reconcile)
    from cchc.demo import BANNER, demo_label, environment, simulated_city

    print(f"No source is configured: this refresh runs on the built-in simulated city ({demo_label(settings)}). "
          f"Everything it publishes is marked {BANNER}.\nGenerating the city from {settings.sync_start:%d/%m/%Y} "
          "to yesterday ...", flush=True)
    with simulated_city(settings) as city, environment(city.env):
        print(f"Generated {counted(city.records, 'record')} in {city.seconds:.0f} s; syncing them:", flush=True)
        failpoints.reached("refresh.before_run")
        return refresh(debug=args.debug, reconcile=args.reconcile)


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

    args.system = args.system or args.system_option  # `cchc rejects kiemtra` or `cchc rejects --system kiemtra`
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
