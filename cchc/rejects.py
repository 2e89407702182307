"""`cchc rejects`: the records the sources sent that failed validation, from the pipeline state.

The state file (`meta.rejects`) keeps, per rejected record, its system, source table, key and id,
the one-line reason (field paths and messages, never input values), when it was first and last
seen and how many syncs saw it: never the record's content. This command reads only that table,
joins nothing, and opens the file read-only; while a refresh holds it for writing it says so and
stops. Times are shown in Vietnam time (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import csv
import fcntl
import os
import re
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from core.english import counted
from core.settings import Settings
from core.timezone import ICT
from sources import SYSTEMS

TERMINAL_LIMIT = 50  # rows shown on the terminal when --limit is not given (a CSV gets every row)
REASON_WIDTH = 72  # a reason longer than this is cut on the terminal (the CSV has it whole)
LOCAL = "Asia/Ho_Chi_Minh"
LOCKED = "a refresh is running; try again when it ends"

COLUMNS = ("system", "table", "record id", "reason", "first seen", "last seen", "times seen")
CSV_COLUMNS = ("system", "source_table", "record_id", "record_key", "reason", "first_seen", "last_seen",
               "times_seen")
SUMMARY_COLUMNS = ("system", "field", "rejects", "times seen", "last seen")


@dataclass(frozen=True)
class Filters:
    system: str | None = None
    since: date | None = None  # local days, both ends included, on the day a reject was last seen
    until: date | None = None

    def where(self) -> tuple[str, list]:
        clauses, params = [], []
        if self.system is not None:
            clauses.append("system = ?")
            params.append(self.system)
        if self.since is not None:
            clauses.append(f"CAST(timezone('{LOCAL}', last_seen_at) AS DATE) >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append(f"CAST(timezone('{LOCAL}', last_seen_at) AS DATE) <= ?")
            params.append(self.until)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class Unreadable(Exception):
    """The state cannot be read now: the message is the one line to show."""


def run_rejects(args, out=None, err=None) -> int:
    """The `cchc rejects` command: 0 when the rejects were shown, 2 when they could not be read."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        filters = _filters(args)
        if args.limit is not None and args.limit < 1:
            raise ValueError("--limit must be at least 1")
    except ValueError as exc:
        print(f"cchc rejects: {exc}", file=err)
        return 2
    path = Settings.from_env().state_path
    try:
        with reading_state(path) as con:
            return _show(con, args, filters, out, err)
    except Unreadable as exc:
        print(f"cchc rejects: {exc}", file=err)
        return 2


def _show(con: duckdb.DuckDBPyConnection, args, filters: Filters, out, err) -> int:
    if args.summary:
        rows = summary(con, filters)
        if args.csv:
            return _write_csv(args.csv, SUMMARY_COLUMNS, [_summary_cells(r, iso=True) for r in rows],
                              counted(len(rows), "summary row"), out, err)
        _print_summary(rows, out)
        return 0
    total = count(con, filters)
    if args.csv:
        rows = fetch(con, filters, args.limit)
        return _write_csv(args.csv, CSV_COLUMNS, [_csv_cells(r) for r in rows],
                          f"{counted(len(rows), 'reject')} of {total:,}", out, err)
    rows = fetch(con, filters, args.limit or TERMINAL_LIMIT)
    (_print_blocks if getattr(args, "full", False) else _print_table)(rows, total, out)
    return 0


def _filters(args) -> Filters:
    system = args.system
    if system is not None and system not in {s.name for s in SYSTEMS}:
        raise ValueError(f"no source system named {system!r}; the systems are {', '.join(s.name for s in SYSTEMS)}")
    since, until = _day(args.since, "--since"), _day(args.until, "--until")
    if since and until and until < since:
        raise ValueError(f"--until {until} is before --since {since}")
    return Filters(system, since, until)


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option} must be a local day YYYY-MM-DD") from None


@contextmanager
def reading_state(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The state file, read-only, for a moment; `Unreadable` with one line when it is missing or a
    refresh holds it.

    While it reads, it holds the refresh's lock file (`<state>.lock`, when there is one) shared: a
    refresh starting then waits for it (as it waits for another refresh) instead of failing to open
    the file DuckDB sees open elsewhere; a refresh already running holds it exclusively, which says so.
    """
    if not path.exists():
        raise Unreadable(f"there is no pipeline state at {path} yet: the first `cchc refresh` creates it "
                         "(check CCHC_WAREHOUSE if one ran)")
    with ExitStack() as stack:
        _hold_shared(Path(f"{path}.lock"), stack)
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise Unreadable(LOCKED) from None
            raise Unreadable(f"cannot open the pipeline state at {path} ({_first_line(exc)})") from None
        except duckdb.Error as exc:
            raise Unreadable(f"cannot open the pipeline state at {path} ({_first_line(exc)})") from None
        with con:
            yield con


def _hold_shared(lock: Path, stack: ExitStack) -> None:
    try:
        fd = os.open(lock, os.O_RDONLY)  # never created here: without one no refresh ever ran
    except OSError:
        return
    stack.callback(os.close, fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise Unreadable(LOCKED) from None
    except OSError:
        return  # a file system without locks: DuckDB's own lock still answers
    stack.callback(fcntl.flock, fd, fcntl.LOCK_UN)


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _has_rejects(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                            "AND schema_name = 'meta' AND table_name = 'rejects'").fetchall()[0][0])


def count(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    if not _has_rejects(con):
        return 0
    where, params = filters.where()
    return con.execute(f"SELECT count(*) FROM meta.rejects{where}", params).fetchall()[0][0]


@dataclass(frozen=True)
class Reject:
    system: str
    source_table: str
    record_id: str | None
    record_key: str
    reason: str
    first_seen: datetime  # local (naive, Asia/Ho_Chi_Minh)
    last_seen: datetime
    times_seen: int


def fetch(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int | None) -> list[Reject]:
    """Rejects matching `filters`, newest first (by the last time a sync saw them)."""
    if not _has_rejects(con):
        return []
    where, params = filters.where()
    sql = (f"SELECT system, source_table, record_id, record_key, reason, timezone('{LOCAL}', first_seen_at), "
           f"timezone('{LOCAL}', last_seen_at), times_seen FROM meta.rejects{where} "
           "ORDER BY last_seen_at DESC, first_seen_at DESC, system, source_table, record_key")
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, limit]
    return [Reject(*row) for row in con.execute(sql, params).fetchall()]


@dataclass(frozen=True)
class SummaryRow:
    system: str
    field: str  # the reason's field path before ':' (list positions folded: `a[3].b` -> `a[].b`)
    rejects: int
    times_seen: int
    last_seen: datetime


def reason_field(reason: str | None) -> str:
    """The field path a reason starts with (`ngay_ky: not a date` -> `ngay_ky`), list positions folded."""
    if not reason or ":" not in reason:
        return "(no field)"
    return re.sub(r"\[\d+\]", "[]", reason.split(":", 1)[0].strip()) or "(no field)"


def summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[SummaryRow]:
    """Rejects counted by system and by the field their reason starts with, in the declarations' order."""
    if not _has_rejects(con):
        return []
    where, params = filters.where()
    rows = con.execute(f"SELECT system, reason, times_seen, timezone('{LOCAL}', last_seen_at) FROM meta.rejects{where}",
                       params).fetchall()
    groups: dict[tuple[str, str], list] = {}
    for system, reason, times_seen, last_seen in rows:
        group = groups.setdefault((system, reason_field(reason)), [0, 0, last_seen])
        group[0] += 1
        group[1] += times_seen or 0
        group[2] = max(group[2], last_seen)
    order = {s.name: i for i, s in enumerate(SYSTEMS)}
    ranked = sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], len(order)), kv[0][0], -kv[1][0], kv[0][1]))
    return [SummaryRow(system, field, n, seen, last) for (system, field), (n, seen, last) in ranked]


# --- output ------------------------------------------------------------------------------------

def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0, tzinfo=ICT).isoformat()


def _shown_id(reject: Reject) -> str:
    # a record without an id is known by a hash of its content (without personal data): shown short
    return reject.record_id if reject.record_id else f"(no id) {reject.record_key[:19]}…"


def _cut(text: str, width: int) -> str:
    """A reason on one table line: its first problem, cut, and how many more (`--full` shows them all)."""
    first, *more = (text or "").splitlines() or [""]
    extra = f" (+{len(more)} more)" if more else ""
    first = " ".join(first.split())
    room = width - len(extra)
    return (first if len(first) <= room else first[:room - 1] + "…") + extra


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], right: set[int], out) -> None:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                                  strict=True))).rstrip()

    print(line(header), file=out)
    print(line(["-" * w for w in widths]), file=out)
    for row in rows:
        print(line(row), file=out)


def _print_blocks(rows: list[Reject], total: int, out) -> None:
    """Each reject with its whole reason (the register's name file, sheet, row and column: too long for a table)."""
    for r in rows:
        problems = "\n".join(f"    {line}" for line in (r.reason or "").splitlines())  # a register row: each problem
        print(f"{r.system} · {r.source_table} · {_shown_id(r)} · {_minute(r.last_seen)}"
              f"{f' · seen {r.times_seen:,} times' if r.times_seen > 1 else ''}\n{problems}", file=out)
    print(f"\n{_shown(rows, total)}", file=out)


def _print_table(rows: list[Reject], total: int, out) -> None:
    if rows:
        cells = [(r.system, r.source_table, _shown_id(r), _cut(r.reason, REASON_WIDTH), _minute(r.first_seen),
                  _minute(r.last_seen), f"{r.times_seen:,}") for r in rows]
        _table(COLUMNS, cells, {6}, out)
        print(file=out)
    print(_shown(rows, total), file=out)


def _shown(rows: list[Reject], total: int) -> str:
    return f"{counted(len(rows), 'reject')} shown of {total:,} (times in Asia/Ho_Chi_Minh, newest first)"


def _summary_cells(row: SummaryRow, iso: bool = False) -> tuple[str, ...]:
    return (row.system, row.field, str(row.rejects) if iso else f"{row.rejects:,}",
            str(row.times_seen) if iso else f"{row.times_seen:,}", _iso(row.last_seen) if iso else _minute(row.last_seen))


def _print_summary(rows: list[SummaryRow], out) -> None:
    if rows:
        _table(SUMMARY_COLUMNS, [_summary_cells(r) for r in rows], {2, 3}, out)
        print(file=out)
    rejects = sum(r.rejects for r in rows)
    systems = len({r.system for r in rows})
    print(f"{counted(rejects, 'reject')} in {counted(systems, 'system')}, by the field their reason names first",
          file=out)


def _csv_cells(r: Reject) -> tuple:
    return (r.system, r.source_table, r.record_id or "", r.record_key, r.reason, _iso(r.first_seen), _iso(r.last_seen),
            r.times_seen)


def _write_csv(target: str, header: tuple[str, ...], rows: list[tuple], what: str, out, err) -> int:
    if target == "-":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return 0
    try:
        with open(target, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as exc:
        print(f"cchc rejects: cannot write {target} ({exc.strerror or type(exc).__name__})", file=err)
        return 2
    print(f"{what} written to {target}", file=out)
    return 0
