"""Every simulator fault at a high rate, one at a time and all together: nothing lost, nothing doubled.
The matrix prints faults injected per kind, and records lost and duplicated (both must be 0)."""

from __future__ import annotations

import time

import duckdb
import pytest

from pipeline_support import (
    WORLD_TABLE,
    assert_equal_to_truth,
    expected_rows,
    live_config,
    moved_since,
    refresh,
    start_city,
)
from simulator.faults import FaultConfig
from sources import raw_tables

RAW_TABLES = raw_tables()

MATRIX: dict[str, dict] = {}
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
            lost += len(expected_rows(city.world, table).keys() - set(keys) - moved)
    return lost, doubled


@pytest.mark.parametrize("fault", list(HIGH))
def test_fault_at_a_high_rate_loses_and_doubles_nothing(tmp_path, monkeypatch, fault):
    city = start_city(tmp_path, live_config(tmp_path, days=20, scale=0.05), HIGH[fault])
    try:
        began = int(time.time())
        assert refresh(city, monkeypatch, max_attempts=25).success
        moved = moved_since(city, began)
        lost, doubled = _lost_and_doubled(city, moved)
        injected = dict(city.server.gateway.faults.injected)
        requests = city.server.gateway.faults.requests
        city.set_faults(FaultConfig())
        assert refresh(city, monkeypatch).success  # the next quiet night converges exactly
        assert_equal_to_truth(city)
        MATRIX[fault] = {"requests": requests, "injected": injected, "lost": lost, "doubled": doubled}
        assert lost == 0 and doubled == 0
        if fault != "all at once":
            assert injected.get(fault, 0) > 0, injected
    finally:
        city.close()


def test_print_the_matrix():
    for fault, row in MATRIX.items():
        print(f"{fault:12} requests {row['requests']:4}  injected {row['injected']}  lost {row['lost']}  "
              f"doubled {row['doubled']}")
    assert set(WORLD_TABLE.values()) >= {"qlvb", "motcua"}
