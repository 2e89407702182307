"""Raw assets: one per source system, each an incremental sync into the pipeline's DuckDB."""


import resource

import dagster as dg

from connectors.registry import DONTHU, GATEWAY_SOURCES
from connectors.source import DatabaseSource, GatewaySource
from connectors.sync import SyncResult, run_sync
from core.errors import PipelineError
from pipelines.freshness import SOURCE_FRESHNESS
from pipelines.resources import CitySources

WRITER_POOL = "duckdb_writer"  # one DuckDB writer at a time


def _metadata(result: SyncResult, held: dict[str, int]) -> dict:
    s = result.stats
    meta = {
        "rows_fetched": dg.MetadataValue.int(s.fetched),
        "rows_loaded": dg.MetadataValue.int(s.staged),
        "rows_rejected": dg.MetadataValue.int(s.rejected),
        "rows_new": dg.MetadataValue.int(s.inserted),
        "rows_updated": dg.MetadataValue.int(s.replaced),
        "window_from": dg.MetadataValue.text(result.window_lo.isoformat()),
        "window_to": dg.MetadataValue.text(result.window_hi.isoformat()),
        "seconds": dg.MetadataValue.float(round(result.seconds, 2)),
        "records_per_second": dg.MetadataValue.float(round(result.records_per_second, 1)),
        "process_peak_rss_mb": dg.MetadataValue.float(round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)),
    }
    for table, count in held.items():
        meta[f"rows_held.{table}"] = dg.MetadataValue.int(count)
    for name, value in sorted(result.source_stats.items()):
        meta[f"source.{name}"] = dg.MetadataValue.int(int(value))
    return meta


OWNERS = {"directory": "team:van-phong-ubnd-tp", "qlvb": "team:van-phong-ubnd-tp",
          "baocao": "team:van-phong-ubnd-tp", "motcua": "team:van-phong-ubnd-tp",
          "nhiemvu": "team:van-phong-ubnd-tp", "donthu": "team:thanh-tra-tp"}


def _sync(context: dg.AssetExecutionContext, city: CitySources, source, fetch_factory) -> dg.MaterializeResult:
    settings = city.settings
    try:
        with city.state() as state, fetch_factory() as (fetch, stats):
            result = run_sync(state, source.system, source.tables, fetch, start_day=settings.sync_start,
                              lookback_days=settings.lookback_days, windowed=source.windowed)
            result.source_stats.update(stats)
            held = {t: state.count(t) for t in source.tables}
    except PipelineError as exc:
        # the one line an operator needs, above Dagster's stack trace; nothing was written for this system
        context.log.error(f"{source.system} sync failed, nothing written: {exc}")
        raise
    if result.stats.rejected:
        context.log.warning(f"{source.system}: {result.stats.rejected} records rejected (see meta.rejects)")
    return dg.MaterializeResult(metadata=_metadata(result, held))


def _description(source) -> str:
    if isinstance(source, DatabaseSource):
        return (f"{source.title_vi}: agencies, petitions and citizen-reception sessions read from the "
                "Inspectorate's database (read-only, streamed), merged by key.")
    how = "Incremental by update time with a lookback." if source.windowed else "Snapshot read whole every run."
    return f"{source.title_vi}: raw records merged by key from the city gateway (`{source.table}`). {how}"


def raw_asset(source: GatewaySource | DatabaseSource) -> dg.AssetsDefinition:
    """One sync asset per source system; the gateway and the database differ only in how they open."""
    kind = "sql" if isinstance(source, DatabaseSource) else "api"

    @dg.asset(key=["raw", source.system], group_name=f"raw_{source.system}", pool=WRITER_POOL,
              kinds={"duckdb", kind}, description=_description(source),
              tags={"system": source.system, "layer": "raw"}, owners=[OWNERS[source.system]],
              freshness_policy=SOURCE_FRESHNESS)
    def _asset(context: dg.AssetExecutionContext, city: CitySources) -> dg.MaterializeResult:
        return _sync(context, city, source, lambda: city.open_source(source))

    return _asset


RAW_ASSETS = [raw_asset(s) for s in (*GATEWAY_SOURCES, DONTHU)]
