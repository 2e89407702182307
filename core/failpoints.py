"""Named points where a test can kill the process, to prove that a run dying there loses nothing.

`CCHC_TEST_KILL_AT=<point>` makes the process SIGKILL itself when it reaches that point, e.g.
`sync.motcua.before_commit`. Unset (always, outside tests), reaching a point costs one lookup.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "CCHC_TEST_KILL_AT"


def reached(point: str) -> None:
    if os.environ.get(VARIABLE) == point:
        os.kill(os.getpid(), signal.SIGKILL)
