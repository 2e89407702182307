"""SQL models under `sql/`: one file per model, dependencies read from the SQL itself.

A model is `sql/<schema>/<name>.sql` holding one SELECT; it becomes `<schema>.<name>` (staging:
views; intermediate and marts: tables; a line `-- materialized: view` or `table` overrides). Any
reference `raw.x`, `meta.x`, `staging.x`, `intermediate.x` or `marts.x` in its text is a dependency
(`meta.x`: the sync bookkeeping, which every sync writes). Leading `--` lines are its description.

Every building connection also holds the working-day calendar (`core/workdays.py`) as the temporary table
`calendar_days`, from 1990 (the earliest year a source date may hold) to the year after the as-of date; the
model `intermediate.int_working_days` is built from it, and the deadlines join that. It also holds the signal
catalog (`models/signals`) as the temporary tables `signal_declarations` (one row per signal) and
`signal_unit_type_thresholds` (the days signal's threshold by unit type): `marts.signal_catalog` and the
days signal's population read them, so no threshold or Vietnamese text of a signal is written in SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb
import pyarrow as pa

from core import clock
from core.workdays import FIRST_YEAR, WorkingCalendar
from models.names import name_key
from models.signals import SIGNALS, ByUnitType, Signal

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
LAYERS = ("staging", "intermediate", "marts")
_REF = re.compile(r"\b(raw|meta|staging|intermediate|marts)\.([a-z_][a-z0-9_]*)\b")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_MATERIALIZED = re.compile(r"^--\s*materialized:\s*(view|table)\b", re.M | re.I)

# Helpers every model may use. ICT has no daylight saving, but we name the zone anyway.
MACROS = (
    "CREATE OR REPLACE MACRO local_date(ts) AS CAST(timezone('Asia/Ho_Chi_Minh', ts) AS DATE)",
    "CREATE OR REPLACE MACRO local_midnight(d) AS timezone('Asia/Ho_Chi_Minh', CAST(d AS TIMESTAMP))",
    "CREATE OR REPLACE MACRO month_of(d) AS CAST(date_trunc('month', d) AS DATE)",
    "CREATE OR REPLACE MACRO vn_date(d) AS strftime(CAST(d AS DATE), '%d/%m/%Y')",
    "CREATE OR REPLACE MACRO vn_time(ts) AS strftime(timezone('Asia/Ho_Chi_Minh', ts), '%H:%M %d/%m/%Y')",
    "CREATE OR REPLACE MACRO as_of() AS CAST(getvariable('as_of') AS DATE)",
    # when the build started, on the platform's clock (core.clock), not DuckDB's own now()
    "CREATE OR REPLACE MACRO built_at() AS CAST(getvariable('built_at') AS TIMESTAMPTZ)",
    # A window's pooled value as an inspector reads it: "85,0% (17/20)", "bình quân 1,5 trường hợp mỗi tháng
    # (3 trong 2 tháng)", "2/4 tháng đạt" (marts.remediation's explanations).
    "CREATE OR REPLACE MACRO pooled_text(kind, value, numerator, denominator, months, months_met) AS CASE kind "
    "WHEN 'ratio' THEN replace(printf('%.1f', 100 * value), '.', ',') || '% (' || numerator || '/' || denominator || ')' "
    "WHEN 'count' THEN 'bình quân ' || replace(printf('%.1f', value), '.', ',') || ' trường hợp mỗi tháng (' "
    "|| numerator || ' trong ' || months || ' tháng)' "
    "ELSE months_met || '/' || months || ' tháng đạt' END",
    # The upper end of the 95 % Wilson score interval of x successes in n cases (spec: inspection_priority):
    # (p + z²/2n + z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n) with p = x/n and z = 1.96, in doubles
    "CREATE OR REPLACE MACRO wilson_upper_p(p, n, z) AS "
    "(p + z * z / (2 * n) + z * sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)",
    "CREATE OR REPLACE MACRO wilson_upper(x, n) AS wilson_upper_p(CAST(x AS DOUBLE) / n, CAST(n AS DOUBLE), "
    "CAST(1.96 AS DOUBLE))",
    # The pooling window of marts.unit_signals_pooled (spec: the twelve months ending with the as-of month).
    # `cchc brief` redefines both as temporary macros to pool another window with the same model.
    "CREATE OR REPLACE MACRO pool_last_month() AS month_of(as_of())",
    "CREATE OR REPLACE MACRO pool_first_month() AS CAST(month_of(as_of()) - INTERVAL 11 MONTH AS DATE)",
)


@dataclass(frozen=True)
class SqlModel:
    schema: str
    name: str
    path: Path
    sql: str
    description: str
    deps: frozenset[str]
    materialized: str = "TABLE"

    @property
    def ref(self) -> str:
        return f"{self.schema}.{self.name}"


def _parse(path: Path, schema: str) -> SqlModel:
    text = path.read_text(encoding="utf-8")
    description = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        if not _MATERIALIZED.match(line):
            description.append(line[2:].strip())
    override = _MATERIALIZED.search(text)
    materialized = override.group(1).upper() if override else ("VIEW" if schema == "staging" else "TABLE")
    code = _COMMENT.sub(" ", text)
    deps = frozenset(f"{s}.{n}" for s, n in _REF.findall(code)) - {f"{schema}.{path.stem}"}
    return SqlModel(schema, path.stem, path, text.strip().rstrip(";"), " ".join(description).strip(), deps,
                    materialized)


def discover(root: Path = SQL_DIR) -> dict[str, SqlModel]:
    models = {}
    for schema in LAYERS:
        for path in sorted((root / schema).glob("*.sql")):
            model = _parse(path, schema)
            models[model.ref] = model
    for model in models.values():
        unknown = {d for d in model.deps if not d.startswith(("raw.", "meta.")) and d not in models}
        if unknown:
            raise ValueError(f"{model.path.name} refers to unknown models: {', '.join(sorted(unknown))}")
    return models


def build_order(models: dict[str, SqlModel]) -> list[SqlModel]:
    graph = {ref: {d for d in m.deps if d in models} for ref, m in models.items()}
    return [models[ref] for ref in TopologicalSorter(graph).static_order()]


@lru_cache(maxsize=4)
def _calendar_table(calendar: WorkingCalendar, last_year: int) -> pa.Table:
    days = calendar.days(date(FIRST_YEAR, 1, 1), date(last_year, 12, 31))
    return pa.table({"day": [d.day for d in days], "weekday_vi": [d.weekday_vi for d in days],
                     "working_day": [d.working for d in days], "reason_vi": [d.reason_vi for d in days],
                     "source": [d.source for d in days]})


def load_calendar_days(con: duckdb.DuckDBPyConnection, calendar: WorkingCalendar, as_of: date) -> None:
    """The temporary table `calendar_days` on this connection (once per calendar: a run's steps share it)."""
    key = f"{hash((calendar, as_of.year + 1)):x}"
    loaded = con.execute("SELECT getvariable('calendar_key'), "
                         "EXISTS (SELECT 1 FROM duckdb_tables() WHERE temporary AND table_name = 'calendar_days')"
                         ).fetchall()[0]
    if loaded == (key, True):
        return
    con.register("_calendar_days", _calendar_table(calendar, as_of.year + 1))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE calendar_days AS SELECT * FROM _calendar_days")
    finally:
        con.unregister("_calendar_days")
    con.execute("SET VARIABLE calendar_key = ?", [key])


@lru_cache(maxsize=4)
def _signal_tables(signals: tuple[Signal, ...]) -> tuple[pa.Table, pa.Table]:
    declarations = pa.table({
        "position": pa.array(range(len(signals)), pa.int32()),
        "signal_code": [s.code for s in signals], "system": [s.system for s in signals],
        "kind": [s.kind for s in signals], "name_vi": [s.name_vi for s in signals],
        "description_vi": [s.description_vi for s in signals],
        "threshold": pa.array([s.single_threshold for s in signals], pa.float64()),
        "legal_basis": [s.legal_basis for s in signals], "direction": [s.direction for s in signals],
        "unit_of_measure_vi": [s.unit_of_measure_vi for s in signals],
        "computation_vi": [s.computation_vi for s in signals], "evidence_vi": [s.evidence_vi for s in signals]})
    by_type = [(s.code, i, unit_type, float(value)) for s in signals if isinstance(s.threshold, ByUnitType)
               for i, (unit_type, value) in enumerate(s.threshold.values)]
    thresholds = pa.table({"signal_code": pa.array([r[0] for r in by_type], pa.string()),
                           "position": pa.array([r[1] for r in by_type], pa.int32()),
                           "unit_type": pa.array([r[2] for r in by_type], pa.string()),
                           "threshold": pa.array([r[3] for r in by_type], pa.float64())})
    return declarations, thresholds


def load_signal_catalog(con: duckdb.DuckDBPyConnection, signals: tuple[Signal, ...] = SIGNALS) -> None:
    """The temporary tables `signal_declarations` and `signal_unit_type_thresholds` on this connection, and the
    variable `count_signals` (the count signals' codes): as a variable, a filter on them is pushed below the
    per-record sentences of marts.findings, which are then written only for the findings (4x faster)."""
    declarations, thresholds = _signal_tables(signals)
    for name, table in (("signal_declarations", declarations), ("signal_unit_type_thresholds", thresholds)):
        con.register(f"_{name}", table)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _{name}")
        finally:
            con.unregister(f"_{name}")
    con.execute("SET VARIABLE count_signals = ?::VARCHAR[]", [[s.code for s in signals if s.kind == "count"]])


def prepare(con: duckdb.DuckDBPyConnection, as_of: date, calendar: WorkingCalendar | None = None,
            signals: tuple[Signal, ...] = SIGNALS) -> None:
    """Schemas, macros, the as-of date, the working-day calendar (None: the built-in one, without the
    operator's file), the signal catalog and the unit-name key for one building connection."""
    load_calendar_days(con, calendar or WorkingCalendar(), as_of)
    load_signal_catalog(con, signals)
    for schema in LAYERS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(f"SET VARIABLE as_of = DATE '{as_of.isoformat()}'")
    con.execute(f"SET VARIABLE built_at = TIMESTAMPTZ '{clock.now().isoformat()}'")
    for macro in MACROS:
        con.execute(macro)
    try:
        con.create_function("name_key", name_key, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("VARCHAR"),
                            null_handling="special", side_effects=False)
    except duckdb.NotImplementedException:
        pass  # already registered on this connection


def build_model(con: duckdb.DuckDBPyConnection, model: SqlModel) -> int | None:
    """(Re)create one model; returns a table's row count (None for a view: counting it would compute it)."""
    existing = con.execute("SELECT 'VIEW' FROM duckdb_views() WHERE schema_name = ? AND view_name = ? UNION ALL "
                           "SELECT 'TABLE' FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                           [model.schema, model.name, model.schema, model.name]).fetchall()
    if existing and existing[0][0] != model.materialized:  # the model changed its materialization
        con.execute(f"DROP {existing[0][0]} {model.ref}")
    con.execute(f"CREATE OR REPLACE {model.materialized} {model.ref} AS\n{model.sql}")
    if model.materialized == "VIEW":
        return None
    return con.execute(f"SELECT count(*) FROM {model.ref}").fetchall()[0][0]


def build_all(con: duckdb.DuckDBPyConnection, as_of: date, models: dict[str, SqlModel] | None = None,
              calendar: WorkingCalendar | None = None, signals: tuple[Signal, ...] = SIGNALS) -> dict[str, int | None]:
    models = models or discover()
    prepare(con, as_of, calendar, signals)
    return {m.ref: build_model(con, m) for m in build_order(models)}
