"""A system's pages for a time window, whatever reaches it: the one shape ingest consumes.

`Fetch(lo, hi)` yields `(raw table, records)` pairs: raw record dicts exactly as the source served
them, in pages or batches. Validating and storing them is not the connectors' work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from connectors.database import DatabaseReader
from connectors.http import GatewayClient
from connectors.paging import endpoint_of, iter_pages
from sources import System

Fetch = Callable[[datetime, datetime], Iterator[tuple[str, list]]]


def gateway_fetch(client: GatewayClient, system: System) -> Fetch:
    """Pages of a gateway system's one endpoint, walked by its declared paging style."""
    endpoint = endpoint_of(system)
    (table,) = system.tables

    def pages(lo: datetime, hi: datetime) -> Iterator[tuple[str, list]]:
        for page in iter_pages(client, endpoint, lo, hi, stats=client.stats):
            yield table.name, page

    return pages


def database_fetch(reader: DatabaseReader, system: System) -> Fetch:
    """Snapshot tables read whole, then the windowed tables in batches, in declaration order."""

    def pages(lo: datetime, hi: datetime) -> Iterator[tuple[str, list]]:
        for table in system.tables:
            if table.updated is None:
                yield table.name, reader.read_all(table.source_table)
            else:
                for batch in reader.iter_batches(table.source_table, lo, hi):
                    yield table.name, batch

    return pages
