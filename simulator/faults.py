"""Faults the gateway can inject, each at a configured rate, deterministic for a seed.

Off by default. Configure with `--faults` or the env variable CCHC_SIM_FAULTS, e.g.
`throttle=0.05,gateway=0.05,motcua_error=0.05,token_expiry=0.01,slow=0.02,drop=0.02,shift=0.1`.
`shift` is not a fault of the gateway but of the world: a record already served in the window being
walked is updated, so later rows of an offset walk move one place back and the total drops.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, fields

from simulator.rng import stable_int

KINDS = ("drop", "slow", "throttle", "gateway", "token_expiry", "motcua_error", "shift")


@dataclass
class FaultConfig:
    drop: float = 0.0  # connection closed without an answer
    slow: float = 0.0  # answer delayed by slow_seconds
    throttle: float = 0.0  # 429 with Retry-After
    gateway: float = 0.0  # 502/503/504 with an HTML body
    token_expiry: float = 0.0  # 401 fault 900901: the token was revoked (gateway restart)
    motcua_error: float = 0.0  # HTTP 200 with error_code "-1"
    shift: float = 0.0  # a record already served by an offset walk is updated
    retry_after: int = 1
    slow_seconds: float = 2.0

    @classmethod
    def parse(cls, text: str | None) -> FaultConfig:
        config = cls()
        if not text:
            return config
        known = {f.name: f.type for f in fields(cls)}
        for item in text.split(","):
            if not item.strip():
                continue
            name, _, value = item.partition("=")
            name = name.strip()
            if name not in known:
                raise ValueError(f"unknown fault {name!r}; known: {', '.join(known)}")
            number = float(value)
            if name in KINDS and not 0 <= number <= 1:
                raise ValueError(f"fault rate {name} must be between 0 and 1")
            setattr(config, name, int(number) if name == "retry_after" else number)
        return config

    def describe(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class FaultInjector:
    """Draws, per request, which fault (if any) happens; counts what it injected."""

    def __init__(self, config: FaultConfig, seed: int):
        self.config = config
        self._rng = random.Random(stable_int(seed, "faults"))
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self.requests = 0

    def draw(self, candidates: tuple[str, ...]) -> set[str]:
        """The faults that hit this request. One draw per kind, in a fixed order, so runs repeat."""
        hits = set()
        with self._lock:
            self.requests += 1
            for kind in KINDS:
                rate = getattr(self.config, kind)
                if kind in candidates and rate > 0 and self._rng.random() < rate:
                    hits.add(kind)
            # one failure per answer: the first in KINDS order wins; slow and shift combine with others
            failure = next((k for k in KINDS if k in hits and k not in ("slow", "shift")), None)
            hits = {k for k in hits if k in ("slow", "shift") or k == failure}
            for kind in hits - {"shift"}:
                self.injected[kind] += 1
        return hits

    def record(self, kind: str) -> None:
        """Count a fault whose effect happened later than the draw (a shift happens after a page)."""
        with self._lock:
            self.injected[kind] += 1
