"""The source systems, each declared once (`catalog`), of the types in `declaration`."""

from sources.catalog import SYSTEMS, raw_tables, system_named, system_of_table
from sources.declaration import (
    CursorPages,
    Database,
    GatewayEndpoint,
    LinkPages,
    OffsetPages,
    Paging,
    RawTable,
    System,
    Whole,
    Workbooks,
)

__all__ = ["SYSTEMS", "raw_tables", "system_named", "system_of_table", "CursorPages", "Database", "Workbooks",
           "GatewayEndpoint", "LinkPages", "OffsetPages", "Paging", "RawTable", "System", "Whole"]
