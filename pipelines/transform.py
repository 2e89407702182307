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


def model_asset(model: SqlModel) -> dg.AssetsDefinition:
    systems = sorted({RAW_TABLES[d.split(".", 1)[1]].system for d in model.deps if d.startswith("raw.")})

    @dg.asset(key=[model.schema, model.name], group_name=model.schema, pool=WRITER_POOL,
              deps=[_dep_key(d) for d in sorted(model.deps)], kinds={"duckdb", "sql"},
              description=model.description or None, tags={"layer": model.schema},
              metadata={"sql_file": dg.MetadataValue.path(str(model.path.relative_to(model.path.parents[2]))),
                        "reads_systems": dg.MetadataValue.text(", ".join(systems) or "-")})
    def _asset(context: dg.AssetExecutionContext, city: CitySources) -> dg.MaterializeResult:
        with city.state() as state:
            prepare(state.con, city.settings.as_of)
            rows = build_model(state.con, model)
        return dg.MaterializeResult(metadata={"rows": dg.MetadataValue.int(rows),
                                              "as_of": dg.MetadataValue.text(city.settings.as_of.isoformat())})

    return _asset


MODEL_ASSETS = [model_asset(m) for m in MODELS.values()]
MART_KEYS = [dg.AssetKey(["marts", m.name]) for m in MODELS.values() if m.schema == "marts"]
