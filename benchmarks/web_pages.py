"""How fast the inspectors' web app answers, page by page, on a published file.

    .venv/bin/python -m benchmarks.web_pages --warehouse /path/to/cchc.duckdb [--repeat 5] [--label full-year]

Starts the app (uvicorn in a thread, the file read-only as `cchc web` reads it) with a temporary users
file, logs in, and picks representative URLs from the file itself: the overview; the priority list's
first page, a filter by unit type and a name search; the unit page of the highest-ranked unit and of
the unit with the most findings (and both units' briefs, .xlsx), the latter's findings page 2, a filter
by its most frequent signal and month, and its print page; the signal index and the page of the ratio signal with
the most findings (and its page 2). Only URLs whose route is in `web.pages.ROUTES` at run time are kept.
Each URL is requested once to warm up, then `--repeat` times; reported per URL: the median and max of
the server's own time (`Server-Timing: app;dur=`) and of the client's wall time, the status and size.

Writes benchmarks/results/web-pages.{json,md}: one run per `--label` (a new run of a label replaces its
old one), the markdown regenerated from every run kept.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

import duckdb
import requests
import uvicorn

from core.timezone import ICT
from web.app import create_app
from web.pages import ROUTES
from web.users import UsersFile

RESULTS = Path(__file__).parent / "results"
LOGIN, PASSWORD = "benchmark", "benchmark-password-1"
SLOW_MS = 300


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    row = con.execute(sql, params or []).fetchone()
    return row if row is None or len(row) > 1 else row[0]


def pick_urls(warehouse: Path) -> tuple[list[tuple[str, str, str]], dict]:
    """(label, route template, url) of the representative pages of this file, and facts about the file."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        findings = _one(con, "SELECT count(*) FROM marts.findings")
        top, top_type, top_name = _one(con, "SELECT unit_code, unit_type, unit_name FROM marts.inspection_priority "
                                            "ORDER BY rank LIMIT 1")
        busiest, busiest_n = _one(con, "SELECT unit_code, count(*) AS n FROM marts.findings GROUP BY unit_code "
                                       "ORDER BY n DESC, unit_code LIMIT 1")
        signal, month = _one(con, "SELECT signal_code, strftime(max(period), '%Y-%m') FROM marts.findings "
                                  "WHERE unit_code = ? GROUP BY signal_code ORDER BY count(*) DESC, signal_code "
                                  "LIMIT 1", [busiest])
        ratio = _one(con, "SELECT c.signal_code FROM marts.signal_catalog c LEFT JOIN marts.findings f "
                          "USING (signal_code) WHERE c.kind = 'ratio' GROUP BY c.signal_code "
                          "ORDER BY count(f.signal_code) DESC, c.signal_code LIMIT 1")
        ranked = _one(con, "SELECT count(*) FROM marts.inspection_priority")
    word = max(re.findall(r"\w+", top_name or ""), key=len, default="a")  # a word of a real name
    unit, one = f"/don-vi/{quote(busiest)}", f"/don-vi/{quote(top)}"
    candidates = [
        ("Tổng quan", "/", "/"),
        ("Ưu tiên, trang 1", "/uu-tien", "/uu-tien"),
        (f"Ưu tiên, loại {top_type} + tìm “{word}”", "/uu-tien", "/uu-tien?" + urlencode({"loai": top_type, "q": word})),
        ("Ưu tiên, tìm tên", "/uu-tien", "/uu-tien?" + urlencode({"q": word})),
        ("Đơn vị hạng 1", "/don-vi/{code}", one),
        ("  … báo cáo .xlsx", "/don-vi/{code}/bao-cao.xlsx", f"{one}/bao-cao.xlsx"),
        (f"Đơn vị nhiều phát hiện nhất ({busiest_n:,})", "/don-vi/{code}", unit),
        ("  … phát hiện, trang 2", "/don-vi/{code}", f"{unit}?trang=2"),
        (f"  … lọc {signal} + tháng {month}", "/don-vi/{code}", f"{unit}?" + urlencode({"chi_so": signal,
                                                                                        "thang": month})),
        ("  … bản in", "/don-vi/{code}/in", f"{unit}/in"),
        ("  … báo cáo .xlsx", "/don-vi/{code}/bao-cao.xlsx", f"{unit}/bao-cao.xlsx"),
        ("Chỉ số", "/chi-so", "/chi-so"),
        (f"Chỉ số tỷ lệ {ratio}", "/chi-so/{code}", f"/chi-so/{quote(ratio)}"),
        (f"  … {ratio}, trang 2", "/chi-so/{code}", f"/chi-so/{quote(ratio)}?trang=2"),
    ]
    routes = {route.path for route in ROUTES if "GET" in route.methods}
    facts = {"findings": findings, "ranked_units": ranked, "size_mb": round(warehouse.stat().st_size / 2**20, 1),
             "top_unit": top, "busiest_unit": busiest, "busiest_findings": busiest_n, "ratio_signal": ratio}
    return [c for c in candidates if c[1] in routes], facts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_ms(response: requests.Response) -> float:
    found = re.search(r"app;dur=([\d.]+)", response.headers.get("server-timing", ""))
    return float(found.group(1)) if found else float("nan")


def measure(warehouse: Path, repeat: int) -> dict:
    urls, facts = pick_urls(warehouse)
    with tempfile.TemporaryDirectory(prefix="cchc-web-bench-") as tmp:
        users = Path(tmp) / "web-users.json"
        UsersFile(users).add(LOGIN, "thanh-tra", PASSWORD)
        app = create_app(warehouse, users)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning",
                                               access_log=False))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the web app did not start")
            time.sleep(0.01)
        base = f"http://127.0.0.1:{server.config.port}"
        try:
            client = requests.Session()
            form = client.get(f"{base}/dang-nhap")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
            answer = client.post(f"{base}/dang-nhap", allow_redirects=False,
                                 data={"csrf": token, "username": LOGIN, "password": PASSWORD, "tiep": "/"})
            if answer.status_code != 303:
                raise RuntimeError(f"could not log in ({answer.status_code})")
            began = time.perf_counter()
            first = client.get(f"{base}/", timeout=600)  # opens the file
            first_ms = (time.perf_counter() - began) * 1000
            pages = []
            for label, route, url in urls:
                client.get(f"{base}{url}", timeout=600)  # warm-up
                server_ms, wall_ms, statuses, size = [], [], set(), 0
                for _ in range(repeat):
                    began = time.perf_counter()
                    response = client.get(f"{base}{url}", timeout=600)
                    wall_ms.append((time.perf_counter() - began) * 1000)
                    server_ms.append(_server_ms(response))
                    statuses.add(response.status_code)
                    size = len(response.content)
                pages.append({"label": label, "route": route, "url": url, "status": sorted(statuses),
                              "bytes": size, "server_ms_median": round(statistics.median(server_ms), 1),
                              "server_ms_max": round(max(server_ms), 1),
                              "wall_ms_median": round(statistics.median(wall_ms), 1),
                              "wall_ms_max": round(max(wall_ms), 1)})
                print(f"{label:55} {pages[-1]['server_ms_median']:8.1f} {pages[-1]['server_ms_max']:8.1f} ms "
                      f"(status {','.join(map(str, statuses))})", flush=True)
        finally:
            server.should_exit = True
            thread.join(30)
            app.state.web.published.close()
    return {"warehouse": str(warehouse), **facts, "repeat": repeat, "first_request_ms": round(first_ms, 1),
            "first_status": first.status_code, "measured_at": datetime.now(ICT).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "duckdb": duckdb.__version__}, "pages": pages}


def markdown(runs: dict) -> str:
    out = ["# Web app: time per page", "",
           "`python -m benchmarks.web_pages --warehouse PATH --repeat N`: server time from `Server-Timing: "
           "app;dur=` (what the app spent), wall time as the client saw it (localhost, same process), after "
           f"one warm-up request per URL. Pages over {SLOW_MS} ms of server time are marked ⚠.", ""]
    for label, run in runs.items():
        out += [f"## {label}", "",
                f"{run['warehouse']}: {run['size_mb']} MB, {run['findings']:,} findings, {run['ranked_units']:,} "
                f"ranked units; {run['repeat']} requests per URL; first request (opens the file) "
                f"{run['first_request_ms']} ms; {run['machine']['cpus']} CPUs, DuckDB {run['machine']['duckdb']}; "
                f"{run['measured_at']}." + (f" {run['note']}" if run.get("note") else ""), "",
                "| page | URL | status | KB | server ms median | server ms max | wall ms median | wall ms max |",
                "|---|---|---|---|---|---|---|---|"]
        for p in run["pages"]:
            slow = " ⚠" if p["server_ms_median"] > SLOW_MS else ""
            out.append(f"| {p['label'].strip()} | `{p['url']}` | {','.join(map(str, p['status']))} | "
                       f"{p['bytes'] / 1024:.0f} | {p['server_ms_median']}{slow} | {p['server_ms_max']} | "
                       f"{p['wall_ms_median']} | {p['wall_ms_max']} |")
        out.append("")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warehouse", required=True, type=Path, help="a published file (read only)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--label", help="the run's name in the results (default: the file's folder)")
    parser.add_argument("--note", default="", help="a sentence added to the run's line in the markdown")
    args = parser.parse_args()
    run = measure(args.warehouse.resolve(), args.repeat) | {"note": args.note}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "web-pages.json"
    runs = json.loads(path.read_text(encoding="utf-8"))["runs"] if path.exists() else {}
    runs[args.label or args.warehouse.resolve().parent.name] = run
    path.write_text(json.dumps({"runs": runs}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "web-pages.md").write_text(markdown(runs), encoding="utf-8")
    print(markdown({args.label or args.warehouse.resolve().parent.name: run}))


if __name__ == "__main__":
    main()
