"""Resources: where the sources are (configured, or the built-in city) and the pipeline's state.

Settings come from the environment and `.env` when a run starts, so the same definitions run on
the simulator, in tests and against the real systems.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager

import dagster as dg
from pydantic import PrivateAttr

from connectors.builtin import builtin_city
from core.settings import Settings
from storage.state import StateStore


class CitySources(dg.ConfigurableResource):
    """The five systems: the configured gateway and database, or the built-in simulated city."""

    dotenv_path: str = ".env"
    max_attempts: int = 8  # per HTTP call, then the sync fails loudly
    backoff_initial: float = 0.5  # seconds; exponential with jitter
    backoff_max: float = 30.0
    max_retry_after: float = 60.0  # cap on a gateway's Retry-After
    _settings: Settings | None = PrivateAttr(default=None)
    _gateway_url: str | None = PrivateAttr(default=None)
    _database_url: str | None = PrivateAttr(default=None)
    _stack: ExitStack | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._settings = Settings.from_env(dotenv_path=self.dotenv_path)
        self._stack = ExitStack()
        builtin = self._stack.enter_context(builtin_city(self._settings))
        self._gateway_url = self._settings.lgsp_url or builtin.gateway_url
        self._database_url = (self._settings.donthu_db_url.reveal() if self._settings.donthu_db_url
                              else builtin.database_url)
        if context.log and (builtin.gateway_url or builtin.database_url):
            context.log.info("Using the built-in simulated city for the sources left unconfigured")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._stack is not None:
            self._stack.close()

    @property
    def settings(self) -> Settings:
        return self._settings

    def gateway_client(self):
        from connectors.http import GatewayClient

        s = self._settings
        return GatewayClient(self._gateway_url, s.client_id, s.client_secret, max_attempts=self.max_attempts,
                             backoff_initial=self.backoff_initial, backoff_max=self.backoff_max,
                             max_retry_after=self.max_retry_after)

    def donthu_source(self):
        from connectors.donthu import DonThuSource

        return DonThuSource(self._database_url)

    @contextmanager
    def open_source(self, source):
        """(fetch, stats) for a source: the gateway client or the read-only database connection."""
        from connectors.source import DatabaseSource

        if isinstance(source, DatabaseSource):
            with self.donthu_source() as database:
                yield source.fetch(database), {}
        else:
            with self.gateway_client() as client:
                yield source.fetch(client), client.stats

    def state(self) -> StateStore:
        return StateStore(self._settings.state_path)
