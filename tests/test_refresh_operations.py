"""Operating `cchc refresh` for real: one Dagster instance with the run, its materialisations and the
pipeline's own log lines; progress that can be watched; Ctrl-C that stops cleanly; a run killed hard
that never blocks the next one; one line per error, a traceback only with --debug."""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import time

import dagster as dg
import duckdb
import pytest

from cchc.cli import main
from cchc.console import ProgressDisplay
from core.failpoints import INTERRUPT_VARIABLE, VARIABLE
from ingest.progress import ProgressInfo, SyncProgress
from pipeline_support import live_config, start_city


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_reports_fetched_of_promised_rate_and_time():
    info = ProgressInfo("qlvb", 120_000, 233_821, 5.0)
    assert info.text() == "qlvb: fetching, 120,000 of 233,821 records, 24,000 records/s, 0:05"
    done = ProgressInfo("baocao", 35_095, None, 75.5, done=True)
    assert done.text() == "baocao: done, 35,095 records, 465 records/s, 1:15"


def test_progress_is_logged_every_ten_seconds_and_at_the_end(caplog):
    now = [0.0]
    progress = SyncProgress("motcua", {"promised": 3000}, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="cchc.progress"):
        for second in range(1, 26):  # a page a second for 25 s
            now[0] = float(second)
            progress.update(second * 100)
        progress.finish(2500)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["motcua: fetching, 1,000 of 3,000 records, 100 records/s, 0:10",
                     "motcua: fetching, 2,000 of 3,000 records, 100 records/s, 0:20",
                     "motcua: done, 2,500 records, 100 records/s, 0:25"]


def test_on_a_terminal_the_line_is_rewritten_in_place_and_kept_when_done():
    screen = _Terminal()
    display = ProgressDisplay(screen, live=True)
    display.show(ProgressInfo("qlvb", 500, 1000, 1.0))
    display.show(ProgressInfo("qlvb", 1000, 1000, 2.0, done=True))
    display.emit(logging.LogRecord("cchc.sync", logging.WARNING, "", 0, "qlvb: 3 records rejected", None, None))
    assert screen.getvalue() == ("\r\033[K  qlvb: fetching, 500 of 1,000 records, 500 records/s, 0:01"
                                 "\r\033[K  qlvb: done, 1,000 records, 500 records/s, 0:02\n"
                                 "warning: qlvb: 3 records rejected\n")


def test_version_names_the_release_and_its_engines(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("cchc 0.") and "Dagster 1.13" in out and "DuckDB " in out


def test_an_unexpected_error_is_one_line_and_a_traceback_only_with_debug(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr("pipelines.run.refresh", broken)
    monkeypatch.setenv("CCHC_LGSP_URL", "https://lgsp.example/gw")
    monkeypatch.setenv("CCHC_LGSP_CLIENT_ID", "team")
    monkeypatch.setenv("CCHC_LGSP_CLIENT_SECRET", "s")
    monkeypatch.setenv("CCHC_DONTHU_DB_URL", "sqlite:///x.sqlite")
    assert main(["refresh"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "cchc: unexpected RuntimeError: disk on fire (run again with --debug for the traceback)"
    with pytest.raises(RuntimeError):
        main(["--debug", "refresh"])


# --- end to end ---------------------------------------------------------------------------------------------

def _env(city, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") or k == "CCHC_CLOCK"}
    env.update(city.env, **extra)
    return env


@pytest.mark.e2e
def test_refresh_records_its_run_materialisations_and_log_lines_in_the_project_instance(tmp_path, capsys):
    city = start_city(tmp_path, live_config(tmp_path, days=6, scale=0.005))
    try:
        code = subprocess.run([sys.executable, "-m", "cchc.cli", "refresh"], cwd=tmp_path, env=_env(city),
                              capture_output=True, text=True, timeout=300)
    finally:
        city.close()
    assert code.returncode == 0, code.stderr
    assert "done," in code.stderr and "Traceback" not in code.stderr  # progress, plain lines without a terminal
    instance = dg.DagsterInstance.get()  # DAGSTER_HOME: the suite's own instance, as `cchc ui` would show it
    run = instance.get_runs(limit=1)[0]
    assert run.job_name == "refresh" and run.status == dg.DagsterRunStatus.SUCCESS
    assert run.run_id[:8] in code.stdout
    logs = instance.all_logs(run.run_id)
    materialized = {e.dagster_event.asset_key.to_user_string() for e in logs
                    if e.dagster_event and e.dagster_event.event_type_value == "ASSET_MATERIALIZATION"}
    assert {"raw/qlvb", "raw/donthu", "marts/findings", "published/warehouse"} <= materialized
    messages = [e.user_message for e in logs if e.dagster_event is None]
    assert any(m.startswith("qlvb: done,") for m in messages), "the pipeline's log lines are in the run's log"


@pytest.mark.e2e
def test_ctrl_c_stops_cleanly_with_exit_130_and_changes_nothing(tmp_path):
    """Ctrl-C while motcua pages (its first page in hand): the systems synced before keep what they merged,
    motcua and those after it keep their cursors, the published file is as it was, and the run is recorded as
    failed. The interrupt comes at a named point (core.failpoints), as a terminal sends it: to the whole group."""
    city = start_city(tmp_path, live_config(tmp_path, days=10, scale=0.01))
    try:
        first = subprocess.run([sys.executable, "-m", "cchc.cli", "refresh"], cwd=tmp_path, env=_env(city),
                               capture_output=True, text=True, timeout=300)
        assert first.returncode == 0, first.stderr
        published = tmp_path / "warehouse" / "cchc.duckdb"
        stamp = published.stat().st_mtime_ns
        with duckdb.connect(str(city.state_path), read_only=True) as con:
            cursors = dict(con.sql("SELECT system, cursor FROM meta.sync_state").fetchall())
        second = subprocess.run([sys.executable, "-m", "cchc.cli", "refresh"], cwd=tmp_path, timeout=300,
                                env=_env(city, **{INTERRUPT_VARIABLE: "sync.motcua.first_page"}),
                                capture_output=True, text=True, start_new_session=True)
        assert second.returncode == 130, second.stderr
        assert "interrupted" in second.stderr and "Traceback" not in second.stderr
        assert published.stat().st_mtime_ns == stamp, "the published file is as it was"
        with duckdb.connect(str(city.state_path), read_only=True) as con:
            after = dict(con.sql("SELECT system, cursor FROM meta.sync_state").fetchall())
        moved = {s for s in after if after[s] != cursors[s]}
        assert "motcua" not in moved and moved < set(cursors), ("stopped mid-run", moved, second.stderr)
    finally:
        city.close()
    instance = dg.DagsterInstance.get()
    run = instance.get_runs(limit=1)[0]
    assert run.status == dg.DagsterRunStatus.FAILURE


@pytest.mark.e2e
def test_a_run_killed_hard_never_blocks_the_next_one(tmp_path):
    city = start_city(tmp_path, live_config(tmp_path, days=6, scale=0.005))
    try:
        killed = subprocess.run([sys.executable, "-m", "cchc.cli", "refresh"], cwd=tmp_path, timeout=300,
                                env=_env(city, **{VARIABLE: "sync.motcua.first_page"}), capture_output=True)
        assert killed.returncode == -signal.SIGKILL
        instance = dg.DagsterInstance.get()
        dead = instance.get_runs(limit=1)[0]
        claimed = instance.event_log_storage.get_concurrency_info("duckdb_writer").claimed_slots
        assert dead.status == dg.DagsterRunStatus.STARTED and [s.run_id for s in claimed] == [dead.run_id]
        # the dead run still holds the DuckDB writer slot: without cleanup the next run would wait forever
        began = time.monotonic()
        nxt = subprocess.run([sys.executable, "-m", "cchc.cli", "refresh"], cwd=tmp_path, env=_env(city),
                             capture_output=True, text=True, timeout=300)
        assert nxt.returncode == 0, nxt.stderr
        assert f"run {dead.run_id[:8]} had died without finishing" in nxt.stderr
        assert time.monotonic() - began < 240
    finally:
        city.close()
    assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
    assert instance.event_log_storage.get_concurrency_info("duckdb_writer").claimed_slots == []

