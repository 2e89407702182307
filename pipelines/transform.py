"""SQL models as Dagster assets: one asset per `sql/<layer>/<model>.sql`, dependencies read from the SQL.

A marts asset is described by its table's Vietnamese comment (`sql/marts/comments.toml`, as in the
published file), and each of its materialisations carries the standard table metadata the UI shows:
`dagster/row_count` and `dagster/column_schema` (each column's DuckDB type and Vietnamese comment).
"""

import logging
import time

import dagster as dg

from core.english import counted
from pipelines.resources import WRITER_POOL, CitySources
from sources import System
from storage.publish import mart_comments
from storage.sqlmodels import SqlModel, build_model, discover, prepare

log = logging.getLogger("cchc.models")
MODELS = discover()
COMMENTS = mart_comments()
MART_KEYS = [dg.AssetKey(["marts", m.name]) for m in MODELS.values() if m.schema == "marts"]

# Previews shown in the UI for the tables inspectors care about most.
PREVIEWS = {
    "marts.inspection_priority": "SELECT rank, unit_code, unit_name, risk_score, top_reasons "
                                 "FROM marts.inspection_priority ORDER BY rank LIMIT 10",
    "marts.findings": "SELECT signal_code, count(*) AS findings, any_value(detail_vi) AS example "
                      "FROM marts.findings GROUP BY signal_code ORDER BY findings DESC LIMIT 15",
    "marts.source_health": "SELECT * FROM marts.source_health",
    "marts.unresolved_units": "SELECT * FROM marts.unresolved_units ORDER BY records DESC LIMIT 10",
    "marts.publication": "SELECT data_kind, as_of, source_identities FROM marts.publication",
}


def _raw_keys(ref: str, systems: tuple[System, ...]) -> list[dg.AssetKey]:
    """The raw assets behind a `raw.x` or `meta.x` reference (the sync bookkeeping: every system's)."""
    schema, name = ref.split(".", 1)
    return [dg.AssetKey(["raw", s.name]) for s in systems if schema == "meta" or name in s.table_names]


def _systems(model: SqlModel, systems: tuple[System, ...]) -> list[str]:
    """The source systems a model reads, through every model it depends on."""
    found, todo, seen = set(), list(model.deps), set()
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        if ref.startswith("raw."):
            found.update(key.path[1] for key in _raw_keys(ref, systems))
        elif ref in MODELS:
            todo.extend(MODELS[ref].deps)
    secondary = {s.name for s in systems if not s.in_source_health}  # the directory serves every system
    return sorted(found - secondary) or sorted(found)


def _deps(model: SqlModel, systems: tuple[System, ...]) -> list[dg.AssetKey]:
    keys = set()
    for ref in model.deps:
        if ref.startswith(("raw.", "meta.")):
            keys.update(_raw_keys(ref, systems))
        else:
            keys.add(dg.AssetKey(ref.split(".", 1)))
    return sorted(keys, key=lambda k: k.path)


def _markdown(con, sql: str) -> str:
    rel = con.sql(sql)
    rows = rel.fetchall()
    head = "| " + " | ".join(rel.columns) + " |\n|" + "---|" * len(rel.columns)
    body = "\n".join("| " + " | ".join(str(v).replace("|", "/") for v in row) + " |" for row in rows)
    return head + "\n" + body


def column_schema(con, model: SqlModel) -> dg.TableSchema:
    """The built table's columns: name, DuckDB type, and the Vietnamese comment of a marts column."""
    notes = COMMENTS.get(model.name, {}) if model.schema == "marts" else {}
    columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
                          "AND schema_name = ? AND table_name = ? ORDER BY column_index",
                          [model.schema, model.name]).fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(name, data_type, description=notes.get(name))
                                   for name, data_type in columns])


def model_asset(model: SqlModel, systems: tuple[System, ...]) -> dg.AssetsDefinition:
    read = _systems(model, systems)
    group = f"{model.schema}_{read[0]}" if model.schema != "marts" and len(read) == 1 else model.schema
    mart = model.schema == "marts"
    comment = COMMENTS.get(model.name, {}).get("table") if mart else None
    metadata = {"sql_file": dg.MetadataValue.path(str(model.path.relative_to(model.path.parents[2]))),
                "reads_systems": dg.MetadataValue.text(", ".join(read) or "-")}
    if comment and model.description:  # the SQL file's own header, for whoever maintains it
        metadata["sql_description"] = dg.MetadataValue.text(model.description)

    @dg.asset(key=[model.schema, model.name], group_name=group, pool=WRITER_POOL, deps=_deps(model, systems),
              kinds={"duckdb", "sql"}, description=comment or model.description or None,
              tags={"layer": model.schema, **({"system": read[0]} if len(read) == 1 else {})},
              metadata=metadata)
    def _asset(context: dg.AssetExecutionContext, city: CitySources) -> dg.MaterializeResult:
        meta = {"as_of": dg.MetadataValue.text(city.settings.as_of.isoformat())}
        began = time.perf_counter()
        with city.state() as state:
            prepare(state.con, city.settings.as_of, city.calendar)
            rows = build_model(state.con, model)
            if rows is not None:  # a table (a view is not counted: that would compute it)
                meta["rows"] = dg.MetadataValue.int(rows)  # read by `cchc refresh` for its summary
            if mart:
                meta["dagster/row_count"] = dg.MetadataValue.int(rows)
                meta["dagster/column_schema"] = dg.MetadataValue.table_schema(column_schema(state.con, model))
            if model.ref in PREVIEWS:
                meta["preview"] = dg.MetadataValue.md(_markdown(state.con, PREVIEWS[model.ref]))
        shown = "a view" if rows is None else counted(rows, "row")
        log.info("built %s: %s in %.1f s", model.ref, shown, time.perf_counter() - began,
                 extra={"step": f"SQL models: {model.ref}, {shown}"})
        return dg.MaterializeResult(metadata=meta)

    return _asset


def model_assets(systems: tuple[System, ...]) -> list[dg.AssetsDefinition]:
    return [model_asset(m, systems) for m in MODELS.values()]
