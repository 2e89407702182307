"""The project's Dagster instance, shared by `cchc refresh`, `cchc ui` and the schedule, and the guard that
keeps one refresh at a time and cleans up after a refresh that died.

A refresh killed hard (power cut, SIGKILL, OOM) leaves its run marked STARTED and, worse, the
`duckdb_writer` pool slot claimed in the instance: every later run would wait for that slot forever.
Every run therefore takes the refresh lock (a flock beside the warehouse, released by the kernel when
its process dies) before any step claims a slot; holding it, any slot another run holds belongs to a
dead run (a live one would hold the lock), and is freed, as is its place in the slot's queue, and that
run is marked failed.
"""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

import dagster as dg

PROJECT = Path(__file__).resolve().parents[1]
PID_TAG = "cchc/pid"
HOST_TAG = "cchc/host"
log = logging.getLogger("cchc.instance")


def dagster_home() -> Path:
    """DAGSTER_HOME when set, else the project's `dagster_home/` (its dagster.yaml is the instance config)."""
    home = Path(os.environ.get("DAGSTER_HOME") or PROJECT / "dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def project_instance() -> dg.DagsterInstance:
    """The instance `cchc ui` shows: run history, materialisations and logs of every refresh."""
    os.environ["DAGSTER_HOME"] = str(dagster_home())
    return dg.DagsterInstance.get()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_dead_runs(instance: dg.DagsterInstance, current_run_id: str) -> list[str]:
    """Free what dead runs hold and mark them failed; call only while holding the refresh lock."""
    instance.add_run_tags(current_run_id, {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()})
    dead: set[str] = set()
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        for key in storage.get_concurrency_keys():
            info = storage.get_concurrency_info(key)
            waiting = {step.run_id for step in getattr(info, "pending_steps", [])}
            dead |= ({slot.run_id for slot in info.claimed_slots} | waiting) - {current_run_id}
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
        pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
        if run.run_id != current_run_id and pid and host == socket.gethostname() and not _alive(int(pid)):
            dead.add(run.run_id)
    for run_id in sorted(dead):
        if storage.supports_global_concurrency_limits:
            storage.free_concurrency_slots_for_run(run_id)
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            instance.report_run_failed(run, f"its process ended without finishing (killed or crashed); run "
                                            f"{current_run_id[:8]} found it and freed what it held")
        log.warning("run %s had died without finishing; its DuckDB writer slot was freed", run_id[:8])
    return sorted(dead)
