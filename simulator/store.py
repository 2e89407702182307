"""The simulator's store: each system's current records and the versions still to come, in SQLite.

Records are kept as the JSON the system serves (without personal data), ordered by (update time,
id) through an index, so paging is an index walk and serving is a concatenation of stored bytes.
Memory stays flat at any scale: the data lives on disk, SQLite's page cache is bounded.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

SYSTEMS = ("qlvb", "baocao", "motcua", "nhiemvu", "don_thu", "tiep_cong_dan")
INTEGER_KEYS = {"baocao", "don_thu", "tiep_cong_dan"}


@dataclass(frozen=True, slots=True)
class Row:
    upd: int
    key: str | int
    doc: bytes


class Store:
    def __init__(self, path: str):
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self.version = 0  # bumps on every change, so cached page positions are known stale
        self._positions: OrderedDict[tuple, tuple[int, int, str | int]] = OrderedDict()
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-32000", "temp_store=FILE"):
            self._db.execute(f"PRAGMA {pragma}")
        for system in SYSTEMS:
            key_type = "INTEGER" if system in INTEGER_KEYS else "TEXT"
            self._db.execute(f"CREATE TABLE IF NOT EXISTS cur_{system} (key {key_type} PRIMARY KEY, "
                             "upd INTEGER NOT NULL, bad INTEGER NOT NULL, doc BLOB NOT NULL)")
            self._db.execute(f"CREATE TABLE IF NOT EXISTS pending_{system} (seq INTEGER PRIMARY KEY, vis INTEGER NOT NULL, "
                             f"key {key_type} NOT NULL, upd INTEGER NOT NULL, bad INTEGER NOT NULL, doc BLOB NOT NULL)")

    # --- loading -------------------------------------------------------------------------------

    def load(self, system: str, current: list[tuple], pending: list[tuple]) -> None:
        """Bulk insert (key, upd, bad, doc) current rows and (vis, key, upd, bad, doc) pending versions."""
        with self._lock:
            self._db.execute("BEGIN")
            if current:
                self._db.executemany(f"INSERT OR REPLACE INTO cur_{system} VALUES (?, ?, ?, ?)", current)
            if pending:
                self._db.executemany(f"INSERT INTO pending_{system} (vis, key, upd, bad, doc) VALUES (?, ?, ?, ?, ?)",
                                     pending)
            self._db.execute("COMMIT")
            self.version += 1

    def build_indexes(self) -> None:
        with self._lock:
            for system in SYSTEMS:
                self._db.execute(f"CREATE INDEX IF NOT EXISTS cur_{system}_order ON cur_{system} (upd, key)")
                self._db.execute(f"CREATE INDEX IF NOT EXISTS pending_{system}_vis ON pending_{system} (vis)")
                self._db.execute(f"CREATE INDEX IF NOT EXISTS pending_{system}_key ON pending_{system} (key)")
            self._db.execute("ANALYZE")

    # --- reading ---------------------------------------------------------------------------------

    def count(self, system: str, lo: int, hi: int | None = None) -> int:
        hi = 2**62 if hi is None else hi
        with self._lock:
            return self._db.execute(f"SELECT count(*) FROM cur_{system} WHERE upd BETWEEN ? AND ?",
                                    (lo, hi)).fetchone()[0]

    def page_at_offset(self, system: str, lo: int, hi: int, offset: int, limit: int) -> list[Row]:
        """Rows `offset`..`offset+limit` of the window in (upd, key) order, as an offset walk sees them.

        Sequential walks are served from a remembered position (an index seek, not an O(offset)
        skip) as long as nothing changed since; after a change the true offset is recomputed, so
        rows shift exactly as they do in a real database.
        """
        with self._lock:
            mark = self._positions.get((system, lo, hi, offset))
            if offset == 0:
                rows = self._db.execute(f"SELECT upd, key, doc FROM cur_{system} WHERE upd BETWEEN ? AND ? "
                                        "ORDER BY upd, key LIMIT ?", (lo, hi, limit)).fetchall()
            elif mark is not None and mark[0] == self.version:
                rows = self._db.execute(f"SELECT upd, key, doc FROM cur_{system} WHERE (upd, key) > (?, ?) "
                                        "AND upd <= ? ORDER BY upd, key LIMIT ?",
                                        (mark[1], mark[2], hi, limit)).fetchall()
            else:
                rows = self._db.execute(f"SELECT upd, key, doc FROM cur_{system} WHERE upd BETWEEN ? AND ? "
                                        "ORDER BY upd, key LIMIT ? OFFSET ?", (lo, hi, limit, offset)).fetchall()
            if rows:
                self._positions[(system, lo, hi, offset + len(rows))] = (self.version, rows[-1][0], rows[-1][1])
                while len(self._positions) > 4096:
                    self._positions.popitem(last=False)
            return [Row(*r) for r in rows]

    def page_after(self, system: str, since: int, after: tuple[int, str | int] | None, limit: int) -> list[Row]:
        """Keyset paging: rows updated at or after `since`, strictly after the (upd, key) `after`."""
        with self._lock:
            if after is None:
                rows = self._db.execute(f"SELECT upd, key, doc FROM cur_{system} WHERE upd >= ? "
                                        "ORDER BY upd, key LIMIT ?", (since, limit)).fetchall()
            else:
                rows = self._db.execute(f"SELECT upd, key, doc FROM cur_{system} WHERE upd >= ? AND (upd, key) > (?, ?) "
                                        "ORDER BY upd, key LIMIT ?", (since, after[0], after[1], limit)).fetchall()
            return [Row(*r) for r in rows]

    def iter_current(self, system: str, include_bad: bool = True) -> Iterator[tuple[str | int, int, bool, bytes]]:
        """Every current record (key, upd, bad, doc), in key order, streamed in chunks."""
        last = None
        while True:
            with self._lock:
                cond = "" if last is None else "WHERE key > ?"
                rows = self._db.execute(f"SELECT key, upd, bad, doc FROM cur_{system} {cond} ORDER BY key LIMIT 5000",
                                        () if last is None else (last,)).fetchall()
            if not rows:
                return
            for key, upd, bad, doc in rows:
                if include_bad or not bad:
                    yield key, upd, bool(bad), doc
            last = rows[-1][0]

    def get(self, system: str, key: str | int) -> tuple[int, bool, bytes] | None:
        with self._lock:
            row = self._db.execute(f"SELECT upd, bad, doc FROM cur_{system} WHERE key = ?", (key,)).fetchone()
        return None if row is None else (row[0], bool(row[1]), row[2])

    def max_key(self, system: str) -> int:
        with self._lock:
            return self._db.execute(f"SELECT coalesce(max(key), 0) FROM (SELECT key FROM cur_{system} UNION ALL "
                                    f"SELECT key FROM pending_{system})").fetchone()[0]

    def random_keys(self, system: str, count: int, pick: Iterable[float], lo: int = 0,
                    hi: int = 2**62, settled: bool = True) -> list[str | int]:
        """Keys of `count` current records updated in [lo, hi] (`settled`: that have no versions still to come)."""
        with self._lock:
            where = f"FROM cur_{system} WHERE upd BETWEEN ? AND ?" + (
                f" AND key NOT IN (SELECT key FROM pending_{system})" if settled else "")
            total = self._db.execute(f"SELECT count(*) {where}", (lo, hi)).fetchone()[0]
            if total == 0:
                return []
            keys = []
            for r, _ in zip(pick, range(count), strict=False):
                row = self._db.execute(f"SELECT key {where} ORDER BY upd, key LIMIT 1 OFFSET ?",
                                       (lo, hi, int(r * total))).fetchone()
                keys.append(row[0])
            return keys

    # --- changing --------------------------------------------------------------------------------

    def replace(self, system: str, rows: list[tuple[str | int, int, bool, bytes]]) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany(f"INSERT OR REPLACE INTO cur_{system} VALUES (?, ?, ?, ?)", rows)
            self._db.execute("COMMIT")
            self.version += 1

    def release_pending(self, upto: int) -> dict[str, list[str | int]]:
        """Make every version visible by `upto` current, in visibility order; returns changed keys."""
        changed: dict[str, list[str | int]] = {}
        with self._lock:
            self._db.execute("BEGIN")
            for system in SYSTEMS:
                rows = self._db.execute(f"SELECT key, upd, bad, doc FROM pending_{system} WHERE vis <= ? "
                                        "ORDER BY vis, seq", (upto,)).fetchall()
                if rows:
                    self._db.executemany(f"INSERT OR REPLACE INTO cur_{system} VALUES (?, ?, ?, ?)", rows)
                    self._db.execute(f"DELETE FROM pending_{system} WHERE vis <= ?", (upto,))
                    changed[system] = list(dict.fromkeys(r[0] for r in rows))
            self._db.execute("COMMIT")
            self.version += 1
        return changed

    def stats(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {s: {"current": self._db.execute(f"SELECT count(*) FROM cur_{s}").fetchone()[0],
                        "malformed": self._db.execute(f"SELECT count(*) FROM cur_{s} WHERE bad").fetchone()[0],
                        "pending": self._db.execute(f"SELECT count(*) FROM pending_{s}").fetchone()[0]}
                    for s in SYSTEMS}

    def close(self, remove: bool = False) -> None:
        with self._lock:
            self._db.close()
        if remove:
            for suffix in ("", "-journal", "-wal", "-shm"):
                try:
                    os.remove(self.path + suffix)
                except FileNotFoundError:
                    pass
