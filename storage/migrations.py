"""The layout of the state file, its version, and the steps from one version to the next.

Additive changes need no step: a field a record model gained becomes a column of its raw table
(`ALTER TABLE ... ADD COLUMN`) when the file is opened, and older rows hold NULL there until their
records are read again. Anything that would lose data (a column whose type changed, a table
renamed) is never done silently: it raises `StateSchemaError`, and the way out is a written step
below or `cchc reset SYSTEM`.

Versions: 1 — no version table (the first layout); 2 — source identity and records held per system
in `meta.sync_state`, the declared systems in `meta.systems`; 3 — the last reconcile per system
(`meta.sync_state.last_reconcile_at`), each sync's mode (`meta.sync_log.mode`: nightly, reconcile,
recount), and the update time the source stamped on a rejected record (`meta.rejects.updated_at`), so the
count check can tell a window the source holds more of than is kept.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from core.errors import StateSchemaError
from sources import System
from storage.schema import SYNCED_AT, column_types, create_sql

SCHEMA_VERSION = 3

CURRENT_META = (
    """CREATE TABLE IF NOT EXISTS meta.sync_state (
        system VARCHAR PRIMARY KEY, cursor TIMESTAMPTZ, window_lo TIMESTAMPTZ, window_hi TIMESTAMPTZ,
        last_success_at TIMESTAMPTZ, fetched BIGINT, staged BIGINT, rejected BIGINT, inserted BIGINT,
        replaced BIGINT, source_identity VARCHAR, held BIGINT, last_reconcile_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS meta.sync_log (
        system VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, ok BOOLEAN, window_lo TIMESTAMPTZ,
        window_hi TIMESTAMPTZ, fetched BIGINT, staged BIGINT, rejected BIGINT, inserted BIGINT, replaced BIGINT,
        error VARCHAR, mode VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS meta.rejects (
        system VARCHAR, source_table VARCHAR, record_key VARCHAR, record_id VARCHAR, reason VARCHAR,
        first_seen_at TIMESTAMPTZ, last_seen_at TIMESTAMPTZ, times_seen BIGINT, updated_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS meta.systems (
        system VARCHAR PRIMARY KEY, title_vi VARCHAR, sort_order INTEGER, in_source_health BOOLEAN)""",
)


def _v1_to_v2(con: duckdb.DuckDBPyConnection, systems: tuple[System, ...]) -> None:
    con.execute("ALTER TABLE meta.sync_state ADD COLUMN source_identity VARCHAR")
    con.execute("ALTER TABLE meta.sync_state ADD COLUMN held BIGINT")
    existing = _tables(con, "raw")
    for system in systems:
        counts = [f"(SELECT count(*) FROM raw.{t.name})" for t in system.tables if t.name in existing]
        if counts:
            con.execute(f"UPDATE meta.sync_state SET held = {' + '.join(counts)} WHERE system = ?", [system.name])
    # the identity of records synced before identities were kept is unknown: the next sync adopts its source


def _v2_to_v3(con: duckdb.DuckDBPyConnection, systems: tuple[System, ...]) -> None:
    con.execute("ALTER TABLE meta.sync_state ADD COLUMN last_reconcile_at TIMESTAMPTZ")
    con.execute("ALTER TABLE meta.sync_log ADD COLUMN mode VARCHAR")
    # rejects kept before: their stamps are unknown until a sync sees them again (the count check then
    # re-reads their windows once, and finds nothing more)
    con.execute("ALTER TABLE meta.rejects ADD COLUMN updated_at TIMESTAMPTZ")


STEPS: dict[int, Callable[[duckdb.DuckDBPyConnection, tuple[System, ...]], None]] = {1: _v1_to_v2, 2: _v2_to_v3}
"""STEPS[v] upgrades a file of version v to v + 1."""


def upgrade(con: duckdb.DuckDBPyConnection, systems: tuple[System, ...]) -> int:
    """Bring the file to the current layout for `systems`, in one transaction; returns the version it had."""
    con.execute("BEGIN TRANSACTION")
    try:
        for schema in ("raw", "stage", "meta"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        found = _version(con)
        if found > SCHEMA_VERSION:
            raise StateSchemaError(f"the pipeline state was written by a newer cchc (layout {found}; this one "
                                   f"knows up to {SCHEMA_VERSION})", "upgrade cchc, or restore a backup of the state")
        for version in range(found or SCHEMA_VERSION, SCHEMA_VERSION):
            STEPS[version](con, systems)
        for ddl in CURRENT_META:
            con.execute(ddl)
        con.execute("CREATE OR REPLACE TABLE meta.schema_version AS SELECT ?::INTEGER AS version", [SCHEMA_VERSION])
        register(con, systems)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return found


def register(con: duckdb.DuckDBPyConnection, systems: tuple[System, ...]) -> None:
    """Raw tables of `systems` created or given their models' new fields; the systems listed in meta."""
    _evolve_raw_tables(con, systems)
    for system in systems:
        con.execute("INSERT OR REPLACE INTO meta.systems VALUES (?, ?, ?, ?)",
                    [system.name, system.title_vi, system.order, system.in_source_health])


def _version(con: duckdb.DuckDBPyConnection) -> int:
    """0 for a new file, 1 for the first layout (no version table), else the recorded version."""
    meta = _tables(con, "meta")
    if "schema_version" in meta:
        return con.execute("SELECT max(version) FROM meta.schema_version").fetchall()[0][0]
    return 1 if "sync_state" in meta else 0


def _evolve_raw_tables(con: duckdb.DuckDBPyConnection, systems: tuple[System, ...]) -> None:
    existing = _tables(con, "raw")
    for system in systems:
        for table in system.tables:
            if table.name not in existing:
                con.execute(create_sql(table, f"raw.{table.name}"))
                continue
            have = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'raw' "
                                    "AND table_name = ? AND database_name = current_database()",
                                    [table.name]).fetchall())
            for column, wanted in column_types(table).items():
                if column not in have:
                    con.execute(f'ALTER TABLE raw.{table.name} ADD COLUMN "{column}" {wanted}')
                elif _normal(have[column]) != _normal(wanted):
                    raise StateSchemaError(
                        f"raw.{table.name}.{column} is stored as {have[column]} but the {system.name} record model "
                        f"now makes it {wanted}; changing it in place could lose data",
                        f"start the system over with `cchc reset {system.name}`, or write a migration step")
            if SYNCED_AT not in have:
                raise StateSchemaError(f"raw.{table.name} lacks {SYNCED_AT}: this is not a pipeline state file",
                                       "point CCHC_WAREHOUSE at the right folder")


def _normal(duck_type: str) -> str:
    """DuckDB spells types back its own way (TIMESTAMP WITH TIME ZONE, quoted struct fields)."""
    return (duck_type.upper().replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ").replace('"', "")
            .replace(" ", ""))


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    return {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = ? "
                                      "AND database_name = current_database()", [schema]).fetchall()}
