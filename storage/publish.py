"""Publishing the marts: build a new file beside the published one, then swap it in atomically.

Inspectors hold read-only connections to the published file; `os.replace` swaps the directory entry,
so an open reader keeps its snapshot and a new connection sees the new data.

The file is written in DuckDB's oldest storage format (`STORAGE_VERSION 'v1.0.0'`, storage version 64),
so that every DuckDB 1.x opens it: desktop tools (DBeaver, ODBC, R) often bundle 1.4 LTS or older, and
1.4 reads only versions 64 to 67, 1.1 only 64. The marts lose nothing in it (LIST columns, table and
column comments); `tests/test_publish_compat.py` opens the file with DuckDB 1.4 and 1.1 to prove it.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from contextlib import suppress
from datetime import date
from pathlib import Path

import duckdb

from core import failpoints
from core.errors import NotEnoughSpace, megabytes, writing_in
from storage.sqlmodels import SQL_DIR

STORAGE_VERSION = "v1.0.0"
"""The oldest storage format DuckDB writes (older names give the same file): readable by DuckDB 0.10 and every 1.x."""
COMMENTS = SQL_DIR / "marts" / "comments.toml"
ALIAS = "publish_target"  # the new file, attached to the state's connection while it is written
MARGIN = 4 * 2**20  # bytes beyond the marts' size: the new file's WAL and metadata while it is written
SIMULATED_MARK = "DỮ LIỆU MÔ PHỎNG — "  # before every table comment of a file built from the demo city


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def mart_comments() -> dict[str, dict[str, str]]:
    """The Vietnamese comments of the marts: table -> {"table": comment, column: comment, ...}."""
    return tomllib.loads(COMMENTS.read_text(encoding="utf-8"))


def publish(con: duckdb.DuckDBPyConnection, target: Path, sources: dict[str, str] | None = None) -> dict[str, int]:
    """Copy every marts table of `con` into a fresh file and replace `target` with it.

    `sources` maps a published table to the relation it is copied from (default: `marts.<table>`).
    Refused before anything is written when the folder lacks the space the new file needs (NotEnoughSpace);
    on any failure the new file and its WAL are removed, and `target` is never touched.
    """
    folder = target.parent
    staging = target.with_name(target.name + ".new")
    wal = Path(str(staging) + ".wal")
    with writing_in(folder, "the published file"):
        folder.mkdir(parents=True, exist_ok=True)
        _remove(staging, wal)  # a publish killed before the swap
    if sources is None:
        sources = {t: f"marts.{t}" for (t,) in con.sql(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'marts' ORDER BY table_name").fetchall()}
    if not sources:
        raise RuntimeError("there are no marts tables to publish; the published file was left as it was")
    check_space(con, target)
    with writing_in(folder, "the published file"):  # its free space is told once the new file is removed
        try:
            counts = _write(con, staging, sources)
            if wal.exists():
                raise RuntimeError(f"publishing left a write-ahead log beside {staging.name}; the file was not "
                                   "swapped in")
            failpoints.reached("publish.before_swap")
            os.replace(staging, target)
        except BaseException:
            _remove(staging, wal)
            raise
    return counts


def _write(con: duckdb.DuckDBPyConnection, staging: Path, sources: dict[str, str]) -> dict[str, int]:
    """The marts, with their comments, in a new file at `staging`, checkpointed and detached."""
    comments = mart_comments()
    counts = {}
    simulated = "publication" in sources and bool(
        con.sql(f"SELECT bool_or(simulated) FROM {sources['publication']}").fetchall()[0][0])
    con.execute(f"ATTACH {_quote(str(staging))} AS {ALIAS} (STORAGE_VERSION '{STORAGE_VERSION}')")
    try:
        con.execute(f"CREATE SCHEMA {ALIAS}.marts")
        for table in sorted(sources):
            con.execute(f"CREATE TABLE {ALIAS}.marts.{table} AS SELECT * FROM {sources[table]}")
            counts[table] = con.execute(f"SELECT count(*) FROM {ALIAS}.marts.{table}").fetchall()[0][0]
            notes = comments.get(table, {})
            if "table" in notes:
                note = (SIMULATED_MARK if simulated else "") + notes["table"]
                con.execute(f"COMMENT ON TABLE {ALIAS}.marts.{table} IS {_quote(note)}")
            for (column,) in con.sql(f"SELECT column_name FROM duckdb_columns() WHERE database_name = '{ALIAS}' "
                                     f"AND table_name = '{table}'").fetchall():
                if column in notes:
                    con.execute(f'COMMENT ON COLUMN {ALIAS}.marts.{table}."{column}" IS {_quote(notes[column])}')
        con.execute(f"CHECKPOINT {ALIAS}")
    except BaseException:
        with suppress(duckdb.Error):  # the build's error is the one to tell
            _detach(con)
        raise
    _detach(con)
    return counts


def _detach(con: duckdb.DuckDBPyConnection) -> None:
    """Detach the new file, also when the checkpoint that DETACH makes fails: DuckDB then says
    "Detached database …, but CHECKPOINT during DETACH failed" and has detached it (checked, and done
    again if not), so that its file is closed and can be removed."""
    try:
        con.execute(f"DETACH {ALIAS}")
    finally:
        if con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", [ALIAS]).fetchall()[0][0]:
            con.execute(f"DETACH DATABASE IF EXISTS {ALIAS}")


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def check_space(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    """Refuse to publish when the folder has less free space than the new file needs (NotEnoughSpace)."""
    needed, estimate = space_needed(con, target)
    free = shutil.disk_usage(target.parent).free
    if free < needed:
        raise NotEnoughSpace(target.parent, "the new published file", needed, free, estimate)


def space_needed(con: duckdb.DuckDBPyConnection, target: Path) -> tuple[int, str]:
    """The space a new published file needs (bytes), and how that was estimated, in words.

    The marts' size is the larger of two: the size of the file published now (the marts change little from
    one night to the next), and what the marts take in the state file: the blocks their tables hold, plus
    the state's write-ahead log, where the marts not yet checkpointed are (the log holds other writes too,
    so this errs high, by less than DuckDB's checkpoint threshold of 16 MB). With the demo city: 13.5 MB of
    blocks and a 5.4 MB log at the first publish, for a new file of 19.0 MB. A quarter is added for what the
    estimate misses (the published file's older storage format), and 4 MB for the new file's log and metadata.
    """
    tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                         "current_database() AND schema_name = 'marts'").fetchall()]
    # small tables share blocks: the distinct blocks of all of them (pragma_storage_info takes one literal name)
    blocks = con.execute("SELECT count(DISTINCT block_id) FROM (" + " UNION ALL ".join(
        f"SELECT block_id FROM pragma_storage_info('marts.{t}')" for t in tables) + ") WHERE block_id >= 0"
    ).fetchall()[0][0] if tables else 0
    block_size, path = con.execute("SELECT block_size, path FROM pragma_database_size() JOIN duckdb_databases() "
                                   "USING (database_name) WHERE database_name = current_database()").fetchall()[0]
    in_state = (blocks * block_size + _size(Path(f"{path}.wal"))) if path else 0  # none in memory
    marts = max(in_state, _size(target))
    return int(marts * 1.25) + MARGIN, f"the marts' {megabytes(marts)}, a quarter more and {megabytes(MARGIN)}"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def republish_health(con: duckdb.DuckDBPyConnection, target: Path, health_sql: str) -> bool:
    """After a failed refresh: the published marts stay exactly as they were, only `source_health` is
    recomputed, so inspectors see which source failed and since when. False when nothing is published yet."""
    if not target.exists():
        return False
    con.execute(f"ATTACH {_quote(str(target))} AS previous (READ_ONLY)")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE fresh_source_health AS {health_sql}")
        tables = [t for (t,) in con.sql("SELECT table_name FROM duckdb_tables() WHERE database_name = 'previous' "
                                        "AND schema_name = 'marts'").fetchall()]
        sources = {t: f"previous.marts.{t}" for t in tables}
        sources["source_health"] = "temp.fresh_source_health"
        # copy into memory first: the previous file must be detached before it is replaced
        for table, relation in list(sources.items()):
            con.execute(f"CREATE OR REPLACE TEMP TABLE republish_{table} AS SELECT * FROM {relation}")
            sources[table] = f"temp.republish_{table}"
    finally:
        con.execute("DETACH previous")
    publish(con, target, sources)
    return True


def published_as_of(target: Path) -> date | None:
    """The as-of date of the file published at `target`, None when there is none (or it cannot be read)."""
    if not target.exists():
        return None
    try:
        with duckdb.connect(str(target), read_only=True) as con:
            rows = con.sql("SELECT as_of FROM marts.publication LIMIT 1").fetchall()
    except duckdb.Error:
        return None
    return rows[0][0] if rows else None
