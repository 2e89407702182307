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
import tomllib
from pathlib import Path

import duckdb

from core import failpoints
from storage.sqlmodels import SQL_DIR

STORAGE_VERSION = "v1.0.0"
"""The oldest storage format DuckDB writes (older names give the same file): readable by DuckDB 0.10 and every 1.x."""
COMMENTS = SQL_DIR / "marts" / "comments.toml"
SIMULATED_MARK = "DỮ LIỆU MÔ PHỎNG — "  # before every table comment of a file built from the demo city


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def mart_comments() -> dict[str, dict[str, str]]:
    """The Vietnamese comments of the marts: table -> {"table": comment, column: comment, ...}."""
    return tomllib.loads(COMMENTS.read_text(encoding="utf-8"))


def publish(con: duckdb.DuckDBPyConnection, target: Path, sources: dict[str, str] | None = None) -> dict[str, int]:
    """Copy every marts table of `con` into a fresh file and replace `target` with it.

    `sources` maps a published table to the relation it is copied from (default: `marts.<table>`).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".new")
    for leftover in (staging, Path(str(staging) + ".wal")):
        leftover.unlink(missing_ok=True)
    comments = mart_comments()
    if sources is None:
        sources = {t: f"marts.{t}" for (t,) in con.sql(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'marts' ORDER BY table_name").fetchall()}
    tables = sorted(sources)
    if not tables:
        raise RuntimeError("there are no marts tables to publish; the published file was left as it was")
    counts = {}
    simulated = "publication" in sources and bool(
        con.sql(f"SELECT bool_or(simulated) FROM {sources['publication']}").fetchall()[0][0])
    con.execute(f"ATTACH {_quote(str(staging))} AS publish_target (STORAGE_VERSION '{STORAGE_VERSION}')")
    try:
        con.execute("CREATE SCHEMA publish_target.marts")
        for table in tables:
            con.execute(f"CREATE TABLE publish_target.marts.{table} AS SELECT * FROM {sources[table]}")
            counts[table] = con.execute(f"SELECT count(*) FROM publish_target.marts.{table}").fetchall()[0][0]
            notes = comments.get(table, {})
            if "table" in notes:
                note = (SIMULATED_MARK if simulated else "") + notes["table"]
                con.execute(f"COMMENT ON TABLE publish_target.marts.{table} IS {_quote(note)}")
            for (column,) in con.sql(f"SELECT column_name FROM duckdb_columns() WHERE database_name = 'publish_target' "
                                     f"AND table_name = '{table}'").fetchall():
                if column in notes:
                    con.execute(f'COMMENT ON COLUMN publish_target.marts.{table}."{column}" IS {_quote(notes[column])}')
        con.execute("CHECKPOINT publish_target")
    finally:
        con.execute("DETACH publish_target")
    if Path(str(staging) + ".wal").exists():
        raise RuntimeError(f"publishing left a write-ahead log beside {staging.name}; the file was not swapped in")
    failpoints.reached("publish.before_swap")
    os.replace(staging, target)
    return counts


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
