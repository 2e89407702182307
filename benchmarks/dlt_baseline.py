"""Baseline of issue 6: dlt's generic `rest_api` source loading the four gateway endpoints into DuckDB.

    .venv/bin/pip install -e '.[bench]'          # dlt is an optional benchmark extra, never a runtime dependency
    CCHC_BENCH_CLIENT_SECRET=cchc-sim-secret .venv/bin/python -m benchmarks.dlt_baseline \
        --url http://127.0.0.1:8061 --client-id cchc-inspection --workdir /tmp/dlt-baseline

A first full load of documents, dossiers, reporting obligations and tasks, merged on each record's key (as
ours: a record read twice is stored once), with dlt's defaults otherwise: the only configuration is what
correctness needs (paths, paging styles, record selectors, the token, the keys). `--parallelized` sets dlt's
`parallelized` on the resources, as its performance guide advises when the source is slow to answer.
Prints one JSON line: {"records", "seconds" (wall time of pipeline.run), "per_endpoint", "duckdb_mb"}.
Every file dlt writes (pipeline state, load packages, the DuckDB file) lives under --workdir.

`measure_dlt(...)` runs this module as a child process and adds its peak RSS (wait4 rusage) and wall time,
the same way benchmarks/ingest.py measures `cchc refresh`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PIPELINE_NAME = "cchc_dlt_baseline"
DATASET = "gateway"
DUCKDB_FILE = "dlt_baseline.duckdb"

# resource (= main table) name -> (endpoint path, data selector, first-page params, paginator config, key)
ENDPOINTS: dict[str, tuple[str, str, dict, dict, str]] = {
    "van_ban": ("/qlvb/v1/van-ban", "du_lieu", {"so_ban_ghi": 1000},
                # `tong_so` counts records, not pages: dlt's page_number total_path means pages, so stop on the
                # first empty page instead (dlt's default stop rule)
                {"type": "page_number", "base_page": 1, "page_param": "trang", "total_path": None}, "id"),
    "ho_so": ("/motcua/v1/ho-so", "result", {"SoLuong": 1000},
              {"type": "page_number", "base_page": 1, "page_param": "TrangSo", "total_path": None}, "MaHoSo"),
    "ky_bao_cao": ("/baocao/v1/ky-bao-cao", "data", {"limit": 1000},
                   {"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"}, "id"),
    "nhiem_vu": ("/nhiemvu/v1/nhiem-vu", "$", {"per_page": 500}, {"type": "header_link"}, "ma_nhiem_vu"),
}


def _isolate(workdir: Path) -> None:
    """Point every place dlt reads or writes at --workdir; must run before dlt is imported."""
    os.environ["DLT_DATA_DIR"] = str(workdir / "dlt-data")
    os.environ["DLT_PROJECT_DIR"] = str(workdir)
    os.environ["DLT_LOCAL_DIR"] = str(workdir)
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"


def _client_credentials_auth(url: str, client_id: str, client_secret: str):
    """dlt's OAuth2 client-credentials auth, sending the client's id and secret as HTTP Basic (as the gateway
    requires) instead of in the form body; token caching and expiry are dlt's own."""
    from dlt.common.configuration.specs.base_configuration import configspec
    from dlt.sources.helpers.rest_client.auth import OAuth2ClientCredentials

    @configspec
    class BasicClientCredentials(OAuth2ClientCredentials):
        def build_access_token_request(self) -> dict:
            return {"headers": {"Content-Type": "application/x-www-form-urlencoded"},
                    "data": {"grant_type": "client_credentials", **self.access_token_request_data},
                    "auth": (self.client_id, self.client_secret)}

    return BasicClientCredentials(access_token_url=f"{url.rstrip('/')}/token", client_id=client_id,
                                  client_secret=client_secret)


def _has_key(key: str):
    """dlt's merge refuses a record without its key (the load fails terminally): such records are dropped."""
    return lambda record: record.get(key) not in (None, "")


def run(url: str, client_id: str, client_secret: str, workdir: Path, parallelized: bool = False) -> dict:
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    _isolate(workdir)
    import dlt
    from dlt.sources.rest_api import rest_api_source

    source = rest_api_source({
        "client": {"base_url": url.rstrip("/") + "/", "auth": _client_credentials_auth(url, client_id, client_secret)},
        "resource_defaults": {"write_disposition": "merge", "parallelized": parallelized},
        "resources": [{"name": name, "primary_key": key, "processing_steps": [{"filter": _has_key(key)}],
                       "endpoint": {"path": path.lstrip("/"), "params": params, "data_selector": selector,
                                    "paginator": paginator}}
                      for name, (path, selector, params, paginator, key) in ENDPOINTS.items()],
    }, name="gateway")
    db_path = workdir / DUCKDB_FILE
    pipeline = dlt.pipeline(pipeline_name=PIPELINE_NAME, pipelines_dir=str(workdir / "dlt-data" / "pipelines"),
                            destination=dlt.destinations.duckdb(str(db_path)), dataset_name=DATASET)
    began = time.perf_counter()
    pipeline.run(source)
    seconds = time.perf_counter() - began

    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as con:
        per_endpoint = {path: con.sql(f'SELECT count(*) FROM {DATASET}."{name}"').fetchall()[0][0]
                        for name, (path, *_rest) in ENDPOINTS.items()}
    size = sum(p.stat().st_size for p in workdir.glob(DUCKDB_FILE + "*"))  # the file and any WAL left
    return {"records": sum(per_endpoint.values()), "seconds": round(seconds, 2), "per_endpoint": per_endpoint,
            "duckdb_mb": round(size / 2**20, 1)}


def measure_dlt(url: str, client_id: str, client_secret: str, workdir: str | Path, parallelized: bool = False) -> dict:
    """Run the baseline as a child process; its JSON line plus peak RSS (MB) and the child's wall seconds."""
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env["CCHC_BENCH_CLIENT_SECRET"] = client_secret  # through the environment: never in the process list
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.dlt_baseline", "--url", url, "--client-id", client_id,
                             "--workdir", str(workdir), *(["--parallelized"] if parallelized else [])],
                            cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # read both pipes to the end before reaping, so a chatty child cannot block on a full pipe
    out, err = _drain(proc)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - began
    if proc.returncode != 0:
        raise RuntimeError(f"the dlt baseline failed (exit {proc.returncode}):\n{err.decode(errors='replace')[-4000:]}")
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"the dlt baseline printed no result:\n{out.decode(errors='replace')[-4000:]}")
    result = json.loads(lines[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # ru_maxrss is KiB on Linux
    result["wall_seconds"] = round(wall, 1)
    return result


def _drain(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    """Both pipes to EOF without waiting for the process (wait4 reaps it, for its rusage)."""
    chunks: dict[str, bytes] = {}

    def read(name: str, pipe) -> None:
        chunks[name] = pipe.read()
        pipe.close()

    threads = [threading.Thread(target=read, args=(n, p)) for n, p in (("out", proc.stdout), ("err", proc.stderr))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return chunks["out"], chunks["err"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="gateway base URL, e.g. http://127.0.0.1:8061")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", default=os.environ.get("CCHC_BENCH_CLIENT_SECRET"),
                        help="default: $CCHC_BENCH_CLIENT_SECRET (keeps it out of the process list)")
    parser.add_argument("--workdir", required=True, type=Path, help="where dlt's state and the DuckDB file go")
    parser.add_argument("--parallelized", action="store_true", help="dlt's parallelized resources")
    args = parser.parse_args(argv)
    result = run(args.url, args.client_id, args.client_secret, args.workdir, args.parallelized)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
