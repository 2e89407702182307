"""`cchc doctor`: check what is configured, one line per check, before a night depends on it.

What it checks, all derived from the declarations (`sources.SYSTEMS`), never naming a system:

1. the configuration loads (all four source variables set, or none: the demo);
2. the gateway gives a token for the client credentials;
3. every gateway endpoint answers its first page (small page, the last days), with the total it promises;
4. every source database opens read-only, with each declared table and the columns its model reads;
5. the warehouse folder is writable and has room; the published file and the state file, if any;
   the working-day calendar: which years are announced, and whether next year's are, from 1 December;
6. the Dagster instance (`DAGSTER_HOME` or the project's `dagster_home/`) loads, with its runs.

With no source configured it starts the built-in simulated city (a short one: the last two weeks) and
checks that instead, saying so first. Every check runs in its own thread with a deadline, so a dead
gateway or a database that never answers costs seconds, not minutes; calls are tried once. Nothing
printed holds a secret: messages come from the pipeline's own errors (which never carry one), URLs
are shown without credentials, and every line is scrubbed of the configured secrets besides.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

import duckdb
import holidays
from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import Connection, make_url

from cchc.rejects import LOCKED, Unreadable, reading_state
from connectors.database import DatabaseReader, selected_columns
from connectors.http import GatewayClient, GatewayResponse
from connectors.paging import Endpoint, endpoint_of, iter_pages
from connectors.workbooks import WorkbookFolder
from core import clock
from core.english import counted
from core.errors import AuthError, ConfigError, PipelineError, SourceError
from core.settings import Settings, database_display, gateway_display
from core.timezone import ICT
from core.workdays import ANNOUNCED_YEARS, CalendarFileError, load_calendar
from core.workdays import VARIABLE as CALENDAR_VARIABLE
from models import validate_record
from pipelines.instance import PROJECT
from sources import SYSTEMS, Database, GatewayEndpoint, System, Workbooks
from storage.migrations import SCHEMA_VERSION

MARKS = {"ok": "✓", "warn": "!", "fail": "✗", "skip": "–"}
LOCAL = "Asia/Ho_Chi_Minh"
DEMO_DAYS = 14  # the simulated city doctor starts when no source is configured: its last two weeks


@dataclass(frozen=True)
class Limits:
    """How long each check may take, and how much it asks for."""

    connect: float = 3.0  # seconds to open an HTTP connection
    read: float = 10.0  # seconds to wait for an HTTP answer
    token: float = 8.0  # the token check, all told
    page: float = 15.0  # each endpoint's first page, all told (they run side by side)
    database: float = 15.0
    db_connect: int = 5
    files: float = 10.0
    dagster: float = 25.0
    window_days: int = 7  # the first page asks for records updated in the last days
    page_size: int = 20
    low_space: int = 2 * 1024**3  # warn under this much free space in the warehouse folder


@dataclass(frozen=True)
class Line:
    status: str  # ok, warn, fail, skip
    what: str
    detail: str
    todo: str = ""


# --- running the checks ------------------------------------------------------------------------

class _Job:
    """A check in a daemon thread with a deadline: a hung socket cannot keep doctor waiting past it."""

    def __init__(self, what: str, timeout: float, check: Callable[[], Iterable[Line]], todo: str):
        self.what, self.timeout, self.todo = what, timeout, todo
        self._check = check
        self._lines: list[Line] = []
        self._deadline = time.monotonic() + timeout
        self._thread = threading.Thread(target=self._run, name=f"doctor: {what}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._lines = list(self._check())
        except Exception as exc:  # noqa: BLE001 - every failure is a ✗ line, never a traceback
            self._lines = [failed(self.what, exc, self.todo)]

    def lines(self) -> list[Line]:
        self._thread.join(max(0.0, self._deadline - time.monotonic()))
        if self._thread.is_alive():
            return [Line("fail", self.what, f"no answer within {self.timeout:g} s", self.todo)]
        return self._lines


def failed(what: str, exc: BaseException, todo: str = "") -> Line:
    """A ✗ line from an exception: the pipeline's one-line errors as they are, anything else by its type."""
    if isinstance(exc, AuthError):
        return Line("fail", what, "credentials refused (invalid_client)", _hint(exc))
    if isinstance(exc, PipelineError):
        problem = str(exc)
        hint = _hint(exc)
        if hint and (cut := problem.find(". " + hint[:40])) >= 0:
            problem = problem[:cut]
        if isinstance(exc, SourceError):
            problem = problem.removeprefix(f"{exc.system} {exc.path}: " if exc.path else f"{exc.system}: ")
            problem = re.sub(r"^no good answer after 1 attempts \(last: (.*)\)$", r"\1", problem)
        if isinstance(exc, ConfigError):
            problem = problem.removeprefix("configuration ")
        return Line("fail", what, problem, hint or todo)
    if isinstance(exc, OSError) and exc.strerror:
        return Line("fail", what, f"{type(exc).__name__}: {exc.strerror}", todo)
    first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return Line("fail", what, f"{type(exc).__name__}{': ' + first if first else ''}", todo)


def _hint(exc: PipelineError) -> str:
    hint = exc.hint.strip().rstrip(".")
    return hint[:1].upper() + hint[1:]


class Report:
    """Prints lines as they come, aligned, scrubbed of secrets; counts them for the closing line."""

    def __init__(self, out, secrets: Iterable[str] = ()):
        self.out = out
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)
        self.width = max(len(w) for w in _labels())
        self.counts = {status: 0 for status in MARKS}

    def add_secrets(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted({*self.secrets, *(s for s in secrets if s and len(s) >= 4)}, key=len, reverse=True)

    def say(self, message: str) -> None:
        print(self.scrub(message), file=self.out, flush=True)

    def emit(self, lines: Iterable[Line]) -> None:
        for line in lines:
            self.counts[line.status] += 1
            todo = f" → {line.todo}" if line.todo and line.status in ("fail", "warn") else ""
            self.say(f"{MARKS[line.status]} {line.what:<{self.width}}  {line.detail}{todo}")

    def scrub(self, message: str) -> str:
        for secret in self.secrets:
            message = message.replace(secret, "********")
        return message

    @property
    def failed(self) -> bool:
        return self.counts["fail"] > 0


def _labels() -> list[str]:
    fixed = ["configuration", "gateway token", "warehouse folder", "published file", "pipeline state",
             "source identity", "dagster instance"]
    return fixed + [_what(s) for s in SYSTEMS]


def _what(system: System) -> str:
    return f"{system.name} database" if isinstance(system.access, Database) else system.name


def _secrets(settings: Settings | None) -> list[str]:
    found = [os.environ.get("DAGSTER_PG_PASSWORD", "")]
    if settings is None or not settings.sources_configured:
        return found
    found.append(settings.client_secret.reveal() if settings.client_secret else "")
    if settings.donthu_db_url is not None:
        url = settings.donthu_db_url.reveal()
        if database_display(url) != url:  # the URL holds a password or a query string: never shown whole
            found.append(url)
        try:
            found.append(make_url(url).password or "")
        except Exception:  # noqa: BLE001 - an unparseable URL is never shown anyway
            pass
    return found


def run_doctor(out=None, limits: Limits | None = None, today: date | None = None) -> int:
    """The `cchc doctor` command: 0 when every check passed (warnings allowed), 1 when one failed. `today`
    (local; None: the clock's) is the date the calendar check judges by."""
    out = out or sys.stdout
    logging.getLogger("cchc").addHandler(logging.NullHandler())  # each check's line says it; no stray log lines
    limits = limits or Limits()
    began = time.monotonic()
    report = Report(out, _secrets(None))
    try:
        settings = Settings.from_env()
    except PipelineError as exc:
        report.say("cchc doctor: the configuration does not load; only the Dagster instance can be checked.")
        report.emit([failed("configuration", exc)])
        report.emit([Line("skip", what, "not checked: the configuration must load first")
                     for what in ["calendar", "gateway token", *(_what(s) for s in SYSTEMS), "warehouse folder",
                                  "published file", "pipeline state", "source identity"]])
        report.emit(_Job("dagster instance", limits.dagster, check_dagster, DAGSTER_TODO).lines())
        return _close(report, began)
    if settings.sources_configured:
        report.add_secrets(_secrets(settings))
        report.say(f"cchc doctor: checking the configured sources (gateway {gateway_display(settings.lgsp_url)}, "
                   f"database {database_display(settings.donthu_db_url.reveal())}).")
        check_everything(settings, report, limits, configured=True, today=today)
        return _close(report, began)
    return _doctor_demo(settings, report, limits, began, today)


def _doctor_demo(settings: Settings, report: Report, limits: Limits, began: float, today: date | None) -> int:
    from cchc.demo import demo_label, environment, simulated_city

    yesterday = clock.today() - timedelta(days=1)
    start = min(max(settings.sync_start, yesterday - timedelta(days=DEMO_DAYS - 1)), yesterday)
    report.say(f"No source is configured: doctor checks the built-in simulated city instead ({demo_label(settings)}, "
               f"its last {DEMO_DAYS} days, generated now). Set the four source variables to check the real systems.")
    with ExitStack() as stack:
        try:
            city = stack.enter_context(simulated_city(dataclasses.replace(settings, sync_start=start)))
        except PipelineError as exc:  # e.g. CCHC_SIM_FAULTS that is not a fault list
            report.emit([failed("configuration", exc)])
            return _close(report, began)
        stack.enter_context(environment(city.env))
        demo = Settings.from_env()
        report.add_secrets(_secrets(demo))
        check_everything(demo, report, limits, configured=False, today=today)
    return _close(report, began)


def _close(report: Report, began: float) -> int:
    counts = report.counts
    checked = counts["ok"] + counts["warn"] + counts["fail"]
    took = f"{time.monotonic() - began:.1f} s"
    if report.failed:
        skipped = f", {counts['skip']} not run" if counts["skip"] else ""
        report.say(f"\n{counts['fail']} of {counted(checked, 'check')} failed{skipped} ({took}): fix the ✗ lines, "
                   "then run `cchc doctor` again.")
        return 1
    warned = f", {counts['warn']} with a warning" if counts["warn"] else ""
    report.say(f"\nAll {checked} checks passed{warned} ({took}).")
    return 0


def check_everything(settings: Settings, report: Report, limits: Limits, configured: bool,
                     today: date | None = None) -> None:
    """Every check but the configuration's own: they run side by side, lines print in a fixed order."""
    report.emit([configuration_line(settings, configured)])
    emit_calendar(report, settings, today or clock.today())
    gateway = [s for s in SYSTEMS if isinstance(s.access, GatewayEndpoint)]
    databases = [_Job(_what(s), limits.database, partial(check_database, s, settings, limits), DATABASE_TODO)
                 for s in SYSTEMS if isinstance(s.access, Database)]
    registers = [_Job(_what(s), limits.files, partial(check_workbooks, s, settings), WORKBOOKS_TODO)
                 for s in SYSTEMS if isinstance(s.access, Workbooks)]
    files = [_Job("warehouse folder", limits.files, partial(check_warehouse_folder, settings, limits), FOLDER_TODO),
             _Job("published file", limits.files, partial(check_published, settings), ""),
             _Job("pipeline state", limits.files, partial(check_state, settings), STATE_TODO)]
    dagster_job = _Job("dagster instance", limits.dagster, check_dagster, DAGSTER_TODO)
    if gateway:
        with GatewayClient(settings.lgsp_url, settings.client_id, settings.client_secret, max_attempts=1,
                           timeout=(limits.connect, limits.read),
                           max_concurrency=settings.lgsp_max_concurrency) as client:
            token = _Job("gateway token", limits.token, partial(check_token, client, settings), TOKEN_TODO).lines()
            report.emit(token)
            if all(line.status == "ok" for line in token):
                now = clock.now_local().replace(microsecond=0)
                pages = [_Job(_what(s), limits.page, partial(check_first_page, client, s, limits, now), PAGE_TODO)
                         for s in gateway]
                for job in pages:
                    report.emit(job.lines())
            else:
                report.emit([Line("skip", _what(s), f"GET {s.access.path}: not asked (no token)") for s in gateway])
    for job in [*databases, *registers, *files, dagster_job]:
        report.emit(job.lines())


# --- the inspection register's workbooks ------------------------------------------------------

WORKBOOKS_TODO = "Point CCHC_INSPECTIONS_DIR at the folder of the register's .xlsx workbooks"


def check_workbooks(system: System, settings: Settings) -> list[Line]:
    variable = system.access.dir_variable
    if settings.inspections_dir is None:
        return [Line("ok", _what(system), f"{variable} is not set: no inspection register is read (optional)")]
    files = WorkbookFolder(system, settings.inspections_dir).files()  # a missing folder raises a SourceError
    if not files:
        return [Line("warn", _what(system), f"{settings.inspections_dir}: no .xlsx workbook; the register is empty",
                     "Put the register's workbooks there (`cchc inspections template FILE.xlsx` writes an empty one)")]
    return [Line("ok", _what(system), f"{settings.inspections_dir}: {counted(len(files), 'workbook')}: "
                                      + ", ".join(f.name for f in files[:5]) + (" …" if len(files) > 5 else ""))]


# --- 1. the configuration ----------------------------------------------------------------------

def configuration_line(settings: Settings, configured: bool) -> Line:
    where = f"warehouse {settings.warehouse}, first sync from {settings.sync_start}, lookback " \
            f"{counted(settings.lookback_days, 'day')}"
    if configured:
        return Line("ok", "configuration", f"all four source variables are set; {where}")
    return Line("ok", "configuration", f"no source variable is set: the simulated city ({settings.simulated_city}) "
                                       f"stands in for all four; {where}")


# --- the working-day calendar -----------------------------------------------------------------

CALENDAR_FIX = ("Correct the file (CSV with the header date,kind,note; kind nghi = a weekday off, lam_bu = a "
                "working Saturday)")


def emit_calendar(report: Report, settings: Settings, today: date) -> None:
    """The calendar's line, and under a ✗ one line per bad row of the file (one check, however many rows)."""
    line, problems = check_calendar(settings, today)
    report.emit([line])
    for problem in problems:
        report.say(f"    {problem}")


def check_calendar(settings: Settings, today: date) -> tuple[Line, list[str]]:
    """The years whose announced days off and working Saturdays are known (the built-in table, the operator's
    file); a warning when this year's are not, or, from 1 December, next year's. A bad file: a ✗, and its
    problems, one per bad row."""
    try:
        calendar = load_calendar(settings.calendar_file)
    except CalendarFileError as exc:
        count = len(exc.problems)
        return Line("fail", "calendar", f"{exc.path}: {count} problem{'s' if count != 1 else ''}, each below; a "
                                        "refresh refuses the file whole", CALENDAR_FIX), list(exc.problems)
    file_years = sorted({d.day.year for d in calendar.file_days})
    parts = [f"announced days of {_years(list(ANNOUNCED_YEARS))} built in"]
    if settings.calendar_file is None:
        parts.append(f"{CALENDAR_VARIABLE} not set")
    else:
        days = len(calendar.file_days)
        parts.append(f"{settings.calendar_file}: {days} day{'s' if days != 1 else ''}"
                     + (f" for {_years(file_years)}" if file_years else ""))
    parts.append(f"other years by the rules (holidays {holidays.__version__}, lunar holidays included)")
    detail = "; ".join(parts)
    announced = calendar.announced_years()
    missing = [year for year in (today.year, today.year + 1 if today.month == 12 else None)
               if year is not None and year not in announced]
    if not missing:
        return Line("ok", "calendar", detail), []
    where = f"add them to {settings.calendar_file}" if settings.calendar_file else \
        f"write them to a CSV file (date,kind,note) and set {CALENDAR_VARIABLE} to it"
    said = " and ".join(str(year) for year in missing)
    return Line("warn", "calendar", f"{detail}; {said}'s announced days are not in the calendar yet, so deadlines "
                                    f"in {said} are counted by the rules alone",
                f"When the Government announces {said}'s days off and working Saturdays, {where}"), []


def _years(years: list[int]) -> str:
    """2023–2026, 2028: runs of consecutive years."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


# --- 2. and 3. the gateway ---------------------------------------------------------------------

TOKEN_TODO = "Check CCHC_LGSP_URL and the network; if they are right, the gateway's token endpoint is down"
PAGE_TODO = "The gateway did not answer in time: check the network; run again later, then contact the LGSP operator"


def check_token(client: GatewayClient, settings: Settings) -> list[Line]:
    client.fetch_token()  # POST /token with the credentials, retried and reported like any call
    return [Line("ok", "gateway token", f"POST {gateway_display(settings.lgsp_url)}/token: the client credentials "
                                        "were accepted")]


class _FirstAnswer:
    """The client as the paging engine uses it, keeping the first answer (it holds the promised total)."""

    def __init__(self, client: GatewayClient):
        self._client = client
        self.first: GatewayResponse | None = None

    def get(self, system, path, params=None, *, check=None) -> GatewayResponse:
        response = self._client.get(system, path, params, check=check)
        if self.first is None:
            self.first = response
        return response

    def get_url(self, system, url, *, check=None) -> GatewayResponse:
        return self._client.get_url(system, url, check=check)

    def owns(self, url: str) -> bool:
        return self._client.owns(url)


def check_first_page(client: GatewayClient, system: System, limits: Limits, now: datetime) -> list[Line]:
    """The endpoint's first page, walked by its declared paging, for records updated in the last days."""
    endpoint = endpoint_of(system)
    size = min(limits.page_size, endpoint.max_page_size) if endpoint.max_page_size else None
    since = now - timedelta(days=limits.window_days)
    recorder = _FirstAnswer(client)
    pages = iter_pages(recorder, endpoint, since, now, page_size=size, workers=1)  # page 1 only: nothing ahead
    try:
        records = next(pages, [])
    finally:
        pages.close()
    (raw,) = system.tables
    valid = sum(1 for record in records if validate_record(raw.model, record)[1] is None)
    asked = f"GET {endpoint.path}" + (f" ({size} a page, updated since {since:%Y-%m-%d %H:%M})" if size else "")
    found = f"{counted(len(records), 'record')} on the first page, {valid:,} valid" if size else \
        f"{counted(len(records), 'record')} in one answer, {valid:,} valid"
    detail = f"{asked}: {found}{_promise(endpoint, recorder.first)}"
    if records and not valid:
        return [Line("warn", system.name, detail, "No record of the page fits the record model: a contract change? "
                                                  "Compare a page with docs/source-contracts.md")]
    return [Line("ok", system.name, detail)]


def _promise(endpoint: Endpoint, first: GatewayResponse | None) -> str:
    """What the first answer promises beyond its page: a total, or whether more pages follow."""
    if first is None:
        return ""
    body = first.json()
    if endpoint.paging == "offset" and isinstance(body, dict) and isinstance(body.get(endpoint.total_key), int):
        return f"; {counted(body[endpoint.total_key], 'record')} in the window ({endpoint.total_key})"
    if endpoint.paging == "link" and endpoint.total_header:
        total = (first.headers.get(endpoint.total_header) or "").strip()
        return f"; {counted(int(total), 'record')} since then ({endpoint.total_header})" if total.isdigit() else ""
    if endpoint.paging == "cursor" and isinstance(body, dict):
        return "; more pages follow" if body.get(endpoint.next_cursor_key) else "; no more pages"
    return ""


# --- 4. the source databases -------------------------------------------------------------------

DATABASE_TODO = "Check CCHC_DONTHU_DB_URL, the network and the read-only account"
SCHEMA_TODO = ("The database differs from the contract (docs/source-contracts.md): check that {variable} names the right "
               "database, or ask its administrator")


def check_database(system: System, settings: Settings, limits: Limits) -> list[Line]:
    """Connect read-only, find each declared table with the columns its model reads, count rows cheaply."""
    where = database_display(settings.donthu_db_url.reveal())
    problems, found = [], []
    with DatabaseReader(system, settings.donthu_db_url, connect_timeout=limits.db_connect) as reader:
        # the reader's own read-only transaction; a failure to connect becomes its one-line error
        with reader.reading(system.tables[0].source_table) as conn:
            inspector = inspect(conn)
            for raw in system.tables:
                name = raw.source_table
                if not inspector.has_table(name):
                    problems.append(f"table {name} is missing")
                    continue
                present = {c["name"].lower() for c in inspector.get_columns(name)}
                missing = [c for c in selected_columns(raw) if c.lower() not in present]
                if missing:
                    problems.append(f"table {name} lacks {'column' if len(missing) == 1 else 'columns'} "
                                    f"{', '.join(missing)}")
                    continue
                found.append(f"{name} {_rows(conn, name)}")
    if problems:
        return [Line("fail", _what(system), f"{where}: {'; '.join(problems)}",
                     SCHEMA_TODO.format(variable=system.access.url_variable))]
    return [Line("ok", _what(system), f"{where} (read-only): {', '.join(found)}; every column the models read is "
                                      "there")]


def _rows(conn: Connection, name: str) -> str:
    """A row count where it is cheap: SQLite counts, PostgreSQL estimates; other databases are not asked."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        return counted(conn.execute(select(func.count()).select_from(table(name))).scalar_one(), "row")
    if dialect == "postgresql":
        estimate = conn.execute(text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:name)"),
                                {"name": name}).scalar()
        if estimate is None or estimate < 0:
            return "(not analysed yet)"
        return f"about {counted(estimate, 'row')}"
    return "present"


# --- 5. the warehouse folder, the published file, the state ------------------------------------

FOLDER_TODO = "Set CCHC_WAREHOUSE to a file in a folder the account running cchc may write"
STATE_TODO = "The state could not be read: run `cchc doctor` again when no refresh runs"


def check_warehouse_folder(settings: Settings, limits: Limits) -> list[Line]:
    """The folder exists or can be created, a file can be created and deleted there, and it has room."""
    what = "warehouse folder"
    folder = settings.warehouse.absolute().parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        problem = f"{folder} is not a folder" if existing == folder else \
            f"{folder} cannot be created: {existing} is a file"
        return [Line("fail", what, problem, FOLDER_TODO)]
    try:
        handle, probe = tempfile.mkstemp(prefix=".cchc-doctor-", dir=existing)
        try:
            os.write(handle, b"cchc doctor\n")
        finally:
            os.close(handle)
            os.unlink(probe)
    except OSError as exc:
        return [Line("fail", what, f"{existing} is not writable ({exc.strerror or type(exc).__name__})",
                     "Give the account running cchc write access there, or set CCHC_WAREHOUSE to another folder")]
    free = shutil.disk_usage(existing).free
    state = f"{folder}: exists" if existing == folder else \
        f"{folder}: does not exist yet, the first refresh creates it in {existing}"
    detail = f"{state}; writable (a file was created and deleted); {_size(free)} free"
    if free < limits.low_space:
        return [Line("warn", what, detail, f"Less than {_size(limits.low_space)} free: a refresh needs room for the "
                                           "state, a new published file and DuckDB's temporary files")]
    return [Line("ok", what, detail)]


def check_published(settings: Settings) -> list[Line]:
    """The published file inspectors open: there or not yet, when it was built, real or simulated data."""
    what, path = "published file", settings.warehouse
    if not path.exists():
        return [Line("ok", what, f"{path}: not published yet; the first successful refresh publishes it")]
    size = _size(path.stat().st_size)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        return [Line("fail", what, f"{path} ({size}) cannot be opened ({_first_line(exc)})",
                     "Restore it from a backup, or move it away: the next successful refresh publishes a new one")]
    with con:
        try:
            kind, simulated, built, as_of = con.execute(
                "SELECT data_kind, simulated, built_at, as_of FROM marts.publication").fetchone()
        except (duckdb.Error, TypeError):
            return [Line("warn", what, f"{path} ({size}): opens, but holds no marts.publication row",
                         "It was not written by `cchc refresh`: the next successful refresh replaces it")]
    detail = f"{path}: {size}, built {built:%Y-%m-%d %H:%M} for {as_of}, {kind}"
    if simulated and not settings.simulated_city:
        return [Line("warn", what, detail, "It holds the demo's simulated data: the next successful refresh on the "
                                           "configured sources replaces it")]
    return [Line("ok", what, detail)]


def check_state(settings: Settings) -> list[Line]:
    """The pipeline's state file, read-only: its layout version, what it holds, and where it came from."""
    path = settings.state_path
    if not path.exists():
        return [Line("ok", "pipeline state", f"{path}: none yet; the first refresh creates it"),
                Line("ok", "source identity", "nothing synced yet: the first refresh records where each system "
                                              "is read from")]
    try:
        with reading_state(path) as con:
            return _read_state(settings, path, con)
    except Unreadable as exc:
        if str(exc) == LOCKED:
            return [Line("ok", "pipeline state", f"{path}: a refresh is running (it holds the file for writing); "
                                                 "not read now")]
        return [Line("fail", "pipeline state", str(exc), STATE_TODO)]


def _read_state(settings: Settings, path: Path, con: duckdb.DuckDBPyConnection) -> list[Line]:
    tables = {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'meta'").fetchall()}
    if "sync_state" not in tables:
        return [Line("fail", "pipeline state", f"{path}: opens, but holds no meta.sync_state",
                     "It is not a cchc state file: check CCHC_WAREHOUSE, or move the file away")]
    layout = con.execute("SELECT max(version) FROM meta.schema_version").fetchall()[0][0] \
        if "schema_version" in tables else 1
    columns = {name for (name,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'meta' AND table_name = 'sync_state'").fetchall()}
    identity = "source_identity" if "source_identity" in columns else "NULL"  # the first layout kept none
    synced = con.execute(f"SELECT system, {identity}, timezone('{LOCAL}', last_success_at) "
                         "FROM meta.sync_state").fetchall()
    rejects = con.execute("SELECT count(*) FROM meta.rejects").fetchall()[0][0] if "rejects" in tables else 0
    size = _size(path.stat().st_size)
    last = max((at for _s, _i, at in synced if at is not None), default=None)
    held = f"{counted(len(synced), 'system')} synced" + (f", the last at {last:%Y-%m-%d %H:%M}" if last else "")
    held += f"; {counted(rejects, 'rejected record')} (`cchc rejects`)"
    if layout > SCHEMA_VERSION:
        state = Line("fail", "pipeline state", f"{path}: layout {layout}, written by a newer cchc (this one knows up "
                                               f"to {SCHEMA_VERSION})", "Upgrade cchc, or restore a backup of the state")
    elif layout < SCHEMA_VERSION:
        state = Line("ok", "pipeline state", f"{path}: {size}, layout {layout} (the next refresh upgrades it in "
                                             f"place to {SCHEMA_VERSION}); {held}")
    else:
        state = Line("ok", "pipeline state", f"{path}: {size}, layout {layout}; {held}")
    return [state, identity_line(settings, {system: identity for system, identity, _at in synced}),
            reconcile_line(con, columns)]


RECONCILE_DUE = timedelta(days=8)  # a weekly re-read missed once


def reconcile_line(con: duckdb.DuckDBPyConnection, columns: set[str]) -> Line:
    """When every system was last re-read over CCHC_RECONCILE_DAYS (the weekly_reconcile schedule)."""
    windowed = [s.name for s in SYSTEMS if s.windowed]
    if "last_reconcile_at" not in columns:
        stamps: dict[str, datetime | None] = {}
    else:
        stamps = dict(con.execute("SELECT system, last_reconcile_at FROM meta.sync_state WHERE list_contains(?, "
                                  "system)", [windowed]).fetchall())
    todo = ("The weekly_reconcile schedule runs it on Sundays at 03:00 while the Dagster daemon runs; "
            "`cchc refresh --reconcile` runs it now")
    never = [name for name in windowed if stamps.get(name) is None]
    if never:
        return Line("warn", "weekly reconcile", f"never yet for {', '.join(never)}", todo)
    oldest = min(stamps.values())
    age = clock.now() - oldest
    when = f"{oldest.astimezone(ICT):%Y-%m-%d %H:%M}"
    if age > RECONCILE_DUE:
        return Line("warn", "weekly reconcile", f"last complete on {when}, {age.days} days ago", todo)
    return Line("ok", "weekly reconcile", f"every system re-read over the last days on {when} or later")


def identity_line(settings: Settings, stored: dict[str, str | None]) -> Line:
    """Whether each synced system's records came from the source configured now (else refresh refuses it)."""
    clashes: dict[tuple[str, str], list[str]] = {}
    for system in SYSTEMS:
        held = stored.get(system.name)
        if not held or not settings.sources_configured:
            continue
        current = settings.source_identity(system.kind)
        if held != current:
            clashes.setdefault((held, current), []).append(system.name)
    if clashes:
        parts = [f"{', '.join(names)}: the state holds records from «{held}», this configuration reads «{current}»"
                 for (held, current), names in clashes.items()]
        names = [name for group in clashes.values() for name in group]
        reset = f"`cchc reset {names[0]} --yes`" if len(names) == 1 else \
            "`cchc reset SYSTEM --yes` for each (or `cchc reset all --yes`)"
        return Line("fail", "source identity", "; ".join(parts),
                    f"A refresh refuses {'it' if len(names) == 1 else 'them'}: if the configuration is right, {reset}, "
                    "else restore the configuration or point CCHC_WAREHOUSE at another folder")
    if not any(stored.values()):
        return Line("ok", "source identity", "nothing synced yet: the first refresh records where each system is "
                                             "read from")
    return Line("ok", "source identity", "every synced system's records came from the sources configured now")


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return counted(count, "byte")


def _first_line(exc: BaseException) -> str:
    message = str(exc).strip()
    return message.splitlines()[0][:200] if message else type(exc).__name__


# --- 6. the Dagster instance -------------------------------------------------------------------

DAGSTER_TODO = ("Check DAGSTER_HOME and its dagster.yaml (the project's is dagster_home/dagster.yaml; "
                "dagster.postgres.yaml needs DAGSTER_PG_* and the database)")


def check_dagster() -> list[Line]:
    """The instance `cchc ui` and the daemon use: its dagster.yaml loads, its runs can be read."""
    what = "dagster instance"
    home = Path(os.environ.get("DAGSTER_HOME") or PROJECT / "dagster_home")  # as pipelines.instance.dagster_home(), not created
    if not home.is_dir():
        return [Line("fail", what, f"{home} does not exist", "Create it with a dagster.yaml (copy the project's "
                                                             "dagster_home/dagster.yaml), or unset DAGSTER_HOME")]
    if not (home / "dagster.yaml").is_file():
        return [Line("fail", what, f"{home} has no dagster.yaml (without it the run queue and the one-writer pool "
                                   "are not configured)", "Copy the project's dagster_home/dagster.yaml there")]
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(home))
    try:
        runs = instance.get_runs_count()
        records = instance.get_run_records(limit=1)
    finally:
        instance.dispose()
    detail = f"{home}: dagster.yaml loads; {counted(runs, 'run')} recorded"
    if not records:
        return [Line("ok", what, detail)]
    record = records[0]
    run = record.dagster_run
    started = datetime.fromtimestamp(record.start_time, UTC) if record.start_time else record.create_timestamp
    status = run.status.value
    detail += f"; the last: {run.job_name} {status} at {started.astimezone(ICT):%Y-%m-%d %H:%M}"
    if status in ("FAILURE", "CANCELED"):
        return [Line("warn", what, detail, "Open the run in `cchc ui` to see what failed")]
    return [Line("ok", what, detail)]
