"""A gateway that is not there fails fast, once per host (connectors/http.py, `HostBreakers`): refused,
unresolved and unroutable hosts get a few quick tries and one line naming CCHC_LGSP_URL and the address;
other clients of the same host then fail at once; a busy gateway (429, 5xx, timeouts, dropped
connections) keeps its patient retries."""

from __future__ import annotations

import errno
import re
import socket
import threading
import time
from http.server import ThreadingHTTPServer

import pytest
import requests
import urllib3
from requests.adapters import BaseAdapter
from test_connector_http import SIM_ID, SIM_SECRET, FakeGateway, closed_port, fast_client, json_answer

from connectors.http import BREAKERS, GatewayClient, HostBreakers, HostDown
from core.errors import SourceError
from core.settings import Secret

QUICK = (0.05, 0.1)  # the short waits between tries of a host that is not there, shortened for tests
SYSTEMS = [("directory", "/qlvb/v1/don-vi"), ("qlvb", "/qlvb/v1/van-ban"), ("baocao", "/baocao/v1/ky-bao-cao"),
           ("motcua", "/motcua/v1/ho-so"), ("nhiemvu", "/nhiemvu/v1/nhiem-vu")]


@pytest.fixture(autouse=True)
def _no_breaker_left_open():
    """A breaker opened here must not close a port another test binds later in this process."""
    yield
    BREAKERS.clear()


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Unroutable(BaseAdapter):
    """A transport whose connections fail as the kernel fails them: `error` raised while connecting, or
    (with `connected`) while reading the answer of a connection that was made."""

    def __init__(self, error: OSError, connected: bool = False):
        super().__init__()
        self.error, self.connected, self.sent = error, connected, 0

    def send(self, request, **kwargs):
        self.sent += 1
        if self.connected:
            raise requests.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.", self.error))
        try:
            raise self.error
        except OSError as cause:  # as urllib3 raises it: NewConnectionError from the socket error
            reason = urllib3.exceptions.NewConnectionError(None, f"Failed to establish a new connection: {cause}")
            reason.__cause__ = cause
        raise requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, request.url, reason))

    def close(self):
        pass


def client_over(adapter: BaseAdapter, url: str = "https://lgsp.hanoi.example:8443/gw", **kwargs) -> GatewayClient:
    session = requests.Session()
    session.mount("https://", adapter)
    options = {"absent_waits": QUICK, "breakers": HostBreakers(), **kwargs}
    return fast_client(url, session=session, **options)


# --- a host that is not there: a few quick tries, one line --------------------------------------------

def test_a_refused_gateway_fails_within_seconds_naming_the_variable_and_the_address():
    port = closed_port()
    client = fast_client(f"http://user:pw@127.0.0.1:{port}/gw?key=k3y", absent_waits=QUICK, breakers=HostBreakers())
    began = time.monotonic()
    with pytest.raises(SourceError) as caught:
        client.get("qlvb", "/qlvb/v1/van-ban", {"cap_nhat_tu": "2025-09-01T00:00:00+07:00", "trang": 1})
    took = time.monotonic() - began
    message = str(caught.value)
    assert re.fullmatch(rf"qlvb /qlvb/v1/van-ban: the gateway at http://127\.0\.0\.1:{port} refused the connection "
                        r"\(3 attempts in 0\.\d s\)\. Check CCHC_LGSP_URL and that the LGSP is up\.", message), message
    assert 0.15 <= took < 2, "the two short waits, nothing more"
    assert not any(leak in message for leak in ("user", "pw", "k3y", "?", "cap_nhat_tu", "/gw"))
    assert caught.value.attempts == 3 and caught.value.status is None
    assert client.stats["absent"] == 3 and client.stats["requests"] == 3  # three token requests, all refused
    assert client.stats["dropped"] == 0


def test_a_host_name_that_does_not_resolve_says_so():
    client = fast_client("https://lgsp-61.invalid/gw", absent_waits=QUICK, breakers=HostBreakers())
    with pytest.raises(SourceError) as caught:
        client.get("baocao", "/baocao/v1/ky-bao-cao", {"limit": 10})
    message = str(caught.value)
    assert message.startswith("baocao /baocao/v1/ky-bao-cao: the gateway at https://lgsp-61.invalid:443 cannot be "
                              "found: its host name lgsp-61.invalid does not resolve (3 attempts in "), message
    assert message.endswith("s). Check the host name in CCHC_LGSP_URL and this server's DNS.")


@pytest.mark.parametrize(("code", "why"), [(errno.EHOSTUNREACH, "no route to the host"),
                                           (errno.ENETUNREACH, "the network is unreachable")])
def test_no_route_to_the_gateway_is_a_host_that_is_not_there(code, why):
    adapter = Unroutable(OSError(code, "unreachable"))
    with pytest.raises(SourceError) as caught:
        client_over(adapter).get("motcua", "/motcua/v1/ho-so")
    assert str(caught.value).startswith(f"motcua /motcua/v1/ho-so: the gateway at https://lgsp.hanoi.example:8443 "
                                        f"cannot be reached: {why} (3 attempts in ")
    assert "CCHC_LGSP_URL" in str(caught.value) and adapter.sent == 3


def test_a_connection_dropped_mid_answer_keeps_the_patient_retries():
    adapter = Unroutable(ConnectionResetError(errno.ECONNRESET, "reset by peer"), connected=True)
    client = client_over(adapter, max_attempts=6)
    with pytest.raises(SourceError) as caught:
        client.get("nhiemvu", "/nhiemvu/v1/nhiem-vu")
    assert str(caught.value).startswith("nhiemvu /nhiemvu/v1/nhiem-vu: no good answer after 6 attempts (last: the "
                                        "connection was dropped at the token endpoint)")
    assert adapter.sent == 6 and client.stats["dropped"] == 6 and client.stats["absent"] == 0
    assert client.breakers.down(client._origin) is None


@pytest.mark.e2e  # waits for real (seconds of backoff or expiry); CI runs it
def test_the_short_tries_are_bounded_in_time_too():
    """A name server that takes its time: fewer tries, never past the window."""

    class SlowToFail(Unroutable):
        def send(self, request, **kwargs):
            time.sleep(0.3)  # a name server answering late
            return super().send(request, **kwargs)

    adapter = SlowToFail(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
    began = time.monotonic()
    with pytest.raises(SourceError, match=r"does not resolve \(2 attempts in 0\.\d s\)"):
        client_over(adapter, absent_attempts=5, absent_waits=(0.01,), absent_window=0.5).get("qlvb", "/qlvb/v1/don-vi")
    assert adapter.sent == 2, "a third try would end past the window"
    assert time.monotonic() - began < 1.0


# --- one breaker per host, shared ----------------------------------------------------------------------

@pytest.mark.e2e  # waits for real (seconds of backoff or expiry); CI runs it
def test_five_systems_in_a_row_against_a_dead_gateway_take_as_long_as_one():
    url = f"http://127.0.0.1:{closed_port()}/gw"
    breakers = HostBreakers()
    took, messages, requests_made = [], [], []
    for system, path in SYSTEMS:  # as the refresh runs them: one client per system, one after another
        began = time.monotonic()
        with fast_client(url, absent_waits=(0.2, 0.3), breakers=breakers) as client:
            with pytest.raises(SourceError) as caught:
                client.get(system, path)
        took.append(time.monotonic() - began)
        messages.append(str(caught.value))
        requests_made.append(client.stats["requests"])
    assert took[0] >= 0.5 and sum(took[1:]) < 0.1, took
    assert requests_made == [3, 0, 0, 0, 0], "only the first system tries the host"
    address = url.removesuffix("/gw")
    for (system, path), message in zip(SYSTEMS, messages, strict=True):
        assert message.startswith(f"{system} {path}: the gateway at {address} refused the connection (")
        assert message.endswith("Check CCHC_LGSP_URL and that the LGSP is up.")
    assert re.search(r"\(found down 0\.\d s ago after 3 attempts in 0\.\d s; not tried again for another 60 s\)",
                     messages[1]), messages[1]


def test_clients_share_the_process_breakers_by_default():
    url = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(SourceError):
        fast_client(url, absent_waits=QUICK).get("directory", "/qlvb/v1/don-vi")
    other = GatewayClient(url + "/another/path", "someone-else", Secret("x"))  # same host, default settings
    began = time.monotonic()
    with pytest.raises(SourceError, match="found down"):
        other.get("qlvb", "/qlvb/v1/van-ban")
    assert time.monotonic() - began < 0.1 and other.stats["requests"] == 0 and other.stats["host_down"] == 1


def test_a_living_host_after_a_dead_one_works():
    breakers = HostBreakers()
    with pytest.raises(SourceError):
        fast_client(f"http://127.0.0.1:{closed_port()}", absent_waits=QUICK, breakers=breakers).get("qlvb", "/x")
    with FakeGateway(lambda path, query, n: json_answer({"data": [1]})) as fake:
        client = fast_client(fake.url, breakers=breakers)
        assert client.get("qlvb", "/qlvb/v1/don-vi").json() == {"data": [1]}
        # localhost by another name is another host: not held back by the breaker of 127.0.0.1
        assert fast_client(fake.url.replace("127.0.0.1", "localhost"), breakers=breakers).get(
            "qlvb", "/qlvb/v1/don-vi").status == 200


def test_the_breaker_lets_calls_through_again_after_its_cool_down():
    clock = FakeClock()
    breakers = HostBreakers(cool_down=60, clock=clock)
    with FakeGateway(lambda path, query, n: json_answer({"data": []})) as fake:
        client = fast_client(fake.url, breakers=breakers)
        breakers.trip(client._origin, HostDown(f"the gateway at {client.address} refused the connection",
                                               "Check CCHC_LGSP_URL", 3, 7.0, clock()))
        clock.now += 59
        with pytest.raises(SourceError, match=r"found down 59 s ago .* not tried again for another 1 s"):
            client.get("qlvb", "/qlvb/v1/don-vi")
        assert fake.seen == [] and fake.token_requests == 0
        clock.now += 1
        assert client.get("qlvb", "/qlvb/v1/don-vi").json() == {"data": []}
    assert breakers.down(client._origin) is None


def test_any_answer_from_the_host_closes_its_breaker():
    """Another client found the host down while this one was being answered: the answer proves it is there."""
    breakers = HostBreakers()
    holder = {}

    def answer(path, query, n):
        if n == 0:
            client = holder["client"]
            breakers.trip(client._origin, HostDown("the gateway at … refused the connection", "", 3, 7.0,
                                                   breakers.clock()))
        return json_answer({"data": [n]})

    with FakeGateway(answer) as fake:
        holder["client"] = client = fast_client(fake.url, breakers=breakers)
        assert client.get("qlvb", "/qlvb/v1/don-vi").json() == {"data": [0]}
        assert breakers.down(client._origin) is None
        assert client.get("qlvb", "/qlvb/v1/don-vi").json() == {"data": [1]}


def test_a_gateway_that_comes_back_within_the_short_tries_is_used():
    """A gateway restarting: refused once, then up again on the same port."""
    with FakeGateway(lambda path, query, n: json_answer({"data": ["up"]})) as fake:
        port = fake.httpd.server_address[1]
        fake.httpd.shutdown()
        fake.httpd.server_close()  # connections to the port are refused now
        restarted = []
        client = fast_client(fake.url, absent_waits=(0.3,), breakers=HostBreakers())
        send = client.session.request

        def request(*args, **kwargs):
            try:
                return send(*args, **kwargs)
            except requests.ConnectionError:
                if not restarted:  # the restart completes during the first short wait
                    server = ThreadingHTTPServer(("127.0.0.1", port), fake.httpd.RequestHandlerClass)
                    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
                    restarted.append(server)
                raise

        client.session.request = request
        try:
            assert client.get("qlvb", "/qlvb/v1/don-vi").json() == {"data": ["up"]}
        finally:
            for server in restarted:
                server.shutdown()
                server.server_close()
    assert client.stats["absent"] == 1 and client.stats["retries"] == 1


# --- a busy gateway keeps its patient retries ------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    (503, {"Content-Type": "text/html"}, b"<html>503</html>"),
    json_answer({"fault": {"code": 900802, "message": "Message throttled out"}}, 429, {"Retry-After": "0"}),
])
def test_throttling_and_gateway_faults_still_retry_as_before_and_open_no_breaker(answer):
    breakers = HostBreakers()
    with FakeGateway(lambda path, query, n: answer) as fake:
        client = fast_client(fake.url, max_attempts=8, breakers=breakers)
        with pytest.raises(SourceError) as caught:
            client.get("motcua", "/motcua/v1/ho-so")
        assert len(fake.seen) == 8 and caught.value.attempts == 8
        assert "no good answer after 8 attempts" in str(caught.value)
        assert breakers.down(client._origin) is None and client.stats["absent"] == 0


@pytest.mark.e2e  # waits for real (seconds of backoff or expiry); CI runs it
def test_timeouts_still_retry_as_before():
    with FakeGateway(lambda path, query, n: (time.sleep(0.3), json_answer({"data": [n]}))[1]) as fake:
        client = fast_client(fake.url, timeout=(1.0, 0.1), max_attempts=4, breakers=HostBreakers())
        with pytest.raises(SourceError, match=r"no good answer after 4 attempts \(last: no answer in time\)"):
            client.get("qlvb", "/qlvb/v1/don-vi")
    assert client.stats["timeouts"] == 4 and client.stats["absent"] == 0


def test_the_lines_about_a_host_not_there_hold_no_secret_and_no_query(caplog):
    caplog.set_level("DEBUG")
    port = closed_port()
    client = GatewayClient(f"http://127.0.0.1:{port}/gw", SIM_ID, Secret(SIM_SECRET), absent_waits=QUICK,
                           breakers=HostBreakers())
    with pytest.raises(SourceError) as caught:
        client.get("qlvb", "/qlvb/v1/van-ban", {"so_ban_ghi": 5})
    assert SIM_SECRET not in caplog.text + str(caught.value) + repr(vars(client))
    assert "so_ban_ghi" not in caplog.text and "refused the connection" in caplog.text
