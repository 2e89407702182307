"""Raw assets: one per declared source system, each an incremental sync into the pipeline's DuckDB."""

import resource

import dagster as dg

from core.english import counted
from core.errors import PipelineError
from ingest.reconcile import count_check
from ingest.sync import SyncResult, run_sync
from pipelines.checks import reject_rate_result, reject_rate_spec
from pipelines.freshness import SOURCE_FRESHNESS
from pipelines.jobs import RECONCILE, SYNC_MODE_TAG
from pipelines.resources import WRITER_POOL, CitySources
from sources import System


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


def _sync(context: dg.AssetExecutionContext, city: CitySources, system: System) -> dg.MaterializeResult:
    settings = city.settings
    if not city.configured(system):
        context.log.info(f"{system.name}: {system.access.dir_variable} is not set: no inspection register read")
        return dg.MaterializeResult(metadata={"source": dg.MetadataValue.text("not configured")},
                                    check_results=[dg.AssetCheckResult(
                                        asset_key=dg.AssetKey(["raw", system.name]), check_name="reject_rate",
                                        passed=True, description="not configured: nothing read")])
    reconcile = context.run.tags.get(SYNC_MODE_TAG) == RECONCILE
    recount = None
    try:
        identity = city.identity(system)
        with city.state() as state, city.open_source(system, state) as source:
            result = run_sync(state, system, source.fetch, identity=identity, start_day=settings.sync_start,
                              lookback_days=settings.reconcile_days if reconcile else settings.lookback_days,
                              counters=source.stats, mode=RECONCILE if reconcile else "nightly")
            result.source_stats.update(source.stats)
            check = reject_rate_result(state.con, system)
            if source.count is not None and not reconcile:  # a reconcile has just re-read those days whole
                recount = count_check(state, system, source.count, source.fetch, identity=identity,
                                      until=result.window_hi, days=settings.reconcile_days,
                                      start_day=settings.sync_start)
            held = {t: state.count(t) for t in system.table_names}
    except PipelineError as exc:
        # the one line an operator needs, above Dagster's stack trace; nothing was written for this system
        context.log.error(f"{system.name} sync failed, nothing written: {exc}")
        raise
    if result.stats.rejected:
        context.log.warning(f"{system.name}: {counted(result.stats.rejected, 'record')} rejected (see `cchc rejects`)")
    meta = _metadata(result, held)
    meta["source"] = dg.MetadataValue.text(identity)
    meta["sync_mode"] = dg.MetadataValue.text(RECONCILE if reconcile else "nightly")
    if recount is not None:
        meta.update({"count_check.days": dg.MetadataValue.int(recount.days),
                     "count_check.short_days": dg.MetadataValue.int(len(recount.short)),
                     "count_check.missing": dg.MetadataValue.int(recount.missing),
                     "count_check.recovered": dg.MetadataValue.int(recount.recovered)})
        if recount.short:
            context.log.warning(f"{system.name}: the count check found {recount.missing} record(s) the source held "
                                f"beyond those kept on {len(recount.short)} day(s); read again: "
                                f"{recount.recovered} new or newer version(s) merged")
    return dg.MaterializeResult(metadata=meta, check_results=[check])


def _description(system: System) -> str:
    tables = ", ".join(f"`raw.{t}`" for t in system.table_names)
    if system.kind == "sql":
        how = "read from its database through a read-only account, streamed"
    elif system.kind == "excel":
        how = f"read from the Excel workbooks of the folder `{system.access.dir_variable}`, checked row by row"
    else:
        how = f"read from the city gateway (`{system.access.path}`)"
    when = "incrementally by update time, with a lookback" if system.windowed else "whole, every run"
    return f"{system.title_vi}: records {how}, {when}, merged by key into {tables}."


def raw_asset(system: System) -> dg.AssetsDefinition:
    """The sync asset of one declared system."""

    @dg.asset(key=["raw", system.name], group_name=f"raw_{system.name}", pool=WRITER_POOL,
              kinds={"duckdb", system.kind}, description=_description(system),
              tags={"system": system.name, "layer": "raw"}, owners=[system.owner],
              freshness_policy=SOURCE_FRESHNESS, check_specs=[reject_rate_spec(system)],
              deps=[dg.AssetKey(["raw", name]) for name in system.after])
    def _asset(context: dg.AssetExecutionContext, city: CitySources) -> dg.MaterializeResult:
        return _sync(context, city, system)

    return _asset
