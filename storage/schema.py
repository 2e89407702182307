"""Raw tables derived from the declarations and their record models: a field's Python type decides
its DuckDB and Arrow types, so a field added to a model needs no second edit here.
"""

from __future__ import annotations

import types
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, Union, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel

from sources import RawTable

SYNCED_AT = "_synced_at"


def column_types(table: RawTable) -> dict[str, str]:
    """Each stored field of a raw table with its DuckDB type."""
    return {n: duck_type(f.annotation) for n, f in table.model.model_fields.items()}


def create_sql(table: RawTable, qualified: str) -> str:
    cols = ", ".join(f'"{n}" {t}' for n, t in column_types(table).items())
    return f'CREATE TABLE IF NOT EXISTS {qualified} ({cols}, "{SYNCED_AT}" TIMESTAMPTZ)'


def arrow_schema(table: RawTable) -> pa.Schema:
    return pa.schema([(n, arrow_type(f.annotation)) for n, f in table.model.model_fields.items()])


def _strip(tp):
    """Unwrap Annotated and Optional: the type that decides the column."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) > 1 and set(args) <= {int, float, Decimal}:
            return float
        tp = args[0] if len(args) == 1 else str
        return _strip(tp)
    return tp


def duck_type(tp) -> str:
    tp = _strip(tp)
    origin = get_origin(tp)
    if origin is Literal:
        return "BIGINT" if all(isinstance(v, int) for v in get_args(tp)) else "VARCHAR"
    if origin is list:
        return duck_type(get_args(tp)[0]) + "[]"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        inner = ", ".join(f'"{n}" {duck_type(f.annotation)}' for n, f in tp.model_fields.items())
        return f"STRUCT({inner})"
    return _SCALARS[tp][0]


def arrow_type(tp) -> pa.DataType:
    tp = _strip(tp)
    origin = get_origin(tp)
    if origin is Literal:
        return pa.int64() if all(isinstance(v, int) for v in get_args(tp)) else pa.string()
    if origin is list:
        return pa.list_(arrow_type(get_args(tp)[0]))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return pa.struct([(n, arrow_type(f.annotation)) for n, f in tp.model_fields.items()])
    return _SCALARS[tp][1]


# bool before int: bool is a subclass of int
_SCALARS: dict[type, tuple[str, pa.DataType]] = {
    bool: ("BOOLEAN", pa.bool_()),
    str: ("VARCHAR", pa.string()),
    int: ("BIGINT", pa.int64()),
    float: ("DOUBLE", pa.float64()),
    Decimal: ("DOUBLE", pa.float64()),
    datetime: ("TIMESTAMPTZ", pa.timestamp("us", tz="UTC")),
    date: ("DATE", pa.date32()),
}
