"""What every system's generator shares: a record's life as versions, daily volumes, late arrival."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from simulator.directory import Directory
from simulator.timeutil import DAY, HOUR, activity_factor, daterange, local_epoch

BAD_RATE = 0.001  # deliberately malformed records
LATE_RATE = 0.01  # events that become visible hours after their update time


@dataclass(slots=True)
class Life:
    """A record's versions. Version i is what the source serves once event i is visible.

    `stamps[i]` is the update time the record carries after event i; `visible[i]` is when the source
    starts serving it (later than the stamp for late-arriving updates). Both are non-decreasing, so
    the version served at time T is always a prefix of the events.
    """

    key: str | int
    stamps: list[int]
    visible: list[int]
    render: Callable[[int], dict]
    bad: bool = False

    def version_at(self, t: int) -> int:
        """Index of the latest visible event at `t`, or -1 when the record does not exist yet."""
        k = -1
        for i, v in enumerate(self.visible):
            if v <= t:
                k = i
            else:
                break
        return k


@dataclass(slots=True)
class Context:
    seed: int
    scale: float
    directory: Directory


def visibility(rng: random.Random, stamps: list[int]) -> list[int]:
    """When each event shows: mostly at once, sometimes hours late (inside a 3-day lookback)."""
    out, last = [], 0
    for s in stamps:
        v = s + rng.randint(HOUR, 2 * DAY) if rng.random() < LATE_RATE else s
        last = max(last, v)
        out.append(last)
    return out


def monotone(stamps: list[int]) -> list[int]:
    out, last = [], 0
    for s in stamps:
        last = max(last, s)
        out.append(last)
    return out


_ACTIVITY_PER_YEAR = sum(activity_factor(d) for d in daterange(date(2023, 1, 1), date(2023, 12, 31)))


def daily_count(rng: random.Random, per_year: float, d: date, scale: float) -> int:
    """Records created on `d` for a yearly volume: spread over working days, fewer around Tết."""
    mean = per_year * scale * activity_factor(d) / _ACTIVITY_PER_YEAR
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


def office_time(rng: random.Random, d: date) -> int:
    """A moment in office hours (08:00–17:00 local) on day `d`."""
    return local_epoch(d, 8) + rng.randint(0, 9 * HOUR - 1)
