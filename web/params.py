"""The query parameters the pages share, read leniently: anything unreadable is no filter."""

from __future__ import annotations

import re
from datetime import date

MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str | None) -> date | None:
    """`thang` as yyyy-mm → the month's first day; anything else is no filter."""
    found = MONTH.fullmatch((text or "").strip())
    if not found or not 1 <= int(found[2]) <= 12:
        return None
    return date(int(found[1]), int(found[2]), 1)
