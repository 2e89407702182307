"""What a source system is, as data: the types every system's declaration is made of.

A system is declared once (`sources.catalog`), in the spirit of dlt's `RESTAPIConfig`: its name and
Vietnamese title, who owns it, how its records are reached (a gateway endpoint with its paging style,
or tables of a database) and the raw tables its records land in (record model, key, update-time
field). Connectors derive their walks from it, storage its raw tables, the Dagster layer its assets,
and `marts.source_health` its rows. Nothing else names a system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from models import SourceRecord

TimeStyle = Literal["iso_offset_ict", "compact_ict", "utc_z", "local_seconds"]
"""How a gateway filter writes a time: `2023-03-15T08:30:00+07:00`, `20230315083000` (local),
`2023-03-15T01:30:00Z`, `2023-03-15 08:30:00` (local)."""


@dataclass(frozen=True)
class RawTable:
    """One table of schema `raw`: a source's records, latest version per key."""

    name: str
    model: type[SourceRecord]
    updated: str | None  # the update-time field; None: a snapshot, replaced whole every run
    source_table: str | None = None  # the table's name in a source database

    @property
    def key(self) -> str:
        return self.model.ID_FIELD

    @property
    def fields(self) -> list[str]:
        return list(self.model.model_fields)


# --- paging styles of the gateway ----------------------------------------------------------------

@dataclass(frozen=True)
class Whole:
    """One answer holds everything (no paging, no filter)."""


@dataclass(frozen=True)
class OffsetPages:
    """Numbered pages from 1 over an update-time window with both ends; the total in the body."""

    since_param: str
    until_param: str
    page_param: str
    size_param: str
    total_key: str
    max_chunk_pages: int = 10  # a window is read in time chunks of at most this many pages
    max_rereads: int = 8  # re-reads of a chunk whose total keeps moving


@dataclass(frozen=True)
class CursorPages:
    """An opaque cursor from each page to the next, until null; only a lower time filter."""

    since_param: str
    size_param: str
    cursor_param: str
    next_cursor_key: str


@dataclass(frozen=True)
class LinkPages:
    """RFC 8288 `Link: <…>; rel="next"` headers; the total in a header; only a lower time filter."""

    since_param: str
    size_param: str
    total_header: str


Paging = Whole | OffsetPages | CursorPages | LinkPages


@dataclass(frozen=True)
class GatewayEndpoint:
    """A list endpoint of the city's gateway (LGSP), as settings."""

    path: str
    paging: Paging
    records_key: str | None  # None: the body is a bare JSON array
    max_page_size: int = 0  # 0: no page-size parameter
    time_style: TimeStyle | None = None
    status: tuple[str, str] | None = None  # (key, value when fine): a failure reported under HTTP 200


@dataclass(frozen=True)
class Database:
    """Tables of a relational database read through a read-only account (plain code in connectors)."""

    url_variable: str


@dataclass(frozen=True)
class Workbooks:
    """Excel workbooks (`*.xlsx`) in a folder kept by people: one sheet per raw table (its `source_table`),
    one header row naming the columns (the record model's field titles), read whole every run."""

    dir_variable: str


@dataclass(frozen=True)
class System:
    """One source system: everything the pipeline needs to know of it."""

    name: str
    title_vi: str
    owner: str  # Dagster owner of its assets
    access: GatewayEndpoint | Database | Workbooks
    tables: tuple[RawTable, ...]
    in_source_health: bool = True  # the directory belongs to system 1: it is not a row of its own
    order: int = 99  # position in source_health and in the UI
    after: tuple[str, ...] = ()  # systems whose records reading this one needs (synced first)

    @property
    def windowed(self) -> bool:
        """Read incrementally by update time; False: every table is a snapshot read whole each run."""
        return any(t.updated for t in self.tables)

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

    @property
    def kind(self) -> Literal["api", "sql", "excel"]:
        if isinstance(self.access, Database):
            return "sql"
        return "excel" if isinstance(self.access, Workbooks) else "api"
