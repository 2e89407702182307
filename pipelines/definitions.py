"""The Dagster entry point of the CCHC pipeline (`cchc ui`, or `dagster dev -m pipelines.definitions`).

Everything is derived from the declared systems (`sources.SYSTEMS`): one raw asset each, the SQL
models over their raw tables, the checks, the published file, the job, its schedule and sensor.
"""

import dagster as dg

from pipelines.assets import raw_asset
from pipelines.checks import MART_CHECKS
from pipelines.health import failure_sensor
from pipelines.jobs import nightly_refresh, reconcile_job, refresh_job, register_job, weekly_reconcile
from pipelines.publish import published_warehouse
from pipelines.resources import CitySources
from pipelines.transform import model_assets
from sources import SYSTEMS, System


def build_definitions(systems: tuple[System, ...] = SYSTEMS) -> dg.Definitions:
    return dg.Definitions(
        assets=[*(raw_asset(s) for s in systems), *model_assets(systems), published_warehouse],
        asset_checks=MART_CHECKS,
        resources={"city": CitySources()},
        jobs=[refresh_job, reconcile_job, register_job],
        schedules=[nightly_refresh, weekly_reconcile],
        sensors=[failure_sensor(refresh_job, reconcile_job, register_job)],
    )


defs = build_definitions()
