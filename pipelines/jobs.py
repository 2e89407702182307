"""Jobs and schedules: the refresh, every night at 02:00 Hanoi time."""

import dagster as dg

# One process runs the whole refresh: DuckDB allows one writer, and the built-in city is shared.
refresh_job = dg.define_asset_job(
    "refresh", selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor,
    description="Pull every source incrementally, rebuild the marts, check them, publish them.",
    tags={"dagster/max_retries": "1"})

nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh", job=refresh_job, cron_schedule="0 2 * * *", execution_timezone="Asia/Ho_Chi_Minh",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 (Asia/Ho_Chi_Minh), before inspectors start work.")
