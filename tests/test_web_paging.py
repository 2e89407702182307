"""Which page a `trang` shows: always one that exists, and the page says when it is not the one asked for."""

from __future__ import annotations

import pytest

from reader.paging import Paging
from web.paging import link


@pytest.mark.parametrize("trang, total, shown, first, last, asked, past_end", [
    (None, 149, 1, 1, 50, None, False),
    ("", 149, 1, 1, 50, None, False),
    ("3", 149, 3, 101, 149, None, False),
    ("03", 149, 3, 101, 149, None, False),  # the same number
    (" 2 ", 149, 2, 51, 100, None, False),
    ("5", 149, 3, 101, 149, "5", True),  # the "/uu-tien?trang=5" of 149 units: the last page
    ("50", 138, 3, 101, 138, "50", True),  # a unit page's "?trang=50" of 138 findings
    ("99999999999999999999999", 149, 3, 101, 149, "999999999999…", True),  # too long for any list: past its end
    ("0", 149, 1, 1, 50, "0", False),
    ("-2", 149, 1, 1, 50, "-2", False),
    ("abc", 149, 1, 1, 50, "abc", False),
    ("2.5", 149, 1, 1, 50, "2.5", False),
    ("1", 0, 1, 0, 0, None, False),  # an empty list has one (empty) page
    ("2", 0, 1, 0, 0, "2", True),
    ("4", 150, 3, 101, 150, "4", True),  # 150 = 3 full pages
])
def test_the_page_shown_exists(trang, total, shown, first, last, asked, past_end):
    paging = Paging.fit(trang, total)
    assert (paging.number, paging.first, paging.last, paging.asked, paging.past_end) == \
        (shown, first, last, asked, past_end)
    assert paging.offset == (shown - 1) * 50 and 1 <= paging.number <= paging.pages


def test_page_size_and_links():
    paging = Paging.fit("9", 450, size=200)
    assert (paging.number, paging.pages, paging.first, paging.last, paging.offset) == (3, 3, 401, 450, 400)
    assert link("/uu-tien", {"q": "ba dinh", "loai": ""}, trang=1) == "/uu-tien?q=ba+dinh"
    assert link("/uu-tien", {"q": "", "loai": "SO"}, trang=2) == "/uu-tien?loai=SO&trang=2"
