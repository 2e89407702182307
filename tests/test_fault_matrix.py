"""Every simulator fault at a high rate, one at a time and all together: nothing lost, nothing doubled.
Each row asserts its fault was really injected, and records lost and duplicated are both 0."""

from __future__ import annotations

import duckdb
import pytest

from pipeline_support import (
    assert_equal_to_truth,
    clock_epoch,
    expected_rows,
    live_config,
    moved_since,
    refresh,
    start_city,
)
from simulator.faults import FaultConfig
from sources import raw_tables

RAW_TABLES = raw_tables()

pytestmark = pytest.mark.e2e
HIGH = {
    "throttle": FaultConfig(throttle=0.4, retry_after=0),
    "gateway": FaultConfig(gateway=0.4),
    "motcua_error": FaultConfig(motcua_error=0.5),
    "token_expiry": FaultConfig(token_expiry=0.3),
    "drop": FaultConfig(drop=0.3),
    "slow": FaultConfig(slow=0.5, slow_seconds=0.05),
    "shift": FaultConfig(shift=0.5),
    "all at once": FaultConfig(throttle=0.15, gateway=0.15, motcua_error=0.2, token_expiry=0.1, drop=0.1,
                               slow=0.1, slow_seconds=0.02, shift=0.2, retry_after=0),
}


def _lost_and_doubled(city, moved) -> tuple[int, int]:
    lost = doubled = 0
    with duckdb.connect(str(city.state_path), read_only=True) as con:
        for table, spec in RAW_TABLES.items():
            keys = [k for (k,) in con.sql(f'SELECT "{spec.key}" FROM raw.{table}').fetchall()]
            doubled += len(keys) - len(set(keys))
            lost += len(expected_rows(city.world, table, city.register_dir).keys() - set(keys) - moved)
    return lost, doubled


@pytest.mark.parametrize("fault", list(HIGH))
def test_fault_at_a_high_rate_loses_and_doubles_nothing(tmp_path, monkeypatch, fault):
    city = start_city(tmp_path, live_config(tmp_path, days=20, scale=0.05), HIGH[fault])
    try:
        began = clock_epoch()
        assert refresh(city, monkeypatch, max_attempts=25).success
        moved = moved_since(city, began)
        lost, doubled = _lost_and_doubled(city, moved)
        injected = dict(city.server.gateway.faults.injected)
        city.set_faults(FaultConfig())
        assert refresh(city, monkeypatch).success  # the next quiet night converges exactly
        assert_equal_to_truth(city)
        assert (lost, doubled) == (0, 0)
        if fault == "all at once":
            assert len(injected) >= 5, injected
        else:
            assert injected.get(fault, 0) > 0, injected
    finally:
        city.close()
