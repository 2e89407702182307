"""One command, side by side: our pipeline and dlt's rest_api on the same simulated city.

    .venv/bin/python -m benchmarks.run --scale 1.0            # one Hanoi-sized year (default)
    .venv/bin/python -m benchmarks.run --scale 0.25 --skip-dlt

Starts the simulator (its own process, with the Inspectorate database) and measures, each in its own
process with its peak RSS read from the kernel: our full first refresh; a nightly incremental refresh
after the simulator applies one day of updates; the marts rebuild alone; and dlt's rest_api source
loading the same four gateway endpoints into DuckDB (install the `bench` extra:
`./dev install --bench`). Results: benchmarks/results/run-<scale>.json and .md.
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
import requests

from core.timezone import ICT

RESULTS = Path(__file__).parent / "results"
PROJECT = Path(__file__).resolve().parents[1]
CLIENT = ("cchc-inspection", "cchc-sim-secret")
GATEWAY_SYSTEMS = ("qlvb", "baocao", "motcua", "nhiemvu")


def _child(cmd: list[str], cwd: Path, env: dict | None = None, capture: bool = False) -> tuple[float, float, str]:
    """Run a child to the end; (wall seconds, peak RSS MB, stdout)."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read() if capture else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed")
    return time.perf_counter() - began, usage.ru_maxrss / 1024, out


def _start_city(scale: float, days: int, workdir: Path):
    end = datetime.now(ICT).date() - timedelta(days=2)  # a day of updates later lands before "now"
    start = end - timedelta(days=days - 1)
    db = workdir / "source-donthu.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "cchc.cli", "simulate", "serve", "--port", "0", "--scale",
                             str(scale), "--start", start.isoformat(), "--end", end.isoformat(), "--store-dir",
                             str(workdir), "--db", str(db)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    began = time.perf_counter()
    for line in proc.stdout:
        if m := re.search(r"gateway at (http://\S+)", line):
            return proc, m.group(1), f"sqlite:///{db}", start, time.perf_counter() - began
    raise RuntimeError("the simulator did not start")


def _sync_figures(state: Path, since: float) -> dict:
    with duckdb.connect(str(state), read_only=True) as con:
        rows = con.sql("SELECT system, fetched, epoch(finished_at) - epoch(started_at) FROM meta.sync_log "
                       "WHERE ok AND epoch(started_at) >= ?", params=[since]).fetchall()
    return {s: {"records": f, "seconds": round(sec, 2)} for s, f, sec in rows}


def _refresh(workdir: Path, env: dict, label: str) -> dict:
    since = time.time() - 1
    wall, rss, _ = _child([sys.executable, "-m", "cchc.cli", "refresh"], workdir, env)
    state = workdir / "warehouse" / "cchc-state.duckdb"
    syncs = _sync_figures(state, since)
    records = sum(v["records"] for v in syncs.values())
    gateway = [syncs[s] for s in GATEWAY_SYSTEMS if s in syncs]
    g_records, g_seconds = sum(v["records"] for v in gateway), sum(v["seconds"] for v in gateway)
    return {"step": label, "wall_seconds": round(wall, 1), "records": records,
            "records_per_s": round(records / wall), "peak_rss_mb": round(rss, 1),
            "gateway_records": g_records, "gateway_sync_seconds": round(g_seconds, 1),
            "gateway_records_per_s": round(g_records / g_seconds) if g_seconds else None,
            "state_file_mb": round(state.stat().st_size / 2**20, 1),
            "published_file_mb": round((workdir / "warehouse" / "cchc.duckdb").stat().st_size / 2**20, 1),
            "per_system": syncs}


def run(scale: float, days: int, skip_dlt: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as tmp:
        workdir = Path(tmp)
        city, url, db_url, start, generation = _start_city(scale, days, workdir)
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("CCHC_", "DAGSTER_HOME"))}
            env["PYTHONPATH"] = str(PROJECT)  # the benchmark modules are not installed
            env.update(CCHC_LGSP_URL=url, CCHC_LGSP_CLIENT_ID=CLIENT[0], CCHC_LGSP_CLIENT_SECRET=CLIENT[1],
                       CCHC_DONTHU_DB_URL=db_url, CCHC_SYNC_START=start.isoformat(),
                       CCHC_WAREHOUSE=str(workdir / "warehouse" / "cchc.duckdb"))
            result = {"scale": scale, "days": days, "machine": f"{os.cpu_count()} cores",
                      "simulator_generation_seconds": round(generation, 1), "steps": []}
            result["steps"].append(_refresh(workdir, env, "full first refresh"))
            if not skip_dlt:
                from benchmarks.dlt_baseline import measure_dlt

                dlt_dir = workdir / "dlt"
                dlt_dir.mkdir()
                result["dlt"] = measure_dlt(url, CLIENT[0], CLIENT[1], str(dlt_dir))
            changed = requests.post(f"{url}/_sim/advance", params={"seconds": 86_400}, timeout=3600).json()["changed"]
            result["one_day_of_updates"] = changed
            result["steps"].append(_refresh(workdir, env, "nightly incremental refresh"))
            wall, rss, out = _child([sys.executable, "-m", "benchmarks.marts_rebuild", "--state",
                                     str(workdir / "warehouse" / "cchc-state.duckdb"), "--warehouse",
                                     str(workdir / "warehouse" / "cchc.duckdb")], workdir, env, capture=True)
            marts = json.loads(out.strip().splitlines()[-1])
            result["steps"].append({"step": "marts rebuild + publish", "wall_seconds": round(wall, 1),
                                    "build_seconds": marts["build_seconds"], "publish_seconds": marts["publish_seconds"],
                                    "peak_rss_mb": round(rss, 1), "rows": marts["rows"]})
        finally:
            city.terminate()
            city.wait(timeout=120)
    if "dlt" in result:
        ours = result["steps"][0]
        theirs = result["dlt"]
        result["ratios"] = {
            "throughput_ours_over_dlt": round(ours["gateway_records_per_s"] / (theirs["records"] / theirs["seconds"]), 2),
            "peak_rss_ours_over_dlt": round(ours["peak_rss_mb"] / theirs["peak_rss_mb"], 2),
        }
    return result


def _markdown(r: dict) -> str:
    lines = [f"### Scale {r['scale']} ({r['days']} days, {r['machine']}; simulator generated in "
             f"{r['simulator_generation_seconds']} s)", "",
             "| step | wall s | records | records/s | gateway records/s (syncs) | peak RSS MB | state MB | published MB |",
             "|---|---|---|---|---|---|---|---|"]
    for s in r["steps"]:
        if "records" in s:
            lines.append(f"| {s['step']} | {s['wall_seconds']} | {s['records']:,} | {s['records_per_s']:,} | "
                         f"{s['gateway_records_per_s'] or '-'} | {s['peak_rss_mb']} | {s['state_file_mb']} | "
                         f"{s['published_file_mb']} |")
        else:
            lines.append(f"| {s['step']} | {s['wall_seconds']} (build {s['build_seconds']}, publish "
                         f"{s['publish_seconds']}) | | | | {s['peak_rss_mb']} | | |")
    if "dlt" in r:
        d = r["dlt"]
        lines.append(f"| dlt rest_api, same 4 endpoints | {d['wall_seconds']} | {d['records']:,} | "
                     f"{round(d['records'] / d['seconds']):,} | {round(d['records'] / d['seconds']):,} | "
                     f"{d['peak_rss_mb']} | {d.get('duckdb_mb', '-')} | |")
        lines += ["", f"Ours/dlt: throughput ×{r['ratios']['throughput_ours_over_dlt']}, "
                      f"peak memory ×{r['ratios']['peak_rss_ours_over_dlt']}."]
    lines.append(f"One day of updates: {r['one_day_of_updates']}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--skip-dlt", action="store_true")
    args = parser.parse_args()
    result = run(args.scale, args.days, args.skip_dlt)
    RESULTS.mkdir(exist_ok=True)
    stem = f"run-{args.scale}-{args.days}d"
    (RESULTS / f"{stem}.json").write_text(json.dumps(result, indent=2))
    (RESULTS / f"{stem}.md").write_text(_markdown(result))
    print(_markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
