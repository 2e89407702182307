"""Named points where a test can kill or interrupt the process, to prove that a run dying there loses
nothing, and that a run interrupted there says so in one line.

`CCHC_TEST_KILL_AT=<point>` makes the process SIGKILL itself when it reaches that point, e.g.
`sync.motcua.before_commit`. `CCHC_TEST_INTERRUPT_AT=<point>` sends SIGINT there instead, to the whole
process group when the process leads one (as Ctrl-C on a terminal reaches the command and every child it
started), else to the process alone. Unset (always, outside tests), reaching a point costs two lookups.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "CCHC_TEST_KILL_AT"
INTERRUPT_VARIABLE = "CCHC_TEST_INTERRUPT_AT"


def reached(point: str) -> None:
    if os.environ.get(VARIABLE) == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(INTERRUPT_VARIABLE) == point:
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpgrp(), signal.SIGINT)
        else:  # never the group of whoever started this process (a test runner, a shell)
            os.kill(os.getpid(), signal.SIGINT)
