"""Operating it: the instance config, the nightly schedule, `cchc ui`, `cchc sql`, and what a failed
night leaves for inspectors in marts.source_health."""

from __future__ import annotations

import io
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests

from cchc.cli import main
from conftest import current_clock
from pipeline_support import refreshed_city
from pipelines.definitions import defs
from pipelines.run import refresh

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[1]


def _instance_home(tmp_path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return home


def test_instance_config_queues_one_run_and_one_duckdb_writer(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(_instance_home(tmp_path)))
    with dg.DagsterInstance.get() as instance:
        config = instance.get_concurrency_config()
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert config.run_queue_config.max_concurrent_runs == 1
        assert config.pool_config.default_pool_limit == 1
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 1
        assert not instance.telemetry_enabled


def test_nightly_schedule_runs_the_refresh_at_two_in_hanoi():
    schedule = defs.resolve_schedule_def("nightly_refresh")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    assert schedule.job_name == "refresh"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_sources_warn_when_not_synced_for_36_hours():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        if key.path[0] == "raw":
            policy = graph.get(key).freshness_policy
            assert policy.warn_window.to_timedelta().total_seconds() == 36 * 3600, key


def test_assets_are_grouped_by_system_and_layer_with_owners():
    graph = defs.resolve_asset_graph()
    groups = {k.to_user_string(): graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups["raw/qlvb"] == "raw_qlvb" and groups["staging/stg_motcua_dossiers"] == "staging_motcua"
    assert groups["intermediate/int_signals_donthu"] == "intermediate_donthu" and groups["marts/findings"] == "marts"
    assert graph.get(dg.AssetKey(["raw", "donthu"])).owners == ["team:thanh-tra-tp"]
    assert all(graph.get(k).description for k in graph.get_all_asset_keys()), "every asset is described"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cchc_ui_answers_on_localhost_and_stops_cleanly(tmp_path):
    port = _free_port()
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("CCHC_") or k == "CCHC_CLOCK"}
    env["DAGSTER_HOME"] = str(_instance_home(tmp_path))
    # no source configured: the UI serves a demo city, kept small here so that it is generated at once
    env.update(CCHC_SYNC_START=(current_clock().today() - timedelta(days=3)).isoformat(), CCHC_SIM_SCALE="0.002")
    proc = subprocess.Popen([sys.executable, "-m", "cchc.cli", "ui", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, answer = time.monotonic() + 90, None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2)
            except requests.ConnectionError:
                time.sleep(0.5)
        assert answer is not None and answer.status_code == 200, "the UI answered within 90 s"
        assert "dagster_webserver_version" in answer.json()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "nothing listens any more"


@pytest.fixture(scope="module")
def city_and_warehouse(tmp_path_factory):
    with refreshed_city(tmp_path_factory.mktemp("ops"), days=20, scale=0.01) as (city, code, output, path):
        assert code == 0, output
        yield city, path


def test_cchc_sql_reads_and_cannot_write(city_and_warehouse, monkeypatch, capsys):
    city, path = city_and_warehouse
    monkeypatch.setenv("CCHC_WAREHOUSE", str(path))
    assert main(["sql", "-c", "SELECT count(*) AS n FROM marts.signal_catalog"]) == 0
    assert "15" in capsys.readouterr().out
    assert main(["sql", "-c", "DELETE FROM marts.units"]) == 1
    assert "read-only" in capsys.readouterr().out
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.sql("SELECT count(*) FROM marts.units").fetchall()[0][0] > 700


def test_a_failed_night_shows_in_source_health_and_leaves_the_rest_published(city_and_warehouse, monkeypatch):
    city, path = city_and_warehouse
    for name, value in city.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(path.parent.parent)
    with duckdb.connect(str(path), read_only=True) as con:
        findings_before = con.sql("SELECT count(*) FROM marts.findings").fetchall()[0][0]
    monkeypatch.setenv("CCHC_LGSP_CLIENT_SECRET", "rotated-and-wrong")
    out = io.StringIO()
    assert refresh(out=out, instance=dg.DagsterInstance.ephemeral()) == 1
    assert "source_health updated" in out.getvalue()
    with duckdb.connect(str(path), read_only=True) as con:
        health = {s: e for s, e in con.sql("SELECT system, last_error FROM marts.source_health").fetchall()}
        findings_after = con.sql("SELECT count(*) FROM marts.findings").fetchall()[0][0]
    assert health["donthu"] is None
    assert all("invalid_client" in health[s] and "rotated" not in health[s]
               for s in ("qlvb", "baocao", "motcua", "nhiemvu")), health
    assert findings_after == findings_before
