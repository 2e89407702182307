"""What `cchc refresh` shows while it works: the running sync's progress and the pipeline's warnings.

On a terminal, one line per system, rewritten in place while it fetches ("qlvb: fetching, 120,000 of
233,821 records, 24,000 records/s, 0:05"), left behind when it is done; elsewhere (cron, CI, a log
file), plain time-stamped lines every ten seconds. Warnings and errors of the `cchc` loggers are
printed as lines in both cases.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from typing import TextIO

from core.timezone import ICT
from ingest import progress
from ingest.progress import ProgressInfo


class ProgressDisplay(logging.Handler):
    def __init__(self, stream: TextIO, live: bool):
        super().__init__(logging.INFO)
        self.stream, self.live = stream, live
        self._open_line = False  # a live line is on screen, not yet ended

    def show(self, info: ProgressInfo) -> None:
        """A live update (terminal only): the system's line, rewritten in place."""
        self.stream.write("\r\033[K  " + info.text() + ("\n" if info.done else ""))
        self._open_line = not info.done
        self.stream.flush()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            info, step = getattr(record, "progress", None), getattr(record, "step", None)
            if info is not None:
                if not self.live:  # on a terminal the live line says it already
                    self.stream.write(f"{self._stamp()}{info.text()}\n")
            elif step is not None:
                if self.live:  # one line, rewritten step after step
                    self.stream.write("\r\033[K  " + step)
                    self._open_line = True
                else:
                    self.stream.write(f"{self._stamp()}{step}\n")
            elif record.levelno >= logging.WARNING:
                if self._open_line:
                    self.stream.write("\n")
                    self._open_line = False
                self.stream.write(f"{self._stamp()}{record.levelname.lower()}: {record.getMessage()}\n")
            self.stream.flush()
        except Exception:  # noqa: BLE001 - a display must never break a refresh
            self.handleError(record)

    def _stamp(self) -> str:
        return "" if self.live else datetime.now(ICT).strftime("%Y-%m-%d %H:%M:%S ")


def show_progress(stream: TextIO = sys.stderr) -> ProgressDisplay:
    """Attach the display to the `cchc` loggers (and to the live updates, when `stream` is a terminal)."""
    handler = ProgressDisplay(stream, live=stream.isatty())
    root = logging.getLogger("cchc")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if handler.live:
        progress.LIVE.append(handler.show)
    return handler
