"""Jobs and schedules: the refresh, every night at 02:00 Hanoi time; the reconcile, every Sunday at 03:00."""

import dagster as dg

from sources.catalog import KIEMTRA

SYNC_MODE_TAG = "cchc/sync_mode"
"""A run tag: `reconcile` makes every sync re-read CCHC_RECONCILE_DAYS instead of CCHC_LOOKBACK_DAYS."""
RECONCILE = "reconcile"
AS_OF_TAG = "cchc/as_of"
"""A run tag: `published` computes with the as-of date of the file published now (the register job, which
rebuilds a few marts beside the others of the last refresh), not today's."""
AS_PUBLISHED = "published"

# One process runs the whole refresh: DuckDB allows one writer, and the built-in city is shared.
refresh_job = dg.define_asset_job(
    "refresh", selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor,
    description="Pull every source incrementally, rebuild the marts, check them, publish them.",
    tags={"dagster/max_retries": "1"})

reconcile_job = dg.define_asset_job(
    "reconcile", selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor,
    description="The refresh, with every system re-read over the last CCHC_RECONCILE_DAYS (default 35) instead of "
                "the nightly lookback: records stamped long before they reached their system are caught, merged "
                "exactly as the nightly does (nothing doubled).",
    tags={"dagster/max_retries": "1", SYNC_MODE_TAG: RECONCILE})

register_job = dg.define_asset_job(
    "register", selection=dg.AssetSelection.assets(["raw", KIEMTRA.name]).downstream(),
    executor_def=dg.in_process_executor,
    description="The inspection register read again (CCHC_INSPECTIONS_DIR), the inspection-cycle marts rebuilt "
                "from it and the file republished, with the as-of date of the file published now; every other "
                "mart as the last refresh built it. The web app runs it when the secretary accepts a workbook.",
    tags={AS_OF_TAG: AS_PUBLISHED})

nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh", job=refresh_job, cron_schedule="0 2 * * *", execution_timezone="Asia/Ho_Chi_Minh",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 (Asia/Ho_Chi_Minh), before inspectors start work.")

weekly_reconcile = dg.ScheduleDefinition(
    name="weekly_reconcile", job=reconcile_job, cron_schedule="0 3 * * 0", execution_timezone="Asia/Ho_Chi_Minh",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every Sunday at 03:00 (Asia/Ho_Chi_Minh), after that night's refresh: every system re-read over "
                "the last CCHC_RECONCILE_DAYS.")
