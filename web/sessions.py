"""Sessions, CSRF tokens and the login rate limit, kept in the server's memory.

A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie; the server keeps who it
belongs to and its CSRF token. A login always starts a new session (a token planted before the login
is never promoted: no session fixation), logging out ends it, and an idle session ends after
`IDLE_SECONDS`. Every form carries the session's CSRF token (the login form: a token of a pre-login
cookie), checked on every POST. Failed logins are counted per login name and per client address: after
`MAX_FAILURES` within `WINDOW_SECONDS`, logins from there are refused for `LOCK_SECONDS`.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from web.users import User

IDLE_SECONDS = 8 * 3600
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
MAX_KEYS = 10_000  # past this many login names and addresses remembered, the stale ones are forgotten


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a, b)


@dataclass
class Session:
    user: User
    csrf: str = field(default_factory=new_token)
    last_seen: float = 0.0


class Sessions:
    def __init__(self, idle_seconds: float = IDLE_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.idle_seconds, self.clock = idle_seconds, clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, user: User) -> tuple[str, Session]:
        now = self.clock()
        token, session = new_token(), Session(user, last_seen=now)
        with self._lock:
            for old in [t for t, s in self._sessions.items() if now - s.last_seen > self.idle_seconds]:
                del self._sessions[old]  # sessions left idle, never seen again, do not pile up
            self._sessions[token] = session
        return token, session

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if now - session.last_seen > self.idle_seconds:
                del self._sessions[token]
                return None
            session.last_seen = now
            return session

    def end(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)


class LoginLimiter:
    """Failed logins per key (the login name, the client address) in a sliding window."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS, lock: float = LOCK_SECONDS,
                 max_keys: int = MAX_KEYS, clock: Callable[[], float] = time.monotonic):
        self.max_failures, self.window, self.lock_seconds, self.max_keys = max_failures, window, lock, max_keys
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked(self, *keys: str) -> float:
        """Seconds until a login with these keys may be tried again (0: now)."""
        now = self.clock()
        with self._lock:
            return max([self._locked_until.get(k, 0) - now for k in keys] + [0.0])

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                recent = self._failures[key]
                recent.append(now)
                while recent and now - recent[0] > self.window:
                    recent.popleft()
                if len(recent) >= self.max_failures:
                    self._locked_until[key] = now + self.lock_seconds
                    recent.clear()
            if len(self._failures) + len(self._locked_until) > self.max_keys:
                self._prune(now)

    def _prune(self, now: float) -> None:
        """Forget failures out of the window and ended locks (random login names must not fill the memory)."""
        for key in [k for k, recent in self._failures.items() if not recent or now - recent[-1] > self.window]:
            del self._failures[key]
        for key in [k for k, until in self._locked_until.items() if until <= now]:
            del self._locked_until[key]

    def succeeded(self, login_key: str) -> None:
        with self._lock:
            self._failures.pop(login_key, None)
