"""How fast the simulated gateway serves, and how much memory it needs, at several scales.

    .venv/bin/python -m benchmarks.simulator_serving --scales 0.25,1.0 --start 2025-03-01 --end 2025-03-31

Starts `cchc simulate serve` as its own process per scale, walks the two big offset-paged endpoints
(documents and dossiers) to the end with pages of 1000, in parallel and one at a time, parses every
page (orjson) and counts records. Reports records/s, the server's peak RSS (VmHWM), generation time,
and per-system record counts. Writes benchmarks/results/simulator_serving.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson
import requests

RESULTS = Path(__file__).parent / "results"


def _peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _walk_raw(session: requests.Session, url: str, params: dict, page_key: str, list_key: str) -> int:
    """Fetch every page without parsing it: what the server alone sustains (the total comes from page 1)."""
    first = orjson.loads(session.get(url, params={**params, page_key: 1}, timeout=120).content)
    total = first.get("tong_so", first.get("total"))
    for page in range(2, -(-total // 1000) + 1):
        session.get(url, params={**params, page_key: page}, timeout=120).content  # noqa: B018
    return total


def _walk(session: requests.Session, url: str, params: dict, page_key: str, list_key: str) -> int:
    count, page = 0, 1
    while True:
        body = orjson.loads(session.get(url, params={**params, page_key: page}, timeout=120).content)
        rows = body[list_key]
        count += len(rows)
        if len(rows) < 1000:
            return count
        page += 1


def measure(scale: float, start: str, end: str) -> dict:
    port = 18000 + int(time.time() * 1000) % 1000
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as store:
        cmd = [sys.executable, "-m", "cchc.cli", "simulate", "serve", "--port", str(port), "--scale", str(scale),
               "--start", start, "--end", end, "--store-dir", store]
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            url = None
            for line in proc.stdout:
                if m := re.search(r"gateway at (http://\S+)", line):
                    url = m.group(1)
                    break
            if url is None:
                raise RuntimeError("the simulator did not start")
            generation = time.perf_counter() - began
            session = requests.Session()
            token = session.post(f"{url}/token", data={"grant_type": "client_credentials"},
                                 auth=("cchc-inspection", "cchc-sim-secret"), timeout=10).json()["access_token"]
            session.headers["Authorization"] = f"Bearer {token}"
            walks = {
                "qlvb": (f"{url}/qlvb/v1/van-ban", {"so_ban_ghi": 1000}, "trang", "du_lieu"),
                "motcua": (f"{url}/motcua/v1/ho-so", {"SoLuong": 1000}, "TrangSo", "result"),
            }
            serial = {}
            for name, args in walks.items():
                t = time.perf_counter()
                n = _walk(session, *args)
                parsed = round(n / (time.perf_counter() - t))
                t = time.perf_counter()
                n = _walk_raw(session, *args)
                serial[name] = {"records": n, "records_per_s": parsed,
                                "unparsed_records_per_s": round(n / (time.perf_counter() - t))}
            counts: dict[str, int] = {}

            def run(name, args):
                s = requests.Session()
                s.headers.update(session.headers)
                counts[name] = _walk(s, *args)

            t = time.perf_counter()
            threads = [threading.Thread(target=run, args=item) for item in walks.items()]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            parallel_seconds = time.perf_counter() - t
            state = session.get(f"{url}/_sim/state", timeout=10).json()
            peak = _peak_rss_mb(proc.pid)
            store_mb = sum(f.stat().st_size for f in Path(store).iterdir()) / 2**20
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return {
        "scale": scale, "start": start, "end": end, "generation_seconds": round(generation, 1),
        "records_per_system": {s: v["current"] for s, v in state["systems"].items()},
        "serial": serial,
        "parallel_records_per_s": round(sum(counts.values()) / parallel_seconds),
        "server_peak_rss_mb": round(peak, 1), "store_mb": round(store_mb, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.25,1.0")
    parser.add_argument("--start", default="2025-03-01")
    parser.add_argument("--end", default="2025-03-31")
    args = parser.parse_args()
    results = [measure(float(s), args.start, args.end) for s in args.scales.split(",")]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "simulator_serving.json").write_text(json.dumps(
        {"machine": f"{os.cpu_count()} cores", "results": results}, indent=2, ensure_ascii=False))
    lines = ["| scale | period | generation s | qlvb rec/s served (parsed by client) | "
             "motcua rec/s served (parsed by client) | rec/s, 2 parsing walkers | server peak RSS MB | store MB |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        q, m = r["serial"]["qlvb"], r["serial"]["motcua"]
        lines.append(f"| {r['scale']} | {r['start']}..{r['end']} | {r['generation_seconds']} | "
                     f"{q['unparsed_records_per_s']:,} ({q['records_per_s']:,}) | "
                     f"{m['unparsed_records_per_s']:,} ({m['records_per_s']:,}) | "
                     f"{r['parallel_records_per_s']:,} | {r['server_peak_rss_mb']} | {r['store_mb']} |")
    lines += ["", "Records per system:", ""]
    for r in results:
        lines.append(f"- scale {r['scale']}: " + ", ".join(f"{k} {v:,}" for k, v in r["records_per_system"].items()))
    (RESULTS / "simulator_serving.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
