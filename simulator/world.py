"""The simulated city at a moment: generates every system's records into the store, moves its clock.

The clock starts at the end of `end` (local time). `advance()` moves it forward: versions that become
visible replace the current ones and new days are generated, like a real day of work in the city.
`touch()` re-saves records now, as clerks do while a sync is paging, so offset walks see rows shift.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import orjson

from simulator.directory import Directory
from simulator.generators import baocao, motcua, nhiemvu, qlvb
from simulator.generators.common import Context, Life
from simulator.generators.donthu import DonThuGenerator
from simulator.personal import motcua_fragment
from simulator.rng import stable_int
from simulator.store import INTEGER_KEYS, SYSTEMS, Store
from simulator.timeutil import (
    ICT,
    daterange,
    fmt_compact_local,
    fmt_iso_local,
    fmt_local_seconds,
    fmt_naive_local,
    fmt_utc_z,
    local_date,
    local_epoch,
)

# The field each system stamps with its update time, and how it writes it.
UPDATE_FIELDS: dict[str, tuple[str, Callable[[int], str]]] = {
    "qlvb": ("cap_nhat_luc", fmt_iso_local),
    "baocao": ("updated_at", fmt_utc_z),
    "motcua": ("NgayCapNhat", fmt_compact_local),
    "nhiemvu": ("cap_nhat_luc", fmt_local_seconds),
    "don_thu": ("updated_at", lambda ts: fmt_naive_local(ts).isoformat()),
    "tiep_cong_dan": ("updated_at", lambda ts: fmt_naive_local(ts).isoformat()),
}
# The id field of each system's records.
KEY_FIELDS = {"qlvb": "id", "baocao": "id", "motcua": "MaHoSo", "nhiemvu": "ma_nhiem_vu", "don_thu": "id",
              "tiep_cong_dan": "id"}
FLUSH_ROWS = 5_000


def _dumps(record: dict) -> bytes:
    # orjson 3.13 hands back bytes that keep a 4 KiB buffer; an exact copy keeps batches small
    return bytes(memoryview(orjson.dumps(record)))


def yesterday_local() -> date:
    return datetime.now(ICT).date() - timedelta(days=1)


@dataclass
class WorldConfig:
    seed: int = 61
    scale: float = 0.01
    start: date = date(2023, 1, 1)
    end: date = field(default_factory=yesterday_local)
    store_dir: str | None = None
    clock_at: int | None = None  # the city's clock when it starts (unix seconds, a moment of `end`; default its end)

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"--end {self.end} is before --start {self.start}")
        if not 0 < self.scale <= 10:
            raise ValueError("--scale must be in (0, 10]")
        if self.clock_at is not None and local_date(self.clock_at) != self.end:
            raise ValueError("the city's clock must start on its last day (--end)")


class World:
    """`wall` is the clock that stamps live updates (`touch`): the machine's, or a test's tied to the pipeline's."""

    def __init__(self, config: WorldConfig, wall: Callable[[], float] = time.time):
        self.config = config
        self.wall = wall
        self.directory = Directory(config.seed)
        self.ctx = Context(config.seed, config.scale, self.directory)
        self.donthu = DonThuGenerator(self.ctx)
        self.clock = local_epoch(config.end, 23, 59, 59) if config.clock_at is None else config.clock_at
        folder = Path(config.store_dir or tempfile.gettempdir())
        folder.mkdir(parents=True, exist_ok=True)
        self._store_path = folder / f"cchc-sim-{config.seed}-{time.time_ns()}.sqlite"
        self.store = Store(str(self._store_path))
        self._rng = random.Random(stable_int(config.seed, "live-updates"))
        self._listeners: list[Callable[[dict[str, list]], None]] = []
        started = time.perf_counter()
        self._generate(config.start, config.end)
        self.store.build_indexes()
        self.generated_until = config.end
        self.generation_seconds = time.perf_counter() - started

    # --- generation ------------------------------------------------------------------------------

    def _lives(self, d: date) -> Iterator[tuple[str, Life]]:
        for system, gen in (("qlvb", qlvb.generate), ("baocao", baocao.generate), ("motcua", motcua.generate),
                            ("nhiemvu", nhiemvu.generate)):
            for life in gen(self.ctx, d):
                yield system, life
        for life in self.donthu.petitions(d):
            yield "don_thu", life
        for life in self.donthu.receptions(d):
            yield "tiep_cong_dan", life

    def _generate(self, first: date, last: date, collect_keys: bool = False) -> dict[str, list]:
        """Generate days into the store in batches; with `collect_keys`, return the new records' keys."""
        current: dict[str, list] = {s: [] for s in SYSTEMS}
        pending: dict[str, list] = {s: [] for s in SYSTEMS}
        new_keys: dict[str, list] = {s: [] for s in SYSTEMS}
        dumps, clock = _dumps, self.clock
        for d in daterange(first, last):
            for system, life in self._lives(d):
                k = life.version_at(clock)
                if k >= 0:
                    current[system].append((life.key, life.stamps[k], life.bad, dumps(life.render(k))))
                    if collect_keys:
                        new_keys[system].append(life.key)
                for i in range(k + 1, len(life.stamps)):
                    pending[system].append((life.visible[i], life.key, life.stamps[i], life.bad,
                                            dumps(life.render(i))))
                if len(current[system]) >= FLUSH_ROWS or len(pending[system]) >= FLUSH_ROWS:
                    self.store.load(system, current[system], pending[system])
                    current[system], pending[system] = [], []
        for system in SYSTEMS:
            self.store.load(system, current[system], pending[system])
        return new_keys

    # --- time and live updates -------------------------------------------------------------------

    def on_change(self, listener: Callable[[dict[str, list]], None]) -> None:
        self._listeners.append(listener)

    def _notify(self, changed: dict[str, list]) -> None:
        if any(changed.values()):
            for listener in self._listeners:
                listener(changed)

    def advance(self, seconds: int) -> dict[str, int]:
        """Let `seconds` of city life happen: later versions become visible, new days are generated."""
        if seconds <= 0:
            raise ValueError("advance needs a positive number of seconds")
        self.clock += seconds
        changed = self.store.release_pending(self.clock)
        today = local_date(self.clock)
        if today > self.generated_until:
            for system, keys in self._generate(self.generated_until + timedelta(days=1), today, True).items():
                changed.setdefault(system, []).extend(keys)
            self.generated_until = today
        self._notify(changed)
        return {s: len(v) for s, v in changed.items()}

    def now(self) -> int:
        """The stamp of a live update: the wall clock, never before the city's own clock."""
        return max(int(self.wall()), self.clock)

    def touch(self, system: str, count: int, late_seconds: int = 0) -> list:
        """Re-save `count` random records now (or `late_seconds` ago: a late-arriving update)."""
        keys = self.store.random_keys(system, count, iter(self._rng.random, None))
        self._restamp(system, keys, self.now() - late_seconds)
        return keys

    def arrive_late(self, system: str, count: int, late_seconds: int) -> list:
        """`count` new records saved `late_seconds` ago on a clerk's offline client and uploaded only now:
        copies of random valid records under new ids, stamped in the past, visible from now on."""
        stamp = self.now() - late_seconds
        key_field, (field_name, fmt) = KEY_FIELDS[system], UPDATE_FIELDS[system]
        sources = self.store.random_keys(system, count * 3, iter(self._rng.random, None), hi=stamp, settled=False)
        rows, base = [], self.store.max_key(system) if system in INTEGER_KEYS else None
        for key in sources:
            upd, bad, doc = self.store.get(system, key)
            if bad or len(rows) == count:
                continue
            new_key = base + len(rows) + 1 if base is not None else f"{key}-TRE{len(rows) + 1}"
            record = orjson.loads(doc) | {key_field: new_key, field_name: fmt(stamp)}
            rows.append((new_key, stamp, False, _dumps(record)))
        if rows:
            self.store.replace(system, rows)
            self._notify({system: [row[0] for row in rows]})
        return [row[0] for row in rows]

    def shift_window(self, system: str, lo: int, hi: int, upto: int) -> list:
        """Re-save one record already served in the window [lo, hi] so it leaves it (rows shift back)."""
        keys = self.store.random_keys(system, 1, iter(self._rng.random, None), lo, upto)
        self._restamp(system, keys, max(self.now(), hi + 1))
        return keys

    def _restamp(self, system: str, keys: list, stamp: int) -> None:
        field_name, fmt = UPDATE_FIELDS[system]
        rows = []
        for key in keys:
            upd, bad, doc = self.store.get(system, key)
            new = max(stamp, upd + 1)
            record = orjson.loads(doc)
            record[field_name] = fmt(new)
            rows.append((key, new, bad, _dumps(record)))
        if rows:
            self.store.replace(system, rows)
            self._notify({system: keys})

    # --- what the systems hold -------------------------------------------------------------------

    def served_doc(self, system: str, key, doc: bytes) -> bytes:
        """The record exactly as served: the one-stop shop adds the owner's personal fields."""
        if system == "motcua":
            return doc[:-1] + b"," + motcua_fragment(str(key)) + b"}"
        return doc

    def truth(self, system: str, include_malformed: bool = False) -> Iterator[dict]:
        """Every record the system holds now (latest versions, tombstones included), as served."""
        for key, _upd, _bad, doc in self.store.iter_current(system, include_bad=include_malformed):
            yield orjson.loads(self.served_doc(system, key, doc))

    def malformed_keys(self, system: str) -> set:
        return {key for key, _u, bad, _d in self.store.iter_current(system) if bad}

    def write_register(self, folder: str | Path) -> list[Path]:
        """The inspectors' register as of the city's clock: its workbooks in `folder` (simulator.register)."""
        return self.directory.register.write(folder, self.config.start, local_date(self.clock))

    def stats(self) -> dict:
        return {"clock": datetime.fromtimestamp(self.clock, ICT).isoformat(), "seed": self.config.seed,
                "scale": self.config.scale, "start": self.config.start.isoformat(),
                "generated_until": self.generated_until.isoformat(),
                "generation_seconds": round(self.generation_seconds, 2), "systems": self.store.stats()}

    def close(self) -> None:
        self.store.close(remove=True)
