"""Time the marts rebuild (every SQL model) and the publish, alone, in its own process.

    .venv/bin/python -m benchmarks.marts_rebuild --state warehouse/cchc-state.duckdb --warehouse warehouse/cchc.duckdb
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import datetime
from pathlib import Path

from core.timezone import ICT
from storage.publish import publish
from storage.sqlmodels import build_all
from storage.state import StateStore


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--state", required=True)
    parser.add_argument("--warehouse", required=True)
    args = parser.parse_args()
    with StateStore(Path(args.state)) as state:
        began = time.perf_counter()
        counts = build_all(state.con, datetime.now(ICT).date())
        built = time.perf_counter() - began
        began = time.perf_counter()
        publish(state.con, Path(args.warehouse))
        published = time.perf_counter() - began
    print(json.dumps({"build_seconds": round(built, 2), "publish_seconds": round(published, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                      "rows": {k: v for k, v in counts.items() if k.startswith("marts.")}}))


if __name__ == "__main__":
    main()
