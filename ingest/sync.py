"""Incremental sync of one system: window, validation, minimisation, staging, one-transaction merge.

Every system goes through `run_sync`; they differ only in how pages are fetched (`fetch`). The
records of one source are never merged with another's: the identity of the source a run reads must
be the one stored with the system's cursor.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime

import pyarrow as pa
import pyarrow.compute as pc

from connectors.pages import Fetch, Windows
from core import clock, failpoints
from core.errors import SourceChanged
from core.timezone import ICT
from ingest.columnar import page_validator
from ingest.progress import SyncProgress
from models import Rejected, field_value_of, record_id_of, redacted_raw, validate_record
from sources import RawTable, System
from storage.state import MergeStats, StateStore, reject_key

log = logging.getLogger("cchc.sync")

BATCH_ROWS = 5_000


@dataclass
class SyncResult:
    system: str
    window_lo: datetime
    window_hi: datetime
    stats: MergeStats
    seconds: float
    source_stats: Counter = field(default_factory=Counter)

    @property
    def records_per_second(self) -> float:
        return self.stats.fetched / self.seconds if self.seconds else 0.0


def sync_window(cursor: datetime | None, start_day, lookback_days: int, now: datetime) -> tuple[datetime, datetime]:
    """From the stored cursor minus the lookback (or the configured first day) up to the sync's start."""
    if cursor is None:
        lo = datetime.combine(start_day, dtime(0, 0), ICT)
    else:
        lo = cursor - timedelta(days=lookback_days)
    return lo, now


def sync_start_time() -> datetime:
    """Now, to the second: every filter of the contract has second resolution."""
    return clock.now().replace(microsecond=0)


class RecordSink:
    """Validates raw records of one table, stages the valid ones in batches, rejects the rest.

    Pages are checked whole by the table's page validator when its model allows one
    (`ingest.columnar`, several pages at a time); the records it leaves, and every record of a
    model without one, are validated one by one by the model itself (the reference).
    Only model fields reach the staging table: personal data and classified subjects are gone
    before anything is written. Rejects keep an id and a reason, never the record.
    """

    def __init__(self, writer, table: RawTable, batch_rows: int = BATCH_ROWS, columnar: bool = True):
        self.writer, self.table, self.batch_rows = writer, table, batch_rows
        self.validator = page_validator(table.model) if columnar else None
        self._pending: list[Sequence] = []  # pages waiting for the page validator
        self._pending_rows = 0
        self._rows: list[dict] = []
        self._seqs: list[int] = []
        self._arrow: list[pa.Table] = []
        self._arrow_rows = 0
        self._rejects: list[tuple[str, str | None, str, int, datetime | None]] = []
        self.fetched = 0

    def add(self, records: Sequence) -> None:
        self.fetched += len(records)
        if self.validator is None:
            self._one_by_one(records)
        elif not self.validator.readable(getattr(records, "body", None)):
            self._check_pending()
            self._one_by_one(records)
        else:
            self._pending.append(records)
            self._pending_rows += len(records)
            if self._pending_rows >= self.batch_rows:
                self._check_pending()
        # Python rows are heavy, Arrow rows light: those are staged in batches ten times larger
        if max(len(self._rows), len(self._rejects), self._arrow_rows // 10) >= self.batch_rows:
            self.flush()

    def _check_pending(self) -> None:
        pages, self._pending, self._pending_rows = self._pending, [], 0
        if not pages or self._checked(pages[0] if len(pages) == 1 else [r for page in pages for r in page]):
            return
        for page in pages:  # one page Arrow cannot read spoils only itself
            if len(pages) == 1 or not self._checked(page):
                self._one_by_one(page)

    def _checked(self, records: Sequence) -> bool:
        """Records through the page validator (and those it leaves through the reference); False, with
        nothing done, when Arrow cannot read them."""
        checked = self.validator.check(records)
        if checked is None:
            return False
        first = self.writer.reserve(len(records))
        rows = checked.rows
        self._arrow.append(rows.append_column("_seq", pc.add(rows.column("_i"), first)).drop_columns(["_i"]))
        self._arrow_rows += rows.num_rows
        for i in checked.for_reference:
            self._validate(records[i], first + i)
        return True

    def _one_by_one(self, records: Sequence) -> None:
        first = self.writer.reserve(len(records))
        for i, raw in enumerate(records):
            self._validate(raw, first + i)

    def _validate(self, raw, seq: int) -> None:
        if isinstance(raw, Rejected):  # refused by its reader, who said why
            self._rejects.append((reject_key(raw.record_id, {}), raw.record_id, raw.reason, seq, None))
            return
        model = self.table.model
        record, reason = validate_record(model, raw)
        if record is not None:
            self._rows.append(record.to_row())
            self._seqs.append(seq)
        else:
            record_id = record_id_of(model, raw)
            safe = redacted_raw(model, raw) if isinstance(raw, dict) else {"value": type(raw).__name__}
            stamped = field_value_of(model, self.table.updated, raw) if self.table.updated else None
            self._rejects.append((reject_key(record_id, safe), record_id, reason, seq, stamped))

    def flush(self) -> None:
        self._check_pending()
        name = self.table.name
        self.writer.stage(name, self._rows, self._seqs)
        if self._arrow:
            self.writer.stage_arrow(name, pa.concat_tables(self._arrow))
        self.writer.reject(name, self._rejects)
        self._rows, self._seqs, self._arrow, self._arrow_rows, self._rejects = [], [], [], 0, []


def check_identity(store: StateStore, system: str, identity: str) -> None:
    """Refuse a source other than the one the system's stored records came from."""
    stored = store.identity(system)
    if stored is None and store.cursor(system) is not None:
        log.warning("%s: the state predates source identities; its records are taken to come from %s",
                    system, identity)
    elif stored is not None and stored != identity:
        raise SourceChanged(system, stored, identity)


def run_sync(store: StateStore, system: System, fetch: Fetch, *, identity: str, start_day, lookback_days: int,
             now: datetime | None = None, counters: Mapping[str, int] | None = None,
             columnar: bool = True, mode: str = "nightly", windows: Windows | None = None) -> SyncResult:
    """Sync one system: everything fetched is merged, with the cursor, in one transaction — or nothing.

    The window runs from the cursor less `lookback_days` to now, and the cursor moves to its end. With
    `windows` (the days the count check found short: mode `recount`), exactly those windows are read and
    the cursor stays where it is: it moves only with the data of the window it ends.
    `columnar=False` validates every record by its model alone (the reference; slower)."""
    began = time.perf_counter()
    now = now or sync_start_time()
    store.register(system)
    check_identity(store, system.name, identity)
    cursor = store.cursor(system.name) if system.windowed else None
    if windows:
        spans, lo, hi, moved_to = list(windows), windows[0][0], windows[-1][1], cursor
    else:
        lo, hi = sync_window(cursor, start_day, lookback_days, now)
        spans, moved_to = [(lo, hi)], hi
    point = f"{'recount' if mode == 'recount' else 'sync'}.{system.name}"  # where a test may kill the run
    writer = store.begin_sync(system.name, system.tables)
    sinks = {t.name: RecordSink(writer, t, columnar=columnar) for t in system.tables}
    pages = _Prefetch(page for a, b in spans for page in fetch(a, b))
    progress = SyncProgress(system.name, counters)
    fetched = 0
    try:
        for number, (table, page) in enumerate(pages):
            sinks[table].add(page)
            fetched += len(page)
            progress.update(fetched)
            if number == 0:
                failpoints.reached(f"{point}.first_page")
        for sink in sinks.values():
            sink.flush()
        failpoints.reached(f"{point}.before_commit")
        stats = writer.commit(cursor=moved_to, window=(lo, hi), started_at=now, fetched=fetched, identity=identity,
                              mode=mode)
    except BaseException as exc:
        pages.close()
        summary = f"{type(exc).__name__}: {exc}"
        _safely(writer.abort)
        _safely(lambda: store.record_failure(system.name, now, (lo, hi), summary))
        raise
    failpoints.reached(f"{point}.after_commit")
    progress.finish(fetched)
    result = SyncResult(system.name, lo, hi, stats, time.perf_counter() - began)
    log.info("%s (%s): window %s .. %s%s, %d fetched, %d staged, %d rejected, %d new, %d updated in %.1f s",
             system.name, mode, lo.isoformat(), hi.isoformat(), f" in {len(spans)} parts" if len(spans) > 1 else "",
             stats.fetched, stats.staged, stats.rejected, stats.inserted,
             stats.replaced, result.seconds)
    return result


class _Prefetch:
    """Fetch pages in a background thread while the caller validates and stages the previous ones.

    The gateway and the network work while Python validates: a bounded queue keeps memory flat, and an
    error in the fetching thread is raised in the caller at the point the page would have arrived.
    """

    _DONE = object()

    def __init__(self, pages: Iterator, depth: int = 3):
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(pages,), name="cchc-prefetch", daemon=True)
        self._thread.start()

    def _run(self, pages: Iterator) -> None:
        try:
            for page in pages:
                while not self._stop.is_set():
                    try:
                        self._queue.put((page, None), timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
            self._queue.put((self._DONE, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            self._queue.put((self._DONE, exc))

    def __iter__(self):
        while True:
            item, error = self._queue.get()
            if error is not None:
                raise error
            if item is self._DONE:
                return
            yield item

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get_nowait()
            except queue.Empty:
                self._thread.join(timeout=0.1)


def _safely(action: Callable[[], object]) -> None:
    try:
        action()
    except Exception:  # noqa: BLE001 - cleanup after a failure must not hide the failure
        log.debug("cleanup after a failed sync failed", exc_info=True)
