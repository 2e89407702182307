"""One command, side by side: our pipeline, today's design and dlt's rest_api on the same simulated city.

    .venv/bin/python -m benchmarks.run --scale 1.0            # one Hanoi-sized year (default)
    .venv/bin/python -m benchmarks.run --scale 0.25 --skip-dlt
    .venv/bin/python -m benchmarks.run --scale 0.1 --latency-ms 100 --max-concurrent 8 --today 3b86263

Starts the simulator (its own process, with the Inspectorate database; `--latency-ms` and `--max-concurrent`
give it a real gateway's pace and quota) and measures, each in its own process with its peak RSS read from
the kernel: our full first refresh; with `--today COMMIT`, the same first refresh by the project as it was at
that commit (checked out in a temporary worktree); dlt's rest_api source loading the same four gateway
endpoints into DuckDB, merged on their keys (`parallelized` resources when the gateway has latency; install
the `bench` extra: `./dev install --bench`); a nightly incremental refresh after the simulator applies one
day of updates; the marts rebuild alone. Results: benchmarks/results/run-<scale>-<days>d[-<latency>ms].json/.md.
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


def _start_city(scale: float, days: int, workdir: Path, pace: list[str]):
    end = datetime.now(ICT).date() - timedelta(days=2)  # a day of updates later lands before "now"
    start = end - timedelta(days=days - 1)
    db = workdir / "source-donthu.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "cchc.cli", "simulate", "serve", "--port", "0", "--scale",
                             str(scale), "--start", start.isoformat(), "--end", end.isoformat(), "--store-dir",
                             str(workdir), "--db", str(db), *pace], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
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
    state = Path(env["CCHC_WAREHOUSE"]).parent / "cchc-state.duckdb"
    syncs = _sync_figures(state, since)
    records = sum(v["records"] for v in syncs.values())
    gateway = [syncs[s] for s in GATEWAY_SYSTEMS if s in syncs]
    g_records, g_seconds = sum(v["records"] for v in gateway), sum(v["seconds"] for v in gateway)
    return {"step": label, "wall_seconds": round(wall, 1), "records": records,
            "records_per_s": round(records / wall), "peak_rss_mb": round(rss, 1),
            "gateway_records": g_records, "gateway_sync_seconds": round(g_seconds, 1),
            "gateway_records_per_s": round(g_records / g_seconds) if g_seconds else None,
            "state_file_mb": round(state.stat().st_size / 2**20, 1),
            "published_file_mb": round(Path(env["CCHC_WAREHOUSE"]).stat().st_size / 2**20, 1),
            "per_system": syncs}


def _today(commit: str, workdir: Path, env: dict) -> dict:
    """The first refresh by the project as it was at `commit`, into its own warehouse, same city."""
    tree = workdir / "today"
    subprocess.run(["git", "-C", str(PROJECT), "worktree", "add", "--detach", str(tree), commit], check=True,
                   capture_output=True)
    try:
        env = {**env, "PYTHONPATH": str(tree), "CCHC_WAREHOUSE": str(workdir / "today-warehouse" / "cchc.duckdb")}
        return _refresh(workdir, env, f"full first refresh, today's design ({commit})")
    finally:
        subprocess.run(["git", "-C", str(PROJECT), "worktree", "remove", "--force", str(tree)], check=False,
                       capture_output=True)


def run(scale: float, days: int, skip_dlt: bool, latency_ms: int = 0, max_concurrent: int = 0,
        today: str | None = None) -> dict:
    pace = [*(["--latency-ms", str(latency_ms)] if latency_ms else []),
            *(["--max-concurrent", str(max_concurrent)] if max_concurrent else [])]
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as tmp:
        workdir = Path(tmp)
        city, url, db_url, start, generation = _start_city(scale, days, workdir, pace)
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("CCHC_", "DAGSTER_HOME"))}
            env["PYTHONPATH"] = str(PROJECT)  # the benchmark modules are not installed
            env.update(CCHC_LGSP_URL=url, CCHC_LGSP_CLIENT_ID=CLIENT[0], CCHC_LGSP_CLIENT_SECRET=CLIENT[1],
                       CCHC_DONTHU_DB_URL=db_url, CCHC_SYNC_START=start.isoformat(),
                       CCHC_WAREHOUSE=str(workdir / "warehouse" / "cchc.duckdb"))
            result = {"scale": scale, "days": days, "machine": f"{os.cpu_count()} cores",
                      "latency_ms": latency_ms, "max_concurrent": max_concurrent,
                      "simulator_generation_seconds": round(generation, 1), "steps": []}
            result["steps"].append(_refresh(workdir, env, "full first refresh"))
            if today:
                result["today"] = _today(today, workdir, env)
            if not skip_dlt:
                from benchmarks.dlt_baseline import measure_dlt

                dlt_dir = workdir / "dlt"
                dlt_dir.mkdir()
                result["dlt"] = measure_dlt(url, CLIENT[0], CLIENT[1], str(dlt_dir), parallelized=bool(latency_ms))
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
    ours = result["steps"][0]
    result["ratios"] = {}
    if "dlt" in result:
        theirs = result["dlt"]
        result["ratios"].update(
            throughput_ours_over_dlt=round(ours["gateway_records_per_s"] / (theirs["records"] / theirs["seconds"]), 2),
            peak_rss_ours_over_dlt=round(ours["peak_rss_mb"] / theirs["peak_rss_mb"], 2))
    if "today" in result:
        then = result["today"]
        result["ratios"].update(
            gateway_throughput_ours_over_today=round(ours["gateway_records_per_s"] / then["gateway_records_per_s"], 2),
            end_to_end_ours_over_today=round(ours["records_per_s"] / then["records_per_s"], 2))
    return result


def _markdown(r: dict) -> str:
    pace = (f"; gateway latency {r['latency_ms']} ms a page, at most {r['max_concurrent'] or 'any'} requests at once"
            if r.get("latency_ms") else "; loopback")
    lines = [f"### Scale {r['scale']} ({r['days']} days, {r['machine']}{pace}; simulator generated in "
             f"{r['simulator_generation_seconds']} s)", "",
             "| step | wall s | records | records/s | gateway records/s (syncs) | peak RSS MB | state MB | published MB |",
             "|---|---|---|---|---|---|---|---|"]
    for s in r["steps"][:1] + ([r["today"]] if "today" in r else []) + r["steps"][1:]:
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
    if "today" in r:
        lines += ["", f"Ours/today's design: gateway syncs ×{r['ratios']['gateway_throughput_ours_over_today']}, "
                      f"end to end ×{r['ratios']['end_to_end_ours_over_today']}."]
    lines.append(f"One day of updates: {r['one_day_of_updates']}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--skip-dlt", action="store_true")
    parser.add_argument("--latency-ms", type=int, default=0, help="the simulated gateway answers this late")
    parser.add_argument("--max-concurrent", type=int, default=0, help="and refuses more requests at once (429)")
    parser.add_argument("--today", metavar="COMMIT", help="also time the first refresh of the project at COMMIT")
    args = parser.parse_args()
    result = run(args.scale, args.days, args.skip_dlt, args.latency_ms, args.max_concurrent, args.today)
    RESULTS.mkdir(exist_ok=True)
    stem = f"run-{args.scale}-{args.days}d" + (f"-{args.latency_ms}ms" if args.latency_ms else "")
    (RESULTS / f"{stem}.json").write_text(json.dumps(result, indent=2))
    (RESULTS / f"{stem}.md").write_text(_markdown(result))
    print(_markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
