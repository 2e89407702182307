"""The Dagster entry point of the CCHC pipeline (`cchc ui`, or `dagster dev -m pipelines.definitions`)."""

import dagster as dg

from pipelines.assets import RAW_ASSETS
from pipelines.checks import MART_CHECKS
from pipelines.health import failure_sensor
from pipelines.jobs import nightly_refresh, refresh_job
from pipelines.publish import published_warehouse
from pipelines.resources import CitySources
from pipelines.transform import MODEL_ASSETS

defs = dg.Definitions(
    assets=[*RAW_ASSETS, *MODEL_ASSETS, published_warehouse],
    asset_checks=MART_CHECKS,
    resources={"city": CitySources()},
    jobs=[refresh_job],
    schedules=[nightly_refresh],
    sensors=[failure_sensor(refresh_job)],
)
