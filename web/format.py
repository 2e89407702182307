"""Numbers and dates the Vietnamese way, for the templates: 1.234.567; 95,3 %; 02/12/2026; 12/2026.

The numbers and dates come from `core.vietnamese`, which the brief and the CLI use too (re-exported here for
the pages and charts that import them from this module); the names of unit types and signal kinds are the web's.
"""

from __future__ import annotations

from core.vietnamese import day, moment, month, number, percent
from models.directory import UNIT_TYPE_VI
from reader.model import KIND_VI

__all__ = ["FILTERS", "day", "kind", "moment", "month", "number", "percent", "signal_value", "unit_type"]


def unit_type(code: str | None) -> str:
    return UNIT_TYPE_VI.get(code or "", code or "—")


def kind(code: str | None) -> str:
    return KIND_VI.get(code or "", code or "—")


def signal_value(kind_code: str, value: float | None) -> str:
    """A signal's value as its kind reads: a ratio in percent, a count or days as a number."""
    if kind_code == "ratio":
        return percent(value)
    return number(value, 0 if value is None or float(value).is_integer() else 1)


FILTERS = {"number": number, "percent": percent, "day": day, "moment": moment, "month": month,
           "unit_type": unit_type, "kind": kind, "signal_value": signal_value}
