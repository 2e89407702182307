"""SQL models as Dagster assets: one asset per `sql/<layer>/<model>.sql`, dependencies read from the SQL."""

import dagster as dg

from pipelines.resources import CitySources
from storage.schema import RAW_TABLES
from storage.sqlmodels import SqlModel, build_model, discover, prepare

WRITER_POOL = "duckdb_writer"
MODELS = discover()


def _dep_key(ref: str) -> dg.AssetKey:
    schema, name = ref.split(".", 1)
    if schema == "raw":
        return dg.AssetKey(["raw", RAW_TABLES[name].system])
    return dg.AssetKey([schema, name])


def _systems(model: SqlModel) -> list[str]:
    """The source systems a model reads, through every model it depends on."""
    found, todo, seen = set(), list(model.deps), set()
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        if ref.startswith("raw."):
            found.add(RAW_TABLES[ref.split(".", 1)[1]].system)
        elif ref in MODELS:
            todo.extend(MODELS[ref].deps)
    return sorted(found - {"directory"}) or sorted(found)


# Previews shown in the UI for the tables inspectors care about most.
PREVIEWS = {
    "marts.inspection_priority": "SELECT rank, unit_code, unit_name, risk_score, top_reasons "
                                 "FROM marts.inspection_priority ORDER BY rank LIMIT 10",
    "marts.findings": "SELECT signal_code, count(*) AS findings, any_value(detail_vi) AS example "
                      "FROM marts.findings GROUP BY signal_code ORDER BY findings DESC LIMIT 15",
    "marts.source_health": "SELECT * FROM marts.source_health",
    "marts.unresolved_units": "SELECT * FROM marts.unresolved_units ORDER BY records DESC LIMIT 10",
}


def _markdown(con, sql: str) -> str:
    rel = con.sql(sql)
    rows = rel.fetchall()
    head = "| " + " | ".join(rel.columns) + " |\n|" + "---|" * len(rel.columns)
    body = "\n".join("| " + " | ".join(str(v).replace("|", "/") for v in row) + " |" for row in rows)
    return head + "\n" + body


def model_asset(model: SqlModel) -> dg.AssetsDefinition:
    systems = _systems(model)
    group = f"{model.schema}_{systems[0]}" if model.schema != "marts" and len(systems) == 1 else model.schema

    @dg.asset(key=[model.schema, model.name], group_name=group, pool=WRITER_POOL,
              deps=[_dep_key(d) for d in sorted(model.deps)], kinds={"duckdb", "sql"},
              description=model.description or None,
              tags={"layer": model.schema, **({"system": systems[0]} if len(systems) == 1 else {})},
              metadata={"sql_file": dg.MetadataValue.path(str(model.path.relative_to(model.path.parents[2]))),
                        "reads_systems": dg.MetadataValue.text(", ".join(systems) or "-")})
    def _asset(context: dg.AssetExecutionContext, city: CitySources) -> dg.MaterializeResult:
        meta = {"as_of": dg.MetadataValue.text(city.settings.as_of.isoformat())}
        with city.state() as state:
            prepare(state.con, city.settings.as_of)
            meta["rows"] = dg.MetadataValue.int(build_model(state.con, model))
            if model.ref in PREVIEWS:
                meta["preview"] = dg.MetadataValue.md(_markdown(state.con, PREVIEWS[model.ref]))
        return dg.MaterializeResult(metadata=meta)

    return _asset


MODEL_ASSETS = [model_asset(m) for m in MODELS.values()]
MART_KEYS = [dg.AssetKey(["marts", m.name]) for m in MODELS.values() if m.schema == "marts"]
