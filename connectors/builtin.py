"""The built-in simulated city, started for a run when a source's variable is unset.

The gateway runs on a free localhost port and accepts the configured client credentials; the
Inspectorate database is written to a temporary folder and removed when the run ends.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from core.settings import Settings

DEFAULT_SEED = 61


@dataclass(frozen=True)
class BuiltinEndpoints:
    gateway_url: str | None
    database_url: str | None


@contextmanager
def builtin_city(settings: Settings, end: date | None = None):
    """Serve whatever the configuration leaves unset; yields the URLs to use instead."""
    if not (settings.uses_builtin_gateway or settings.uses_builtin_database):
        yield BuiltinEndpoints(None, None)
        return
    from simulator.cli import DEMO_SCALE
    from simulator.donthu_db import DonThuDatabase
    from simulator.faults import FaultConfig
    from simulator.server import Credentials, Gateway, SimulatorServer
    from simulator.world import World, WorldConfig, yesterday_local

    workdir = tempfile.mkdtemp(prefix="cchc-builtin-")
    world = World(WorldConfig(seed=int(os.environ.get("CCHC_SIM_SEED", DEFAULT_SEED)),
                              scale=float(os.environ.get("CCHC_SIM_SCALE", DEMO_SCALE)),
                              start=settings.sync_start, end=end or yesterday_local(), store_dir=workdir))
    server = database = None
    try:
        gateway_url = database_url = None
        if settings.uses_builtin_gateway:
            credentials = Credentials(settings.client_id, settings.client_secret.reveal())
            faults = FaultConfig.parse(os.environ.get("CCHC_SIM_FAULTS"))
            server = SimulatorServer(Gateway(world, credentials, faults)).start()
            gateway_url = server.url
        if settings.uses_builtin_database:
            database = DonThuDatabase(world, os.path.join(workdir, "donthu.sqlite"))
            database.create()
            database_url = database.url
        yield BuiltinEndpoints(gateway_url, database_url)
    finally:
        if server is not None:
            server.stop()
        if database is not None:
            database.close()
        world.close()
        shutil.rmtree(workdir, ignore_errors=True)
