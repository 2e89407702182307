"""Each gateway fault appears at its configured rate, deterministically for a seed, and never when off."""

from __future__ import annotations

import math
from collections import Counter

import pytest
import requests

from conftest import serve
from simulator.faults import FaultConfig
from simulator.server import Credentials

pytestmark = pytest.mark.e2e

N = 800


def _token(base: str) -> str:
    c = Credentials()
    return requests.post(f"{base}/token", data={"grant_type": "client_credentials"},
                         auth=(c.client_id, c.client_secret), timeout=10).json()["access_token"]


def _outcomes(world, faults: FaultConfig, n: int = N) -> tuple[list[str], Counter]:
    """Call the one-stop shop n times; classify every answer the way a connector must."""
    server = serve(world, faults)
    out = []
    try:
        token = _token(server.url)
        for _ in range(n):
            try:
                r = requests.get(f"{server.url}/motcua/v1/ho-so", params={"SoLuong": 5},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=10)
            except requests.ConnectionError:
                out.append("drop")
                continue
            if r.status_code == 429:
                assert r.json()["fault"]["code"] == 900802 and r.headers["Retry-After"] == str(faults.retry_after)
                out.append("throttle")
            elif r.status_code in (502, 503, 504):
                assert r.headers["Content-Type"].startswith("text/html") and b"<html>" in r.content
                out.append("gateway")
            elif r.status_code == 401:
                assert r.json()["fault"]["code"] == 900901
                out.append("token_expiry")
                token = _token(server.url)  # fetch a new token once, as the contract says
            elif r.json()["error_code"] == "-1":
                assert r.status_code == 200 and r.json()["result"] is None
                out.append("motcua_error")
            else:
                assert r.status_code == 200 and r.json()["error_code"] == "0"
                out.append("ok")
        injected = server.gateway.faults.injected.copy()
    finally:
        server.stop()
    return out, injected


def _within(count: int, n: int, p: float) -> bool:
    sigma = math.sqrt(n * p * (1 - p))
    return abs(count - n * p) <= 4.5 * sigma + 1


def test_faults_appear_at_their_configured_rates(small_world):
    faults = FaultConfig(drop=0.04, slow=0.03, throttle=0.08, gateway=0.06, token_expiry=0.05, motcua_error=0.07,
                         slow_seconds=0.001, retry_after=2)
    outcomes, injected = _outcomes(small_world, faults)
    seen = Counter(outcomes)
    # one failure per answer, the first in order drop, throttle, gateway, token_expiry, motcua_error wins
    surviving = 1.0
    for kind in ("drop", "throttle", "gateway", "token_expiry", "motcua_error"):
        p = getattr(faults, kind) * surviving
        assert _within(seen[kind], N, p), f"{kind}: {seen[kind]} of {N}, expected about {N * p:.0f}"
        assert injected[kind] == seen[kind]
        surviving *= 1 - getattr(faults, kind)
    assert _within(injected["slow"], N, faults.slow)


def test_faults_repeat_for_the_same_seed(small_world):
    faults = FaultConfig(throttle=0.1, gateway=0.1, motcua_error=0.1, drop=0.05)
    first, _ = _outcomes(small_world, faults, 200)
    second, _ = _outcomes(small_world, faults, 200)
    assert first == second and set(first) > {"ok"}


def test_no_fault_when_off(small_world):
    outcomes, injected = _outcomes(small_world, FaultConfig(), 300)
    assert set(outcomes) == {"ok"} and not injected


def test_fault_spec_parsing():
    config = FaultConfig.parse("throttle=0.05, gateway=0.1,retry_after=3,slow_seconds=0.5")
    assert (config.throttle, config.gateway, config.retry_after, config.slow_seconds) == (0.05, 0.1, 3, 0.5)
    for bad in ("nonsense=1", "throttle=2"):
        try:
            FaultConfig.parse(bad)
        except ValueError as exc:
            assert bad.split("=")[0] in str(exc) or "between" in str(exc)
        else:
            raise AssertionError(f"{bad} accepted")
