"""The paging engine (connectors/paging.py): every endpoint walked against the simulator returns exactly
the system's records for the window; offset walks close the gaps a moving window opens; paging that
cannot be trusted (a repeated cursor or link, a link elsewhere, a lying total, a malformed page) fails."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from test_connector_http import FakeGateway, fast_client, json_answer
from test_sim_contract import as_multiset, truth, window

from conftest import serve
from connectors.paging import (
    compact_ict,
    endpoint_of,
    iso_ict,
    iter_pages,
    local_seconds,
    split_range,
    utc_z,
)
from core.errors import PagingError, SourceError
from core.timezone import ICT
from simulator.faults import FaultConfig
from sources import SYSTEMS

ENDPOINTS = {s.name: endpoint_of(s) for s in SYSTEMS if s.kind == "api"}

T0 = datetime(2025, 9, 1, 8, 0, 0, tzinfo=ICT)


def at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, ICT)


def walk(client, endpoint, lo: int | datetime, hi: int | datetime, stats: Counter | None = None,
         **kwargs) -> list[dict]:
    endpoint = ENDPOINTS[endpoint] if isinstance(endpoint, str) else endpoint
    lo, hi = (at(t) if isinstance(t, int) else t for t in (lo, hi))
    return [record for page in iter_pages(client, endpoint, lo, hi, stats=stats, **kwargs) for record in page]


@pytest.fixture
def city_client(city_server):
    with fast_client(city_server.url) as client:
        yield client


# --- the filters, in each system's own format -----------------------------------------------------------

def test_each_system_writes_the_window_in_its_own_format():
    moment = datetime(2025, 3, 14, 1, 30, 5, 999_999, tzinfo=ICT).replace(microsecond=0)
    assert iso_ict(moment) == "2025-03-14T01:30:05+07:00"
    assert compact_ict(moment) == "20250314013005"
    assert utc_z(moment) == "2025-03-13T18:30:05Z"
    assert local_seconds(moment.astimezone(UTC)) == "2025-03-14 01:30:05"


def test_split_range_cuts_whole_seconds_without_gap_or_overlap():
    parts = split_range(T0, T0 + timedelta(seconds=9), 4)
    assert [(a - T0).seconds for a, _ in parts] == [0, 2, 5, 7]
    assert all(b + timedelta(seconds=1) == a for (_, b), (a, _) in zip(parts, parts[1:], strict=False))
    assert parts[-1][1] == T0 + timedelta(seconds=9)
    assert split_range(T0, T0, 5) == [(T0, T0)], "one second cannot be split"


# --- a quiet window: exactly the truth ------------------------------------------------------------------

@pytest.mark.e2e
@pytest.mark.parametrize("system", ["qlvb", "motcua"])
def test_offset_walk_of_a_quiet_window_returns_exactly_the_truth(city, city_client, system):
    lo, hi = window(city, system, 0.3, 0.6)
    stats = Counter()
    records = walk(city_client, system, lo, hi, stats)
    expected = truth(city, system, lo, hi)
    assert len(expected) > 5000
    assert as_multiset(records) == as_multiset(expected)
    assert stats["records"] == len(expected) and stats["rereads"] == 0


def test_cursor_walk_returns_the_truth_from_lo_on_without_an_upper_bound(city, city_client):
    lo, hi = window(city, "baocao", 0.5, 0.6)
    stats = Counter()
    records = walk(city_client, "baocao", lo, hi, stats, page_size=400)
    expected = truth(city, "baocao", lo)  # no upper filter exists: later records come too
    assert stats["pages"] > 2 and len(expected) > len(truth(city, "baocao", lo, hi))
    assert as_multiset(records) == as_multiset(expected)


def test_link_walk_returns_the_truth(city, city_client):
    lo, hi = window(city, "nhiemvu", 0.1, 0.9)
    stats = Counter()
    records = walk(city_client, "nhiemvu", lo, hi, stats, page_size=20)
    assert stats["pages"] > 3
    assert as_multiset(records) == as_multiset(truth(city, "nhiemvu", lo))


def test_directory_is_one_call(city, city_client):
    stats = Counter()
    records = walk(city_client, "directory", T0, T0, stats)
    assert stats["pages"] == 1 and city_client.stats["requests"] == 2  # the token, then the directory
    assert as_multiset(records) == as_multiset(city.directory.json)


@pytest.mark.e2e
@pytest.mark.parametrize("system", ["qlvb", "motcua"])
def test_a_big_window_is_read_in_time_chunks_and_still_exactly(city, city_client, system):
    lo, hi = window(city, system, 0.05, 0.95)
    stats = Counter()
    records = walk(city_client, system, lo, hi, stats, page_size=500)  # a chunk is at most 5,000 records
    expected = truth(city, system, lo, hi)
    assert stats["chunks"] >= len(expected) // 5000 > 1
    assert as_multiset(records) == as_multiset(expected)


def test_both_ends_of_the_window_are_included(city, city_client):
    lo, _ = window(city, "motcua", 0.5, 0.5)
    assert as_multiset(walk(city_client, "motcua", lo, lo)) == as_multiset(truth(city, "motcua", lo, lo))


# --- a moving window and a failing one-stop shop ----------------------------------------------------------

@pytest.mark.e2e
@pytest.mark.parametrize("system", ["qlvb", "motcua"])
def test_offset_walks_under_updates_miss_no_record_still_in_the_window(small_world, system):
    upds = sorted(upd for _k, upd, _b, _d in small_world.store.iter_current(system))
    lo, hi = upds[len(upds) // 2], upds[-1]
    server = serve(small_world, FaultConfig(shift=0.3))
    stats = Counter()
    try:
        with fast_client(server.url) as client:
            records = walk(client, system, lo, hi, stats, page_size=150)
        shifts = server.gateway.faults.injected["shift"]
    finally:
        server.stop()
    final = as_multiset(truth(small_world, system, lo, hi))  # the window as it is at the end
    assert shifts >= 3 and stats["rereads"] > 0
    assert set(final) <= set(as_multiset(records)), "every record still in the window was delivered"


def test_motcua_error_code_is_retried_until_a_real_page_comes(small_world):
    lo, hi = window(small_world, "motcua", 0.2, 0.8)
    server = serve(small_world, FaultConfig(motcua_error=0.5))
    try:
        with fast_client(server.url, max_attempts=20) as client:
            records = walk(client, "motcua", lo, hi, page_size=300)
        injected = server.gateway.faults.injected["motcua_error"]
    finally:
        server.stop()
    assert client.stats["source_errors"] == injected > 3
    assert as_multiset(records) == as_multiset(truth(small_world, "motcua", lo, hi))


def test_link_walk_under_a_base_path(small_world):
    server = serve(small_world, base_path="/gw")
    stats = Counter()
    try:
        with fast_client(server.url) as client:
            records = walk(client, "nhiemvu", T0, T0, stats, page_size=5)
    finally:
        server.stop()
    assert stats["pages"] > 3
    assert as_multiset(records) == as_multiset(truth(small_world, "nhiemvu", int(T0.timestamp())))


# --- paging that cannot be trusted: scripted fake gateways --------------------------------------------

def offset_answer(records: list[dict], total: int | None = None):
    """An honest qlvb page of `records` (filters ignored), unless `total` says otherwise."""
    def answer(path, query, n):
        page, size = int(query["trang"]), int(query["so_ban_ghi"])
        rows = records[(page - 1) * size: page * size]
        return json_answer({"trang": page, "so_ban_ghi": size, "tong_so": len(records) if total is None else total,
                            "du_lieu": rows})
    return answer


def test_a_page_lying_about_its_total_is_an_error():
    with FakeGateway(offset_answer([{"id": i} for i in range(10)], total=5000)) as fake:
        with pytest.raises(PagingError, match="page 1 promised a total of 5000 but the window delivered 10 records"):
            walk(fast_client(fake.url), "qlvb", T0, T0 + timedelta(days=1))
    assert len(fake.seen) == 1


def test_a_link_walk_short_of_its_total_is_an_error():
    answer = json_answer([{"ma_nhiem_vu": "NV-1"}], headers={"X-Total-Count": "50"})
    with FakeGateway(lambda path, query, n: answer) as fake:
        with pytest.raises(PagingError, match=r"promised a total of 50 but the walk delivered 1 record\."):
            walk(fast_client(fake.url), "nhiemvu", T0, T0)


def test_a_crowded_second_is_walked_as_it_is():
    small = dataclasses.replace(ENDPOINTS["qlvb"], max_chunk_pages=2)
    stats = Counter()
    with FakeGateway(offset_answer([{"id": i} for i in range(30)])) as fake:
        records = walk(fast_client(fake.url), small, T0, T0, stats, page_size=5)
    assert [r["id"] for r in records] == list(range(30))
    assert stats["chunks"] == 1 and len(fake.seen) == 7  # six full pages and an empty one


def test_an_offset_walk_that_never_ends_is_a_paging_loop():
    full_page = offset_answer([{"id": i} for i in range(5)] * 100, total=12)
    with FakeGateway(full_page) as fake:
        with pytest.raises(PagingError, match="paging loop"):
            walk(fast_client(fake.url), "qlvb", T0, T0, page_size=5)
    assert len(fake.seen) == 12 // 5 + 2


@pytest.mark.parametrize("workers", [1, 4])
def test_a_window_that_keeps_changing_is_an_error_after_bounded_rereads(workers):
    def answer(path, query, n):  # every answer reports another total
        return json_answer({"tong_so": 1000 - n, "du_lieu": [{"id": i} for i in range(5)]})

    stats = Counter()
    with FakeGateway(answer) as fake:
        with pytest.raises(PagingError, match="the window kept changing while being read"):
            walk(fast_client(fake.url), "qlvb", T0, T0 + timedelta(seconds=3), stats, page_size=5, workers=workers)
    # the four one-second parts read at once each re-read a bounded number of times; the stats count the first
    assert stats["rereads"] == ENDPOINTS["qlvb"].max_rereads and len(fake.seen) < 30 * workers


def test_a_repeated_cursor_is_a_paging_loop():
    answer = json_answer({"data": [{"id": 1}], "next_cursor": "eyJpZCI6MX0"})
    with FakeGateway(lambda path, query, n: answer) as fake:
        with pytest.raises(PagingError, match="paging loop: cursor repeated"):
            walk(fast_client(fake.url), "baocao", T0, T0)
    assert len(fake.seen) == 2 and "cursor" not in fake.seen[0][2] and fake.seen[1][2]["cursor"] == "eyJpZCI6MX0"


def link_answer(link_for):
    """nhiemvu pages whose next link is `link_for(n)` (None: the last page)."""
    def answer(path, query, n):
        link = link_for(n)
        headers = {"X-Total-Count": "1"} | ({"Link": f'<{link}>; rel="next"'} if link else {})
        return json_answer([{"ma_nhiem_vu": f"NV-{n}"}], headers=headers)
    return answer


def test_a_repeated_link_is_a_paging_loop():
    holder = {}
    with FakeGateway(link_answer(lambda n: f"{holder['url']}/nhiemvu/v1/nhiem-vu?after=abc&per_page=5")) as fake:
        holder["url"] = fake.url
        with pytest.raises(PagingError, match="paging loop: a next link repeated"):
            walk(fast_client(fake.url), "nhiemvu", T0, T0, page_size=5)
    assert len(fake.seen) == 2


@pytest.mark.parametrize("elsewhere", [
    "http://elsewhere.example/gw/nhiemvu/v1/nhiem-vu?after=x",  # another host
    "https://{host}/gw/nhiemvu/v1/nhiem-vu?after=x",  # another scheme
    "http://{host}/other/nhiemvu/v1/nhiem-vu?after=x",  # outside the base path
])
def test_a_link_outside_the_gateway_is_never_followed(elsewhere):
    holder = {}
    with FakeGateway(link_answer(lambda n: elsewhere.format(host=holder["host"])), base_path="/gw") as fake:
        holder["host"] = fake.url.split("/")[2]
        with pytest.raises(PagingError, match="outside the gateway"):
            walk(fast_client(fake.url), "nhiemvu", T0, T0)
    assert len(fake.seen) == 1


def test_relative_links_are_followed_under_the_base_path():
    with FakeGateway(link_answer(lambda n: "nhiem-vu?after=2" if n == 0 else None), base_path="/gw") as fake:
        records = walk(fast_client(fake.url), "nhiemvu", T0, T0)
    assert [r["ma_nhiem_vu"] for r in records] == ["NV-0", "NV-1"]
    assert fake.seen[1][1] == "/nhiemvu/v1/nhiem-vu" and fake.seen[1][2] == {"after": "2"}


@pytest.mark.parametrize(("endpoint", "body", "headers", "problem"), [
    ("qlvb", {"tong_so": 3, "du_lieu": None}, {}, '"du_lieu" is missing, null or not a list'),
    ("qlvb", {"tong_so": "3", "du_lieu": []}, {}, '"tong_so" is not a non-negative integer'),
    ("qlvb", {"tong_so": -1, "du_lieu": []}, {}, '"tong_so" is not a non-negative integer'),
    ("motcua", {"error_code": "0", "total": 0, "result": None}, {}, '"result" is missing, null or not a list'),
    ("baocao", {"data": {"id": 1}, "next_cursor": None}, {}, '"data" is missing, null or not a list'),
    ("baocao", {"data": []}, {}, '"next_cursor" is missing or not a string'),
    ("nhiemvu", {"data": []}, {"X-Total-Count": "0"}, "the body is not a JSON array"),
    ("nhiemvu", [], {}, "X-Total-Count header is missing"),
    ("directory", [{"ma_dinh_danh": "x"}], {}, '"data" is missing, null or not a list'),
])
def test_a_malformed_page_is_an_error(endpoint, body, headers, problem):
    with FakeGateway(lambda path, query, n: json_answer(body, headers=headers)) as fake:
        with pytest.raises(PagingError) as caught:
            walk(fast_client(fake.url), endpoint, T0, T0)
    assert "malformed" in str(caught.value) and problem in str(caught.value)
    assert len(fake.seen) == 1, "a page that is valid JSON but outside the contract is not retried"


def test_a_body_that_is_never_json_fails_after_bounded_attempts():
    with FakeGateway(lambda path, query, n: (200, {"Content-Type": "application/json"}, b'{"tong_so": 3, "du_')) as fake:
        with pytest.raises(SourceError) as caught:
            walk(fast_client(fake.url, max_attempts=3), "qlvb", T0, T0)
    assert caught.value.attempts == 3 and len(fake.seen) == 3
    assert "not JSON" in str(caught.value) and not isinstance(caught.value, PagingError)


def test_the_filters_sent_are_the_window_in_the_systems_format():
    lo, hi = T0, T0 + timedelta(hours=1, microseconds=500)
    with FakeGateway(lambda path, query, n: json_answer({"error_code": "0", "total": 0, "result": []})) as fake:
        walk(fast_client(fake.url), "motcua", lo.astimezone(UTC), hi, page_size=7)
    assert fake.seen[0][2] == {"TuNgay": "20250901080000", "DenNgay": "20250901090000", "TrangSo": "1",
                               "SoLuong": "7"}
    assert fake.seen[0][1] == "/motcua/v1/ho-so"
