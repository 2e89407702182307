"""`cchc ui`: the Dagster UI (and its daemon: schedule, sensors, freshness, run queue) on this project."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from pipelines.instance import dagster_home


def _child_signals() -> None:
    # started from a script, `dagster dev` would inherit SIGINT as ignored and then ignore SIGTERM too
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run_ui(host: str = "127.0.0.1", port: int = 3000, extra_env: dict[str, str] | None = None) -> int:
    home = dagster_home()
    env = {**os.environ, **(extra_env or {}), "DAGSTER_HOME": str(home)}
    dagster = Path(sys.executable).with_name("dagster")
    cmd = [str(dagster), "dev", "-m", "pipelines.definitions", "-h", host, "-p", str(port)]
    print(f"Dagster UI on http://{host}:{port} (DAGSTER_HOME={home}); Ctrl-C stops it.", flush=True)
    child = subprocess.Popen(cmd, env=env, preexec_fn=_child_signals)

    def forward(signum, _frame):
        child.send_signal(signal.SIGTERM if signum == signal.SIGTERM else signal.SIGINT)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    code = child.wait()
    return 0 if code in (0, -signal.SIGTERM, -signal.SIGINT, 128 + signal.SIGTERM) else code
