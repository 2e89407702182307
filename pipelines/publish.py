"""The published warehouse: the marts, copied into the file inspectors open, swapped in atomically."""

import dagster as dg

from pipelines.resources import WRITER_POOL, CitySources
from pipelines.transform import MART_KEYS
from storage.publish import publish


@dg.asset(key=["published", "warehouse"], group_name="published", deps=MART_KEYS, pool=WRITER_POOL,
          kinds={"duckdb"}, tags={"layer": "published"})
def published_warehouse(context: dg.AssetExecutionContext, city: CitySources) -> dg.MaterializeResult:
    """The DuckDB file at CCHC_WAREHOUSE that inspectors open: schema `marts`, Vietnamese comments, DuckDB
    1.x storage format. Built beside the old one and swapped in only after every blocking check passed."""
    target = city.settings.warehouse
    with city.state() as state:
        counts = publish(state.con, target)
    meta = {f"rows.{t}": dg.MetadataValue.int(n) for t, n in counts.items()}
    meta["path"] = dg.MetadataValue.path(str(target.resolve()))
    meta["size_mb"] = dg.MetadataValue.float(round(target.stat().st_size / 2**20, 2))
    return dg.MaterializeResult(metadata=meta)
