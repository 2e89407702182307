"""The Dagster entry point of the CCHC pipeline (`dagster dev -m pipelines.definitions`)."""

from __future__ import annotations

import dagster as dg

from pipelines.assets import RAW_ASSETS
from pipelines.resources import CitySources

# One process runs the whole refresh: DuckDB allows one writer, and the built-in city is shared.
refresh_job = dg.define_asset_job("refresh", selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor,
                                  description="Pull every source incrementally into the pipeline's DuckDB.")

defs = dg.Definitions(assets=RAW_ASSETS, resources={"city": CitySources()}, jobs=[refresh_job])
