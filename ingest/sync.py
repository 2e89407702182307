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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from connectors.pages import Fetch
from core import failpoints
from core.errors import SourceChanged
from core.timezone import ICT
from ingest.progress import SyncProgress
from models import Rejected, record_id_of, redacted_raw, validate_record
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
    return datetime.now(UTC).replace(microsecond=0)


class RecordSink:
    """Validates raw records of one table, stages the valid ones in batches, rejects the rest.

    Only model fields reach the staging table: personal data and classified subjects are gone
    before anything is written. Rejects keep an id and a reason, never the record.
    """

    def __init__(self, writer, table: RawTable, batch_rows: int = BATCH_ROWS):
        self.writer, self.table, self.batch_rows = writer, table, batch_rows
        self._rows: list[dict] = []
        self._rejects: list[tuple[str, str | None, str]] = []
        self.fetched = 0

    def add(self, records: Iterable) -> None:
        model = self.table.model
        for raw in records:
            self.fetched += 1
            if isinstance(raw, Rejected):  # refused by its reader, who said why
                self._rejects.append((reject_key(raw.record_id, {}), raw.record_id, raw.reason))
                continue
            record, reason = validate_record(model, raw)
            if record is not None:
                self._rows.append(record.to_row())
                if len(self._rows) >= self.batch_rows:
                    self.flush()
            else:
                record_id = record_id_of(model, raw)
                safe = redacted_raw(model, raw) if isinstance(raw, dict) else {"value": type(raw).__name__}
                self._rejects.append((reject_key(record_id, safe), record_id, reason))
                if len(self._rejects) >= self.batch_rows:
                    self.flush()

    def flush(self) -> None:
        self.writer.stage(self.table.name, self._rows)
        self.writer.reject(self.table.name, self._rejects)
        self._rows, self._rejects = [], []


def check_identity(store: StateStore, system: str, identity: str) -> None:
    """Refuse a source other than the one the system's stored records came from."""
    stored = store.identity(system)
    if stored is None and store.cursor(system) is not None:
        log.warning("%s: the state predates source identities; its records are taken to come from %s",
                    system, identity)
    elif stored is not None and stored != identity:
        raise SourceChanged(system, stored, identity)


def run_sync(store: StateStore, system: System, fetch: Fetch, *, identity: str, start_day, lookback_days: int,
             now: datetime | None = None, counters: Mapping[str, int] | None = None) -> SyncResult:
    """Sync one system: everything fetched is merged, with the cursor, in one transaction — or nothing."""
    began = time.perf_counter()
    now = now or sync_start_time()
    store.register(system)
    check_identity(store, system.name, identity)
    lo, hi = sync_window(store.cursor(system.name) if system.windowed else None, start_day, lookback_days, now)
    writer = store.begin_sync(system.name, system.tables)
    sinks = {t.name: RecordSink(writer, t) for t in system.tables}
    pages = _Prefetch(fetch(lo, hi))
    progress = SyncProgress(system.name, counters)
    fetched = 0
    try:
        for number, (table, page) in enumerate(pages):
            sinks[table].add(page)
            fetched += len(page)
            progress.update(fetched)
            if number == 0:
                failpoints.reached(f"sync.{system.name}.first_page")
        for sink in sinks.values():
            sink.flush()
        failpoints.reached(f"sync.{system.name}.before_commit")
        stats = writer.commit(cursor=hi, window=(lo, hi), started_at=now, fetched=fetched, identity=identity)
    except BaseException as exc:
        pages.close()
        summary = f"{type(exc).__name__}: {exc}"
        _safely(writer.drop_staging)
        _safely(lambda: store.record_failure(system.name, now, (lo, hi), summary))
        raise
    failpoints.reached(f"sync.{system.name}.after_commit")
    progress.finish(fetched)
    result = SyncResult(system.name, lo, hi, stats, time.perf_counter() - began)
    log.info("%s: window %s .. %s, %d fetched, %d staged, %d rejected, %d new, %d updated in %.1f s",
             system.name, lo.isoformat(), hi.isoformat(), stats.fetched, stats.staged, stats.rejected, stats.inserted,
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
