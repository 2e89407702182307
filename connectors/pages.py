"""A system's pages for a time window, whatever reaches it: the one shape ingest consumes.

`Fetch(lo, hi)` yields `(raw table, records)` pairs: raw record dicts exactly as the source served
them, in pages or batches. Validating and storing them is not the connectors' work.

`Count(windows)` says how many records the source holds in each update-time window, per windowed raw
table, where the source promises totals (offset and link paging, the database); a source that promises
none has no Count (None).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from connectors.database import DatabaseReader
from connectors.http import GatewayClient
from connectors.paging import endpoint_of, iter_pages, window_totals
from sources import System

Fetch = Callable[[datetime, datetime], Iterator[tuple[str, list]]]
Windows = list[tuple[datetime, datetime]]
Count = Callable[[Windows], dict[str, list[int]]]


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


def gateway_count(client: GatewayClient, system: System) -> Count | None:
    """The totals a gateway system's endpoint promises, window by window; None when it promises none."""
    endpoint = endpoint_of(system)
    if endpoint.paging not in ("offset", "link"):
        return None
    (table,) = system.tables

    def count(windows: Windows) -> dict[str, list[int]]:
        return {table.name: window_totals(client, endpoint, windows)}

    return count


def database_count(reader: DatabaseReader, system: System) -> Count:
    """COUNTs of every windowed table of the database, window by window."""

    def count(windows: Windows) -> dict[str, list[int]]:
        return {t.name: reader.count_windows(t.source_table, windows) for t in system.tables if t.updated}

    return count
