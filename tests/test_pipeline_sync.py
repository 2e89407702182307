"""Connectors end to end: the raw tables equal the sources' truth, whatever the gateway does."""

from __future__ import annotations

import duckdb
import pytest

from pipeline_support import (
    assert_equal_to_truth,
    clock_epoch,
    cursors,
    held_rows,
    live_config,
    moved_since,
    refresh,
    start_city,
)
from simulator.faults import FaultConfig
from simulator.timeutil import DAY
from sources import raw_tables

pytestmark = pytest.mark.e2e

RAW_TABLES = raw_tables()

EVERY_FAULT = FaultConfig(throttle=0.15, gateway=0.15, motcua_error=0.25, token_expiry=0.1, slow=0.05,
                          drop=0.1, shift=0.2, retry_after=0, slow_seconds=0.01)


@pytest.fixture
def city(tmp_path, clock):
    c = start_city(tmp_path, live_config(tmp_path))
    yield c
    c.close()


def test_refresh_equals_truth_with_every_fault_on(tmp_path, monkeypatch):
    city = start_city(tmp_path, live_config(tmp_path, scale=0.05), EVERY_FAULT)
    began = clock_epoch()
    result = refresh(city, monkeypatch, max_attempts=15)
    assert result.success
    moved = moved_since(city, began)  # re-saved by clerks during the run: after its window, due next run
    counts = assert_equal_to_truth(city, moved)
    injected = dict(city.server.gateway.faults.injected)
    print(f"faults injected in {city.server.gateway.faults.requests} requests: {injected}")
    assert {"throttle", "gateway", "motcua_error", "token_expiry", "drop", "shift"} <= set(injected), injected
    assert counts["qlvb_van_ban"] > 1000 and counts["motcua_ho_so"] > 500
    city.set_faults(FaultConfig(**{**EVERY_FAULT.describe(), "shift": 0.0}))
    assert refresh(city, monkeypatch, max_attempts=15).success
    assert_equal_to_truth(city)  # the next run converges exactly, faults and all
    city.close()


def test_malformed_records_go_to_rejects_and_the_run_succeeds(city, monkeypatch):
    result = refresh(city, monkeypatch)
    assert result.success
    with duckdb.connect(str(city.state_path), read_only=True) as con:
        rejects = con.sql("SELECT system, source_table, record_id, reason FROM meta.rejects").fetchall()
    bad = {s: city.world.malformed_keys(s) for s in ("qlvb", "motcua", "baocao", "nhiemvu", "don_thu", "tiep_cong_dan")}
    assert sum(map(len, bad.values())) >= 1
    assert len(rejects) == sum(map(len, bad.values()))
    assert all(reason and ":" in reason for *_r, reason in rejects)
    materialized = {e.asset_key.path[-1]: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert sum(m["rows_rejected"].value for m in materialized.values()) == len(rejects)


def test_second_run_without_source_changes_changes_nothing(city, monkeypatch):
    assert refresh(city, monkeypatch).success
    before = {t: held_rows(city.state_path, t) for t in RAW_TABLES}
    result = refresh(city, monkeypatch)
    assert result.success
    assert {t: held_rows(city.state_path, t) for t in RAW_TABLES} == before
    for event in result.get_asset_materialization_events():
        meta = event.materialization.metadata
        if event.asset_key.path[-1] not in ("directory",):
            assert meta["rows_new"].value == 0 and meta["rows_updated"].value == 0, event.asset_key


@pytest.mark.hard_instants
def test_incremental_run_picks_up_updates_late_arrivals_and_shifted_rows(city, monkeypatch):
    assert refresh(city, monkeypatch).success
    first = cursors(city.state_path)
    documents = city.world.store.stats()["qlvb"]["current"]
    for _day in range(7):  # days of city life (completions, returns), past a weekend or a holiday, until new records
        city.advance(DAY)
        if city.world.store.stats()["qlvb"]["current"] > documents:
            break
    for system in ("qlvb", "motcua", "baocao", "nhiemvu", "don_thu", "tiep_cong_dan"):
        city.world.touch(system, 5, late_seconds=2 * DAY)  # stamped two days ago, visible only now
    city.set_faults(FaultConfig(shift=0.3))  # and clerks keep saving while the run pages
    began = clock_epoch()
    result = refresh(city, monkeypatch)
    assert result.success
    city.set_faults(FaultConfig())
    assert_equal_to_truth(city, moved_since(city, began))
    assert refresh(city, monkeypatch).success
    assert_equal_to_truth(city)
    assert all(cursors(city.state_path)[s] > first[s] for s in first)
    windows = {e.asset_key.path[-1]: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert windows["qlvb"]["rows_updated"].value > 0 and windows["qlvb"]["rows_new"].value > 0


@pytest.mark.hard_instants
def test_window_starts_a_lookback_before_the_cursor(city, monkeypatch):
    assert refresh(city, monkeypatch).success
    result = refresh(city, monkeypatch)
    meta = {e.asset_key.path[-1]: e.materialization.metadata for e in result.get_asset_materialization_events()}
    from datetime import datetime
    lo = datetime.fromisoformat(meta["motcua"]["window_from"].value)
    hi = datetime.fromisoformat(meta["motcua"]["window_to"].value)
    assert 3 * DAY <= (hi - lo).total_seconds() < 3 * DAY + 600
