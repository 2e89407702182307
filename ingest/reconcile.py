"""Late records caught: the count check after each sync, and the windows of the weekly reconcile.

A clerk's offline client can save a record stamped days before it reaches its system; a nightly sync
whose lookback has already passed that stamp would never read it. Two nets catch it:

- the **count check**, after each nightly sync of a system whose source promises totals (offset and
  link paging, the database): the source says how many records it holds in each local day of the last
  CCHC_RECONCILE_DAYS, that is compared with what is kept for that day (raw rows, and rejects by the
  update time the source stamped on them), and the days the source holds more of are read again and
  merged (`run_sync(..., windows=...)`: the cursor does not move);
- the **weekly reconcile** (`weekly_reconcile` schedule), a sync of every system whose lookback is
  CCHC_RECONCILE_DAYS, for the sources that promise no totals and for whatever the counts cannot see (a
  missing record and a moved one on the same day).

Both merge exactly as the nightly does: the latest version of a record wins, the same version again
changes nothing, so nothing is doubled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime

from connectors.pages import Count, Fetch, Windows
from core.timezone import ICT
from ingest.sync import SyncResult, run_sync
from sources import System
from storage.state import StateStore

log = logging.getLogger("cchc.reconcile")

ONE_SECOND = timedelta(seconds=1)


def day_windows(lo: datetime, hi: datetime) -> Windows:
    """[lo, hi] cut at local midnights: one window per Vietnamese day, both ends included, whole seconds."""
    lo, hi = lo.astimezone(ICT).replace(microsecond=0), hi.astimezone(ICT).replace(microsecond=0)
    windows, start = [], lo
    while start <= hi:
        next_midnight = datetime.combine(start.date() + timedelta(days=1), dtime(0, 0), ICT)
        end = min(next_midnight - ONE_SECOND, hi)
        windows.append((start, end))
        start = next_midnight
    return windows


@dataclass
class CountCheck:
    """What the count check of one sync found, and what its re-read brought."""

    days: int = 0  # local days compared
    short: Windows = field(default_factory=list)  # days the source holds more records of than are kept
    missing: int = 0  # records the source holds beyond those kept, over those days
    reread: SyncResult | None = None  # the re-read of the short days (None: nothing to re-read)

    @property
    def recovered(self) -> int:
        return self.reread.stats.inserted + self.reread.stats.replaced if self.reread else 0


def count_check(store: StateStore, system: System, count: Count, fetch: Fetch, *, identity: str, until: datetime,
                days: int, start_day: date) -> CountCheck:
    """Compare the source's totals with what is kept, day by day over the `days` before `until` (the end of
    the sync just merged), and re-read the days the source holds more of."""
    first = max(until - timedelta(days=days), datetime.combine(start_day, dtime(0, 0), ICT))
    windows = day_windows(first, until)
    promised = count(windows)
    short, missing = set(), 0
    for table in system.tables:
        if table.updated is None:
            continue
        for i, (source, kept) in enumerate(zip(promised[table.name], store.held_by_window(table, windows),
                                               strict=True)):
            if source > kept:
                short.add(i)
                missing += source - kept
    check = CountCheck(days=len(windows), short=[windows[i] for i in sorted(short)], missing=missing)
    if not check.short:
        return check
    log.warning("%s: the source holds %d record(s) more than kept on %d day(s) (%s); reading them again",
                system.name, missing, len(check.short), ", ".join(f"{a:%d/%m}" for a, _b in check.short[:5])
                + (" ..." if len(check.short) > 5 else ""))
    check.reread = run_sync(store, system, fetch, identity=identity, start_day=start_day, lookback_days=0,
                            mode="recount", windows=check.short)
    return check
