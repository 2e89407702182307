"""Contract tests generated from the declarations: every declared gateway system gets them, a new one
for free (as singer-sdk's standard tests do for every stream).

A generic fake gateway serves seven records in the system's declared paging style, filtering on its
declared parameters with its declared time format — parsed here by the test's own reading of
spec/sources.md, not by the connector. The engine must then deliver each record of the window exactly
once (both ends of the window inclusive), end, and catch a source whose paging repeats.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest
from test_connector_http import FakeGateway, fast_client, json_answer

from connectors.paging import endpoint_of, iter_pages
from core.errors import PagingError
from sources import SYSTEMS, CursorPages, LinkPages, OffsetPages, System, Whole

ICT = timezone(timedelta(hours=7))  # written here, from the spec, not imported from the code under test
GATEWAY_SYSTEMS = [s for s in SYSTEMS if s.kind == "api"]
T0 = datetime(2025, 3, 14, 8, 30, tzinfo=ICT)
UPDATED = [T0 + timedelta(minutes=i) for i in range(7)]  # record Ri was last updated at UPDATED[i]
PARSE = {  # the four filter formats of spec/sources.md
    "iso_offset_ict": datetime.fromisoformat,
    "compact_ict": lambda s: datetime.strptime(s, "%Y%m%d%H%M%S").replace(tzinfo=ICT),
    "utc_z": lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
    "local_seconds": lambda s: datetime.strptime(s, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ICT),
}


def contract_gateway(system: System, *, repeat: bool = False):
    """Answers of a source that honours the declared contract (or, with `repeat`, pages forever)."""
    access, paging = system.access, system.access.paging
    key = system.tables[0].key
    records = [{key: f"R{i}"} for i in range(len(UPDATED))]

    def envelope(page: list, **extra) -> dict | list:
        body = page if access.records_key is None else {access.records_key: page, **extra}
        if access.status:
            body[access.status[0]] = access.status[1]
        return body

    def answer(path: str, query: dict, n: int):
        assert path == access.path
        if isinstance(paging, Whole):
            return json_answer(envelope(records))
        parse = PARSE[access.time_style]
        lo = parse(query[paging.since_param])
        hi = parse(query[paging.until_param]) if isinstance(paging, OffsetPages) else datetime.max.replace(tzinfo=UTC)
        chosen = [r for r, u in zip(records, UPDATED, strict=True) if lo <= u <= hi]
        size = int(query[paging.size_param])
        if isinstance(paging, OffsetPages):
            start = 0 if repeat else (int(query[paging.page_param]) - 1) * size
            page = (chosen * size)[:size] if repeat else chosen[start:start + size]
            return json_answer(envelope(page, **{paging.total_key: len(chosen)}))
        position = query.get(paging.cursor_param, "c0")[1:] if isinstance(paging, CursorPages) else query.get("_at", 0)
        start = 0 if repeat else int(position)
        page, after = chosen[start:start + size], start + size
        more = repeat or after < len(chosen)
        if isinstance(paging, CursorPages):
            cursor = str(query.get(paging.cursor_param, "")) if repeat else f"c{after}"
            return json_answer(envelope(page, **{paging.next_cursor_key: (cursor or "c1") if more else None}))
        assert isinstance(paging, LinkPages)
        nxt = {**query, "_at": 0 if repeat else after}
        headers = {paging.total_header: str(len(chosen))}
        if more:
            headers["Link"] = f'<{access.path}?{urlencode(nxt)}>; rel="next"'
        return json_answer(envelope(page), headers=headers)

    return answer


@pytest.mark.parametrize("system", GATEWAY_SYSTEMS, ids=lambda s: s.name)
def test_each_record_of_the_window_arrives_once_with_both_ends_inclusive(system):
    lo, hi = UPDATED[2], UPDATED[5]  # the window starts and ends exactly on a record's update time
    with FakeGateway(contract_gateway(system)) as fake:
        pages = list(iter_pages(fast_client(fake.url), endpoint_of(system), lo, hi, page_size=2))
    ids = [r[system.tables[0].key] for page in pages for r in page]
    paging = system.access.paging
    if isinstance(paging, Whole):
        expected = [f"R{i}" for i in range(7)]  # no filter: everything
    elif isinstance(paging, OffsetPages):
        expected = ["R2", "R3", "R4", "R5"]  # both ends inclusive
    else:
        expected = ["R2", "R3", "R4", "R5", "R6"]  # no upper filter: later records come too
    assert ids == expected
    assert all(len(page) <= 2 for page in pages) or isinstance(paging, Whole)


@pytest.mark.parametrize("system", [s for s in GATEWAY_SYSTEMS if not isinstance(s.access.paging, Whole)],
                         ids=lambda s: s.name)
def test_paging_that_repeats_is_caught(system):
    with FakeGateway(contract_gateway(system, repeat=True)) as fake:
        with pytest.raises(PagingError, match="paging loop"):
            list(iter_pages(fast_client(fake.url), endpoint_of(system), UPDATED[0], UPDATED[-1], page_size=2))
        assert len(fake.seen) <= 6, "caught within a few pages"


@pytest.mark.parametrize("system", [s for s in GATEWAY_SYSTEMS if s.access.max_page_size],
                         ids=lambda s: s.name)
def test_page_size_above_the_declared_maximum_is_refused_before_asking(system):
    with pytest.raises(ValueError, match="page_size must be between"):
        next(iter_pages(None, endpoint_of(system), T0, T0, page_size=system.access.max_page_size + 1))
