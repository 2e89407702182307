"""The demo: the built-in simulated city serves all six systems when no source is configured.

Only the commands that run the demo import this module (and so the simulator). It starts the city
in this process — the gateway on a free localhost port; the Inspectorate database and the
inspectors' register (its Excel workbooks, in `so-theo-doi/`) in a temporary folder — and hands
the pipeline the variables of a fully configured run, plus `CCHC_SIMULATED_CITY`, the city's
identity: everything the run stores and publishes says that the data are simulated, and a state
holding them refuses real sources (and the reverse).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from core import clock
from core.errors import ConfigError
from core.settings import Settings
from simulator.cli import DEMO_SCALE
from simulator.donthu_db import DonThuDatabase
from simulator.faults import FaultConfig
from simulator.server import Credentials, Gateway, SimulatorServer
from simulator.world import World, WorldConfig

DEMO_SEED = 61
BANNER = "DỮ LIỆU MÔ PHỎNG"


@dataclass(frozen=True)
class DemoCity:
    label: str  # e.g. "seed 61, scale 0.01"
    env: dict[str, str]  # the source variables pointing at the running city
    records: int  # records the city holds
    seconds: float  # to generate it


def seed_and_scale(settings: Settings) -> tuple[int, float]:
    """The demo city's seed and scale: CCHC_SIM_SEED / CCHC_SIM_SCALE, else the simulator's defaults."""
    return (DEMO_SEED if settings.sim_seed is None else settings.sim_seed,
            DEMO_SCALE if settings.sim_scale is None else settings.sim_scale)


def demo_label(settings: Settings) -> str:
    seed, scale = seed_and_scale(settings)
    return f"seed {seed}, scale {scale:g}"


@contextmanager
def simulated_city(settings: Settings) -> Iterator[DemoCity]:
    """Generate and serve the city from CCHC_SYNC_START to yesterday; stopped and removed on exit."""
    try:
        faults = FaultConfig.parse(settings.sim_faults)
    except ValueError as exc:
        raise ConfigError("CCHC_SIM_FAULTS", f"is not a fault list ({exc})",
                          "use e.g. throttle=0.05,gateway=0.05 (see README, the simulated city)") from None
    seed, scale = seed_and_scale(settings)
    workdir = tempfile.mkdtemp(prefix="cchc-demo-")
    world = World(WorldConfig(seed=seed, scale=scale, start=settings.sync_start,
                              end=clock.today() - timedelta(days=1), store_dir=workdir), wall=clock.epoch)
    server = database = None
    try:
        credentials = Credentials()
        server = SimulatorServer(Gateway(world, credentials, faults)).start()
        database = DonThuDatabase(world, os.path.join(workdir, "donthu.sqlite"))
        database.create()
        register = os.path.join(workdir, "so-theo-doi")
        world.write_register(register)
        label = demo_label(settings)
        records = sum(v["current"] for v in world.stats()["systems"].values())
        yield DemoCity(label, {
            "CCHC_LGSP_URL": server.url, "CCHC_LGSP_CLIENT_ID": credentials.client_id,
            "CCHC_LGSP_CLIENT_SECRET": credentials.client_secret, "CCHC_DONTHU_DB_URL": database.url,
            "CCHC_INSPECTIONS_DIR": register, "CCHC_SIMULATED_CITY": label,
        }, records, world.generation_seconds)
    finally:
        if server is not None:
            server.stop()
        if database is not None:
            database.close()
        world.close()
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """The process environment with `values` set, restored afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
