"""The gateway (LGSP) client: OAuth2 client-credentials token, bounded retries, one readable error.

Every call of systems 1–4 goes through `GatewayClient.get` (or `get_url` for absolute next links).
What is retried, and how (spec/sources.md, "The gateway"):
- 429 throttled: wait `Retry-After` (capped); garbled or missing → exponential backoff;
- 500/502/503/504, timeouts, dropped connections, a 200 body that is not JSON, and a 200 body the
  caller's `check` rejects (`Transient`, e.g. the one-stop shop's error_code): backoff with jitter;
- 401 fault 900901 (token revoked early): a new token and the call once more at once; a second one
  in a row counts as a failed attempt.
Not retried: `invalid_client` at `/token` (`AuthError`), 400, 404 and other 4xx (`SourceError`).
After `max_attempts` one `SourceError` names the system, the path and what to do.

A host that is not there (connection refused, a name that does not resolve, no route to it) is not
waited for like a busy one: `absent_attempts` tries (3, within about 7 s, to ride out a restart),
then one `SourceError` naming CCHC_LGSP_URL and the address. The finding is kept in a breaker per
host (`HostBreakers`, shared by every client of the process): later calls to that host, the other
systems' syncs included, fail at once with the same line until the cool-down ends (60 s) or the host
answers again.

Requests in flight to one gateway are capped by its `ConcurrencyLimit` (shared by every client of the
process, like the breakers), adaptive: it starts at `max_concurrency` (CCHC_LGSP_MAX_CONCURRENCY,
default 8), halves on a 429 and grows back by one after `limit` answers in a row that were not
throttled. A request holds its slot on the wire only, never while waiting to retry.

A thread may run its calls under `stopped_by(event)` (the parallel walks of paging do): once the
event is set its calls raise `Stopped` instead of sending, waiting for a slot or waiting to retry.

Nothing here ever shows the client secret, a token, or a query string: not in exceptions (raised
`from None`, so the text of requests' own exceptions, which holds the full URL, is not chained),
not in log lines, not in the client's repr.
"""

from __future__ import annotations

import errno
import logging
import math
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests
import urllib3
from requests.adapters import DEFAULT_POOLSIZE, HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth
from requests.structures import CaseInsensitiveDict
from requests.utils import parse_header_links
from tenacity import RetryCallState, RetryError, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.stop import stop_base
from tenacity.wait import wait_base, wait_exponential, wait_random

from core.errors import AuthError, SourceError
from core.settings import DEFAULT_LGSP_MAX_CONCURRENCY, Secret

log = logging.getLogger("cchc.http")

GATEWAY = "gateway"  # the system named by errors of the token endpoint
TOKEN_PATH = "/token"
RETRIED_STATUSES = frozenset({500, 502, 503, 504})
TOKEN_MARGIN_SECONDS = 60.0
TOKEN_MARGIN_FRACTION = 0.1

# What to do, by the kind of the last failure of a call that ran out of attempts.
GIVE_UP_HINTS = {
    "gateway": "The gateway is unavailable or overloaded: run again later; if it persists, contact the LGSP operator",
    "throttled": "The gateway kept throttling the calls: run again later, or ask the LGSP operator for a higher quota",
    "timeout": "The gateway did not answer in time: check CCHC_LGSP_URL and the network; run again later",
    "connection": "The gateway could not be reached or dropped the connection: check CCHC_LGSP_URL and the network",
    "malformed": "The answers were not valid JSON: run again later; if it persists, contact the LGSP operator",
    "source": "The system itself reported a failure: run again later; if it persists, contact its operator",
    "token": ("The gateway kept refusing fresh access tokens: check CCHC_LGSP_CLIENT_ID / CCHC_LGSP_CLIENT_SECRET, "
              "or contact the LGSP operator"),
}
REFUSED_HINTS = {
    400: "The request was refused: page size or filter format; this is a bug or a contract change",
    403: "The client may not call this API: ask the LGSP operator to grant the subscription",
    404: "The path is not published at this gateway: check CCHC_LGSP_URL (including its path) or a contract change",
}
REFUSED_HINT = "The gateway refused the request; this is a bug or a contract change"
REDIRECT_HINT = ("The gateway redirects elsewhere (redirects are not followed, so the token stays with it): "
                 "set CCHC_LGSP_URL to the address it redirects to")

# A host that is not there: a few quick tries, then the breaker (see the module docstring).
ABSENT_ATTEMPTS = 3
ABSENT_WAITS = (2.0, 5.0)  # seconds before the 2nd and the 3rd try
ABSENT_WINDOW = 10.0  # never more than this from the first refusal to giving up
BREAKER_COOL_DOWN = 60.0  # seconds a host found not there is not tried again
# What was found, by kind of absence: (what the line says after "the gateway at <address>", what to do).
ABSENCE = {
    "refused": ("refused the connection", "Check CCHC_LGSP_URL and that the LGSP is up"),
    "unresolved": ("cannot be found: its host name {host} does not resolve",
                   "Check the host name in CCHC_LGSP_URL and this server's DNS"),
    "unreachable": ("cannot be reached: {why}",
                    "Check CCHC_LGSP_URL and the network route to the LGSP (firewall, VPN)"),
}
UNREACHABLE_ERRNOS = {errno.ENETUNREACH: "the network is unreachable", errno.EHOSTUNREACH: "no route to the host",
                      errno.EHOSTDOWN: "the host is down", errno.ENETDOWN: "the network is down"}

DEFAULT_MAX_CONCURRENCY = DEFAULT_LGSP_MAX_CONCURRENCY  # requests in flight to one gateway at most
STOP_POLL = 0.05  # seconds between looks at a stop request while waiting for a slot


class Transient(Exception):
    """Raised by a `check` on a 200 body that is really a failure: the call is retried like a 5xx.

    The text must say what was wrong without record content (it ends up in the final error).
    """


class Stopped(Exception):
    """The walk that made this call was stopped (`stopped_by`): the call gives up without a request."""


class _Retry(Exception):
    """One failed attempt that may succeed when tried again; never leaves this module."""

    def __init__(self, kind: str, problem: str, status: int | None = None, retry_after: float | None = None,
                 absence: str | None = None):
        super().__init__(problem)
        self.kind = kind
        self.problem = problem
        self.status = status
        self.retry_after = retry_after
        self.absence = absence  # the gateway is not there: "the gateway at <address> …" (kind "absent")


Origin = tuple[str, str, int | None]
"""(scheme, host, port) of a gateway, lower-case: the key of its breaker."""


@dataclass(frozen=True)
class HostDown:
    """A gateway host found not there: the line to repeat, and when it was found."""

    problem: str  # "the gateway at http://10.0.0.5:8443 refused the connection"
    hint: str
    attempts: int
    seconds: float  # from the first try to giving up
    found_at: float  # time.monotonic()


class HostBreakers:
    """One breaker per gateway host (scheme, host, port), shared by the clients of a process.

    Open (`down` returns the finding) from the moment a client gives up on a host that is not there
    until `cool_down` seconds later or until any client gets an answer from that host.
    """

    def __init__(self, cool_down: float = BREAKER_COOL_DOWN, clock: Callable[[], float] = time.monotonic):
        self.cool_down = cool_down
        self.clock = clock
        self._lock = threading.Lock()
        self._down: dict[Origin, HostDown] = {}

    def down(self, origin: Origin) -> HostDown | None:
        with self._lock:
            found = self._down.get(origin)
            if found is not None and self.clock() - found.found_at >= self.cool_down:
                del self._down[origin]  # cooled down: the next call tries the host again
                return None
            return found

    def trip(self, origin: Origin, found: HostDown) -> None:
        with self._lock:
            self._down[origin] = found

    def answered(self, origin: Origin) -> bool:
        """The host answered (any HTTP status): it is there. True when its breaker was open."""
        with self._lock:
            return self._down.pop(origin, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._down.clear()


BREAKERS = HostBreakers()
"""The process's breakers: every `GatewayClient` uses them unless given others."""


# --- how many requests at once ---------------------------------------------------------------------

class ConcurrencyLimit:
    """How many requests may be in flight to one gateway: additive increase, multiplicative decrease.

    Starts at `maximum`; a 429 halves it (not below 1); `limit` answers in a row that were not
    throttled grow it by one, never above `maximum`. Only answers to requests sent since the last
    halving count: a burst sent at 8 that meets the quota halves the limit once, not once per 429.
    """

    def __init__(self, maximum: int):
        if maximum < 1:
            raise ValueError("a concurrency limit is at least 1")
        self.maximum = maximum
        self.limit = maximum
        self.in_flight = 0
        self._streak = 0  # answers in a row not throttled, toward the next growth
        self._epoch = 0  # bumps on every halving: requests sent before it are told apart
        self._changed = threading.Condition()

    def acquire(self, stop: threading.Event | None = None) -> int:
        """Wait for a free slot (or raise `Stopped` once `stop` is set); the epoch to give `release`."""
        with self._changed:
            while self.in_flight >= self.limit:
                if stop is not None and stop.is_set():
                    raise Stopped
                self._changed.wait(STOP_POLL if stop is not None else None)
            self.in_flight += 1
            return self._epoch

    def release(self, epoch: int, throttled: bool | None) -> str | None:
        """Free a slot. `throttled`: True for a 429, False for another answer, None when the answer says
        nothing about the quota (none came, or a 5xx). Returns "shrink" or "growth" when the limit moved."""
        with self._changed:
            self.in_flight -= 1
            change = None
            if throttled:
                self._streak = 0
                change = self._halve() if epoch == self._epoch else None
            elif throttled is False and epoch == self._epoch:
                change = self._grow()
            self._changed.notify_all()
            return change

    def set_maximum(self, maximum: int) -> None:
        if maximum < 1:
            raise ValueError("a concurrency limit is at least 1")
        with self._changed:
            self.maximum = maximum
            self.limit = min(self.limit, maximum)  # a higher maximum is reached by growing, as after a 429
            self._changed.notify_all()

    def _halve(self) -> str | None:
        self._epoch += 1
        halved = max(1, self.limit // 2)
        changed, self.limit = halved != self.limit, halved
        return "shrink" if changed else None

    def _grow(self) -> str | None:
        if self.limit >= self.maximum:
            return None
        self._streak += 1
        if self._streak < self.limit:
            return None
        self._streak = 0
        self.limit += 1
        return "growth"


class ConcurrencyLimits:
    """One `ConcurrencyLimit` per gateway (scheme, host, port), shared by the clients of a process: the
    gateway's quota holds whichever system a client reads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._limits: dict[Origin, ConcurrencyLimit] = {}

    def of(self, origin: Origin, maximum: int) -> ConcurrencyLimit:
        """The gateway's limit; the maximum of the latest client holds (they come from one setting)."""
        with self._lock:
            limit = self._limits.get(origin)
            if limit is None:
                limit = self._limits[origin] = ConcurrencyLimit(maximum)
            else:
                limit.set_maximum(maximum)
            return limit

    def clear(self) -> None:
        with self._lock:
            self._limits.clear()


LIMITS = ConcurrencyLimits()
"""The process's concurrency limits: every `GatewayClient` uses them unless given others."""


_stopping = threading.local()


@contextmanager
def stopped_by(event: threading.Event) -> Iterator[None]:
    """Inside the block, the calls of this thread raise `Stopped` once `event` is set: before an attempt,
    while waiting for a slot, while waiting to retry. A request already on the wire runs to its end."""
    previous = getattr(_stopping, "event", None)
    _stopping.event = event
    try:
        yield
    finally:
        _stopping.event = previous


def _stop_event() -> threading.Event | None:
    return getattr(_stopping, "event", None)


def _raise_if_stopped() -> None:
    stop = _stop_event()
    if stop is not None and stop.is_set():
        raise Stopped


def _pause(seconds: float) -> None:
    """The wait before a retry: cut short by a stop request."""
    stop = _stop_event()
    if stop is None:
        time.sleep(seconds)
    elif stop.wait(seconds):
        raise Stopped


@dataclass
class GatewayResponse:
    """A 2xx answer whose body is valid JSON (and passed the caller's check)."""

    status: int
    headers: CaseInsensitiveDict
    content: bytes = field(repr=False)
    url: str = field(repr=False)  # the full URL asked, to resolve relative links; never put it in messages
    _parsed: Any = field(default=None, repr=False)

    def json(self) -> Any:
        return self._parsed

    @property
    def links(self) -> dict[str, dict[str, str]]:
        """The `Link` header by relation (`links["next"]["url"]`), as requests reads it."""
        header = self.headers.get("Link")
        if not header:
            return {}
        return {link.get("rel") or link["url"]: link for link in parse_header_links(header)}


@dataclass
class _CallState:
    """What one call remembers across its attempts."""

    token_refused_last: bool = False  # the previous answer was 401: the next one is not forgiven
    attempt_began: float = 0.0  # time.monotonic() at the start of the current attempt
    absent_in_a_row: int = 0  # attempts in a row that found the host not there
    absent_since: float = 0.0  # start of the first of them


class _StopWhenAbsent(stop_base):
    """Stop after `attempts` tries in a row that found the host not there, or when the next wait would
    end past `window` seconds after the first of them."""

    def __init__(self, state: _CallState, attempts: int, waits: tuple[float, ...], window: float):
        self.state, self.attempts, self.waits, self.window = state, attempts, waits, window

    def __call__(self, retry_state: RetryCallState) -> bool:
        state = self.state
        if not state.absent_in_a_row:
            return False
        next_wait = self.waits[min(state.absent_in_a_row - 1, len(self.waits) - 1)]
        return (state.absent_in_a_row >= self.attempts
                or time.monotonic() + next_wait - state.absent_since > self.window)


class _WaitRetryAfterOrBackoff(wait_base):
    """Honour the server's Retry-After (capped); a host not there: the short fixed waits; otherwise
    exponential backoff with jitter."""

    def __init__(self, backoff: wait_base, cap: float, state: _CallState | None = None,
                 absent_waits: tuple[float, ...] = ABSENT_WAITS):
        self.backoff = backoff
        self.cap = cap
        self.state = state
        self.absent_waits = absent_waits

    def __call__(self, retry_state: RetryCallState) -> float:
        failure = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(failure, _Retry) and failure.retry_after is not None:
            return min(failure.retry_after, self.cap)
        if isinstance(failure, _Retry) and failure.kind == "absent" and self.state and self.state.absent_in_a_row:
            return self.absent_waits[min(self.state.absent_in_a_row - 1, len(self.absent_waits) - 1)]
        return self.backoff(retry_state)


class GatewayClient:
    """Calls the gateway of systems 1–4. Use as a context manager, or call `close()`."""

    def __init__(self, base_url: str, client_id: str, client_secret: Secret, *,
                 timeout: tuple[float, float] = (5.0, 60.0), max_attempts: int = 8,
                 max_retry_after: float = 60.0, backoff_initial: float = 0.5, backoff_max: float = 30.0,
                 absent_attempts: int = ABSENT_ATTEMPTS, absent_waits: tuple[float, ...] = ABSENT_WAITS,
                 absent_window: float = ABSENT_WINDOW, breakers: HostBreakers | None = None,
                 max_concurrency: int = DEFAULT_MAX_CONCURRENCY, limits: ConcurrencyLimits | None = None,
                 session: requests.Session | None = None):
        if not isinstance(client_secret, Secret):
            raise TypeError("client_secret must be a Secret, so that it cannot be printed")
        if max_attempts < 1 or absent_attempts < 1 or max_concurrency < 1:
            raise ValueError("max_attempts, absent_attempts and max_concurrency must be at least 1")
        if not absent_waits:
            raise ValueError("absent_waits must hold at least one wait")
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_retry_after = max_retry_after
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.absent_attempts = absent_attempts
        self.absent_waits = tuple(absent_waits)
        self.absent_window = absent_window
        self.breakers = BREAKERS if breakers is None else breakers
        self.max_concurrency = max_concurrency
        self._own_session = session is None
        self.session = session or _pooled_session(max_concurrency)
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self._token_lock = threading.Lock()
        self._token: Secret | None = None  # wrapped too: tokens are secrets (spec/sources.md)
        self._token_good_until = 0.0
        base = urlsplit(self.base_url)
        self._origin = (base.scheme.lower(), base.hostname.lower() if base.hostname else "",
                        base.port or _default_port(base.scheme))
        self._base_path = base.path.rstrip("/")
        self.address = _address(*self._origin)  # scheme://host:port: no credentials, path or query
        self.concurrency = (LIMITS if limits is None else limits).of(self._origin, max_concurrency)

    # --- public ----------------------------------------------------------------------------------

    def get(self, system: str, path: str, params: dict | None = None, *,
            check: Callable[[Any], None] | None = None) -> GatewayResponse:
        """GET `{base}{path}` with `params`; retried as the module docstring says."""
        return self._call(system, path, self.base_url + path, params, check)

    def get_url(self, system: str, url: str, *, check: Callable[[Any], None] | None = None) -> GatewayResponse:
        """GET an absolute URL the gateway handed out (a next link); only under the base URL."""
        path = urlsplit(url).path
        if not self.owns(url):
            raise SourceError(system, "refused to follow a URL outside the gateway's base URL",
                              "The token is only sent to CCHC_LGSP_URL; this is a contract change", path=path)
        return self._call(system, path, url, None, check)

    def owns(self, url: str) -> bool:
        """Whether `url` lies under the base URL: same scheme, host, port and path prefix."""
        try:
            parts = urlsplit(url)
            origin = (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or _default_port(parts.scheme))
        except ValueError:  # a port that is not a number
            return False
        return origin == self._origin and (parts.path == self._base_path
                                           or parts.path.startswith(self._base_path + "/"))

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> GatewayClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GatewayClient({self.base_url!r}, client_id={self.client_id!r})"

    # --- the retry loop --------------------------------------------------------------------------

    def fetch_token(self) -> None:
        """Ask for an access token now (`cchc doctor`), retried and reported like any call."""
        self._retried(GATEWAY, TOKEN_PATH, lambda state: self._bearer())

    def _call(self, system: str, path: str, url: str, params: dict | None,
              check: Callable[[Any], None] | None) -> GatewayResponse:
        return self._retried(system, path, lambda state: self._exchange(system, path, url, params, check, state))

    def _retried(self, system: str, path: str, exchange: Callable[[_CallState], Any]) -> Any:
        state = _CallState()
        retrying = Retrying(
            stop=(stop_after_attempt(self.max_attempts)
                  | _StopWhenAbsent(state, self.absent_attempts, self.absent_waits, self.absent_window)),
            wait=_WaitRetryAfterOrBackoff(self._backoff(), self.max_retry_after, state, self.absent_waits),
            retry=retry_if_exception_type(_Retry),
            before_sleep=lambda retry_state: self._log_retry(system, path, retry_state, state),
            sleep=_pause,
        )
        try:
            return retrying(self._attempt, system, path, exchange, state)
        except RetryError as gave_up:
            attempt = gave_up.last_attempt
            failure = attempt.exception()
            if isinstance(failure, _Retry) and failure.kind == "absent":
                raise self._host_not_there(system, path, failure, attempt.attempt_number, state) from None
            raise self._give_up(system, path, failure, attempt.attempt_number) from None

    def _backoff(self) -> wait_base:
        """Exponential backoff with jitter (what `wait_exponential_jitter(initial=…)` does; its
        `initial` is deprecated in tenacity 9.2 and its replacement missing before): the jitter is
        proportional to the first wait, so that tiny backoffs in tests stay tiny."""
        return (wait_exponential(multiplier=self.backoff_initial, max=self.backoff_max)
                + wait_random(0, min(self.backoff_initial, self.backoff_max)))

    def _attempt(self, system: str, path: str, exchange: Callable[[_CallState], Any], state: _CallState) -> Any:
        _raise_if_stopped()
        state.attempt_began = time.monotonic()
        self._fail_if_known_down(system, path)
        try:
            return exchange(state)
        except _Retry as failure:
            if failure.kind != "absent":
                state.absent_in_a_row = 0
            elif not state.absent_in_a_row:
                state.absent_in_a_row, state.absent_since = 1, state.attempt_began
            else:
                state.absent_in_a_row += 1
            raise

    def _exchange(self, system: str, path: str, url: str, params: dict | None,
                  check: Callable[[Any], None] | None, state: _CallState) -> GatewayResponse:
        token = self._bearer()
        response = self._send(system, path, url, params, token)
        if response.status_code == 401 and not state.token_refused_last:
            # the token was revoked before its time (gateway restart): a new one, and once more now
            self._token_refused(system, path, token)
            token = self._bearer()
            response = self._send(system, path, url, params, token)
        if response.status_code == 401:
            state.token_refused_last = True
            self._token_refused(system, path, token)
            raise _Retry("token", "HTTP 401 with a fresh access token", 401)
        state.token_refused_last = False
        return self._accept(system, path, response, check)

    def _accept(self, system: str, path: str, response: requests.Response,
                check: Callable[[Any], None] | None) -> GatewayResponse:
        status = response.status_code
        if 200 <= status < 300:
            content = response.content
            try:
                parsed = orjson.loads(content)
            except orjson.JSONDecodeError:
                self._count("malformed")
                raise _Retry("malformed", f"HTTP {status} with a body that is not JSON", status) from None
            if check is not None:
                try:
                    check(parsed)  # the parsed body: a page is parsed once
                except Transient as failure:
                    self._count("source_errors")
                    raise _Retry("source", f"{failure} under HTTP {status}", status) from None
            return GatewayResponse(status, response.headers, content, response.url, parsed)
        if status == 429:
            self._count("throttled")
            raise _Retry("throttled", "HTTP 429 throttled", 429, _retry_after(response.headers.get("Retry-After")))
        if status in RETRIED_STATUSES:
            self._count("gateway_faults")
            raise _Retry("gateway", f"HTTP {status} gateway fault", status,
                         _retry_after(response.headers.get("Retry-After")))  # a 503 may say when to come back
        self._count("refused")
        hint = REFUSED_HINTS.get(status, REDIRECT_HINT if 300 <= status < 400 else REFUSED_HINT)
        raise SourceError(system, f"HTTP {status} {_reason(status)}", hint,
                          path=path, status=status, attempts=1)

    def _give_up(self, system: str, path: str, failure: BaseException | None, attempts: int) -> SourceError:
        kind = failure.kind if isinstance(failure, _Retry) else "gateway"
        problem = failure.problem if isinstance(failure, _Retry) else "an unexpected failure"
        status = failure.status if isinstance(failure, _Retry) else None
        log.warning("%s %s: giving up after %d attempts (last: %s)", system, path, attempts, problem)
        return SourceError(system, f"no good answer after {attempts} attempts (last: {problem})",
                           GIVE_UP_HINTS[kind], path=path, status=status, attempts=attempts)

    # --- a host that is not there ----------------------------------------------------------------

    def _fail_if_known_down(self, system: str, path: str) -> None:
        """Fail at once, without a request, while the breaker of this client's host is open."""
        found = self.breakers.down(self._origin)
        if found is None:
            return
        self._count("host_down")
        age = self.breakers.clock() - found.found_at
        left = math.ceil(max(0.0, self.breakers.cool_down - age))
        raise SourceError(system, f"{found.problem} (found down {_secs(age)} s ago after {found.attempts} attempts "
                                  f"in {_secs(found.seconds)} s; not tried again for another {left} s)",
                          found.hint, path=path, attempts=0)

    def _host_not_there(self, system: str, path: str, failure: _Retry, attempts: int,
                        state: _CallState) -> SourceError:
        """Give up on a host that is not there, and open its breaker for every client of the process."""
        seconds = time.monotonic() - state.absent_since
        tries = state.absent_in_a_row
        hint = ABSENCE[(failure.absence or "refused").partition(":")[0]][1]
        problem = failure.problem
        self.breakers.trip(self._origin, HostDown(problem, hint, tries, seconds, self.breakers.clock()))
        attempts_text = f"{tries} attempt{'s' if tries != 1 else ''}"
        log.error("%s %s: %s after %s in %.1f s; every call to it fails at once for the next %.0f s",
                  system, path, problem, attempts_text, seconds, self.breakers.cool_down)
        return SourceError(system, f"{problem} ({attempts_text} in {_secs(seconds)} s)", hint, path=path,
                           attempts=attempts)

    def _log_retry(self, system: str, path: str, retry_state: RetryCallState, state: _CallState) -> None:
        self._count("retries")
        failure = retry_state.outcome.exception() if retry_state.outcome else None
        problem = failure.problem if isinstance(failure, _Retry) else type(failure).__name__
        wait = retry_state.next_action.sleep if retry_state.next_action else 0.0
        at_most = self.max_attempts
        if isinstance(failure, _Retry) and failure.kind == "absent":
            at_most = min(at_most, retry_state.attempt_number - state.absent_in_a_row + self.absent_attempts)
        # the problem names the HTTP status when there was one; never headers, query strings or bodies
        log.warning("%s %s: %s; attempt %d of %d failed, retrying in %.2f s", system, path, problem,
                    retry_state.attempt_number, at_most, wait)

    # --- sending ---------------------------------------------------------------------------------

    def _send(self, system: str, path: str, url: str, params: dict | None, token: Secret) -> requests.Response:
        return self._transport(system, path, "GET", url, params=params, auth=_BearerAuth(token),
                               headers={"Accept": "application/json"})

    def _transport(self, system: str, path: str, method: str, url: str, **kwargs) -> requests.Response:
        """One HTTP exchange; failures of the network become retryable, their text is never kept."""
        self._count("requests")
        stage = " at the token endpoint" if path == TOKEN_PATH else ""
        try:
            response = self._request(method, url, **kwargs)
        except requests.Timeout:
            self._count("timeouts")
            raise _Retry("timeout", f"no answer in time{stage}") from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as failure:
            absence = _absence(failure)
            if absence is not None:
                self._count("absent")
                kind, _, why = absence.partition(":")
                problem = f"the gateway at {self.address} " + ABSENCE[kind][0].format(host=self._origin[1], why=why)
                raise _Retry("absent", problem, absence=absence) from None
            self._count("dropped")
            what = "the gateway could not be reached" if _unreachable(failure) else "the connection was dropped"
            raise _Retry("connection", what + stage) from None
        except requests.RequestException:
            raise SourceError(system, "the request could not be sent",
                              "Check CCHC_LGSP_URL: it must be an http:// or https:// URL", path=path) from None
        if self.breakers.answered(self._origin):
            log.info("the gateway at %s answers again", self.address)
        return response

    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        """One request on the wire, holding a slot of the gateway's concurrency limit meanwhile."""
        epoch = self.concurrency.acquire(_stop_event())
        throttled = None  # no answer: nothing learnt about the quota
        try:
            # no redirects: the Authorization header must never follow a redirect elsewhere
            response = self.session.request(method, url, timeout=self.timeout, allow_redirects=False, **kwargs)
            throttled = _throttled(response.status_code)
            return response
        finally:
            self._limit_moved(self.concurrency.release(epoch, throttled))

    def _limit_moved(self, change: str | None) -> None:
        if change == "shrink":
            self._count("concurrency_shrinks")
            log.info("the gateway at %s throttles: at most %d requests at once now", self.address,
                     self.concurrency.limit)
        elif change == "growth":
            self._count("concurrency_growths")
            log.debug("the gateway at %s: %d requests at once now", self.address, self.concurrency.limit)

    # --- the token -------------------------------------------------------------------------------

    def _bearer(self) -> Secret:
        with self._token_lock:
            if self._token is None or time.monotonic() >= self._token_good_until:
                self._token, lifetime = self._fetch_token()
                margin = min(TOKEN_MARGIN_SECONDS, TOKEN_MARGIN_FRACTION * lifetime)
                self._token_good_until = time.monotonic() + lifetime - margin
            return self._token

    def _token_refused(self, system: str, path: str, token: Secret) -> None:
        self._count("token_refreshes")
        log.info("%s %s: the gateway refused the access token (revoked early); fetching a new one", system, path)
        with self._token_lock:
            if self._token == token:  # another thread may already have fetched a new one
                self._token = None

    def _fetch_token(self) -> tuple[Secret, float]:
        self._count("tokens")
        response = self._transport(GATEWAY, TOKEN_PATH, "POST", self.base_url + TOKEN_PATH,
                                   data={"grant_type": "client_credentials"},
                                   auth=_BasicAuth(self.client_id, self._secret))
        status = response.status_code
        if status == 401:
            raise AuthError(GATEWAY, "the client credentials were refused (invalid_client)",
                            "Check CCHC_LGSP_CLIENT_ID / CCHC_LGSP_CLIENT_SECRET: they must be the credentials "
                            "issued to the inspection team", path=TOKEN_PATH, status=401, attempts=1)
        if status == 429:
            self._count("throttled")
            raise _Retry("throttled", "HTTP 429 throttled at the token endpoint", 429,
                         _retry_after(response.headers.get("Retry-After")))
        if status in RETRIED_STATUSES:
            self._count("gateway_faults")
            raise _Retry("gateway", f"HTTP {status} gateway fault at the token endpoint", status)
        if status != 200:
            raise SourceError(GATEWAY, f"HTTP {status} {_reason(status)} at the token endpoint",
                              "Check CCHC_LGSP_URL; the token endpoint must follow the contract",
                              path=TOKEN_PATH, status=status, attempts=1)
        return self._read_token(response.content)

    def _read_token(self, content: bytes) -> tuple[Secret, float]:
        try:
            body = orjson.loads(content)
            token, lifetime = body["access_token"], float(body.get("expires_in", 3600))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            self._count("malformed")
            raise _Retry("malformed", "a token answer without a usable access_token", 200) from None
        if not isinstance(token, str) or not token or lifetime <= 0:
            self._count("malformed")
            raise _Retry("malformed", "a token answer without a usable access_token", 200)
        return Secret(token), lifetime

    def _count(self, key: str) -> None:
        with self._stats_lock:
            self.stats[key] += 1


class _BearerAuth(AuthBase):
    """Adds the bearer token as the request is prepared: no frame's locals hold it in clear."""

    def __init__(self, token: Secret):
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token.reveal()}"
        return request


class _BasicAuth(AuthBase):
    """HTTP Basic with the client credentials, revealed only as the token request is prepared."""

    def __init__(self, client_id: str, secret: Secret):
        self.client_id = client_id
        self.secret = secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return HTTPBasicAuth(self.client_id, self.secret.reveal())(request)


def _pooled_session(connections: int) -> requests.Session:
    """A session that keeps a connection for each request in flight (requests keeps 10 by default)."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_maxsize=max(connections, DEFAULT_POOLSIZE))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _throttled(status: int) -> bool | None:
    """What an answer says about the gateway's quota: a 429 is over it; a 5xx says nothing."""
    if status == 429:
        return True
    return None if status >= 500 else False


def _retry_after(text: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None when unusable."""
    if text is None:
        return None
    text = text.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(text).timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if not math.isfinite(seconds):  # NaN or infinity: garbled
        return None
    return max(0.0, seconds)


def _causes(failure: BaseException):
    """The failure and everything it wraps: urllib3's `reason`, exception arguments, causes, contexts."""
    seen: set[int] = set()
    todo: list[BaseException] = [failure]
    while todo:
        error = todo.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        wrapped = [getattr(error, "reason", None), error.__cause__, error.__context__, *error.args]
        todo.extend(e for e in wrapped if isinstance(e, BaseException))


def _absence(failure: requests.RequestException) -> str | None:
    """Why no connection could be made when the host is not there: "refused", "unresolved" or
    "unreachable:<why>"; None for anything else (a timeout, a connection dropped mid-answer, a proxy)."""
    if isinstance(failure, requests.exceptions.ProxyError):
        return None  # the proxy, not the gateway, failed: retried as before
    causes = list(_causes(failure))
    if not any(isinstance(e, urllib3.exceptions.NewConnectionError) for e in causes):
        return None  # the connection was made: whatever happened next may pass
    for error in causes:
        if isinstance(error, urllib3.exceptions.NameResolutionError | socket.gaierror):
            return "unresolved"
        if isinstance(error, ConnectionRefusedError):
            return "refused"
        if isinstance(error, OSError) and error.errno in UNREACHABLE_ERRNOS:
            return f"unreachable:{UNREACHABLE_ERRNOS[error.errno]}"
    return None


def _address(scheme: str, host: str, port: int | None) -> str:
    """scheme://host:port of a gateway (an IPv6 host in brackets), as the lines about its host show it."""
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def _secs(seconds: float) -> str:
    return f"{seconds:.1f}" if seconds < 10 else f"{seconds:.0f}"


def _unreachable(failure: Exception) -> bool:
    """A connection that was never made (refused, unknown host), as opposed to one dropped."""
    reason = getattr(failure.args[0], "reason", None) if failure.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "unexpected status"


def _default_port(scheme: str) -> int | None:
    return {"http": 80, "https": 443}.get(scheme.lower())
