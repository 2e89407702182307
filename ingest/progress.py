"""A sync's progress, as log records of logger `cchc.progress`: records fetched, of how many the source
promised when it promised a total, the rate and the time so far.

An INFO record every `INFO_EVERY` seconds (for plain logs and the Dagster UI's run log) and one when
the sync ends, each carrying the figures as `record.progress` (a `ProgressInfo`); and, at most every
half second, a call of each function in `LIVE` (a live line on a terminal) — kept out of the logs, which
would otherwise fill with them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

log = logging.getLogger("cchc.progress")
LIVE_EVERY = 0.5
INFO_EVERY = 10.0
LIVE: list[Callable[[ProgressInfo], None]] = []
"""Who wants every update (the terminal display of `cchc refresh`)."""


@dataclass(frozen=True)
class ProgressInfo:
    system: str
    fetched: int
    promised: int | None  # what the source said the window holds; None when it does not say
    seconds: float
    done: bool = False

    @property
    def rate(self) -> float:
        return self.fetched / self.seconds if self.seconds > 0 else 0.0

    def text(self) -> str:
        of = f" of {self.promised:,}" if self.promised is not None and not self.done else ""
        state = "done" if self.done else "fetching"
        records = "record" if self.fetched == 1 and not of else "records"
        return (f"{self.system}: {state}, {self.fetched:,}{of} {records}, {self.rate:,.0f} records/s, "
                f"{_clock(self.seconds)}")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


class SyncProgress:
    def __init__(self, system: str, counters: Mapping[str, int] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.system, self.counters, self.clock = system, counters or {}, clock
        self.began = self._live = self._info = clock()

    def update(self, fetched: int) -> None:
        now = self.clock()
        if now - self._live >= LIVE_EVERY:
            self._live = now
            info = self._info_at(fetched, now, done=False)
            for listener in LIVE:
                listener(info)
            if now - self._info >= INFO_EVERY:
                self._info = now
                log.info("%s", info.text(), extra={"progress": info})

    def finish(self, fetched: int) -> None:
        info = self._info_at(fetched, self.clock(), done=True)
        for listener in LIVE:
            listener(info)
        log.info("%s", info.text(), extra={"progress": info})

    def _info_at(self, fetched: int, now: float, done: bool) -> ProgressInfo:
        return ProgressInfo(self.system, fetched, self.counters.get("promised"), now - self.began, done)
