"""Numbers and dates the Vietnamese way, for the templates: 1.234.567; 95,3 %; 02/12/2026; 12/2026."""

from __future__ import annotations

from datetime import date, datetime

from brief.warehouse import KIND_VI
from models.directory import UNIT_TYPE_VI


def number(value: float | int | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(value: float | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{number(100 * value, decimals)} %"


def day(value: date | datetime | None) -> str:
    return "—" if value is None else value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%H:%M %d/%m/%Y")


def month(value: date | None) -> str:
    return "—" if value is None else value.strftime("%m/%Y")


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
