"""A refresh killed hard (SIGKILL) at named points loses nothing and doubles nothing: the rerun converges.

The points are hooks in the code (`core.failpoints`, `CCHC_TEST_KILL_AT`), so the test kills exactly
where it says on any machine, fast or slow: mid-stream after a first page, after staging but before
the merge, right after a system's commit, and after the new published file is built but before the
swap.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import duckdb
import pytest

from core.failpoints import VARIABLE
from pipeline_support import RAW_TABLES, assert_equal_to_truth, live_config, start_city

pytestmark = pytest.mark.e2e
SYSTEM_TABLES = {"qlvb": "qlvb_van_ban", "motcua": "motcua_ho_so"}  # always records in 10 days of a city


def _refresh(city, kill_at: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") or k == "CCHC_CLOCK"}  # DAGSTER_HOME: the test's
    env.update(city.env)
    if kill_at:
        env[VARIABLE] = kill_at
    return subprocess.run([sys.executable, "-m", "cchc.cli", "refresh"], cwd=city.workdir, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300).returncode


def _state(city) -> tuple[set[str], dict[str, int]]:
    """Systems with a cursor, and rows held per raw table."""
    if not city.state_path.exists():
        return set(), {}
    with duckdb.connect(str(city.state_path), read_only=True) as con:
        synced = {s for (s,) in con.sql("SELECT system FROM meta.sync_state").fetchall()}
        held = {t: con.sql(f"SELECT count(*) FROM raw.{t}").fetchall()[0][0] for t in RAW_TABLES}
    return synced, held


def _consistent(synced: set[str], held: dict[str, int]) -> None:
    """No cursor without its data, no data without its cursor."""
    for system, table in SYSTEM_TABLES.items():
        assert (system in synced) == (held.get(table, 0) > 0), (system, synced, held)


def test_sigkill_at_named_points_then_rerun_converges(tmp_path):
    city = start_city(tmp_path, live_config(tmp_path, days=10, scale=0.01))
    published = city.workdir / "warehouse" / "cchc.duckdb"
    try:
        assert _refresh(city, "sync.qlvb.first_page") == -signal.SIGKILL
        synced, held = _state(city)
        assert "qlvb" not in synced and held.get("qlvb_van_ban", 0) == 0, "a page staged but not merged is gone"
        _consistent(synced, held)

        assert _refresh(city, "sync.qlvb.before_commit") == -signal.SIGKILL
        synced, held = _state(city)
        assert "qlvb" not in synced and held["qlvb_van_ban"] == 0, "everything staged, nothing merged"
        _consistent(synced, held)

        assert _refresh(city, "sync.qlvb.after_commit") == -signal.SIGKILL
        synced, held = _state(city)
        assert "qlvb" in synced and held["qlvb_van_ban"] > 0, "a committed system keeps data and cursor"
        _consistent(synced, held)

        assert _refresh(city, "publish.before_swap") == -signal.SIGKILL
        synced, _held = _state(city)
        assert synced == {"directory", "qlvb", "baocao", "motcua", "nhiemvu", "donthu", "kiemtra"}
        assert not published.exists(), "the half-published file never replaced anything"

        assert _refresh(city, None) == 0
        assert published.exists() and not published.with_name("cchc.duckdb.new").exists()
        assert_equal_to_truth(city)
    finally:
        city.close()
