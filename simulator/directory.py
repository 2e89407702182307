"""Hanoi's organisation directory as the document system publishes it, plus each unit's behaviour.

Codes follow the `000.xx.xx.H26` pattern of Decision 20/2020/QĐ-TTg: level-2 units (departments,
district PCs) are `000.00.NN.H26`, commune PCs before 2025-07-01 sit under their district
(`000.MM.NN.H26`), the 126 communes of the two-level government sit under the City (`000.MM.7x.H26`).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from simulator import directory_data as data
from simulator.rng import unit_float

CITY_CODE = "000.00.00.H26"
FOUNDED = date(2008, 8, 1)  # Hà Tây merged into Hanoi
MERGE_2025 = date(2025, 3, 1)  # departments reorganised
TWO_LEVEL_2025 = date(2025, 7, 1)  # district level ended

_DISTRICT_PREFIX = {"quận": "Q.", "huyện": "H.", "thị xã": "TX."}
_COMMUNE_PREFIX = {"phường": "P.", "thị trấn": "TT.", "xã": None}
_FORMED_LATER = {"Nam Từ Liêm": date(2014, 4, 1), "Bắc Từ Liêm": date(2014, 4, 1)}


@dataclass(frozen=True)
class Change:
    """From `since` on, a unit behaves differently: a steady performance and/or other trait values.

    Inspections cause them (`simulator.register`): a unit remedies, improves partly, stays or gets worse.
    """

    since: date
    performance: float | None = None  # None: performance as before
    traits: tuple[tuple[str, float], ...] = ()


@dataclass
class Unit:
    code: str
    name: str
    loai: str
    parent: str | None
    aliases: list[str]
    valid_from: date
    valid_to: date | None = None
    # how the simulated unit behaves (never served)
    quality: str = "good"  # good | bad | erratic
    base: float = 0.97
    size: float = 1.0
    index: int = 0
    traits: dict[str, float] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)  # dated behaviour changes, in order of `since`

    def in_force(self, d: date) -> bool:
        return self.valid_from <= d and (self.valid_to is None or d <= self.valid_to)

    def performance(self, d: date) -> float:
        """Probability that this unit does a thing on time in the month of `d`."""
        if self.changes:
            for change in reversed(self.changes):
                if change.since <= d and change.performance is not None:
                    return change.performance
        if self.quality != "erratic":
            return self.base
        return 0.985 if unit_float("erratic", self.code, d.year, d.month) < 0.55 else 0.62

    def trait(self, name: str, d: date) -> float:
        """A trait's value on day `d` (`traits`, unless a change since then set it)."""
        if self.changes:
            for change in reversed(self.changes):
                if change.since <= d:
                    for trait, value in change.traits:
                        if trait == name:
                            return value
        return self.traits[name]

    def add_change(self, change: Change) -> None:
        self.changes.append(change)
        self.changes.sort(key=lambda c: c.since)

    def to_json(self) -> dict:
        return {
            "ma_dinh_danh": self.code,
            "ten": self.name,
            "loai": self.loai,
            "ma_cha": self.parent,
            "ten_khac": list(self.aliases),
            "hieu_luc_tu": self.valid_from.isoformat(),
            "hieu_luc_den": self.valid_to.isoformat() if self.valid_to else None,
        }


def _commune_title(kind: str, name: str) -> str:
    return f"{kind} {name}"


def _build_units() -> list[Unit]:
    units: list[Unit] = [Unit(CITY_CODE, data.CITY_PC, "UBND_TP", None,
                              ["UBND thành phố Hà Nội", "UBND TP Hà Nội", "UBND TP. Hà Nội"], FOUNDED)]
    # Departments: 21 until 2025-02-28, then 15 + 1.
    level2 = iter(list(range(1, 12)) + list(range(42, 70)))
    dept_code: dict[str, str] = {}
    absorbed: set[str] = set()
    for _key, _name, _aliases, absorbs in data.DEPARTMENTS_2025:
        absorbed.update(k for k in absorbs if k != _key)
    new_keys = {k for k, *_ in data.DEPARTMENTS_2025}
    for key, name, aliases in data.DEPARTMENTS_2008:
        code = f"000.00.{next(level2):02d}.H26"
        dept_code[key] = code
        ends = MERGE_2025 - timedelta(days=1) if (key in absorbed or key not in new_keys) else None
        units.append(Unit(code, name, "SO", CITY_CODE, [*aliases, f"{name} Hà Nội"], FOUNDED, ends))
    for key, name, aliases, _absorbs in data.DEPARTMENTS_2025:
        if key in dept_code:
            continue
        code = f"000.00.{next(level2):02d}.H26"
        units.append(Unit(code, name, "SO", CITY_CODE, [*aliases, f"{name} Hà Nội"], MERGE_2025))
    # Clerks type "Sở Nông nghiệp" for both the old and the new agriculture department: ambiguous on purpose.
    for u in units:
        if u.loai == "SO" and u.name.startswith("Sở Nông nghiệp"):
            u.aliases.append("Sở Nông nghiệp")

    # Districts and their communes until 2025-06-30.
    new_titles = Counter(_commune_title(k, n) for k, n in data.COMMUNES_2025)
    old_titles = Counter(_commune_title(k, n) for _dk, _dn, cs in data.DISTRICTS for k, n in cs)
    last_old_day = TWO_LEVEL_2025 - timedelta(days=1)
    for i, (dkind, dname, communes) in enumerate(data.DISTRICTS):
        dcode = f"000.00.{12 + i:02d}.H26"
        dtitle = f"{dkind} {dname}"
        start = _FORMED_LATER.get(dname, FOUNDED)
        units.append(Unit(dcode, f"Ủy ban nhân dân {dtitle}", "UBND_HUYEN", CITY_CODE,
                          [f"UBND {dtitle}", f"UBND {_DISTRICT_PREFIX[dkind]} {dname}"], start, last_old_day))
        for j, (ckind, cname) in enumerate(communes):
            title = _commune_title(ckind, cname)
            clash = old_titles[title] > 1 or new_titles[title] > 0
            suffix = f", {dtitle}" if clash else ""
            aliases = [f"UBND {title}{suffix}"]
            if _COMMUNE_PREFIX.get(ckind):
                aliases.append(f"UBND {_COMMUNE_PREFIX[ckind]}{cname}{suffix}")
            units.append(Unit(f"000.{j + 1:02d}.{12 + i:02d}.H26", f"Ủy ban nhân dân {title}{suffix}", "UBND_XA",
                              dcode, aliases, start, last_old_day))

    # The 126 communes of the two-level local government.
    for i, (ckind, cname) in enumerate(data.COMMUNES_2025):
        title = _commune_title(ckind, cname)
        aliases = [f"UBND {title}"]
        if _COMMUNE_PREFIX.get(ckind):
            aliases.append(f"UBND {_COMMUNE_PREFIX[ckind]} {cname}")
        units.append(Unit(f"000.{i % 99 + 1:02d}.{70 + i // 99}.H26", f"Ủy ban nhân dân {title}", "UBND_XA",
                          CITY_CODE, aliases, TWO_LEVEL_2025))

    for key, name, aliases, valid_from in data.PUBLIC_SERVICE_UNITS:
        code = f"000.00.{next(level2):02d}.H26"
        units.append(Unit(code, name, "DVSN", CITY_CODE, list(aliases), date.fromisoformat(valid_from)))
        del key
    return units


class Directory:
    """The units, their behaviour for a seed, and fast weighted sampling of units in force on a day."""

    def __init__(self, seed: int):
        self.seed = seed
        self.units = _build_units()
        self.by_code = {u.code: u for u in self.units}
        for i, u in enumerate(self.units):
            u.index = i
            self._assign_behaviour(u)
        self._boundaries = sorted({u.valid_from for u in self.units}
                                  | {u.valid_to + timedelta(days=1) for u in self.units if u.valid_to})
        self._samplers: dict[tuple, tuple[list[Unit], list[float]]] = {}
        # The inspections of 2024-2025 change how the inspected units behave: planned before any record.
        from simulator.register import plan_register  # noqa: PLC0415 (it plans from the units above)

        self.register = plan_register(self)

    def _assign_behaviour(self, u: Unit) -> None:
        r = unit_float(self.seed, "quality", u.code)
        u.quality = "good" if r < 0.70 else ("bad" if r < 0.90 else "erratic")
        spread = unit_float(self.seed, "base", u.code)
        u.base = 0.955 + 0.04 * spread if u.quality == "good" else 0.70 + 0.18 * spread
        # lognormal-ish size so a few units are much busier than the rest
        g = unit_float(self.seed, "size", u.code)
        u.size = math.exp(1.2 * (g - 0.5) * 2)
        t = lambda name: unit_float(self.seed, name, u.code)  # noqa: E731
        good = u.quality != "bad"
        u.traits = {
            "esign": (0.93 + 0.07 * t("esign")) if good else (0.55 + 0.35 * t("esign")),
            "online": 0.25 + 0.6 * t("online"),
            "digitise": (0.75 + 0.24 * t("digitise")) if good else (0.4 + 0.4 * t("digitise")),
            "pay_online": 0.3 + 0.6 * t("pay"),
            "apology": (0.85 + 0.15 * t("apology")) if good else (0.1 + 0.5 * t("apology")),
            "reception": (0.93 + 0.07 * t("reception")) if good else (0.35 + 0.45 * t("reception")),
            "extensions": 0.05 + (0.1 if good else 0.35) * t("ext"),
        }

    def regime(self, d: date) -> int:
        return bisect.bisect_right(self._boundaries, d)

    def in_force(self, d: date, loai: tuple[str, ...] | None = None) -> list[Unit]:
        return [u for u in self.units if u.in_force(d) and (loai is None or u.loai in loai)]

    def sampler(self, d: date, weights_by_type: dict[str, float]) -> tuple[list[Unit], list[float]]:
        """Units in force on `d` with cumulative weights: each type gets its share, split by size."""
        key = (self.regime(d), tuple(sorted(weights_by_type.items())))
        hit = self._samplers.get(key)
        if hit is None:
            units: list[Unit] = []
            weights: list[float] = []
            for loai, share in weights_by_type.items():
                members = self.in_force(d, (loai,))
                total = sum(u.size for u in members)
                for u in members:
                    units.append(u)
                    weights.append(share * u.size / total)
            cum, acc = [], 0.0
            for w in weights:
                acc += w
                cum.append(acc)
            hit = self._samplers[key] = (units, [c / acc for c in cum])
        return hit

    @staticmethod
    def pick(sampler: tuple[list[Unit], list[float]], r: float) -> Unit:
        units, cum = sampler
        return units[min(bisect.bisect_right(cum, r), len(units) - 1)]

    @cached_property
    def json(self) -> list[dict]:
        return [u.to_json() for u in self.units]
