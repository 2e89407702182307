"""The city's data-sharing gateway (LGSP) serving systems 1–4, exactly as spec/sources.md describes.

Standard library HTTP (threaded, HTTP/1.1 keep-alive); records leave the store as stored bytes, so
serving is a concatenation, not a serialisation. Admin endpoints under `/_sim/` drive the world.

Like a real gateway, it may (off by default) answer late — `latency_ms`, each answer delayed by that
much ±20 %, slept without a lock so requests overlap — and enforce a concurrency quota: a client
(the client_id behind its bearer token) holding more than `max_concurrent` requests at once gets
429 with Retry-After, the body of a throttle fault. `GET /_sim/stats` reports the peak concurrency
seen and those 429s.
"""

from __future__ import annotations

import base64
import binascii
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import orjson

from simulator.faults import FaultConfig, FaultInjector
from simulator.rng import stable_int
from simulator.timeutil import (
    parse_compact_filter,
    parse_iso_filter,
    parse_local_seconds_filter,
)
from simulator.world import World

DEFAULT_CLIENT_ID = "cchc-inspection"
DEFAULT_CLIENT_SECRET = "cchc-sim-secret"
MAX_PAGE = {"qlvb": 1000, "baocao": 1000, "motcua": 1000, "nhiemvu": 500}
GATEWAY_HTML = (b"<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}</h1>"
                b"</center><hr><center>nginx</center></body></html>")
FAR_PAST = -(2**40)
FAR_FUTURE = 2**40
THROTTLED = {"fault": {"code": 900802, "message": "Message throttled out"}}
LATENCY_JITTER = 0.2  # an answer is delayed by latency_ms ±20 %
QUOTA_RETRY_AFTER = 1  # seconds a client over its concurrency quota is told to wait


class BadRequest(Exception):
    pass


@dataclass
class Credentials:
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET


class Gateway:
    """Routing, auth, faults and paging: everything but the socket."""

    def __init__(self, world: World, credentials: Credentials, faults: FaultConfig, base_path: str = "",
                 token_ttl: int = 3600, latency_ms: float = 0.0, max_concurrent: int | None = None):
        if latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if max_concurrent is not None and max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.world = world
        self.credentials = credentials
        self.faults = FaultInjector(faults, world.config.seed)
        self.base_path = base_path.rstrip("/")
        self.token_ttl = token_ttl
        self.latency_ms = latency_ms
        self.max_concurrent = max_concurrent
        self._jitter = random.Random(stable_int(world.config.seed, "latency"))
        self._tokens: dict[str, tuple[float, str]] = {}  # token -> (expiry, client_id)
        self._lock = threading.Lock()
        self._flight_lock = threading.Lock()
        # a page's total, its rows and the shift it causes come from one moment, as one database statement's
        # would: with concurrent requests, a shift caused by one could otherwise fall between another's count
        # and its rows (a page holding more records than its own total says)
        self._page_lock = threading.Lock()
        self._in_flight: Counter[str | None] = Counter()  # by client_id; None: no valid bearer token
        self.peak_concurrent = 0  # most requests in flight at once, every client together
        self.quota_throttled = 0  # 429s given for holding more than max_concurrent requests
        self._totals: dict[tuple, tuple[int, int]] = {}
        self._directory = orjson.dumps({"data": world.directory.json})

    # --- auth ------------------------------------------------------------------------------------

    def issue_token(self, authorization: str | None, body: bytes) -> tuple[int, dict, bytes]:
        form = parse_qs(body.decode("latin-1"))
        if form.get("grant_type") != ["client_credentials"]:
            return _json(400, {"error": "unsupported_grant_type"})
        if not authorization or not authorization.startswith("Basic "):
            return _json(401, {"error": "invalid_client"})
        try:
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return _json(401, {"error": "invalid_client"})
        if not (secrets.compare_digest(user, self.credentials.client_id)
                and secrets.compare_digest(password, self.credentials.client_secret)):
            return _json(401, {"error": "invalid_client"})
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = (time.monotonic() + self.token_ttl, user)
        return _json(200, {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl})

    def _client_of(self, authorization: str | None) -> str | None:
        """The client_id behind a valid bearer token; None without one."""
        if not authorization or not authorization.startswith("Bearer "):
            return None
        with self._lock:
            expiry, client_id = self._tokens.get(authorization[7:], (0.0, None))
            return client_id if expiry > time.monotonic() else None

    def _revoke(self, authorization: str) -> None:
        with self._lock:
            self._tokens.pop(authorization[7:], None)

    # --- dispatch --------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers, body: bytes, host: str) -> tuple[int, dict, bytes] | None:
        """Answer one request; None means: drop the connection without an answer."""
        parts = urlsplit(target)
        path = parts.path
        if self.base_path:
            if not path.startswith(self.base_path + "/"):
                return _json(404, {"error": "not_found"})
            path = path[len(self.base_path):]
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if path.startswith("/_sim/") or path == "/health":
            return self._admin(method, path, query)
        client = None if path == "/token" else self._client_of(headers.get("Authorization"))
        with self._held(client) as admitted:
            self._delay()
            if not admitted:
                return _throttled(QUOTA_RETRY_AFTER)
            return self._answer(method, path, query, headers, body, host)

    def _answer(self, method: str, path: str, query: dict, headers, body: bytes,
                host: str) -> tuple[int, dict, bytes] | None:
        if path == "/token" and method == "POST":
            return self.issue_token(headers.get("Authorization"), body)
        routes = {"/qlvb/v1/don-vi": ("qlvb", self._directory_page), "/qlvb/v1/van-ban": ("qlvb", self._qlvb),
                  "/baocao/v1/ky-bao-cao": ("baocao", self._baocao), "/motcua/v1/ho-so": ("motcua", self._motcua),
                  "/nhiemvu/v1/nhiem-vu": ("nhiemvu", self._nhiemvu)}
        if path not in routes or method != "GET":
            return _json(404, {"fault": {"code": 404, "message": "No matching resource found"}})
        system, handler = routes[path]
        authorization = headers.get("Authorization")
        if self._client_of(authorization) is None:
            return _json(401, {"fault": {"code": 900901, "message": "Invalid Credentials"}})
        hits = self.faults.draw(("drop", "slow", "throttle", "gateway", "token_expiry", "shift")
                                + (("motcua_error",) if system == "motcua" else ()))
        if "slow" in hits:
            time.sleep(self.faults.config.slow_seconds)
        if "drop" in hits:
            return None
        if "throttle" in hits:
            return _throttled(self.faults.config.retry_after)
        if "gateway" in hits:
            code = (502, 503, 504)[self.faults.requests % 3]
            reason = HTTPStatus(code).phrase.encode()
            html = GATEWAY_HTML.replace(b"{code}", str(code).encode()).replace(b"{reason}", reason)
            return code, {"Content-Type": "text/html"}, html
        if "token_expiry" in hits:
            self._revoke(authorization)
            return _json(401, {"fault": {"code": 900901, "message": "Invalid Credentials"}})
        if "motcua_error" in hits:
            return _json(200, {"error_code": "-1", "message": "Lỗi hệ thống", "result": None})
        try:
            return handler(query, host, "shift" in hits)
        except BadRequest as exc:
            if system == "motcua":
                return _json(400, {"error_code": "1", "message": str(exc), "result": None})
            return _json(400, {"error": "bad_request", "message": str(exc)})

    # --- latency and the concurrency quota ------------------------------------------------------

    @contextmanager
    def _held(self, client: str | None) -> Iterator[bool]:
        """Count the request in flight while it is answered; False (and not counted) when its client
        already holds `max_concurrent` requests."""
        with self._flight_lock:
            admitted = client is None or self.max_concurrent is None or self._in_flight[client] < self.max_concurrent
            if admitted:
                self._in_flight[client] += 1
                self.peak_concurrent = max(self.peak_concurrent, self._in_flight.total())
            else:
                self.quota_throttled += 1
        if not admitted:
            yield False
            return
        try:
            yield True
        finally:
            with self._flight_lock:
                self._in_flight[client] -= 1

    def _delay(self) -> None:
        """The gateway's own latency; slept without a lock, so concurrent requests overlap."""
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000 * self._jitter.uniform(1 - LATENCY_JITTER, 1 + LATENCY_JITTER))

    def concurrency_stats(self) -> dict:
        with self._flight_lock:
            return {"latency_ms": self.latency_ms, "max_concurrent": self.max_concurrent,
                    "in_flight": self._in_flight.total(), "peak_concurrent": self.peak_concurrent,
                    "quota_throttled": self.quota_throttled}

    # --- systems ---------------------------------------------------------------------------------

    def _directory_page(self, query, host, shift):
        return 200, {"Content-Type": "application/json"}, self._directory

    def _total(self, system: str, lo: int, hi: int) -> int:
        key = (system, lo, hi)
        version = self.world.store.version
        hit = self._totals.get(key)
        if hit is None or hit[0] != version:
            hit = (version, self.world.store.count(system, lo, hi))
            if len(self._totals) > 1024:
                self._totals.clear()
            self._totals[key] = hit
        return hit[1]

    def _offset_page(self, system: str, lo: int, hi: int, page: int, size: int, shift: bool):
        with self._page_lock:
            return self._offset_page_now(system, lo, hi, page, size, shift)

    def _offset_page_now(self, system: str, lo: int, hi: int, page: int, size: int, shift: bool):
        total = self._total(system, lo, hi)
        rows = self.world.store.page_at_offset(system, lo, hi, (page - 1) * size, size)
        docs = [self.world.served_doc(system, r.key, r.doc) for r in rows]
        if shift and rows:
            # a clerk saves a record this walk already passed: it leaves the window after this page
            if self.world.shift_window(system, lo, hi, rows[-1].upd):
                self.faults.record("shift")
        return total, docs

    def _qlvb(self, query, host, shift):
        lo = _parse(query, "cap_nhat_tu", parse_iso_filter, FAR_PAST)
        hi = _parse(query, "cap_nhat_den", parse_iso_filter, FAR_FUTURE)
        page = _int(query, "trang", 1, minimum=1)
        size = _size(query, "so_ban_ghi", 100, MAX_PAGE["qlvb"])
        total, docs = self._offset_page("qlvb", lo, hi, page, size, shift)
        head = orjson.dumps({"trang": page, "so_ban_ghi": size, "tong_so": total})[:-1]
        return 200, {"Content-Type": "application/json"}, head + b',"du_lieu":[' + b",".join(docs) + b"]}"

    def _motcua(self, query, host, shift):
        lo = _parse(query, "TuNgay", parse_compact_filter, FAR_PAST)
        hi = _parse(query, "DenNgay", parse_compact_filter, FAR_FUTURE)
        page = _int(query, "TrangSo", 1, minimum=1)
        size = _size(query, "SoLuong", 100, MAX_PAGE["motcua"])
        total, docs = self._offset_page("motcua", lo, hi, page, size, shift)
        head = orjson.dumps({"error_code": "0", "message": "Thành công", "total": total})[:-1]
        return 200, {"Content-Type": "application/json"}, head + b',"result":[' + b",".join(docs) + b"]}"

    def _baocao(self, query, host, shift):
        since = _parse(query, "updated_since", parse_iso_filter, FAR_PAST)
        size = _size(query, "limit", 100, MAX_PAGE["baocao"])
        after = _decode_cursor(query.get("cursor"))
        rows = self.world.store.page_after("baocao", since, after, size + 1)
        more = len(rows) > size
        rows = rows[:size]
        cursor = _encode_cursor(rows[-1].upd, rows[-1].key) if more else None
        body = b'{"data":[' + b",".join(r.doc for r in rows) + b'],"next_cursor":' + orjson.dumps(cursor) + b"}"
        return 200, {"Content-Type": "application/json"}, body

    def _nhiemvu(self, query, host, shift):
        since_text = query.get("since", "")
        since = _parse(query, "since", parse_local_seconds_filter, FAR_PAST)
        size = _size(query, "per_page", 100, MAX_PAGE["nhiemvu"])
        after = _decode_cursor(query.get("after"))
        rows = self.world.store.page_after("nhiemvu", since, after, size + 1)
        more = len(rows) > size
        rows = rows[:size]
        headers = {"Content-Type": "application/json", "X-Total-Count": str(self._total("nhiemvu", since, FAR_FUTURE))}
        if more:
            link = (f"http://{host}{self.base_path}/nhiemvu/v1/nhiem-vu?since={quote(since_text)}&per_page={size}"
                    f"&after={_encode_cursor(rows[-1].upd, rows[-1].key)}")
            headers["Link"] = f'<{link}>; rel="next"'
        return 200, headers, b"[" + b",".join(r.doc for r in rows) + b"]"

    # --- the simulator's own controls --------------------------------------------------------------

    def _admin(self, method, path, query):
        try:
            if path == "/health":
                return _json(200, {"status": "ok"})
            if path == "/_sim/state" and method == "GET":
                return _json(200, {**self.world.stats(), "faults": self.faults.config.describe(),
                                   "faults_injected": dict(self.faults.injected), "requests": self.faults.requests})
            if path == "/_sim/stats" and method == "GET":
                return _json(200, {"requests": self.faults.requests, **self.concurrency_stats()})
            if path == "/_sim/advance" and method == "POST":
                seconds = _int(query, "seconds", 86_400, minimum=1)
                return _json(200, {"changed": self.world.advance(seconds), **self.world.stats()})
            if path == "/_sim/touch" and method == "POST":
                system = query.get("system", "")
                if system not in MAX_PAGE and system not in ("don_thu", "tiep_cong_dan"):
                    raise BadRequest("system must be one of qlvb, baocao, motcua, nhiemvu, don_thu, tiep_cong_dan")
                keys = self.world.touch(system, _int(query, "count", 1, minimum=1),
                                        _int(query, "late_seconds", 0, minimum=0))
                return _json(200, {"touched": keys})
            if path == "/_sim/faults" and method == "POST":
                self.faults.config = FaultConfig.parse(query.get("spec", ""))
                return _json(200, self.faults.config.describe())
        except (BadRequest, ValueError) as exc:
            return _json(400, {"error": str(exc)})
        return _json(404, {"error": "not_found"})


def _json(status: int, payload) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json"}, orjson.dumps(payload)


def _throttled(retry_after: int) -> tuple[int, dict, bytes]:
    status, headers, payload = _json(429, THROTTLED)
    headers["Retry-After"] = str(retry_after)
    return status, headers, payload


def _parse(query: dict, name: str, parser, default: int) -> int:
    text = query.get(name)
    if text is None or text == "":
        return default
    try:
        return parser(text)
    except ValueError as exc:
        raise BadRequest(f"{name} is not in the expected format") from exc


def _int(query: dict, name: str, default: int, minimum: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError as exc:
        raise BadRequest(f"{name} must be an integer") from exc
    if value < minimum:
        raise BadRequest(f"{name} must be at least {minimum}")
    return value


def _size(query: dict, name: str, default: int, maximum: int) -> int:
    value = _int(query, name, default, minimum=1)
    if value > maximum:
        raise BadRequest(f"{name} must be at most {maximum}")
    return value


def _encode_cursor(upd: int, key) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"u": upd, "id": key})).rstrip(b"=").decode()


def _decode_cursor(text: str | None):
    if not text:
        return None
    try:
        data = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        return int(data["u"]), data["id"]
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise BadRequest("cursor is not valid") from exc


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: do not let TCP hold the second
    gateway: Gateway  # set on the subclass made per server

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        answer = self.gateway.handle(method, self.path, self.headers, body, self.headers.get("Host", "localhost"))
        if answer is None:
            self.close_connection = True
            self.connection.close()
            return
        status, headers, payload = answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):  # noqa: N802
        self._serve("GET")

    def do_POST(self):  # noqa: N802
        self._serve("POST")

    def log_message(self, format, *args):  # noqa: A002
        pass  # quiet: per-request lines would drown the operator's terminal


class _HTTPServer(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 drops the connects of a burst of parallel clients (a 1 s SYN retry)


class SimulatorServer:
    """The gateway on a TCP port; `start()` runs it in a background thread (tests), `serve_forever()` blocks."""

    def __init__(self, gateway: Gateway, host: str = "127.0.0.1", port: int = 0):
        handler = type("Handler", (_Handler,), {"gateway": gateway})
        self.gateway = gateway
        self.httpd = _HTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{self.gateway.base_path}"

    def start(self) -> SimulatorServer:
        # a short poll: stop() waits for it (tests start and stop many servers)
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), name="cchc-simulator",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


