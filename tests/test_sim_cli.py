"""`cchc simulate serve` runs as its own process, answers on localhost, and stops cleanly on SIGTERM."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest
import requests

pytestmark = pytest.mark.e2e


def test_serve_starts_answers_and_stops(tmp_path):
    cmd = [sys.executable, "-m", "cchc.cli", "simulate", "serve", "--port", "0", "--scale", "0.005",
           "--start", "2025-09-01", "--end", "2025-09-07", "--store-dir", str(tmp_path), "--base-path", "/gw",
           "--faults", "throttle=0.0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        url = None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if m := re.search(r"gateway at (http://\S+)", line):
                url = m.group(1)
        assert url and url.endswith("/gw")
        assert requests.get(f"{url}/health", timeout=5).json() == {"status": "ok"}
        token = requests.post(f"{url}/token", data={"grant_type": "client_credentials"},
                              auth=("cchc-inspection", "cchc-sim-secret"), timeout=5).json()["access_token"]
        answer = requests.get(f"{url}/qlvb/v1/don-vi", headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert len(answer.json()["data"]) > 700
        assert list(tmp_path.iterdir()), "the working store lives in --store-dir"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    assert not list(tmp_path.iterdir()), "the store is removed on exit"


def test_bad_arguments_give_one_clear_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cchc.cli", "simulate", "serve", "--port", "0", "--start",
                             "2025-09-10", "--end", "2025-09-01", "--store-dir", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--end 2025-09-01 is before --start 2025-09-10" in result.stderr
    assert "Traceback" not in result.stderr
