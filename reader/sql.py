"""Running a read on the published file: bound parameters only, whole results fetched (so the connection is
free for the next query), and which tables the file holds (an older file lacks the newer marts)."""

from __future__ import annotations

import duckdb


def rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Every row as a dict of column → value."""
    rel = cur.execute(sql, params or [])
    columns = [d[0] for d in rel.description]
    return [dict(zip(columns, row, strict=True)) for row in rel.fetchall()]


def one(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> dict | None:
    """The first row as a dict, or None."""
    found = rows(cur, sql, params)
    return found[0] if found else None


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row as a tuple, or None."""
    found = con.execute(sql, params or []).fetchall()
    return found[0] if found else None


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether schema marts holds `table` (a file published before the table existed does not)."""
    return fetch_one(con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?",
                     [table])[0] > 0


def has_tables(con: duckdb.DuckDBPyConnection, *tables: str) -> bool:
    return all(has_table(con, t) for t in tables)


def marts_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables and views of schema marts."""
    return {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' "
        "UNION SELECT view_name FROM duckdb_views() WHERE schema_name = 'marts'").fetchall()}


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                      "AND table_name = ?", [table]).fetchall()}


def conditions(filters: list[tuple[str, object]]) -> tuple[str, list]:
    """A WHERE of the filters that have a value (None: no filter), each with one bound parameter."""
    chosen = [(sql, value) for sql, value in filters if value is not None]
    return " AND ".join([sql for sql, _value in chosen] or ["TRUE"]), [value for _sql, value in chosen]
