"""How many requests go to the gateway at once (connectors/http.py, `ConcurrencyLimit`): one adaptive limit
per gateway, shared by the clients of a process; halved by a 429, grown back by one after `limit` answers in
a row; a slot held on the wire only, never while waiting to retry; a stopped walk stops waiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import orjson
import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from test_connector_http import fast_client

from connectors.http import (
    DEFAULT_MAX_CONCURRENCY,
    ConcurrencyLimit,
    ConcurrencyLimits,
    HostBreakers,
    Stopped,
    stopped_by,
)
from core.errors import ConfigError
from core.settings import Settings

GATEWAY = "https://lgsp.hanoi.example/gw"
OK = (200, {}, b'{"data": []}')
THROTTLED = (429, {"Retry-After": "0"}, b'{"fault": {"code": 900802, "message": "Message throttled out"}}')


def answered(limit: ConcurrencyLimit, *outcomes: str) -> list[int]:
    """The limit after each answer, one request at a time: "429", "ok", "5xx" or "none" (no answer)."""
    seen = []
    for outcome in outcomes:
        epoch = limit.acquire()
        limit.release(epoch, {"429": True, "ok": False, "5xx": None, "none": None}[outcome])
        seen.append(limit.limit)
    return seen


# --- AIMD, worked by hand -------------------------------------------------------------------------------

def test_a_429_halves_the_limit_and_limit_answers_in_a_row_grow_it_by_one():
    limit = ConcurrencyLimit(8)
    assert limit.limit == 8, "it starts at the maximum"
    assert answered(limit, "429", "429") == [4, 2]
    assert answered(limit, "ok", "ok", "ok", "ok") == [2, 3, 3, 3], "two answers at 2 make 3"
    assert answered(limit, "ok") == [4], "three in a row at 3 make 4"
    assert answered(limit, "ok", "ok", "429") == [4, 4, 2], "a 429 halves and the streak starts over"
    assert answered(limit, "ok", "429", "429", "429") == [2, 1, 1, 1], "never below 1"
    assert answered(limit, "ok") == [2], "one answer at 1 makes 2"


def test_the_limit_never_grows_above_its_maximum():
    limit = ConcurrencyLimit(3)
    assert answered(limit, "429") == [1]
    assert answered(limit, *["ok"] * 6) == [2, 2, 3, 3, 3, 3]


def test_a_5xx_or_no_answer_says_nothing_about_the_quota():
    limit = ConcurrencyLimit(8)
    assert answered(limit, "429", "ok", "ok", "ok", "5xx", "none", "ok") == [4, 4, 4, 4, 4, 4, 5], \
        "neither counted nor breaking the streak"


def test_a_burst_that_meets_the_quota_halves_the_limit_once():
    limit = ConcurrencyLimit(8)
    epochs = [limit.acquire() for _ in range(8)]
    for epoch in epochs:
        limit.release(epoch, True)
    assert limit.limit == 4 and limit.in_flight == 0
    assert answered(limit, "429") == [2], "a request sent after the halving halves it again"
    epochs = [limit.acquire(), limit.acquire()]
    limit.release(epochs[0], True)
    limit.release(epochs[1], False)
    assert limit.limit == 1 and answered(limit, "ok") == [2], "answers from before a halving do not count"


def test_the_maximum_of_the_latest_client_holds():
    limits = ConcurrencyLimits()
    origin = ("https", "lgsp.hanoi.example", 443)
    shared = limits.of(origin, 8)
    assert limits.of(origin, 8) is shared and limits.of(("https", "other.example", 443), 8) is not shared
    assert limits.of(origin, 2) is shared and (shared.maximum, shared.limit) == (2, 2)
    limits.of(origin, 6)
    assert (shared.maximum, shared.limit) == (6, 2), "a higher maximum is reached by growing"


# --- the client ---------------------------------------------------------------------------------------------

class CountingGateway(BaseAdapter):
    """A transport counting the requests on the wire at once: `answer(n)` answers the nth non-token request
    after `delay` seconds; `/token` always grants one."""

    def __init__(self, answer: Callable[[int], tuple[int, dict, bytes]] = lambda n: OK, delay: float = 0.02):
        super().__init__()
        self.answer, self.delay = answer, delay
        self.in_flight = self.peak = 0
        self.sent: list[tuple[float, str]] = []  # (monotonic time, path)
        self._lock = threading.Lock()

    def send(self, request, **kwargs):
        path = request.path_url.split("?")[0]
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            n = sum(1 for _t, p in self.sent if not p.endswith("/token"))
            self.sent.append((time.monotonic(), path))
        try:
            time.sleep(self.delay)
            if path.endswith("/token"):
                return _response(request, 200, {}, orjson.dumps({"access_token": "t0k3n-abc", "expires_in": 3600}))
            return _response(request, *self.answer(n))
        finally:
            with self._lock:
                self.in_flight -= 1

    def close(self):
        pass


def _response(request, status: int, headers: dict, body: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content, response.request, response.url = status, body, request, request.url
    response.headers = CaseInsensitiveDict({"Content-Type": "application/json", **headers})
    return response


def client_over(gateway: CountingGateway, **kwargs):
    session = requests.Session()
    session.mount("https://", gateway)
    return fast_client(GATEWAY, session=session, breakers=HostBreakers(), limits=ConcurrencyLimits(), **kwargs)


def from_threads(call: Callable[[], object], n: int) -> None:
    threads = [threading.Thread(target=call) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_no_more_than_the_limit_of_requests_are_ever_on_the_wire():
    gateway = CountingGateway()
    client = client_over(gateway, max_concurrency=3)
    from_threads(lambda: client.get("qlvb", "/qlvb/v1/don-vi"), 12)
    assert gateway.peak == 3 and len(gateway.sent) == 13  # the token, then 12 calls


def test_429s_shrink_the_limit_and_answers_grow_it_back_counted_in_the_stats():
    gateway = CountingGateway(lambda n: THROTTLED if n < 2 else OK, delay=0.001)
    client = client_over(gateway, max_concurrency=8)
    for _ in range(12):
        client.get("qlvb", "/qlvb/v1/don-vi")
    # 8 -> 4 -> 2; then of 12 answers, 2 make 3, 3 more make 4, 4 more make 5
    assert client.stats["concurrency_shrinks"] == 2 and client.stats["concurrency_growths"] == 3
    assert client.concurrency.limit == 5 and client.stats["throttled"] == 2


def test_a_slot_is_not_held_while_waiting_to_retry():
    gateway = CountingGateway(lambda n: (429, {"Retry-After": "0.3"}, THROTTLED[2]) if n == 0 else OK)
    client = client_over(gateway, max_concurrency=1)
    client.fetch_token()
    first = threading.Thread(target=client.get, args=("qlvb", "/qlvb/v1/don-vi"))
    first.start()
    while len(gateway.sent) < 2:  # the token, then the first call (answered 429)
        time.sleep(0.005)
    client.get("qlvb", "/qlvb/v1/van-ban")  # sent while the first waits out its Retry-After
    first.join()
    order = [path.rsplit("/", 1)[-1] for _t, path in gateway.sent]
    assert order == ["token", "don-vi", "van-ban", "don-vi"]


def test_the_session_keeps_a_connection_per_request_in_flight():
    client = fast_client(GATEWAY, max_concurrency=32, limits=ConcurrencyLimits())
    for scheme in ("http://", "https://"):
        assert client.session.get_adapter(scheme + "lgsp.example")._pool_maxsize == 32
    assert fast_client(GATEWAY, limits=ConcurrencyLimits()).max_concurrency == DEFAULT_MAX_CONCURRENCY


def test_a_stopped_walk_sends_nothing_and_stops_waiting_to_retry():
    gateway = CountingGateway(lambda n: (429, {"Retry-After": "30"}, THROTTLED[2]))
    client = client_over(gateway)
    stop = threading.Event()
    stop.set()
    with stopped_by(stop), pytest.raises(Stopped):
        client.get("qlvb", "/qlvb/v1/don-vi")
    assert gateway.sent == []

    stop = threading.Event()
    threading.Timer(0.1, stop.set).start()
    began = time.monotonic()
    with stopped_by(stop), pytest.raises(Stopped):
        client.get("qlvb", "/qlvb/v1/don-vi")  # 429, Retry-After 30
    assert time.monotonic() - began < 1.0 and len(gateway.sent) == 2


def test_a_stopped_walk_stops_waiting_for_a_slot():
    limit = ConcurrencyLimit(1)
    limit.acquire()
    stop = threading.Event()
    threading.Timer(0.05, stop.set).start()
    with pytest.raises(Stopped):
        limit.acquire(stop)
    assert limit.in_flight == 1


# --- the setting --------------------------------------------------------------------------------------------

def settings(tmp_path, **env) -> Settings:
    return Settings.from_env(env=env, dotenv_path=tmp_path / "none.env")


def test_the_setting_is_a_whole_number_from_1_to_64(tmp_path):
    assert settings(tmp_path).lgsp_max_concurrency == DEFAULT_MAX_CONCURRENCY == 8
    assert settings(tmp_path, CCHC_LGSP_MAX_CONCURRENCY="16").lgsp_max_concurrency == 16
    for bad, problem in (("0", "must be between 1 and 64"), ("65", "must be between 1 and 64"),
                         ("lots-SECRETISH", "is not a whole number")):
        with pytest.raises(ConfigError) as caught:
            settings(tmp_path, CCHC_LGSP_MAX_CONCURRENCY=bad)
        message = str(caught.value)
        assert message.startswith(f"configuration CCHC_LGSP_MAX_CONCURRENCY: {problem}") and bad not in message
        assert "quota" in message
