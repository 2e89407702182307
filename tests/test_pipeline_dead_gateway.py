"""Every raw asset against a gateway that is not there (a wrong CCHC_LGSP_URL), with the default policy
for such a host: the run fails in seconds, not minutes, and each gateway system's line says what to fix."""

from __future__ import annotations

import time

import pytest
from test_connector_http import closed_port

from connectors.http import BREAKERS
from pipeline_support import live_config, refresh, start_city
from pipelines.failures import run_failures
from sources import SYSTEMS, GatewayEndpoint

pytestmark = pytest.mark.e2e
GATEWAY_SYSTEMS = {s.name for s in SYSTEMS if isinstance(s.access, GatewayEndpoint)}  # the register waits for the directory


def test_a_dead_gateway_fails_the_whole_run_in_seconds(tmp_path, monkeypatch, capsys):
    city = start_city(tmp_path, live_config(tmp_path, days=5))
    address = f"http://127.0.0.1:{closed_port()}"
    try:
        env = {**city.env, "CCHC_LGSP_URL": f"{address}/gw"}  # the live city's database, a dead gateway
        monkeypatch.setattr(type(city), "env", property(lambda self: env))
        began = time.monotonic()
        result = refresh(city, monkeypatch)  # retries as in production for a host that is not there
        took = time.monotonic() - began
    finally:
        city.close()
        BREAKERS.clear()
    failures = run_failures(result)
    with capsys.disabled():
        print(f"\n[dead gateway] whole run failed in {took:.1f} s; lines:")
        for label, message in sorted(failures.items()):
            print(f"  {label}: {message}")
    assert not result.success and set(failures) == GATEWAY_SYSTEMS, failures  # the database system synced
    assert took < 30, f"{took:.1f} s (it took 5 min 20 s when every system waited for the host on its own)"
    for message in failures.values():
        assert f"the gateway at {address} refused the connection (" in message, message
        assert "CCHC_LGSP_URL" in message and "/gw" not in message
    found_down = [m for m in failures.values() if "found down" in m]
    assert len(found_down) == len(GATEWAY_SYSTEMS) - 1, "one system tried the host, the others learnt it from it"
