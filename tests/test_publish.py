"""Publishing never blocks inspectors: a reader keeps its snapshot, a new connection sees the new file."""

from __future__ import annotations

import struct

import duckdb
import pytest

import storage.publish
from pipeline_support import Reader, ask_new_process
from storage.publish import publish


def _state(tmp_path, rows: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / f"state-{rows}.duckdb"))
    con.execute("CREATE SCHEMA marts")
    con.execute(f"CREATE TABLE marts.units AS SELECT 'U' || i AS unit_code, 'Đơn vị ' || i AS unit_name "
                f"FROM range({rows}) t(i)")
    return con


def _count_in_new_process(path) -> int:
    return int(ask_new_process(path, "SELECT count(*) FROM marts.units"))


def _header_version(path) -> int:
    with open(path, "rb") as fh:
        header = fh.read(20)
    assert header[8:12] == b"DUCK"
    return struct.unpack("<Q", header[12:20])[0]


def test_refresh_succeeds_while_a_reader_holds_the_file_and_the_reader_keeps_its_snapshot(tmp_path):
    target = tmp_path / "warehouse" / "cchc.duckdb"
    assert publish(_state(tmp_path, 3), target) == {"units": 3}
    # an inspector's tool: another process holding a read-only connection
    reader = Reader(target, "SELECT count(*) FROM marts.units")
    try:
        assert reader.first == "3"
        assert publish(_state(tmp_path, 5), target) == {"units": 5}  # no lock error although the reader is open
        assert _count_in_new_process(target) == 5, "a new connection sees the new data"
        assert reader.again() == "3", "the open reader keeps its consistent snapshot"
    finally:
        reader.close()
    assert not list(target.parent.glob("*.new*")), "no staging file is left behind"


def test_published_file_has_vietnamese_comments_and_a_1x_storage_version(tmp_path):
    target = tmp_path / "cchc.duckdb"
    publish(_state(tmp_path, 2), target)
    with duckdb.connect(str(target), read_only=True) as con:
        table_comment = con.sql("SELECT comment FROM duckdb_tables() WHERE table_name = 'units'").fetchall()[0][0]
        column_comment = con.sql("SELECT comment FROM duckdb_columns() WHERE table_name = 'units' "
                                 "AND column_name = 'unit_code'").fetchall()[0][0]
    assert "đơn vị" in table_comment.lower() and "Mã định danh" in column_comment
    assert _header_version(target) == 64, "storage version 64 (v1.0.0): every DuckDB 1.x reads it, 1.1 only that one"


def test_a_failed_publish_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "cchc.duckdb"
    publish(_state(tmp_path, 2), target)

    calls = []
    original = storage.publish._quote

    def broken(text):  # fails after the new file was attached and its table copied
        calls.append(text)
        if len(calls) > 1:
            raise RuntimeError("disk full")
        return original(text)

    monkeypatch.setattr(storage.publish, "_quote", broken)
    with pytest.raises(RuntimeError):
        publish(_state(tmp_path, 7), target)
    assert _count_in_new_process(target) == 2


def test_nothing_to_publish_is_an_error_not_an_empty_file(tmp_path):
    target = tmp_path / "cchc.duckdb"
    publish(_state(tmp_path, 2), target)
    empty = duckdb.connect(str(tmp_path / "empty.duckdb"))
    with pytest.raises(RuntimeError, match="no marts tables"):
        publish(empty, target)
    assert _count_in_new_process(target) == 2
