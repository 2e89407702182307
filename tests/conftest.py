"""Shared fixtures: a small simulated city spanning Hanoi's 2025 reorganisations, served on localhost."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
import requests

from connectors.http import BREAKERS, LIMITS
from simulator.faults import FaultConfig
from simulator.server import Credentials, Gateway, SimulatorServer
from simulator.world import World, WorldConfig

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def test_dagster_home(tmp_path_factory):
    """Every run a test makes goes to an instance of its own (the project's config), never to the
    project's `dagster_home/`; subprocesses inherit it through the environment."""
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(PROJECT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("DAGSTER_HOME", None)
    else:
        os.environ["DAGSTER_HOME"] = previous


@pytest.fixture(autouse=True)
def fresh_gateway_breakers():
    """A host found down by one test (a closed port) must not stay down for the next, whose server may get
    the same port: the breakers live as long as the process, as they do in a refresh. So with the
    concurrency limits: one halved by a test's 429s must not slow the next."""
    BREAKERS.clear()
    LIMITS.clear()
    yield
    BREAKERS.clear()
    LIMITS.clear()


# Spans 1 March 2025 (departments merged) and 1 July 2025 (district level ended).
CITY = WorldConfig(seed=61, scale=0.01, start=date(2025, 1, 1), end=date(2025, 8, 31))


class GatewayClient:
    """A minimal client for tests: fetches a token and reads pages, nothing more."""

    def __init__(self, base: str, creds: Credentials | None = None):
        creds = creds or Credentials()
        self.base = base
        self.session = requests.Session()
        response = self.session.post(f"{base}/token", data={"grant_type": "client_credentials"},
                                     auth=(creds.client_id, creds.client_secret), timeout=10)
        response.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def get(self, path: str, **params) -> requests.Response:
        return self.session.get(f"{self.base}{path}", params=params, timeout=30)


@pytest.fixture(scope="session")
def city(tmp_path_factory) -> World:
    world = World(WorldConfig(**{**CITY.__dict__, "store_dir": str(tmp_path_factory.mktemp("city"))}))
    yield world
    world.close()


@pytest.fixture(scope="session")
def city_server(city):
    server = SimulatorServer(Gateway(city, Credentials(), FaultConfig())).start()
    yield server
    server.stop()


@pytest.fixture
def client(city_server) -> GatewayClient:
    return GatewayClient(city_server.url)


def make_small_world(store_dir) -> World:
    """September 2025 of a small city (seed 7, scale 0.02)."""
    return World(WorldConfig(seed=7, scale=0.02, start=date(2025, 9, 1), end=date(2025, 9, 30),
                             store_dir=str(store_dir)))


@pytest.fixture
def small_world(tmp_path):
    """A world of its own, for tests that change it (advance, touch, faults). A module whose tests only read
    it overrides this with one world for the module (`make_small_world`)."""
    world = make_small_world(tmp_path)
    yield world
    world.close()


def serve(world: World, faults: FaultConfig | None = None, **kwargs) -> SimulatorServer:
    return SimulatorServer(Gateway(world, Credentials(), faults or FaultConfig(), **kwargs)).start()
