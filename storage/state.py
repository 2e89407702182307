"""The pipeline's working DuckDB: raw tables, staging, cursors, rejects and the sync log.

One writer at a time (a file lock, then DuckDB's own). A system's sync streams its pages into
staging tables, then one transaction merges them into the raw tables, records the rejects and
moves the cursor: a sync that dies at any point leaves data and cursors as they were.

Each system's cursor is kept with the identity of the source it came from (a gateway URL, a
database URL without its password, or a simulated city), so that records of two sources are never
merged into one table. The file's layout has a version (`meta.schema_version`); opening an older
layout upgrades it (`storage.migrations`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa

from core import clock
from core.errors import StateLocked, not_writable, writing_in
from sources import SYSTEMS, RawTable, System
from storage.filelock import FileLock
from storage.migrations import register, upgrade
from storage.schema import SYNCED_AT, arrow_schema

REJECT_SCHEMA = pa.schema([("source_table", pa.string()), ("record_key", pa.string()),
                           ("record_id", pa.string()), ("reason", pa.string()), ("_seq", pa.int64()),
                           ("updated_at", pa.timestamp("us", tz="UTC"))])


@dataclass
class MergeStats:
    fetched: int = 0
    staged: int = 0
    rejected: int = 0
    inserted: int = 0
    replaced: int = 0
    removed: int = 0  # snapshot rows the source no longer has
    per_table: dict[str, dict[str, int]] = field(default_factory=dict)


def reject_key(record_id: str | None, redacted: dict) -> str:
    """A stable key for a rejected record: its id, or a hash of its content without personal data."""
    if record_id:
        return record_id
    return "sha256:" + hashlib.sha256(orjson.dumps(redacted, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()


class StateStore:
    """Opens the working DuckDB under an exclusive file lock; use as a context manager."""

    def __init__(self, path: str | Path, lock_timeout: float = 600.0, memory_limit: str = "384MB",
                 systems: tuple[System, ...] = SYSTEMS):
        self.path = Path(path)
        self.systems = systems
        self.lock_timeout = lock_timeout
        self.memory_limit = memory_limit
        self.con: duckdb.DuckDBPyConnection | None = None
        self._lock = FileLock(str(self.path) + ".lock")

    def __enter__(self) -> StateStore:
        with writing_in(self.path.parent, "the pipeline state"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._acquire_lock()
            try:
                self.con = duckdb.connect(str(self.path))
                tmp = self.path.parent / ".duckdb-tmp"
                for setting in ("SET preserve_insertion_order = false", f"SET memory_limit = '{self.memory_limit}'",
                                f"SET temp_directory = '{tmp}'", "SET TimeZone = 'Asia/Ho_Chi_Minh'"):
                    self.con.execute(setting)
                upgrade(self.con, self.systems)
            except BaseException:
                with suppress(duckdb.Error):
                    self.close()
                raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        """Closes the store; an error of the block that says the folder cannot be written (a full disk, a
        read-only file system: DuckDB's IO errors, OSErrors) is raised as FolderNotWritable, naming it."""
        if exc is None:
            self.close()
            return
        with suppress(duckdb.Error):  # the block's error is the one to tell
            self.close()
        error = not_writable(exc, self.path.parent, "the pipeline state")
        if error is not None and error is not exc:
            raise error from exc

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        self._lock.release()

    def _acquire_lock(self) -> None:
        if not self._lock.acquire(self.lock_timeout):
            raise StateLocked(f"another refresh is writing the pipeline state ({self.path})",
                              "wait for it to finish, or stop it, then run again")

    # --- reading ---------------------------------------------------------------------------------

    def cursor(self, system: str) -> datetime | None:
        row = self.con.execute("SELECT cursor FROM meta.sync_state WHERE system = ?", [system]).fetchall()
        return row[0][0] if row else None

    def register(self, system: System) -> None:
        """Make sure a system's raw tables exist in their current layout (a system declared after open)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            register(self.con, (system,))
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def identity(self, system: str) -> str | None:
        """The source a system's stored records came from; None before its first sync."""
        row = self.con.execute("SELECT source_identity FROM meta.sync_state WHERE system = ?", [system]).fetchall()
        return row[0][0] if row else None

    def reset(self, system: System) -> dict[str, int]:
        """Forget a system: its raw rows, cursor, identity and rejects, in one transaction. Its sync log stays."""
        con, dropped = self.con, {}
        con.execute("BEGIN TRANSACTION")
        try:
            for table in system.tables:
                dropped[table.name] = con.execute(f"DELETE FROM raw.{table.name}").fetchall()[0][0]
            con.execute("DELETE FROM meta.sync_state WHERE system = ?", [system.name])
            con.execute("DELETE FROM meta.rejects WHERE system = ?", [system.name])
            con.execute("INSERT INTO meta.sync_log (system, started_at, finished_at, ok, error) "
                        "VALUES (?, ?, ?, true, 'reset by the operator')", [system.name, clock.now(), clock.now()])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return dropped

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM raw.{table}").fetchall()[0][0]

    def held_by_window(self, table: RawTable, windows: list[tuple[datetime, datetime]]) -> list[int]:
        """For each update-time window (both ends): the records held whose latest version falls in it — the raw
        rows, and the rejects by the update time the source stamped on them — which is what the source counts
        in that window when nothing is missing."""
        if not windows:
            return []
        frame = pa.table({"i": list(range(len(windows))), "lo": [w[0] for w in windows],
                          "hi": [w[1] for w in windows]})
        upd = f'"{table.updated}"'
        self.con.register("_windows", frame)
        try:
            rows = self.con.execute(
                f"WITH kept AS (SELECT w.i, count(*) AS n FROM _windows w JOIN raw.{table.name} r "
                f"ON r.{upd} BETWEEN w.lo AND w.hi GROUP BY w.i), "
                "refused AS (SELECT w.i, count(*) AS n FROM _windows w JOIN meta.rejects j "
                "ON j.source_table = ? AND j.updated_at BETWEEN w.lo AND w.hi GROUP BY w.i) "
                "SELECT coalesce(kept.n, 0) + coalesce(refused.n, 0) FROM _windows w LEFT JOIN kept USING (i) "
                "LEFT JOIN refused USING (i) ORDER BY w.i", [table.name]).fetchall()
        finally:
            self.con.unregister("_windows")
        return [n for (n,) in rows]

    # --- writing ---------------------------------------------------------------------------------

    def begin_sync(self, system: str, tables: Iterable[RawTable]) -> SyncWriter:
        return SyncWriter(self, system, list(tables))

    def record_failure(self, system: str, started_at: datetime, window: tuple | None, error: str) -> None:
        """Log a failed sync in its own transaction: the data and the cursor stay as they were."""
        lo, hi = window or (None, None)
        self.con.execute("INSERT INTO meta.sync_log (system, started_at, finished_at, ok, window_lo, window_hi, error) "
                         "VALUES (?, ?, ?, false, ?, ?, ?)", [system, started_at, clock.now(), lo, hi, error[:2000]])


class SyncWriter:
    """Stages one system's records batch by batch; `commit` publishes them all at once.

    Staged batches are committed a few hundred thousand rows at a time (a transaction per batch is
    several times slower; one for the whole sync holds every staged row in memory); the merge is one
    transaction of its own. `abort` drops the staging tables, and a process killed half-way leaves
    only them, replaced by the next sync of the system: the raw tables and the cursor never change
    outside the merge.
    """

    STAGE_COMMIT_ROWS = 250_000

    def __init__(self, store: StateStore, system: str, tables: list[RawTable]):
        self.store = store
        self.con = store.con
        self.system = system
        self.tables = {t.name: t for t in tables}
        self.stats = MergeStats()
        self._seq = 0
        self._open = False  # a transaction of staged batches, or of the merge
        self._uncommitted = 0
        for t in tables:
            self.stats.per_table[t.name] = {"staged": 0, "rejected": 0, "inserted": 0, "replaced": 0}
            self.con.execute(f"CREATE OR REPLACE TABLE stage.{t.name} AS SELECT * EXCLUDE ({SYNCED_AT}), "
                             f"0::BIGINT AS _seq FROM raw.{t.name} LIMIT 0")
        self.con.execute(f"CREATE OR REPLACE TABLE stage.rejects_{system} (source_table VARCHAR, record_key VARCHAR, "
                         "record_id VARCHAR, reason VARCHAR, _seq BIGINT, updated_at TIMESTAMPTZ)")

    def _insert(self, table: str, batch: pa.Table) -> None:
        if not self._open:
            self.con.execute("BEGIN TRANSACTION")
            self._open = True
        self.con.register("_batch", batch)
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch")
        finally:
            self.con.unregister("_batch")
        self._uncommitted += batch.num_rows
        if self._uncommitted >= self.STAGE_COMMIT_ROWS:
            self._commit_staged()

    def _commit_staged(self) -> None:
        if self._open:
            self.con.execute("COMMIT")
            self._open = False
        self._uncommitted = 0

    def reserve(self, n: int) -> int:
        """The first of `n` consecutive sequence numbers: the order records arrived in, which decides
        between two copies of one version of a record (the later wins)."""
        first = self._seq
        self._seq += n
        return first

    def stage(self, table: str, rows: list[dict], seqs: list[int]) -> None:
        """Append validated rows (model.to_row() dicts) to the table's staging, with their sequence numbers."""
        if not rows:
            return
        schema = arrow_schema(self.tables[table])
        # column by column: several times faster than from_pylist for the nested lists of the one-stop shop
        columns = {name: [row[name] for row in rows] for name in schema.names}
        batch = pa.Table.from_pydict(columns, schema=schema).append_column("_seq", pa.array(seqs, pa.int64()))
        self._staged(table, batch)

    def stage_arrow(self, table: str, batch: pa.Table) -> None:
        """Append rows already in Arrow (the table's fields and `_seq`) to the table's staging."""
        if batch.num_rows:
            self._staged(table, batch)

    def _staged(self, table: str, batch: pa.Table) -> None:
        self._insert(f"stage.{table}", batch)
        self.stats.staged += batch.num_rows
        self.stats.per_table[table]["staged"] += batch.num_rows

    def reject(self, table: str, rejects: list[tuple[str, str | None, str, int, datetime | None]]) -> None:
        """Append rejects as (record_key, record_id, reason, sequence number, the update time the source stamped
        on the record or None): never any record content."""
        if not rejects:
            return
        batch = pa.table({"source_table": [table] * len(rejects), "record_key": [r[0] for r in rejects],
                          "record_id": [r[1] for r in rejects], "reason": [r[2] for r in rejects],
                          "_seq": [r[3] for r in rejects], "updated_at": [r[4] for r in rejects]},
                         schema=REJECT_SCHEMA)
        self._insert(f"stage.rejects_{self.system}", batch)
        self.stats.rejected += len(rejects)
        self.stats.per_table[table]["rejected"] += len(rejects)

    def commit(self, cursor: datetime | None, window: tuple[datetime | None, datetime | None], started_at: datetime,
               fetched: int, identity: str, mode: str = "nightly") -> MergeStats:
        """Merge every staged table, the rejects and the cursor in ONE transaction.

        `mode` is logged: `nightly` (the lookback), `reconcile` (the weekly deep re-read, which also sets
        `last_reconcile_at`) or `recount` (windows the count check found short; the caller keeps the cursor)."""
        self.stats.fetched = fetched
        con = self.con
        now = clock.now()
        self._commit_staged()
        con.execute("BEGIN TRANSACTION")
        self._open = True
        try:
            for name, spec in self.tables.items():
                inserted, replaced = self._merge(spec, now)
                self.stats.inserted += inserted
                self.stats.replaced += replaced
                self.stats.per_table[name].update(inserted=inserted, replaced=replaced)
            self._merge_rejects(now)
            s = self.stats
            held = sum(self._affected(f"SELECT count(*) FROM raw.{name}") for name in self.tables)
            reconciled = now if mode == "reconcile" else None
            if mode == "recount":  # a re-read of a few days: the last sync's window and figures stay as they were
                con.execute("UPDATE meta.sync_state SET held = ? WHERE system = ?", [held, self.system])
            else:
                self._record_state(cursor, window, now, identity, held, reconciled)
            con.execute("INSERT INTO meta.sync_log (system, started_at, finished_at, ok, window_lo, window_hi, fetched, "
                        "staged, rejected, inserted, replaced, mode) VALUES (?, ?, ?, true, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [self.system, started_at, now, window[0], window[1], s.fetched, s.staged, s.rejected,
                         s.inserted, s.replaced, mode])
            con.execute("COMMIT")
            self._open = False
        except BaseException:
            with suppress(duckdb.Error):  # the merge's error is the one to tell (on a full disk, abort fails too)
                self.abort()
            raise
        self._drop_staging()
        return self.stats

    def _record_state(self, cursor, window, now, identity, held, reconciled) -> None:
        s = self.stats
        self.con.execute("INSERT OR REPLACE INTO meta.sync_state BY NAME SELECT ? AS system, ? AS cursor, "
                         "? AS window_lo, ? AS window_hi, ? AS last_success_at, ? AS fetched, ? AS staged, "
                         "? AS rejected, ? AS inserted, ? AS replaced, ? AS source_identity, ? AS held, "
                         "coalesce(?::TIMESTAMPTZ, (SELECT last_reconcile_at FROM meta.sync_state WHERE system = ?)) "
                         "AS last_reconcile_at",
                         [self.system, cursor, window[0], window[1], now, s.fetched, s.staged, s.rejected,
                          s.inserted, s.replaced, identity, held, reconciled, self.system])

    def _merge(self, spec: RawTable, now: datetime) -> tuple[int, int]:
        con, key, t = self.con, f'"{spec.key}"', spec.name
        order = f'"{spec.updated}" DESC, _seq DESC' if spec.updated else "_seq DESC"
        # the staging table becomes the winners: of a record staged more than once, only its latest copy
        # stays (found among the few repeated keys only: ranking every staged row would cost more than the merge)
        con.execute(f"DELETE FROM stage.{t} WHERE _seq IN (SELECT _seq FROM (SELECT _seq, row_number() OVER "
                    f"(PARTITION BY {key} ORDER BY {order}) AS n FROM stage.{t} SEMI JOIN (SELECT {key} FROM "
                    f"stage.{t} GROUP BY {key} HAVING count(*) > 1) USING ({key})) WHERE n > 1)")
        winners = f"stage.{t}"
        cols = [f'"{c}"' for c in spec.fields]
        changed = f"hash({', '.join('w.' + c for c in cols)}) <> hash({', '.join('r.' + c for c in cols)})"
        if spec.updated is None:  # a snapshot: rows gone from the source go, changed rows are replaced
            # DuckDB answers a DELETE or INSERT with the number of rows it touched: no counting queries
            self.stats.removed += self._affected(f"DELETE FROM raw.{t} r WHERE NOT EXISTS "
                                                 f"(SELECT 1 FROM {winners} w WHERE w.{key} = r.{key})")
            newer = changed
        else:  # latest version wins; the same version again changes nothing (re-runs are idempotent)
            upd = f'"{spec.updated}"'
            newer = f"(w.{upd} > r.{upd} OR (w.{upd} = r.{upd} AND {changed}))"
        replaced = self._affected(f"DELETE FROM raw.{t} r USING {winners} w WHERE r.{key} = w.{key} AND {newer}")
        inserted = self._affected(f"INSERT INTO raw.{t} BY NAME SELECT w.* EXCLUDE (_seq), ?::TIMESTAMPTZ AS "
                                  f"{SYNCED_AT} FROM {winners} w ANTI JOIN raw.{t} r ON r.{key} = w.{key}", [now])
        # a record that arrives valid is no longer a reject
        con.execute(f"DELETE FROM meta.rejects WHERE source_table = ? AND record_id IN "
                    f"(SELECT CAST({key} AS VARCHAR) FROM {winners})", [t])
        return inserted - replaced, replaced

    def _affected(self, sql: str, params: list | None = None) -> int:
        return self.con.execute(sql, params or []).fetchall()[0][0]

    def _merge_rejects(self, now: datetime) -> None:
        con = self.con
        con.execute(f"CREATE OR REPLACE TEMP TABLE _rejects_now AS SELECT * EXCLUDE (_seq) FROM stage.rejects_{self.system} "
                    "QUALIFY row_number() OVER (PARTITION BY source_table, record_key ORDER BY _seq DESC) = 1")
        # a snapshot is read whole: its rejects are exactly this run's (a row fixed or gone is no longer one)
        snapshots = [name for name, spec in self.tables.items() if spec.updated is None]
        if snapshots:
            con.execute("DELETE FROM meta.rejects r WHERE list_contains(?, r.source_table) AND NOT EXISTS "
                        "(SELECT 1 FROM _rejects_now n WHERE n.source_table = r.source_table "
                        "AND n.record_key = r.record_key)", [snapshots])
        con.execute("UPDATE meta.rejects r SET reason = n.reason, last_seen_at = ?, times_seen = r.times_seen + 1, "
                    "updated_at = n.updated_at FROM _rejects_now n WHERE r.source_table = n.source_table "
                    "AND r.record_key = n.record_key", [now])
        con.execute("INSERT INTO meta.rejects BY NAME SELECT ? AS system, n.source_table, n.record_key, n.record_id, "
                    "n.reason, ? AS first_seen_at, ? AS last_seen_at, 1 AS times_seen, n.updated_at "
                    "FROM _rejects_now n ANTI JOIN meta.rejects r ON r.source_table = n.source_table "
                    "AND r.record_key = n.record_key", [self.system, now, now])
        con.execute("DROP TABLE _rejects_now")

    def abort(self) -> None:
        """Roll the sync back: nothing staged stays, the raw tables and the cursor are as they were."""
        if self._open:
            self._open = False
            with suppress(duckdb.TransactionException):  # a COMMIT that failed has already rolled back
                self.con.execute("ROLLBACK")
        self._drop_staging()

    def _drop_staging(self) -> None:
        for name in self.tables:
            self.con.execute(f"DROP TABLE IF EXISTS stage.{name}")
        self.con.execute(f"DROP TABLE IF EXISTS stage.rejects_{self.system}")
