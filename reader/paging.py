"""Paged lists: which page a `trang` asks for, and the page shown (always one that exists).

A page past the last shows the last one, and a page below 1 or not a number shows page 1; either way the
page says which page was asked for and which is shown (`Paging.asked`), so a link kept from a longer list
never shows an empty table under "hiện 201–149". The links between pages are the web app's (`web.paging`).
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SIZE = 50
MAX_PAGE_TEXT = 12  # a longer `trang` is no page number anyone typed


@dataclass(frozen=True)
class Paging:
    number: int  # the page shown, 1 … pages
    pages: int
    total: int  # rows in the whole list
    size: int = PAGE_SIZE
    asked: str | None = None  # the `trang` asked for, when it is not the page shown (shortened)
    past_end: bool = False  # the page asked for is after the last one (the last one is shown)

    @classmethod
    def fit(cls, trang: str | None, total: int, size: int = PAGE_SIZE) -> Paging:
        """The page to show for `trang` in a list of `total` rows."""
        pages = max(1, -(-total // size))
        text = (trang or "").strip()
        if text.isdecimal():
            number = int(text) if len(text) <= MAX_PAGE_TEXT else pages + 1  # a longer number: past any list
        else:
            number = None  # not a page number: page 1
        shown = min(max(number or 1, 1), pages)
        asked = None if not text or number == shown else \
            text if len(text) <= MAX_PAGE_TEXT else text[:MAX_PAGE_TEXT] + "…"
        return cls(shown, pages, total, size, asked, number is not None and number > pages)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        """The 1-based position of the page's first row (0 in an empty list)."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)
