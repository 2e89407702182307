"""`cchc simulate serve|db|register`: run the simulated city, or write its database or register."""

from __future__ import annotations

import argparse
import math
import os
import signal
from datetime import date

from simulator.faults import FaultConfig
from simulator.world import World, WorldConfig, yesterday_local

DEMO_SCALE = 0.01


def add_world_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=61, help="random seed; same seed, same city (default 61)")
    p.add_argument("--scale", type=float, default=DEMO_SCALE,
                   help=f"1.0 is one Hanoi-sized year of volume (default {DEMO_SCALE})")
    p.add_argument("--start", type=date.fromisoformat, default=date(2023, 1, 1), metavar="DAY",
                   help="first day, YYYY-MM-DD (default 2023-01-01)")
    p.add_argument("--end", type=date.fromisoformat, default=None, metavar="DAY",
                   help="last day, local, YYYY-MM-DD (default yesterday)")
    p.add_argument("--store-dir", default=None, metavar="DIR",
                   help="folder for the simulator's working store (default: temp)")


def world_config(args: argparse.Namespace) -> WorldConfig:
    return WorldConfig(seed=args.seed, scale=args.scale, start=args.start, end=args.end or yesterday_local(),
                       store_dir=args.store_dir)


def credentials_from_env():
    from simulator.server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Credentials

    return Credentials(os.environ.get("CCHC_LGSP_CLIENT_ID") or DEFAULT_CLIENT_ID,
                       os.environ.get("CCHC_LGSP_CLIENT_SECRET") or DEFAULT_CLIENT_SECRET)


def register(sub: argparse._SubParsersAction) -> None:
    sim = sub.add_parser("simulate", help="run the simulated city (all five systems)",
                         description="The simulated city: its gateway, its Inspectorate database and its "
                                     "inspection register, the same for the same seed.")
    simsub = sim.add_subparsers(dest="sim_command", required=True, title="commands", metavar="COMMAND",
                                description="`cchc simulate COMMAND --help` tells more of each")
    serve = simsub.add_parser("serve", help="serve the gateway (systems 1-4) over HTTP")
    add_world_arguments(serve)
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8061, help="the port (default 8061; 0 picks a free one)")
    serve.add_argument("--base-path", default="", metavar="PATH", help="serve under a path prefix, e.g. /gw")
    serve.add_argument("--faults", default=os.environ.get("CCHC_SIM_FAULTS", ""), metavar="SPEC",
                       help="fault rates, e.g. throttle=0.05,gateway=0.05 (env CCHC_SIM_FAULTS)")
    serve.add_argument("--token-ttl", type=int, default=3600, metavar="SECONDS",
                       help="token lifetime in seconds (default 3600)")
    serve.add_argument("--latency-ms", type=_non_negative_float, default=0.0, metavar="MS",
                       help="delay every answer by MS milliseconds, give or take 20%% (a real gateway: ~100; "
                            "default 0)")
    serve.add_argument("--max-concurrent", type=_positive_int, default=None, metavar="N",
                       help="answer 429 with Retry-After to a client holding more than N requests at once "
                            "(default: no quota)")
    serve.add_argument("--db", default=None, metavar="URL",
                       help="also write system 5's database here (path or SQLAlchemy URL)")
    serve.add_argument("--register", default=None, metavar="DIR",
                       help="also write the inspection register (system 6, Excel workbooks) into this folder")
    serve.set_defaults(func=serve_command)
    db = simsub.add_parser("db", help="write the Inspectorate's database (system 5)")
    db.add_argument("path", help="SQLite file path, or a SQLAlchemy URL (postgresql+psycopg://...)")
    add_world_arguments(db)
    db.set_defaults(func=db_command)
    reg = simsub.add_parser("register", help="write the inspectors' register (system 6): Excel workbooks")
    reg.add_argument("folder", help="folder for the workbooks (so-theo-doi-2024.xlsx, so-theo-doi-2025.xlsx)")
    reg.add_argument("--seed", type=int, default=61, help="random seed; the same as the city's (default 61)")
    reg.add_argument("--start", type=date.fromisoformat, default=date(2023, 1, 1), metavar="DAY",
                     help="the city's first day: earlier inspections are left out (default 2023-01-01)")
    reg.add_argument("--end", type=date.fromisoformat, default=None, metavar="DAY",
                     help="the register as of this day, local (default yesterday)")
    reg.set_defaults(func=register_command)


def serve_command(args: argparse.Namespace) -> int:
    from simulator.donthu_db import DonThuDatabase
    from simulator.server import Gateway, SimulatorServer

    faults = FaultConfig.parse(args.faults)
    print(f"Generating the city (seed {args.seed}, scale {args.scale}) ...", flush=True)
    world = World(world_config(args))
    db = None
    if args.db:
        db = DonThuDatabase(world, args.db)
        db.create()
        db.follow()
    if args.register:
        world.write_register(args.register)
    gateway = Gateway(world, credentials_from_env(), faults, args.base_path, args.token_ttl,
                      latency_ms=args.latency_ms, max_concurrent=args.max_concurrent)
    server = SimulatorServer(gateway, args.host, args.port)
    counts = {s: v["current"] for s, v in world.stats()["systems"].items()}
    print(f"Simulated gateway at {server.url} ({world.generation_seconds:.1f} s to generate): {counts}", flush=True)
    if args.latency_ms or args.max_concurrent:
        quota = f"at most {args.max_concurrent} requests at once per client" if args.max_concurrent else "no quota"
        print(f"Gateway latency {args.latency_ms:g} ms ±20 %, {quota}", flush=True)
    if db:
        print(f"Inspectorate database at {args.db}", flush=True)
    if args.register:
        print(f"Inspection register in {args.register}", flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
        world.close()
    return 0


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value >= 0:  # NaN too
        raise argparse.ArgumentTypeError(f"must be a number of milliseconds, 0 or more (got {text!r})")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more (got {text!r})")
    return value


def _stop(*_args) -> None:
    raise KeyboardInterrupt  # SIGTERM ends the server like Ctrl-C: cleanly, store removed


def db_command(args: argparse.Namespace) -> int:
    from simulator.donthu_db import DonThuDatabase

    world = World(world_config(args))
    try:
        counts = DonThuDatabase(world, args.path).create()
    finally:
        world.close()
    print(f"Wrote the Inspectorate database to {args.path}: {counts}")
    return 0



def register_command(args: argparse.Namespace) -> int:
    """The register alone: it needs the units and their behaviour, not the city's records."""
    from simulator.directory import Directory

    end = args.end or yesterday_local()
    if end < args.start:
        raise SystemExit(f"--end {end} is before --start {args.start}")
    register = Directory(args.seed).register
    paths = register.write(args.folder, args.start, end)
    rows = register.rows(args.start, end)
    counts = {sheet: sum(len(r) for r in by_year.values()) for sheet, by_year in rows.items()}
    print(f"Wrote the inspection register (seed {args.seed}, as of {end}) to {args.folder}: "
          f"{', '.join(p.name for p in paths) or 'no workbook'}; {counts}")
    return 0
