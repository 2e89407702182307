"""The platform's clock: what "now" and "today" are for every part of it.

Normally the wall clock. `CCHC_CLOCK` (tests and rehearsals only, never in production) moves it:
`<ISO instant with offset>@<unix seconds>` says the clock read that instant when the wall clock read
those seconds, and it runs on from there at the wall clock's pace. Every process of a run — the CLI,
Dagster's, a subprocess — computes the same time from it, so a test can run the pipeline at 23:55 on
31 December whatever the machine's date is, and a simulated city's clock can be tied to it.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from functools import lru_cache

from core.errors import ConfigError
from core.timezone import ICT

VARIABLE = "CCHC_CLOCK"


@lru_cache(maxsize=8)
def _offset(value: str) -> float:
    """Seconds to add to the wall clock for a CCHC_CLOCK value."""
    instant, at, epoch = value.partition("@")
    try:
        moment = datetime.fromisoformat(instant.strip())
        wall = float(epoch) if at else None
    except ValueError:
        moment = wall = None
    if moment is None or wall is None or moment.tzinfo is None:
        raise ConfigError(VARIABLE, "is not of the form <ISO instant with offset>@<unix seconds>",
                          "unset it: it is for tests and rehearsals only")
    return moment.timestamp() - wall


def epoch() -> float:
    """Now, as unix seconds."""
    value = os.environ.get(VARIABLE)
    return time.time() + (_offset(value) if value else 0.0)


def now() -> datetime:
    """Now, an aware datetime in UTC."""
    return datetime.fromtimestamp(epoch(), UTC)


def now_local() -> datetime:
    """Now in Vietnam time."""
    return datetime.fromtimestamp(epoch(), ICT)


def today() -> date:
    """Today's date in Vietnam (the sources' "local" date)."""
    return now_local().date()


def setting(moment: datetime, wall: float | None = None) -> str:
    """The CCHC_CLOCK value that makes the clock read `moment` at wall time `wall` (default: now)."""
    if moment.tzinfo is None:
        raise ValueError("the moment must be an aware datetime")
    return f"{moment.isoformat()}@{time.time() if wall is None else wall:.6f}"
