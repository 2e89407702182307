"""Shared fixtures: the suite's one clock, and a small simulated city spanning Hanoi's 2025 reorganisations,
served on localhost."""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import requests

from connectors.http import BREAKERS, LIMITS
from core import clock as platform_clock
from core.timezone import ICT
from simulator.faults import FaultConfig
from simulator.server import Credentials, Gateway, SimulatorServer
from simulator.world import World, WorldConfig

PROJECT = Path(__file__).resolve().parents[1]

# --- the suite's one clock ---------------------------------------------------------------------------

HARD_INSTANTS = {
    # Vietnam time; at 00:05 the UTC date is still the day before
    "sunday-1-march-0005": "2026-03-01T00:05:00+07:00",  # a Sunday, the first of a month, UTC in February
    "last-of-november-2355": "2026-11-30T23:55:00+07:00",  # the last day of a month, its last minutes
    "31-december-2355": "2025-12-31T23:55:00+07:00",  # the last minutes of a year
    "new-year-0005": "2026-01-01T00:05:00+07:00",  # a holiday, a new year in Hanoi, still 2025 in UTC
    "after-tet-0800": "2026-02-23T08:00:00+07:00",  # the first working day after Tết 2026 (16-20 February off)
    "today-0005": "2026-12-08T00:05:00+07:00",  # 00:05 of the day the suite was first seen failing at 08:15
}
"""Instants known to be hard, at which the tests marked `hard_instants` also run when CCHC_TEST_HARD_INSTANTS=1
(as CI does) or with `--hard-instants`."""


class SuiteClock:
    """The time the tests pretend it is: it starts at an instant and runs on at the wall clock's pace.

    It is the platform's clock too (`core.clock`, through CCHC_CLOCK, which every process reads) and the
    simulated city's (`World(wall=clock.epoch)`), so a late record lands where a test says it does."""

    def __init__(self, instant: datetime):
        self._offset = instant.timestamp() - time.time()

    def epoch(self) -> float:
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.epoch(), UTC)

    def now_local(self) -> datetime:
        return datetime.fromtimestamp(self.epoch(), ICT)

    def today(self) -> date:
        return self.now_local().date()

    def advance(self, seconds: float) -> None:
        """Time passes at once (a night between two refreshes); the platform sees it at its next reading."""
        self._offset += seconds
        self.publish()

    def publish(self) -> None:
        wall = time.time()
        os.environ[platform_clock.VARIABLE] = platform_clock.setting(
            datetime.fromtimestamp(wall + self._offset, ICT), wall)


_clocks: list[SuiteClock] = []  # the suite's clock, then a hard-instant test's own while it runs


def current_clock() -> SuiteClock:
    """The clock the running test lives by."""
    return _clocks[-1]


def _suite_instant(config) -> datetime:
    text = config.getoption("--clock") or os.environ.get("CCHC_TEST_CLOCK")
    if not text:
        return datetime.now(UTC)  # the day and hour the suite runs: the hard instants are tested besides
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise pytest.UsageError("--clock / CCHC_TEST_CLOCK needs an offset, e.g. 2026-12-31T23:55:00+07:00")
    return moment


def pytest_addoption(parser):
    parser.addoption("--clock", help="run the suite at this instant (ISO 8601 with its offset) instead of now")
    parser.addoption("--hard-instants", action="store_true",
                     help="also run the tests marked hard_instants at each instant of conftest.HARD_INSTANTS")


def pytest_configure(config):
    config.addinivalue_line("markers", "hard_instants: the test also runs at each of the hard instants "
                                       "(CCHC_TEST_HARD_INSTANTS=1 or --hard-instants)")
    _clocks[:] = [SuiteClock(_suite_instant(config))]
    _clocks[0].publish()


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("hard_instants") is None:
        return
    hard = metafunc.config.getoption("--hard-instants") or os.environ.get("CCHC_TEST_HARD_INSTANTS") == "1"
    names = ["now", *HARD_INSTANTS] if hard else ["now"]
    metafunc.parametrize("clock", names, indirect=True, ids=names)


@pytest.fixture
def clock(request):
    """The test's clock: the suite's, or, for a test run at a hard instant, one of its own at that instant."""
    name = getattr(request, "param", "now")
    if name == "now":
        yield _clocks[0]
        return
    _clocks.append(SuiteClock(datetime.fromisoformat(HARD_INSTANTS[name])))
    _clocks[-1].publish()
    try:
        yield _clocks[-1]
    finally:
        _clocks.pop()
        _clocks[0].publish()


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
