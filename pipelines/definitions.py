"""The Dagster entry point of the CCHC pipeline (`dagster dev -m pipelines.definitions`)."""

import dagster as dg

from pipelines.assets import RAW_ASSETS
from pipelines.checks import MART_CHECKS
from pipelines.publish import published_warehouse
from pipelines.resources import CitySources
from pipelines.transform import MODEL_ASSETS

# One process runs the whole refresh: DuckDB allows one writer, and the built-in city is shared.
refresh_job = dg.define_asset_job("refresh", selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor,
                                  description="Pull every source, rebuild the marts, check them, publish them.")

defs = dg.Definitions(assets=[*RAW_ASSETS, *MODEL_ASSETS, published_warehouse], asset_checks=MART_CHECKS,
                      resources={"city": CitySources()}, jobs=[refresh_job])
