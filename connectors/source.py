"""What a source is to the pipeline: a system name, its raw tables, and how to fetch a window.

Gateway systems differ only in settings (an endpoint of `paging.ENDPOINTS` and a raw table), so
they are `GatewaySource` values; the petition database is plain code in `donthu.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

# A window's pages: (raw table, records) pairs for the window [lo, hi].
Fetch = Callable[[datetime, datetime], Iterator[tuple[str, list]]]


@dataclass(frozen=True)
class GatewaySource:
    system: str
    title_vi: str
    endpoint: str  # key of paging.ENDPOINTS
    table: str  # raw table (storage.schema.RAW_TABLES)
    windowed: bool = True  # False: a snapshot read whole every run

    @property
    def tables(self) -> list[str]:
        return [self.table]

    def fetch(self, client) -> Fetch:
        from connectors.paging import ENDPOINTS, iter_pages

        endpoint = ENDPOINTS[self.endpoint]

        def pages(lo: datetime, hi: datetime) -> Iterator[tuple[str, list]]:
            for page in iter_pages(client, endpoint, lo, hi):
                yield self.table, page

        return pages


@dataclass(frozen=True)
class DatabaseSource:
    """The petition database: a snapshot table read whole, then tables read by update-time window."""

    system: str
    title_vi: str
    snapshot: tuple[str, str]  # (database table, raw table)
    windowed_tables: tuple[tuple[str, str], ...]
    windowed: bool = True

    @property
    def tables(self) -> list[str]:
        return [self.snapshot[1]] + [raw for _db, raw in self.windowed_tables]

    def fetch(self, database) -> Fetch:
        def pages(lo: datetime, hi: datetime) -> Iterator[tuple[str, list]]:
            yield self.snapshot[1], database.read_agencies()
            for db_table, raw_table in self.windowed_tables:
                for batch in database.iter_batches(db_table, lo, hi):
                    yield raw_table, batch

        return pages
