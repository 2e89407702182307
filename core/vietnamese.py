"""Numbers and dates the Vietnamese way, for everything an inspector reads (the web app, the brief, the
draw): 1.234.567; 17,30; 95,3 %; 02/12/2026; 12/2026. A missing value is "—".

The operators' English output keeps the English style (1,234,567; 17.3): see `core.english`.
"""

from __future__ import annotations

from datetime import date, datetime

MISSING = "—"


def number(value: float | int | None, decimals: int | None = 0) -> str:
    """Thousands with a dot, decimals after a comma: number(1234567) = "1.234.567", number(17.3, 2) = "17,30";
    `decimals=None` writes the decimals the value has (at most 6): number(10.5, None) = "10,5"."""
    if value is None:
        return MISSING
    if decimals is None:
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(value: float | None, decimals: int = 1) -> str:
    """A ratio in percent, a space before the sign: percent(0.045) = "4,5 %"."""
    return MISSING if value is None else f"{number(100 * value, decimals)} %"


def day(value: date | datetime | None) -> str:
    return MISSING if value is None else value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    return MISSING if value is None else value.strftime("%H:%M %d/%m/%Y")


def month(value: date | None) -> str:
    return MISSING if value is None else value.strftime("%m/%Y")
