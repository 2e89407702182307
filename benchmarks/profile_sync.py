"""Where a gateway sync's time goes: one system synced in-process under cProfile, against a running
simulator (`cchc simulate serve`), into a scratch state file.

    .venv/bin/python -m benchmarks.profile_sync --url http://127.0.0.1:8061 --system qlvb --start 2025-01-01
    .venv/bin/python -m benchmarks.profile_sync ... --reference      # every record through its model

Prints records/s and the functions that took the most time (own time), for the closing note's profile.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from datetime import date
from pathlib import Path

from connectors.http import GatewayClient
from connectors.pages import gateway_fetch
from core.settings import Secret
from ingest.sync import run_sync
from sources import SYSTEMS
from storage.state import StateStore


def profile(url: str, system_name: str, start: date, columnar: bool, top: int) -> str:
    system = next(s for s in SYSTEMS if s.name == system_name)
    with tempfile.TemporaryDirectory(prefix="cchc-profile-") as tmp, \
            StateStore(Path(tmp) / "state.duckdb") as store, \
            GatewayClient(url, "cchc-inspection", Secret("cchc-sim-secret")) as client:
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        result = run_sync(store, system, gateway_fetch(client, system), identity=url, start_day=start,
                          lookback_days=0, columnar=columnar)
        profiler.disable()
        seconds = time.perf_counter() - began
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    head = (f"{system_name}: {result.stats.fetched:,} records in {seconds:.1f} s = "
            f"{result.stats.fetched / seconds:,.0f} records/s ({'columnar' if columnar else 'reference'} validation)")
    return head + "\n" + out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--system", default="qlvb")
    parser.add_argument("--start", type=date.fromisoformat, required=True)
    parser.add_argument("--reference", action="store_true", help="validate every record by its model")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(profile(args.url, args.system, args.start, not args.reference, args.top))


if __name__ == "__main__":
    main()
