"""The links of a paged list (the page itself, `Paging`, is the reader's: `reader.paging`)."""

from __future__ import annotations

from urllib.parse import urlencode


def link(base: str, params: dict, **changes) -> str:
    """`base` with the current filters and the changes: page 1 and empty filters left out of the URL."""
    merged = {k: v for k, v in {**params, **changes}.items()
              if v not in (None, "") and not (k == "trang" and v == 1)}
    return base + ("?" + urlencode(merged) if merged else "")
