"""Ingest benchmark: a first full refresh of the simulated city at several scales, records/s and peak RSS.

    .venv/bin/python -m benchmarks.ingest --scales 0.1,0.4 --days 30

For each scale it starts `cchc simulate serve --db ...` as its own process (city ending two days ago,
so every record is inside the refresh's real-clock window), then times `cchc refresh` as a separate
process and reads its peak RSS from the kernel (wait4 rusage). Memory must not grow with the window:
pages stream through fixed-size batches. Writes benchmarks/results/ingest.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from core.timezone import ICT

RESULTS = Path(__file__).parent / "results"


def _start_city(scale: float, days: int, workdir: Path) -> tuple[subprocess.Popen, str, str, str]:
    end = datetime.now(ICT).date() - timedelta(days=2)
    start = end - timedelta(days=days - 1)
    db = workdir / "source-donthu.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "cchc.cli", "simulate", "serve", "--port", "0", "--scale", str(scale),
                             "--start", start.isoformat(), "--end", end.isoformat(), "--store-dir", str(workdir),
                             "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if m := re.search(r"gateway at (http://\S+)", line):
            return proc, m.group(1), f"sqlite:///{db}", start.isoformat()
    raise RuntimeError("the simulator did not start")


def measure(scale: float, days: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="cchc-ingest-") as tmp:
        workdir = Path(tmp)
        city, url, db_url, start = _start_city(scale, days, workdir)
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("CCHC_", "DAGSTER_HOME"))}
            env.update(CCHC_LGSP_URL=url, CCHC_LGSP_CLIENT_ID="cchc-inspection", CCHC_LGSP_CLIENT_SECRET="cchc-sim-secret",
                       CCHC_DONTHU_DB_URL=db_url, CCHC_SYNC_START=start,
                       CCHC_WAREHOUSE=str(workdir / "warehouse" / "cchc.duckdb"))
            began = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "cchc.cli", "refresh"], cwd=workdir, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _pid, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - began
            if os.waitstatus_to_exitcode(status) != 0:
                raise RuntimeError(f"refresh failed at scale {scale}")
            state = workdir / "warehouse" / "cchc-state.duckdb"
            with duckdb.connect(str(state), read_only=True) as con:
                per_system = dict(con.sql("SELECT system, fetched FROM meta.sync_state ORDER BY system").fetchall())
                sync_seconds = con.sql("SELECT sum(epoch(finished_at) - epoch(started_at)) FROM meta.sync_log WHERE ok"
                                       ).fetchall()[0][0]
            records = sum(per_system.values())
            return {"scale": scale, "days": days, "records": records, "per_system": per_system,
                    "wall_seconds": round(seconds, 1), "records_per_s_wall": round(records / seconds),
                    "sync_seconds": round(sync_seconds, 1), "records_per_s_sync": round(records / sync_seconds),
                    "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                    "state_file_mb": round(state.stat().st_size / 2**20, 1)}
        finally:
            city.terminate()
            city.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,0.4")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    results = [measure(float(s), args.days) for s in args.scales.split(",")]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps({"machine": f"{os.cpu_count()} cores", "results": results},
                                                    indent=2))
    lines = ["| scale | days | records | refresh wall s | rec/s (wall, incl. start-up) | rec/s (syncs) | "
             "peak RSS MB | state file MB |", "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['scale']} | {r['days']} | {r['records']:,} | {r['wall_seconds']} | {r['records_per_s_wall']:,} | "
              f"{r['records_per_s_sync']:,} | {r['peak_rss_mb']} | {r['state_file_mb']} |" for r in results]
    (RESULTS / "ingest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
