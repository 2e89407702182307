"""Opening the published DuckDB file, read-only: once for a command (`open_read_only`), or, for the web app,
always its newest generation (`PublishedFile`).

A refresh replaces the file by renaming a new one over it. Each request asks for a cursor; when the
path now names another file (inode, size or modification time changed), the next request opens the
new file and the old one is closed once the requests still reading it are done — a page never breaks
in the middle and never reads a half-written file.

Each generation is a database instance of its own (in memory) with the file attached read-only as
`published` through `/proc/self/fd/N` of a descriptor held for its lifetime (the very file that was
looked at); the instance then has no access to any other file (no read_csv, COPY or ATTACH), and its
configuration is locked. `duckdb.connect(path)` would not do: DuckDB keeps one instance per path in a process, and
resolves `/proc/self/fd/N` to the file's name, so it would hand back the old file after a swap.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from reader.errors import NoPublishedFile, ReadError

ALIAS = "published"


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The published file, read-only, for one command (brief, draw, inspections template); a missing file is the
    operator's cue to run a refresh."""
    if not path.is_file():
        raise NoPublishedFile(f"chưa có tệp dữ liệu {path} — hãy chạy `cchc refresh` trước (run `cchc refresh` first)")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise ReadError(f"không mở được tệp dữ liệu {path}: {str(exc).splitlines()[0]}") from None


@dataclass(eq=False)
class _Generation:
    identity: tuple[int, int, int]
    fd: int
    con: duckdb.DuckDBPyConnection
    readers: int = 0
    retired: bool = False

    def close(self) -> None:
        self.con.close()
        os.close(self.fd)


class PublishedFile:
    """Cursors on the newest published file; thread-safe."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._current: _Generation | None = None
        self.generations_opened = 0

    def _identity(self) -> tuple[int, int, int]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise NoPublishedFile(str(self.path)) from None
        return st.st_ino, st.st_size, st.st_mtime_ns

    def _open(self) -> _Generation:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            raise NoPublishedFile(str(self.path)) from None
        try:
            st = os.fstat(fd)  # the identity of the file opened, even if it was swapped since it was looked at
            con = duckdb.connect(":memory:")
            try:
                con.execute(f"ATTACH '/proc/self/fd/{fd}' AS {ALIAS} (READ_ONLY)")
                # defence in depth: even an injected statement could read or write no other file
                con.execute("SET enable_external_access = false")
                con.execute("SET lock_configuration = true")
            except BaseException:
                con.close()
                raise
        except BaseException:
            os.close(fd)
            raise
        self.generations_opened += 1
        return _Generation((st.st_ino, st.st_size, st.st_mtime_ns), fd, con)

    def _acquire(self) -> _Generation:
        identity = self._identity()
        with self._lock:
            current = self._current
            if current is None or current.identity != identity:
                fresh = self._open()
                if current is not None:
                    current.retired = True
                    if current.readers == 0:
                        current.close()
                self._current = current = fresh
            current.readers += 1
            return current

    def _release(self, generation: _Generation) -> None:
        with self._lock:
            generation.readers -= 1
            if generation.retired and generation.readers == 0:
                generation.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the newest file, for one request."""
        generation = self._acquire()
        try:
            cursor = generation.con.cursor()
            cursor.execute(f"USE {ALIAS}")  # `marts.x` names the published file's tables
        except BaseException:
            self._release(generation)
            raise
        try:
            yield cursor
        finally:
            cursor.close()
            self._release(generation)

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                if self._current.readers == 0:
                    self._current.close()
                self._current = None
