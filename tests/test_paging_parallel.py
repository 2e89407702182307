"""The offset walk's time parts read concurrently (connectors/paging.py, connectors/readahead.py): the same
pages in the same order as the sequential walk, faster against a gateway that answers late, without a gap
while the window moves; the look-ahead is bounded; an error in a part surfaces where its pages would have
come; a reader that stops early leaves no thread behind, even one waiting out a long Retry-After."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
from test_connector_http import FakeGateway, fast_client, json_answer
from test_connector_paging import ENDPOINTS, T0, at
from test_sim_contract import as_multiset, truth, window

from conftest import serve
from connectors.paging import iter_pages, split_range
from core.errors import PagingError
from simulator.faults import FaultConfig

PER_SECOND = 3  # records the scripted city saves every second
SPAN = timedelta(seconds=15)  # the scripted window: 16 seconds, 48 records
TINY_CHUNKS = dataclasses.replace(ENDPOINTS["qlvb"], max_chunk_pages=1)


def live_workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("cchc-pages")]


def pages_of(client, endpoint, lo, hi, stats: Counter | None = None, **kwargs) -> list[list[dict]]:
    return [list(page) for page in iter_pages(client, endpoint, lo, hi, stats=stats, **kwargs)]


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never came"
        time.sleep(0.005)


def _holds(query: dict, moment: datetime) -> bool:
    lo, hi = (datetime.fromisoformat(query[k]) for k in ("cap_nhat_tu", "cap_nhat_den"))
    return lo <= moment <= hi and hi - lo < SPAN


def second_of(record: dict) -> int:
    return int(record["id"].split("-")[0])


def scripted_city(trouble_at: datetime | None = None, trouble=None):
    """An honest qlvb whose city saves PER_SECOND records a second (the filters are honoured); a request
    for a part of the window holding `trouble_at` gets `trouble` instead."""
    whole = int(SPAN.total_seconds())

    def answer(path, query, n):
        lo = int(datetime.fromisoformat(query["cap_nhat_tu"]).timestamp())
        hi = int(datetime.fromisoformat(query["cap_nhat_den"]).timestamp())
        page, size = int(query["trang"]), int(query["so_ban_ghi"])
        if trouble_at is not None and hi - lo < whole and lo <= trouble_at.timestamp() <= hi:
            return trouble
        rows = [{"id": f"{t}-{i}"} for t in range(lo, hi + 1) for i in range(PER_SECOND)]
        return json_answer({"tong_so": len(rows), "du_lieu": rows[(page - 1) * size: page * size]})

    return answer


# --- against the simulator, answering late --------------------------------------------------------------

def test_parallel_parts_give_the_sequential_records_in_order_and_sooner(city):
    server = serve(city, latency_ms=20)
    lo, hi = (at(t) for t in window(city, "qlvb", 0.5, 0.52))  # about 800 records
    endpoint = dataclasses.replace(ENDPOINTS["qlvb"], max_chunk_pages=2)  # many small parts
    walks = {}
    try:
        with fast_client(server.url) as client:
            for workers in (1, 8):
                stats = Counter()
                began = time.monotonic()
                pages = pages_of(client, endpoint, lo, hi, stats, page_size=50, workers=workers)
                walks[workers] = (pages, stats, time.monotonic() - began)
        peak = server.gateway.concurrency_stats()["peak_concurrent"]
    finally:
        server.stop()
    (one, one_stats, one_took), (eight, eight_stats, eight_took) = walks[1], walks[8]
    # parts of half a chunk when read in parallel: other page boundaries, the same records in the same order
    assert [r for page in eight for r in page] == [r for page in one for r in page]
    assert eight_stats["records"] == one_stats["records"] and one_stats["chunks"] > 8
    assert as_multiset(r for page in one for r in page) == as_multiset(truth(city, "qlvb", lo.timestamp(), hi.timestamp()))
    assert eight_took < 0.6 * one_took, f"8 workers {eight_took:.2f} s, 1 worker {one_took:.2f} s"
    assert 4 <= peak <= 8
    assert not live_workers()


def test_a_moving_window_read_in_parallel_parts_ends_without_a_gap(small_world):
    upds = sorted(upd for _k, upd, _b, _d in small_world.store.iter_current("motcua"))
    lo, hi = upds[len(upds) // 2], upds[-1]
    server = serve(small_world, FaultConfig(shift=0.3), latency_ms=10)  # late enough for the parts to overlap
    stats = Counter()
    try:
        with fast_client(server.url) as client:
            pages = pages_of(client, ENDPOINTS["motcua"], at(lo), at(hi), stats, page_size=100, workers=8)
        shifts = server.gateway.faults.injected["shift"]
        peak = server.gateway.concurrency_stats()["peak_concurrent"]
    finally:
        server.stop()
    delivered = as_multiset(r for page in pages for r in page)
    final = as_multiset(truth(small_world, "motcua", lo, hi))  # the window as it is at the end
    assert shifts >= 3 and stats["rereads"] > 0 and peak > 1
    assert set(final) <= set(delivered), "every record still in the window was delivered"


# --- scripted: bounds, errors, stopping -------------------------------------------------------------------

def test_the_look_ahead_is_bounded_while_the_reader_dawdles():
    with FakeGateway(scripted_city()) as fake:
        client = fast_client(fake.url)
        sequential = pages_of(client, TINY_CHUNKS, T0, T0 + SPAN, page_size=PER_SECOND, workers=1)
        asked = len(fake.seen)
        pages = iter_pages(client, TINY_CHUNKS, T0, T0 + SPAN, page_size=PER_SECOND, workers=4)
        first = list(next(pages))
        time.sleep(0.2)
        ahead = len(fake.seen) - asked
        rest = [list(page) for page in pages]
    # 16 one-second parts of a full page and an empty one; 4 parts unread at most, each holding its 2 pages
    # (a buffer of a part's pages and one more, and the page its thread waits to hand over: at most 3)
    assert asked == 1 + 16 * 2
    assert ahead <= 1 + 4 * 2, f"{ahead} requests made ahead of a reader still at page 1"
    assert [first, *rest] == sequential
    assert not live_workers()


@pytest.mark.parametrize("workers", [1, 6])
def test_an_error_in_a_part_surfaces_where_its_pages_would_have_come(workers):
    broken_at = T0 + timedelta(seconds=9)
    malformed = json_answer({"tong_so": 3, "du_lieu": None})
    seen: list[dict] = []
    with FakeGateway(scripted_city(broken_at, malformed)) as fake:
        pages = iter_pages(fast_client(fake.url), TINY_CHUNKS, T0, T0 + SPAN, page_size=5, workers=workers)
        with pytest.raises(PagingError, match="page 1 is malformed"):
            for page in pages:
                seen.extend(page)
    chunk = 5  # a chunk of one page; a parallel part is a quarter of a chunk, rounded up: one page too
    parts = split_range(T0, T0 + SPAN, -(-16 * PER_SECOND // chunk) + 1)
    broken_part = next(a for a, b in parts if a <= broken_at <= b)
    assert [r["id"] for r in seen] == [f"{t}-{i}" for t in range(int(T0.timestamp()), int(broken_part.timestamp()))
                                        for i in range(PER_SECOND)], "every page before the broken part, in order"
    assert not live_workers()


def test_a_reader_that_stops_early_leaves_no_thread_even_one_waiting_to_retry():
    throttled = json_answer({"fault": {"code": 900802}}, 429, {"Retry-After": "30"})
    with FakeGateway(scripted_city(T0 + timedelta(seconds=6), throttled)) as fake:
        pages = iter_pages(fast_client(fake.url), TINY_CHUNKS, T0, T0 + SPAN, page_size=PER_SECOND, workers=8)
        first = next(pages)
        # the part holding second 6 asks, gets its 429 and waits 30 s to retry
        wait_for(lambda: any(_holds(query, T0 + timedelta(seconds=6)) for _t, _p, query in fake.seen[1:]))
        began = time.monotonic()
        pages.close()
        took = time.monotonic() - began
    assert second_of(first[0]) == int(T0.timestamp())
    assert took < 1.0 and not live_workers()
