"""Links of paged, filtered lists: the current filters kept, page 1 and empty filters left out of the URL."""

from __future__ import annotations

from urllib.parse import urlencode

from web.queries import PAGE_SIZE


def pages_of(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def link(base: str, params: dict, **changes) -> str:
    merged = {k: v for k, v in {**params, **changes}.items()
              if v not in (None, "") and not (k == "trang" and v == 1)}
    return base + ("?" + urlencode(merged) if merged else "")
