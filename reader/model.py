"""What the published file's rows mean, as the brief, the web app and the CLI share them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models.directory import UNIT_TYPE_VI

# The marts' kinds in Vietnamese, and the order they are listed in (systems: as declared, from the file).
KIND_VI = {"ratio": "Tỷ lệ", "count": "Số lượng", "days": "Số ngày"}
KIND_ORDER = list(KIND_VI)


@dataclass(frozen=True)
class Publication:
    """What the file is (marts.publication): real or simulated data, its as-of date, when it was built."""

    data_kind: str
    simulated: bool
    as_of: object
    built_at: datetime | None
    note_vi: str


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    type: str
    parent_code: str | None
    parent_name: str | None
    valid_from: date | None
    valid_to: date | None

    @property
    def type_vi(self) -> str:
        return UNIT_TYPE_VI.get(self.type, self.type)

    def in_force(self, day: date) -> bool:
        """In force on `day`: started on or before it, not ended before it."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)


UnitRow = tuple[str, str, str, str | None, date | None, date | None]  # code, name, type, parent, from, to


@dataclass(frozen=True)
class Signal:
    code: str
    system: str
    kind: str
    name_vi: str
    description_vi: str
    threshold: float | None
    legal_basis: str


@dataclass(frozen=True)
class Window:
    """The months a read covers (first days, oldest first) and the as-of date it states."""

    as_of: date
    as_of_reason: str
    months: list[date]

    @property
    def first(self) -> date:
        return self.months[0]

    @property
    def last(self) -> date:
        return self.months[-1]


@dataclass(frozen=True)
class Priority:
    rank: int
    risk_score: float
    signals_evaluated: int
    top_reasons: list[str]
    ranked_units: int


@dataclass(frozen=True)
class Pooled:
    """One signal of one unit pooled over the window, as `marts.unit_signals_pooled` defines it.

    A signal without data in the window has `months` 0, the catalog's threshold and None elsewhere."""

    signal: Signal
    months: int = 0
    months_met: int = 0
    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None
    threshold: float | None = None
    met: bool | None = None

    @property
    def has_data(self) -> bool:
        return self.months > 0


MonthlyRow = tuple[int, int | None, float, float, bool]  # numerator, denominator, value, threshold, met
