"""GatewayClient (connectors/http.py) against the simulated gateway and a scripted fake gateway:
token reuse, what is retried and what is not, Retry-After, one readable error, and secrecy."""

from __future__ import annotations

import base64
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
import requests

from conftest import make_small_world, serve
from connectors.http import GatewayClient, HostBreakers, Transient
from connectors.paging import status_check
from core.errors import AuthError, SourceError
from core.settings import Secret
from simulator.faults import FaultConfig
from simulator.server import Credentials

Answer = tuple[int, dict[str, str], bytes]
SIM_ID, SIM_SECRET = Credentials().client_id, Credentials().client_secret


# --- helpers shared with test_connector_paging.py ----------------------------------------------------

def json_answer(payload, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    return status, {"Content-Type": "application/json", **(headers or {})}, orjson.dumps(payload)


class FakeGateway:
    """A scripted gateway on 127.0.0.1, port 0. `/token` grants a token (or asks `token_answer(n)`, n the
    token requests before); every other request is answered by `answer(path, query, n)`: the path below
    the base path, the query (last value per name), and how many such requests came before. `seen` keeps
    (monotonic time, path, query) of each."""

    def __init__(self, answer: Callable[[str, dict, int], Answer], base_path: str = "",
                 token_answer: Callable[[int], Answer | None] | None = None):
        self.answer = answer
        self.token_answer = token_answer or (lambda n: None)
        self.base_path = base_path
        self.seen: list[tuple[float, str, dict]] = []
        self.token_requests = 0
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms stall between

            def do_GET(self):  # noqa: N802
                self._reply(fake._dispatch(self.path))

            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with fake._lock:
                    n = fake.token_requests
                    fake.token_requests += 1
                self._reply(fake.token_answer(n) or json_answer(
                    {"access_token": f"fake-token-{n}-abcdefghijkl", "token_type": "Bearer", "expires_in": 3600}))

            def _reply(self, answer: Answer):
                status, headers, body = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # a short poll interval: shutdown() waits for it
        threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True).start()

    def _dispatch(self, target: str) -> Answer:
        parts = urlsplit(target)
        path = parts.path.removeprefix(self.base_path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        with self._lock:
            n = len(self.seen)
            self.seen.append((time.monotonic(), path, query))
        return self.answer(path, query, n)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{self.base_path}"

    def __enter__(self) -> FakeGateway:
        return self

    def __exit__(self, *exc_info) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def small_world(tmp_path_factory):
    """One world for the module: these tests serve it with faults of the gateway only (no shift, which moves
    records), so none of them changes it."""
    world = make_small_world(tmp_path_factory.mktemp("http-world"))
    yield world
    world.close()


def fast_client(url: str, secret: str = SIM_SECRET, client_id: str = SIM_ID, **kwargs) -> GatewayClient:
    """A client with tiny backoffs, so retries cost milliseconds in tests."""
    options = {"backoff_initial": 0.001, "backoff_max": 0.01, "timeout": (2.0, 10.0), **kwargs}
    return GatewayClient(url, client_id, Secret(secret), **options)


def record_requests(client: GatewayClient) -> list[requests.PreparedRequest]:
    """Every request the client's session sends, as sent (for counting and for leak checks)."""
    sent: list[requests.PreparedRequest] = []
    client.session.hooks["response"].append(lambda response, *args, **kwargs: sent.append(response.request))
    return sent


def paths(sent: list[requests.PreparedRequest]) -> list[str]:
    return [urlsplit(r.url).path for r in sent]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- tokens ---------------------------------------------------------------------------------------------

def test_token_is_fetched_once_and_reused_across_calls(small_world):
    server = serve(small_world)
    try:
        with fast_client(server.url) as client:
            sent = record_requests(client)
            for _ in range(3):
                assert client.get("qlvb", "/qlvb/v1/don-vi").status == 200
            body = client.get("qlvb", "/qlvb/v1/van-ban", {"so_ban_ghi": 5}).json()
    finally:
        server.stop()
    assert len(body["du_lieu"]) == 5
    assert paths(sent).count("/token") == 1 and len(sent) == 5
    assert client.stats["tokens"] == 1 and client.stats["requests"] == 5


@pytest.mark.e2e  # waits for real (seconds of backoff or expiry); CI runs it
def test_token_is_renewed_shortly_before_it_expires(small_world):
    server = serve(small_world, token_ttl=1)
    try:
        with fast_client(server.url) as client:
            client.get("qlvb", "/qlvb/v1/don-vi")
            time.sleep(0.95)  # inside the last 10 % of the token's life: renewed before it is refused
            client.get("qlvb", "/qlvb/v1/don-vi")
    finally:
        server.stop()
    assert client.stats["tokens"] == 2 and client.stats["token_refreshes"] == 0 and client.stats["retries"] == 0


def test_wrong_credentials_raise_auth_error_at_once_without_the_secret(small_world):
    server = serve(small_world)
    server.gateway.credentials = Credentials("team-61", "the-right-one")
    try:
        client = fast_client(server.url, secret="wr0ng-s3cret-value", client_id="team-61")
        sent = record_requests(client)
        with pytest.raises(AuthError) as caught:
            client.get("qlvb", "/qlvb/v1/don-vi")
    finally:
        server.stop()
    message = str(caught.value)
    assert paths(sent) == ["/token"], "exactly one token request, never retried"
    assert message.startswith("gateway /token:") and "CCHC_LGSP_CLIENT_SECRET" in message
    assert "wr0ng-s3cret-value" not in message and "wr0ng-s3cret-value" not in repr(client)
    assert caught.value.status == 401


def test_a_second_token_refusal_in_a_row_is_a_failed_attempt():
    refusal = json_answer({"fault": {"code": 900901, "message": "Invalid Credentials"}}, 401)
    with FakeGateway(lambda path, query, n: refusal if n < 2 else json_answer({"data": []})) as fake:
        client = fast_client(fake.url)
        assert client.get("qlvb", "/qlvb/v1/don-vi").json() == {"data": []}
    # attempt 1: refused, new token, refused again (failed); attempt 2: another new token, success
    assert fake.token_requests == 3 and len(fake.seen) == 3
    assert client.stats["token_refreshes"] == 2 and client.stats["retries"] == 1


def test_a_token_never_accepted_ends_in_one_error_naming_the_credentials():
    refusal = json_answer({"fault": {"code": 900901, "message": "Invalid Credentials"}}, 401)
    with FakeGateway(lambda path, query, n: refusal) as fake:
        with pytest.raises(SourceError) as caught:
            fast_client(fake.url, max_attempts=3).get("qlvb", "/qlvb/v1/don-vi")
    assert caught.value.attempts == 3 and len(fake.seen) == 4  # one immediate repeat, then one per attempt
    assert "CCHC_LGSP_CLIENT_ID" in str(caught.value)


# --- failures that are retried ------------------------------------------------------------------------

def test_the_token_endpoint_is_retried_like_any_call():
    faults = {0: (503, {"Content-Type": "text/html"}, b"<html>503</html>"),
              1: json_answer({"fault": {"code": 900802}}, 429, {"Retry-After": "0"})}
    with FakeGateway(lambda path, query, n: json_answer({"data": []}), token_answer=faults.get) as fake:
        client = fast_client(fake.url)
        assert client.get("qlvb", "/qlvb/v1/don-vi").json() == {"data": []}
    assert fake.token_requests == 3 and len(fake.seen) == 1
    assert (client.stats["tokens"], client.stats["gateway_faults"], client.stats["throttled"]) == (3, 1, 1)

    down = (502, {"Content-Type": "text/html"}, b"<html>502</html>")
    with FakeGateway(lambda path, query, n: json_answer({"data": []}), token_answer=lambda n: down) as fake:
        with pytest.raises(SourceError) as caught:
            fast_client(fake.url, max_attempts=2).get("qlvb", "/qlvb/v1/don-vi")
    assert str(caught.value).startswith("qlvb /qlvb/v1/don-vi: no good answer after 2 attempts (last: HTTP 502 "
                                        "gateway fault at the token endpoint)")
    assert fake.token_requests == 2 and fake.seen == []


def test_unreachable_gateway_is_one_error_with_a_hint_after_bounded_attempts():
    # a refused connection: the short tries of a host that is not there (tests/test_gateway_breaker.py)
    port = closed_port()
    client = fast_client(f"http://127.0.0.1:{port}/gw", max_attempts=8, absent_waits=(0.01,),
                         breakers=HostBreakers())
    with pytest.raises(SourceError) as caught:
        client.get("motcua", "/motcua/v1/ho-so", {"TuNgay": "20250901000000", "SoLuong": 5})
    error, message = caught.value, str(caught.value)
    assert (error.system, error.path, error.attempts, error.status) == ("motcua", "/motcua/v1/ho-so", 3, None)
    assert message.startswith(f"motcua /motcua/v1/ho-so: the gateway at http://127.0.0.1:{port} refused the "
                              "connection (3 attempts in ")
    assert "CCHC_LGSP_URL" in message and "?" not in message and "TuNgay" not in message
    assert client.stats["absent"] == 3 and client.stats["retries"] == 2


def test_every_fault_of_the_simulator_at_a_high_rate_is_absorbed(small_world):
    faults = FaultConfig(throttle=0.3, gateway=0.2, token_expiry=0.1, drop=0.1, motcua_error=0.2, slow=0.05,
                         slow_seconds=0.01, retry_after=0)
    server = serve(small_world, faults)
    try:
        with fast_client(server.url, max_attempts=30) as client:
            assert client.get("qlvb", "/qlvb/v1/don-vi").json()["data"]
            assert client.get("nhiemvu", "/nhiemvu/v1/nhiem-vu", {"per_page": 3}).headers["x-total-count"]
            for page in range(1, 10):
                assert len(client.get("qlvb", "/qlvb/v1/van-ban", {"trang": page, "so_ban_ghi": 20}).json()["du_lieu"]) == 20
                for size in (10, 20):
                    body = client.get("motcua", "/motcua/v1/ho-so", {"TrangSo": page, "SoLuong": size},
                                      check=status_check("error_code", "0")).json()
                    assert body["error_code"] == "0" and len(body["result"]) == size
        injected = server.gateway.faults.injected
        api_requests = server.gateway.faults.requests
    finally:
        server.stop()
    stats = client.stats
    assert stats["throttled"] == injected["throttle"] > 0
    assert stats["gateway_faults"] == injected["gateway"] > 0
    assert stats["dropped"] == injected["drop"] > 0
    assert stats["token_refreshes"] == injected["token_expiry"] > 0
    assert stats["source_errors"] == injected["motcua_error"] > 0
    assert stats["requests"] == api_requests + stats["tokens"]
    assert stats["retries"] >= stats["throttled"] + stats["gateway_faults"] + stats["dropped"] + stats["source_errors"]


@pytest.mark.e2e  # waits for real (seconds of backoff or expiry); CI runs it
def test_retry_after_is_honoured():
    throttled = json_answer({"fault": {"code": 900802, "message": "Message throttled out"}}, 429, {"Retry-After": "1"})
    with FakeGateway(lambda path, query, n: throttled if n == 0 else json_answer({"data": []})) as fake:
        fast_client(fake.url).get("qlvb", "/qlvb/v1/don-vi")
    assert fake.seen[1][0] - fake.seen[0][0] >= 1.0


def test_retry_after_is_capped_and_garbled_values_fall_back_to_backoff():
    def answer(path, query, n):
        waits = {0: "30", 1: "soon", 2: "-5"}
        if n in waits:
            return json_answer({"fault": {"code": 900802}}, 429, {"Retry-After": waits[n]})
        return json_answer({"data": []})

    with FakeGateway(answer) as fake:
        client = fast_client(fake.url, max_retry_after=0.2)
        client.get("qlvb", "/qlvb/v1/don-vi")
    gaps = [b[0] - a[0] for a, b in zip(fake.seen, fake.seen[1:], strict=False)]
    assert 0.2 <= gaps[0] <= 0.5, "Retry-After 30 capped at 0.2 s"
    assert gaps[1] < 0.2 and gaps[2] < 0.2, "garbled or negative: the tiny backoff"
    assert client.stats["throttled"] == 3


def test_timeouts_and_bodies_that_are_not_json_are_retried():
    def answer(path, query, n):
        if n == 0:
            time.sleep(0.5)  # longer than the read timeout below
        if n == 1:
            return 200, {"Content-Type": "text/html"}, b"<html>maintenance</html>"
        if n == 2:
            return 503, {"Content-Type": "text/html"}, b"<html><h1>503 Service Unavailable</h1></html>"
        return json_answer({"data": [1]})

    with FakeGateway(answer) as fake:
        client = fast_client(fake.url, timeout=(1.0, 0.2))
        assert client.get("qlvb", "/qlvb/v1/don-vi").json() == {"data": [1]}
    assert (client.stats["timeouts"], client.stats["malformed"], client.stats["gateway_faults"]) == (1, 1, 1)
    assert client.stats["retries"] == 3


def test_a_check_that_raises_transient_retries_the_answer():
    def check(body) -> None:  # receives the parsed body
        if body["ok"] is not True:
            raise Transient("the body said not ok")

    with FakeGateway(lambda path, query, n: json_answer({"ok": n >= 2})) as fake:
        client = fast_client(fake.url)
        assert client.get("qlvb", "/qlvb/v1/don-vi", check=check).json() == {"ok": True}
        with pytest.raises(SourceError, match=r"after 2 attempts \(last: the body said not ok under HTTP 200\)"):
            fast_client(fake.url, max_attempts=2).get("qlvb", "/qlvb/v1/don-vi",
                                                      check=lambda body: check({"ok": False}))
    assert client.stats["source_errors"] == 2


def test_giving_up_on_gateway_faults_reads_like_the_contract(small_world):
    server = serve(small_world, FaultConfig(gateway=1.0))
    try:
        with pytest.raises(SourceError) as caught:
            fast_client(server.url, max_attempts=4).get("motcua", "/motcua/v1/ho-so", {"SoLuong": 5})
    finally:
        server.stop()
    assert caught.value.attempts == 4 and caught.value.status in (502, 503, 504)
    assert str(caught.value) == (
        f"motcua /motcua/v1/ho-so: no good answer after 4 attempts (last: HTTP {caught.value.status} gateway "
        "fault). The gateway is unavailable or overloaded: run again later; if it persists, contact the LGSP "
        "operator.")


# --- failures that are not retried --------------------------------------------------------------------

def test_a_400_is_raised_at_once_without_the_query_string(small_world):
    server = serve(small_world)
    try:
        client = fast_client(server.url)
        sent = record_requests(client)
        with pytest.raises(SourceError) as caught:
            client.get("qlvb", "/qlvb/v1/van-ban", {"cap_nhat_tu": "2025-09-01T00:00:00+07:00", "so_ban_ghi": 1001})
        with pytest.raises(SourceError) as missing:
            client.get("qlvb", "/qlvb/v1/no-such-thing")
    finally:
        server.stop()
    message = str(caught.value)
    assert caught.value.status == 400 and caught.value.attempts == 1
    assert message.startswith("qlvb /qlvb/v1/van-ban: HTTP 400") and "page size or filter format" in message
    assert not any(part in message for part in ("?", "so_ban_ghi", "1001", "2025-09-01"))
    assert missing.value.status == 404 and "CCHC_LGSP_URL" in str(missing.value)
    assert paths(sent) == ["/token", "/qlvb/v1/van-ban", "/qlvb/v1/no-such-thing"], "neither was retried"


# --- secrecy and the base path ------------------------------------------------------------------------

def test_logs_and_errors_never_show_the_secret_or_a_token(small_world, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "s3cret-Zx81-never-shown"
    server = serve(small_world, FaultConfig(throttle=0.3, gateway=0.2, token_expiry=0.3, drop=0.1, retry_after=0))
    server.gateway.credentials = Credentials("team-61", secret)
    errors = []
    try:
        client = fast_client(server.url, secret=secret, client_id="team-61", max_attempts=30)
        sent = record_requests(client)
        for page in range(1, 6):
            client.get("qlvb", "/qlvb/v1/van-ban", {"trang": page, "so_ban_ghi": 10})
        for call in (lambda: client.get("qlvb", "/qlvb/v1/van-ban", {"so_ban_ghi": 5000}),
                     lambda: fast_client(server.url, secret=secret + "-wrong").get("qlvb", "/qlvb/v1/don-vi")):
            with pytest.raises(SourceError) as caught:
                call()
            errors.append(caught.value)
        server.gateway.faults.config = FaultConfig(gateway=1.0)
        with pytest.raises(SourceError) as caught:
            fast_client(server.url, secret=secret, client_id="team-61", max_attempts=2).get("qlvb", "/qlvb/v1/don-vi")
        errors.append(caught.value)
    finally:
        server.stop()
    tokens = {r.headers["Authorization"].removeprefix("Bearer ") for r in sent if urlsplit(r.url).path != "/token"}
    assert len(tokens) > 1, "tokens were refreshed along the way"
    basic = base64.b64encode(f"team-61:{secret}".encode()).decode()
    texts = [caplog.text, repr(client), repr(vars(client))] + [str(e) for e in errors]
    texts += [str(e.__cause__) + str(e.__context__) for e in errors if not e.__suppress_context__]
    for needle in [secret, basic, *tokens]:
        assert not any(needle in text for text in texts)
    assert "cchc.http" in caplog.text and "retrying in" in caplog.text, "retries are logged"


def test_the_gateway_may_sit_under_a_base_path(small_world):
    server = serve(small_world, base_path="/gw")
    try:
        with fast_client(server.url) as client:
            assert client.get("qlvb", "/qlvb/v1/don-vi").json()["data"]
            link = client.get("nhiemvu", "/nhiemvu/v1/nhiem-vu", {"per_page": 2}).links["next"]["url"]
            assert client.get_url("nhiemvu", link).status == 200
    finally:
        server.stop()
    root = server.url.removesuffix("/gw")
    assert client.owns(link) and client.owns(server.url + "/qlvb/v1/don-vi")
    assert not client.owns(root + "/qlvb/v1/don-vi") and not client.owns(root + "/gwx/qlvb")
    assert not client.owns(link.replace("http://", "https://")) and not client.owns("http://elsewhere.example/gw/x")
    with pytest.raises(SourceError, match="outside the gateway"):
        client.get_url("nhiemvu", "http://elsewhere.example/gw/nhiemvu/v1/nhiem-vu")
