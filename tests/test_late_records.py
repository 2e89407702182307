"""Late records are caught: a record a clerk's offline client saved ten days before it reached its system is
beyond the nightly lookback (3 days). Where the source promises totals, the nightly's count check finds the
day that holds more than is kept and reads it again; where it promises none (the reporting system's cursor
paging), the weekly reconcile re-reads the last CCHC_RECONCILE_DAYS. Either way the record is held once,
every table equals the sources' truth, and the cursor moves only with the data of the window it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import dagster as dg
import duckdb
import pytest

from core.failpoints import VARIABLE
from pipeline_support import (
    FAST,
    RAW_ASSETS,
    assert_equal_to_truth,
    cursors,
    live_config,
    refresh,
    start_city,
)
from pipelines.jobs import RECONCILE, SYNC_MODE_TAG
from pipelines.resources import CitySources
from simulator.timeutil import DAY

pytestmark = pytest.mark.e2e

LATE = 10 * DAY
COUNTED = {"qlvb": "qlvb_van_ban", "motcua": "motcua_ho_so", "nhiemvu": "nhiemvu_nhiem_vu",
           "don_thu": "donthu_don_thu", "tiep_cong_dan": "donthu_tiep_cong_dan"}  # world system -> raw table
SYSTEM_OF = {"qlvb": "qlvb", "motcua": "motcua", "nhiemvu": "nhiemvu", "don_thu": "donthu", "tiep_cong_dan": "donthu"}


@pytest.fixture
def city(tmp_path, clock):
    c = start_city(tmp_path, live_config(tmp_path, days=60, scale=0.005))
    yield c
    c.close()


def _held(city, table: str, key_field: str, keys: list) -> dict:
    with duckdb.connect(str(city.state_path), read_only=True) as con:
        return dict(con.execute(f'SELECT CAST("{key_field}" AS VARCHAR), count(*) FROM raw.{table} '
                                f'WHERE list_contains(?, CAST("{key_field}" AS VARCHAR)) GROUP BY 1',
                                [[str(k) for k in keys]]).fetchall())


def _reconcile(city, monkeypatch):
    for name, value in city.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(city.workdir)
    return dg.materialize(RAW_ASSETS, resources={"city": CitySources(**FAST)}, instance=dg.DagsterInstance.ephemeral(),
                          raise_on_error=False, tags={SYNC_MODE_TAG: RECONCILE})


def _meta(result) -> dict:
    return {e.asset_key.path[-1]: {k: v.value for k, v in e.materialization.metadata.items()}
            for e in result.get_asset_materialization_events()}


@pytest.mark.hard_instants
def test_a_report_stamped_ten_days_late_is_missing_after_the_nightly_and_held_once_after_the_reconcile(
        city, monkeypatch):
    assert refresh(city, monkeypatch).success
    city.advance(DAY)
    [key] = city.world.arrive_late("baocao", 1, late_seconds=LATE)
    nightly = refresh(city, monkeypatch)
    assert nightly.success
    assert _held(city, "baocao_ky_bao_cao", "id", [key]) == {}, "ten days back is beyond the nightly lookback"
    assert "count_check.days" not in _meta(nightly)["baocao"], "cursor paging promises no totals to check"
    before = cursors(city.state_path)

    reconcile = _reconcile(city, monkeypatch)
    assert reconcile.success
    assert _held(city, "baocao_ky_bao_cao", "id", [key]) == {str(key): 1}
    meta = _meta(reconcile)["baocao"]
    assert meta["sync_mode"] == RECONCILE and meta["rows_new"] >= 1
    assert assert_equal_to_truth(city)["baocao_ky_bao_cao"] > 0, "every table equals the truth: nothing doubled"
    after = cursors(city.state_path)
    assert all(after[s] >= before[s] for s in before), "the reconcile's cursor is the end of its window"
    with duckdb.connect(str(city.state_path), read_only=True) as con:
        reconciled = dict(con.sql("SELECT system, last_reconcile_at IS NOT NULL FROM meta.sync_state").fetchall())
        modes = {m for (m,) in con.sql("SELECT DISTINCT mode FROM meta.sync_log").fetchall()}
    assert all(reconciled[s] for s in ("qlvb", "baocao", "motcua", "nhiemvu", "donthu")), reconciled
    assert {"nightly", RECONCILE} <= modes


@pytest.mark.hard_instants
def test_the_nightly_count_check_catches_late_records_where_the_source_promises_totals(city, monkeypatch):
    assert refresh(city, monkeypatch).success
    city.advance(DAY)
    late = {system: city.world.arrive_late(system, 2, late_seconds=LATE) for system in COUNTED}
    assert all(len(keys) == 2 for keys in late.values()), late
    result = refresh(city, monkeypatch)
    assert result.success
    key_field = {"qlvb": "id", "motcua": "MaHoSo", "nhiemvu": "ma_nhiem_vu", "don_thu": "id", "tiep_cong_dan": "id"}
    for system, keys in late.items():
        assert _held(city, COUNTED[system], key_field[system], keys) == {str(k): 1 for k in keys}, system
    meta = _meta(result)
    for system in {SYSTEM_OF[s] for s in COUNTED}:
        assert meta[system]["count_check.short_days"] >= 1 and meta[system]["count_check.recovered"] >= 2, system
    windows = {s: m["window_to"] for s, m in meta.items() if "window_to" in m}
    assert {s: c.isoformat() for s, c in cursors(city.state_path).items() if s in windows} == \
        {s: w for s, w in windows.items()}, "the re-read did not move a cursor: each is its window's end"
    assert_equal_to_truth(city)

    again = refresh(city, monkeypatch)
    assert again.success
    assert all(_meta(again)[s]["count_check.short_days"] == 0 for s in {SYSTEM_OF[s] for s in COUNTED}), \
        "once held, nothing is short: the check re-reads nothing"


def test_a_run_killed_in_the_count_checks_re_read_keeps_the_nightly_and_the_next_run_recovers(city, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") or k == "CCHC_CLOCK"}
    env.update(city.env)

    def cchc_refresh(kill_at: str | None = None) -> int:
        return subprocess.run([sys.executable, "-m", "cchc.cli", "refresh"], cwd=city.workdir,
                              env=env | ({VARIABLE: kill_at} if kill_at else {}), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=300).returncode

    assert cchc_refresh() == 0
    city.advance(DAY)
    env["CCHC_CLOCK"] = os.environ["CCHC_CLOCK"]  # the day passed for the subprocesses too
    [key] = city.world.arrive_late("qlvb", 1, late_seconds=LATE)
    first = cursors(city.state_path)["qlvb"]
    assert cchc_refresh("recount.qlvb.before_commit") == -signal.SIGKILL
    moved = cursors(city.state_path)["qlvb"]
    assert moved > first, "the nightly sync itself was merged, with its cursor"
    assert _held(city, "qlvb_van_ban", "id", [key]) == {}, "the re-read was killed before its merge: nothing of it"
    assert cchc_refresh() == 0
    assert _held(city, "qlvb_van_ban", "id", [key]) == {key: 1}
    assert_equal_to_truth(city)
