"""`cchc check-sources`: generate the simulated city, serve it, and show that all five systems answer.

A quick look at the sources without the pipeline: it walks each system the way a connector will
(token, first page, totals) and reads the Inspectorate database.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from simulator.cli import add_world_arguments, credentials_from_env, world_config
from simulator.donthu_db import DonThuDatabase
from simulator.faults import FaultConfig
from simulator.server import Gateway, SimulatorServer
from simulator.world import World


def run_check(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cchc check-sources",
                                     description="start the simulated city and show that all five systems answer")
    add_world_arguments(parser)
    args = parser.parse_args(arguments)
    started = time.perf_counter()
    print(f"Generating the simulated city (seed {args.seed}, scale {args.scale}, from {args.start}) ...", flush=True)
    world = World(world_config(args))
    creds = credentials_from_env()
    server = SimulatorServer(Gateway(world, creds, FaultConfig())).start()
    with tempfile.TemporaryDirectory(prefix="cchc-check-") as tmp:
        db_path = Path(tmp) / "donthu.sqlite"
        database = DonThuDatabase(world, str(db_path))
        try:
            database.create()
            print(f"Generated in {world.generation_seconds:.1f} s; gateway at {server.url}\n")
            rows = _check_gateway(server.url, creds) + _check_database(database.url)
        finally:
            database.close()
            server.stop()
            world.close()
    width = max(len(r[0]) for r in rows)
    print(f"{'system':<{width}}  {'answer':<8} records")
    for name, status, count in rows:
        print(f"{name:<{width}}  {status:<8} {count:,}")
    ok = all(status == "OK" for _, status, _ in rows)
    print(f"\n{'All five systems answer.' if ok else 'Some systems did not answer.'} "
          f"({time.perf_counter() - started:.1f} s)")
    return 0 if ok else 1


def _check_gateway(base: str, creds) -> list[tuple[str, str, int]]:
    session = requests.Session()
    token = session.post(f"{base}/token", data={"grant_type": "client_credentials"},
                         auth=(creds.client_id, creds.client_secret), timeout=10).json()["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"
    out = []
    directory = session.get(f"{base}/qlvb/v1/don-vi", timeout=30)
    out.append(("directory (qlvb don-vi)", _status(directory), len(directory.json()["data"])))
    r = session.get(f"{base}/qlvb/v1/van-ban", params={"trang": 1, "so_ban_ghi": 10}, timeout=60)
    out.append(("1 qlvb (documents)", _status(r), r.json()["tong_so"]))
    count, r = 0, None
    params = {"limit": 1000, "updated_since": "2000-01-01T00:00:00Z"}
    while True:  # cursor paging has no total: walk it
        r = session.get(f"{base}/baocao/v1/ky-bao-cao", params=params, timeout=60)
        body = r.json()
        count += len(body["data"])
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    out.append(("2 baocao (reports)", _status(r), count))
    r = session.get(f"{base}/motcua/v1/ho-so", params={"TrangSo": 1, "SoLuong": 10}, timeout=60)
    out.append(("3 motcua (one-stop shop)", "OK" if r.ok and r.json()["error_code"] == "0" else "FAIL",
                r.json()["total"]))
    r = session.get(f"{base}/nhiemvu/v1/nhiem-vu", params={"since": "2000-01-01 00:00:00", "per_page": 10}, timeout=60)
    out.append(("4 nhiemvu (tasks)", _status(r), int(r.headers["X-Total-Count"])))
    return out


def _check_database(url: str) -> list[tuple[str, str, int]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [(f"5 donthu.{table}", "OK", conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                    for table in ("dm_co_quan", "don_thu", "tiep_cong_dan")]
    finally:
        engine.dispose()


def _status(response: requests.Response) -> str:
    return "OK" if response.ok else f"HTTP {response.status_code}"
