"""Field types of the source models: ``Annotated`` types whose validators coerce raw values.

Required fields treat ``None`` and ``""`` as a missing value; optional ones as None. The date and
time types wrap the format parsers of :mod:`models.parsers`. Validators raise ``ValueError`` with
a message that never repeats the value (see :mod:`models.parsers`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, Field

from .parsers import (
    coerce_db_date,
    coerce_db_local_timestamp,
    parse_compact_local,
    parse_ddmmyyyy,
    parse_iso_date,
    parse_iso_offset,
    parse_local_naive,
    parse_unit_validity_date,
    parse_utc_z,
)

__all__ = [
    "Form",
    "coerce_int",
    "empty_to_none",
    "NullAsEmptyList",
    "NonEmptyStr",
    "UnitRef",
    "OptText",
    "TextList",
    "IntId",
    "OptInt",
    "DbBool",
    "NonNegNumber",
    "DdMmYyyy",
    "OptDdMmYyyy",
    "CompactLocal",
    "OptCompactLocal",
    "UtcZ",
    "OptUtcZ",
    "IsoOffset",
    "OptIsoOffset",
    "IsoDate",
    "OptIsoDate",
    "UnitValidityDate",
    "OptUnitValidityDate",
    "LocalNaive",
    "DbDate",
    "OptDbDate",
    "DbLocalTimestamp",
]

T = TypeVar("T")


# --------------------------------------------------------------------------- validators


def _required(parser: Callable[[Any], T]) -> Callable[[Any], T]:
    def check(value: Any) -> T:
        if value is None or value == "":
            raise ValueError("missing value")
        return parser(value)

    return check


def _optional(parser: Callable[[Any], T]) -> Callable[[Any], T | None]:
    def check(value: Any) -> T | None:
        if value is None or value == "":
            return None
        return parser(value)

    return check


def _non_empty_text(value: Any) -> str:
    if value is None:
        raise ValueError("missing value")
    if type(value) is not str:
        raise ValueError("expected text")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def empty_to_none(value: Any) -> Any:
    # Only the exact empty string is "no value" (sources.md); anything else is kept as-is so
    # that an unknown code can be listed exactly as the source holds it.
    return None if value == "" else value


def _list_or_empty(value: Any) -> Any:
    return [] if value is None else value


NullAsEmptyList = BeforeValidator(_list_or_empty)
"""Use as ``Annotated[list[X], NullAsEmptyList]``: a missing list (null) becomes ``[]``."""


def _text_list(value: Any) -> Any:
    """null → []; empty-string entries dropped (an empty name is no value)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v != ""]
    return value


def coerce_int(value: Any) -> int:
    # pydantic's lax int accepts True/False; a boolean in an integer column is a contract breach.
    if type(value) is int:
        return value
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, int):  # numpy / subclasses
        return int(value)
    if isinstance(value, str):
        # str.isdigit alone accepts non-ASCII digits ('²', '٣'), and int() accepts '_' and
        # spaces: check ASCII digits first so that int() can never fail or misread.
        t = value[1:] if value[:1] == "-" else value
        if t.isascii() and t.isdigit():
            return int(value)
        raise ValueError("expected an integer")
    if isinstance(value, float | Decimal):
        try:
            if value == int(value):
                return int(value)
        except (ValueError, OverflowError, ArithmeticError):
            pass
    raise ValueError("expected an integer")


def _required_int(value: Any) -> int:
    if value is None or value == "":
        raise ValueError("missing value")
    return coerce_int(value)


def _optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return coerce_int(value)


def _db_bool(value: Any) -> bool:
    """Database booleans: SQLite and some drivers return 0/1 integers."""
    if value is True or value is False:
        return value
    if value is None:
        raise ValueError("missing value")
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("1", "true"):
            return True
        if low in ("0", "false"):
            return False
    raise ValueError("expected a boolean (true/false or 0/1)")


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if value is None:
        raise ValueError("missing value")
    return value


# --------------------------------------------------------------------------- forms


@dataclass(frozen=True)
class Form:
    """The raw form a field's validator reads, named for validators that check whole pages at once
    (`ingest.columnar`). The validator beside it stays the reference: a page validator must accept a
    value only where the reference would, with the same result, and leave every other value to it.

    ``required``: ``None`` and ``""`` are refused (else they are no value).
    """

    name: str
    required: bool = False


# --------------------------------------------------------------------------- annotated field types

NonEmptyStr = Annotated[str, BeforeValidator(_non_empty_text), Form("non_empty_text", required=True)]
"""A required id / text that must not be empty."""

UnitRef = Annotated[str | None, BeforeValidator(empty_to_none), Form("empty_is_none")]
OptText = Annotated[str | None, BeforeValidator(empty_to_none), Form("empty_is_none")]
"""Free text or a code where ``""`` is no value (the one-stop shop's contract)."""
"""A unit code or name as the source holds it; not checked against any pattern; ``""`` → None."""

TextList = Annotated[list[str], BeforeValidator(_text_list), Form("text_list")]

IntId = Annotated[int, BeforeValidator(_required_int)]
OptInt = Annotated[int | None, BeforeValidator(_optional_int)]
DbBool = Annotated[bool, BeforeValidator(_db_bool)]
NonNegNumber = Annotated[float, BeforeValidator(_number), Field(ge=0, allow_inf_nan=False),
                         Form("non_negative_number", required=True)]

DdMmYyyy = Annotated[date, BeforeValidator(_required(parse_ddmmyyyy)), Form("ddmmyyyy", required=True)]
OptDdMmYyyy = Annotated[date | None, BeforeValidator(_optional(parse_ddmmyyyy)), Form("ddmmyyyy")]
CompactLocal = Annotated[datetime, BeforeValidator(_required(parse_compact_local)),
                         Form("compact_local", required=True)]
OptCompactLocal = Annotated[datetime | None, BeforeValidator(_optional(parse_compact_local)), Form("compact_local")]
UtcZ = Annotated[datetime, BeforeValidator(_required(parse_utc_z)), Form("utc_z", required=True)]
OptUtcZ = Annotated[datetime | None, BeforeValidator(_optional(parse_utc_z)), Form("utc_z")]
IsoOffset = Annotated[datetime, BeforeValidator(_required(parse_iso_offset)), Form("iso_offset", required=True)]
OptIsoOffset = Annotated[datetime | None, BeforeValidator(_optional(parse_iso_offset)), Form("iso_offset")]
IsoDate = Annotated[date, BeforeValidator(_required(parse_iso_date)), Form("iso_date", required=True)]
UnitValidityDate = Annotated[date, BeforeValidator(_required(parse_unit_validity_date))]
OptUnitValidityDate = Annotated[date | None, BeforeValidator(_optional(parse_unit_validity_date))]
OptIsoDate = Annotated[date | None, BeforeValidator(_optional(parse_iso_date)), Form("iso_date")]
LocalNaive = Annotated[datetime, BeforeValidator(_required(parse_local_naive)), Form("local_naive", required=True)]
DbDate = Annotated[date, BeforeValidator(_required(coerce_db_date))]
OptDbDate = Annotated[date | None, BeforeValidator(_optional(coerce_db_date))]
DbLocalTimestamp = Annotated[datetime, BeforeValidator(_required(coerce_db_local_timestamp))]
