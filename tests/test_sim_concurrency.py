"""The simulated gateway's latency and concurrency quota (simulator/server.py, off by default): every answer
comes late but concurrent requests overlap; a client holding more than its quota of requests gets 429 with
Retry-After; `/_sim/stats` reports the peak concurrency and those 429s."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from conftest import serve
from simulator.server import Credentials

LATENCY_MS = 150


def bearer(url: str) -> dict[str, str]:
    c = Credentials()
    token = requests.post(f"{url}/token", data={"grant_type": "client_credentials"},
                          auth=(c.client_id, c.client_secret), timeout=10).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def at_once(url: str, headers: dict[str, str], n: int) -> list[requests.Response]:
    """n requests sent together, each on its own connection."""
    answers: list[requests.Response] = [None] * n
    start = threading.Barrier(n)

    def call(i: int) -> None:
        with requests.Session() as session:
            start.wait()
            answers[i] = session.get(f"{url}/qlvb/v1/van-ban", params={"so_ban_ghi": 1}, headers=headers, timeout=10)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def stats(url: str) -> dict:
    return requests.get(f"{url}/_sim/stats", timeout=10).json()


def test_every_answer_comes_late_but_concurrent_requests_overlap(city):
    server = serve(city, latency_ms=LATENCY_MS)
    try:
        began = time.monotonic()
        headers = bearer(server.url)  # the token endpoint is late too
        took_token = time.monotonic() - began
        began = time.monotonic()
        answers = at_once(server.url, headers, 4)
        took_four = time.monotonic() - began
        began = time.monotonic()
        requests.get(f"{server.url}/health", timeout=10)
        took_health = time.monotonic() - began
    finally:
        server.stop()
    assert took_token >= LATENCY_MS / 1000 * 0.8
    assert all(a.status_code == 200 for a in answers)
    assert LATENCY_MS / 1000 * 0.8 <= took_four < 2 * LATENCY_MS / 1000, "the delays overlapped"
    assert took_health < LATENCY_MS / 1000 * 0.8, "the simulator's own controls are not delayed"


@pytest.mark.parametrize(("quota", "concurrent"), [(2, 3), (3, 3)])
def test_a_client_over_its_concurrency_quota_is_throttled(city, quota, concurrent):
    server = serve(city, latency_ms=LATENCY_MS, max_concurrent=quota)
    try:
        headers = bearer(server.url)
        answers = at_once(server.url, headers, concurrent)
        after = stats(server.url)
    finally:
        server.stop()
    throttled = [a for a in answers if a.status_code == 429]
    if concurrent <= quota:
        assert not throttled and after["quota_throttled"] == 0
    else:
        assert throttled and after["quota_throttled"] == len(throttled)
        assert all(a.headers["Retry-After"] == "1" for a in throttled)
        assert throttled[0].json() == {"fault": {"code": 900802, "message": "Message throttled out"}}
    assert after["peak_concurrent"] == min(quota, concurrent) and after["in_flight"] == 0
    assert (after["latency_ms"], after["max_concurrent"]) == (LATENCY_MS, quota)


def test_no_latency_and_no_quota_by_default(city):
    server = serve(city)
    try:
        answers = at_once(server.url, bearer(server.url), 6)
        after = stats(server.url)
    finally:
        server.stop()
    assert all(a.status_code == 200 for a in answers)
    assert (after["latency_ms"], after["max_concurrent"], after["quota_throttled"]) == (0, None, 0)
