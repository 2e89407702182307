"""Ctrl-C during `cchc refresh`, at named points: one line, exit 130, no traceback, nothing half-done.

Ctrl-C on a terminal sends SIGINT to the whole foreground process group: the command and every child it
started, among them the processes Dagster starts to mirror a run's output (`tail`, and a Python
`watch_orphans.py` per stream, which printed a KeyboardInterrupt traceback each). The test starts the refresh
as a group of its own (`start_new_session`, as a shell starts a job) and the process sends SIGINT to its group
when it reaches the named point (`core.failpoints`, `CCHC_TEST_INTERRUPT_AT`): the same delivery, at a
moment that does not depend on the machine's speed.

What stderr may hold besides the one line: the refresh's progress lines, which (without a terminal) start
with their time stamp — but not its warnings or errors, which start with the stamp and a level.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys

import pytest

from core.failpoints import INTERRUPT_VARIABLE
from pipeline_support import live_config, start_city

pytestmark = pytest.mark.e2e

PROGRESS = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?!(warning|error|critical): )")
RUN_INTERRUPTED = re.compile(r"^Refresh interrupted after \d+\.\d s \(run [0-9a-f]{8}\): the system being synced "
                             r"wrote nothing; the published file is as it was\.$")
BEFORE_THE_RUN = re.compile(r"^cchc: interrupted; nothing half-done was kept\.$")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("interrupted")
    city = start_city(workdir, live_config(workdir, days=10, scale=0.01))
    yield city
    city.close()


def refresh(city, interrupt_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_") or k == "CCHC_CLOCK"}  # DAGSTER_HOME too
    env.update(city.env)
    if interrupt_at:
        env[INTERRUPT_VARIABLE] = interrupt_at
    return subprocess.run([sys.executable, "-m", "cchc.cli", "refresh"], cwd=city.workdir, env=env,
                          capture_output=True, text=True, timeout=300, start_new_session=True)


def digest(city) -> str:
    return hashlib.sha256((city.workdir / "warehouse" / "cchc.duckdb").read_bytes()).hexdigest()


def test_a_first_refresh_publishes(city):
    done = refresh(city)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize(("point", "message"), [
    ("refresh.before_run", BEFORE_THE_RUN),  # configured, Dagster not started yet
    ("sync.qlvb.first_page", RUN_INTERRUPTED),  # mid-stream: Dagster's output mirrors are running
    ("sync.motcua.before_commit", RUN_INTERRUPTED),  # everything staged, nothing merged
    ("sync.kiemtra.after_commit", RUN_INTERRUPTED),  # between two steps: the register committed, the SQL next
    ("publish.before_swap", RUN_INTERRUPTED),  # the new file built, not swapped in
])
def test_ctrl_c_prints_one_line_and_exits_130(city, point, message):
    published = digest(city)
    done = refresh(city, point)
    assert done.returncode == 130, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr[-3000:]
    said = [line for line in done.stderr.splitlines() if line.strip() and not PROGRESS.match(line)]
    assert len(said) == 1 and message.match(said[0]), done.stderr[-3000:]
    assert done.stdout == ""
    assert digest(city) == published, "the published file is as it was"


def test_an_uninterrupted_refresh_still_succeeds_afterwards(city):
    done = refresh(city)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Refresh succeeded" in done.stdout
    assert not (city.workdir / "warehouse" / "cchc.duckdb.new").exists()  # left by the one interrupted at the swap
