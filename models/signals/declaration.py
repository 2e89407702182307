"""What a compliance signal is, as data: the types the signal catalog (`models.signals.catalog`) is made of,
and the threshold put into words for inspectors.

A signal is declared once, as a source system is (`sources.declaration`): its code, system, kind,
threshold (one number, or one per unit type), Vietnamese texts, legal basis and what it counts.
`marts.signal_catalog`, the days signal's required days in SQL, the count signals the builder sets, the
register's drop-down and its validation, the web pages' and the brief's texts and the tables of README.md
and docs/huong-dan-thanh-tra.md are derived from it. How each signal's population is computed stays in SQL
(`sql/intermediate/int_signals_*.sql`, `int_head_reception.sql`): one file names the codes it computes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.vietnamese import number, percent
from models.directory import LoaiDonVi

Kind = Literal["ratio", "count", "days"]
"""spec/signals.md: ratio meets when value ≥ threshold, count when value ≤ threshold, days when value ≥ it."""

Direction = Literal["higher", "lower"]
"""Which way a value is better: higher (ratios, days), lower (counts of breaches)."""

UNIT_TYPE_SHORT_VI: dict[str, str] = {"UBND_XA": "cấp xã", "UBND_HUYEN": "cấp huyện", "SO": "sở",
                                      "UBND_TP": "UBND Thành phố"}
"""A unit type as the sentence of required days names it ("cấp xã 4 ngày, …")."""


@dataclass(frozen=True)
class ByUnitType:
    """A threshold that depends on the unit's directory type (`loai`), in the order the texts list them.
    Units of any other type are outside the signal's population."""

    values: tuple[tuple[LoaiDonVi, int], ...]

    def of(self, unit_type: str) -> int | None:
        return dict(self.values).get(unit_type)

    @property
    def unit_types(self) -> tuple[str, ...]:
        return tuple(t for t, _ in self.values)


@dataclass(frozen=True)
class Signal:
    """One signal of spec/signals.md: everything outside its population SQL needs to know of it."""

    code: str  # the system's name in capitals, "_", what it measures: QLVB_DI_KY_SO
    kind: Kind
    threshold: float | ByUnitType
    name_vi: str
    description_vi: str  # marts.signal_catalog's description: one or two sentences an inspector reads
    legal_basis: str
    unit_of_measure_vi: str  # what numerator and denominator count: "văn bản", "hồ sơ", "ngày"…
    computation_vi: str  # the inspectors' guide: numerator / population, and the month it is counted in
    evidence_vi: str  # the inspectors' guide: what marts.findings holds for it

    def __post_init__(self) -> None:
        if isinstance(self.threshold, ByUnitType) != (self.kind == "days"):
            raise ValueError(f"{self.code}: only a days signal has a threshold by unit type, and it always has")
        if not re.fullmatch(r"[A-Z]+_[A-Z0-9_]*[A-Z0-9]", self.code):
            raise ValueError(f"{self.code!r}: a signal code is its system's name in capitals, '_', then words")

    @property
    def system(self) -> str:
        """The source system it is computed from (a name of sources.catalog, which only that module writes):
        the code's first word."""
        return self.code.split("_", 1)[0].lower()

    @property
    def direction(self) -> Direction:
        """Follows from the kind (spec: how each kind meets its threshold): a count counts breaches."""
        return "lower" if self.kind == "count" else "higher"

    @property
    def single_threshold(self) -> float | None:
        """The one threshold of marts.signal_catalog: None when it depends on the unit type."""
        return None if isinstance(self.threshold, ByUnitType) else float(self.threshold)

    @property
    def threshold_vi(self) -> str:
        """The threshold as the docs' tables write it: "≥ 95 %", "100 %", "0", "cấp xã 4 ngày, …"."""
        if isinstance(self.threshold, ByUnitType):
            return days_required_vi(self.threshold)
        if self.kind == "ratio":
            written = percent(self.threshold, 0 if round(100 * self.threshold, 6).is_integer() else 1)
            return written if self.threshold >= 1 else f"≥ {written}"
        written = number(self.threshold, None)
        if self.kind == "count":
            return written if self.threshold == 0 else f"≤ {written}"
        return f"≥ {written} ngày"


def days_required_vi(required: ByUnitType) -> str:
    """The required days in one phrase, types with equal days together:
    "cấp xã 4 ngày, cấp huyện 2 ngày, sở và UBND Thành phố 1 ngày mỗi tháng"."""
    groups: list[tuple[list[str], int]] = []
    for unit_type, days in required.values:
        if groups and groups[-1][1] == days:
            groups[-1][0].append(UNIT_TYPE_SHORT_VI[unit_type])
        else:
            groups.append(([UNIT_TYPE_SHORT_VI[unit_type]], days))
    return ", ".join(f"{' và '.join(names)} {days} ngày" for names, days in groups) + " mỗi tháng"
