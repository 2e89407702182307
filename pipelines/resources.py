"""Resources: where the sources are, and the pipeline's state.

Settings come from the environment and `.env` when a run starts, so the same definitions run on
the real systems, on the demo city (which `cchc refresh` and `cchc ui` start and configure when no
source is set), and in tests. Nothing here starts a source: a run that needs one and finds none
configured fails with one line saying what to set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import dagster as dg
from pydantic import PrivateAttr

from connectors.database import DatabaseReader
from connectors.http import GatewayClient
from connectors.pages import Count, Fetch, database_count, database_fetch, gateway_count, gateway_fetch
from connectors.workbooks import WorkbookFolder
from core.errors import StateLocked
from core.settings import Settings
from core.workdays import WorkingCalendar, load_calendar
from ingest.register import Directory, register_fetch
from pipelines.instance import release_dead_runs
from pipelines.jobs import AS_OF_TAG, AS_PUBLISHED
from sources import Database, System, Workbooks
from sources.catalog import DIRECTORY
from storage.filelock import FileLock
from storage.publish import published_as_of
from storage.state import StateStore

WRITER_POOL = "duckdb_writer"
"""The Dagster pool of every asset and check that opens the state file: one DuckDB writer at a time."""


class Source(NamedTuple):
    """An open source system: its pages by window, its counters, and the totals it promises (None: none)."""

    fetch: Fetch
    stats: dict
    count: Count | None


class CitySources(dg.ConfigurableResource):
    """The source systems as configured, and the pipeline's working DuckDB."""

    dotenv_path: str = ".env"
    max_attempts: int = 8  # per HTTP call, then the sync fails loudly
    backoff_initial: float = 0.5  # seconds; exponential with jitter
    backoff_max: float = 30.0
    max_retry_after: float = 60.0  # cap on a gateway's Retry-After
    wait_for_other_refresh: float = 3600.0  # seconds a run waits for another to finish, then fails
    _settings: Settings | None = PrivateAttr(default=None)
    _calendar: WorkingCalendar | None = PrivateAttr(default=None)
    _refresh_lock: FileLock | None = PrivateAttr(default=None)
    _store: StateStore | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._settings = Settings.from_env(dotenv_path=self.dotenv_path)
        # a bad calendar file fails every step here, before any of them writes (one line per bad row)
        self._calendar = load_calendar(self._settings.calendar_file)
        # one run at a time, for the whole run; taken before any step claims a pool slot
        self._refresh_lock = FileLock(self._settings.warehouse.parent / ".refresh.lock")
        if not self._refresh_lock.acquire(self.wait_for_other_refresh, on_busy=lambda: context.log.info(
                "another refresh is running on this warehouse; waiting for it to finish")):
            raise StateLocked(f"another refresh kept {self._settings.warehouse.parent} busy for "
                              f"{self.wait_for_other_refresh:.0f} s", "see `cchc ui` for the run; stop it if it hangs")
        if context.instance is not None and context.run is not None:
            release_dead_runs(context.instance, context.run.run_id)
        if context.run is not None and context.run.tags.get(AS_OF_TAG) == AS_PUBLISHED:
            published = published_as_of(self._settings.warehouse)
            if published is not None:  # the register job: its marts beside the others of the last refresh
                self._settings = dataclasses.replace(self._settings, as_of=published)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._refresh_lock is not None:
            self._refresh_lock.release()

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def calendar(self) -> WorkingCalendar:
        """The working-day calendar, with the operator's CCHC_CALENDAR_FILE (read once, when the run starts)."""
        return self._calendar

    def identity(self, system: System) -> str:
        """The source a system is read from now: kept with its cursor, compared on every sync."""
        return self._settings.source_identity(system.kind)

    def configured(self, system: System) -> bool:
        """False for a source the operator may leave out (the inspection register without its folder)."""
        return not isinstance(system.access, Workbooks) or self._settings.inspections_dir is not None

    @contextmanager
    def open_source(self, system: System, state: StateStore) -> Iterator[Source]:
        """A system's source, open: the gateway client, a read-only database connection, or the register's
        workbooks (checked against the directory already in `state`)."""
        s = self._settings
        if isinstance(system.access, Database):
            with DatabaseReader(system, s.donthu_db_url) as reader:
                yield Source(database_fetch(reader, system), {}, database_count(reader, system))
        elif isinstance(system.access, Workbooks):
            directory = Directory.from_store(state, DIRECTORY.tables[0].name)
            yield Source(register_fetch(WorkbookFolder(system, s.inspections_dir), directory, s.as_of), {}, None)
        else:
            self.identity(system)  # one clear line when no source is configured
            with GatewayClient(s.lgsp_url, s.client_id, s.client_secret, max_attempts=self.max_attempts,
                               backoff_initial=self.backoff_initial, backoff_max=self.backoff_max,
                               max_retry_after=self.max_retry_after,
                               max_concurrency=s.lgsp_max_concurrency) as client:
                yield Source(gateway_fetch(client, system), client.stats, gateway_count(client, system))

    @contextmanager
    def state(self) -> Iterator[StateStore]:
        """The pipeline's working DuckDB, opened by the run's first step that needs it and kept open until
        the run ends (opening it for each of some sixty steps cost a tenth of a second each)."""
        if self._store is None:
            store = StateStore(self._settings.state_path)
            self._store = store.__enter__()
        try:
            yield self._store
        except BaseException:
            _safely_roll_back(self._store)  # a step that failed inside a transaction leaves none open
            raise


def _safely_roll_back(store: StateStore) -> None:
    try:
        store.con.execute("ROLLBACK")
    except Exception:  # noqa: BLE001 - no transaction was open: nothing to undo
        pass
