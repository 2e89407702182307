"""The reasons behind a unit's priority, with the numbers an inspector can defend (marts.priority_signals).

Each ratio signal a score counts is a `Reason`: its name, its pooled cases met of all, the rate and the threshold
("<tên chỉ số>: 2/24 (8,3 %), ngưỡng <t> %", the threshold the catalog's), the unit's standing among its peers
("thấp thứ 3 trong 126 UBND cấp xã"), and a mark when the rate rests on few cases. The same words in the
priority list, the unit page, the overview, the brief and `cchc draw`.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from core.vietnamese import number, percent
from models.directory import UNIT_TYPE_VI
from reader.sql import has_table

FEW_CASES = 10
"""A rate resting on fewer cases than this is marked "ít trường hợp": below 10 cases, one case more or less
moves the rate by more than 10 percentage points. (The score already weighs every rate by its cases; the mark
tells the inspector to read the rate, not only the rank.)"""


def threshold_percent(threshold: float) -> str:
    """A ratio threshold in percent: 95 %, 100 %, 87,5 %."""
    return percent(threshold, 0 if round(100 * threshold, 6).is_integer() else 1)


@dataclass(frozen=True)
class Reason:
    """One ratio signal of a unit's score, pooled over the priority window."""

    signal_code: str
    name_vi: str
    numerator: int
    denominator: int
    value: float
    threshold: float
    upper_bound: float
    shortfall_raw: float
    shortfall: float
    contribution: float
    unit_type: str | None = None
    peer_rank: int | None = None
    peers: int | None = None
    tied: bool = False  # another unit of the type shares the peer rank

    @property
    def few(self) -> bool:
        return self.denominator < FEW_CASES

    @property
    def weighs(self) -> bool:
        """Below the threshold surely (with 95 % confidence): it counts in the score."""
        return self.shortfall > 0

    @property
    def below_not_surely(self) -> bool:
        """Below the threshold, but not surely so on its cases: it weighs nothing in the score."""
        return self.shortfall_raw > 0 and not self.weighs

    @property
    def figures(self) -> str:
        """"2/24 (8,3 %), ngưỡng <t> %": cases met of all, the rate, the catalog's threshold."""
        return f"{number(self.numerator)}/{number(self.denominator)} ({percent(self.value)}), " \
               f"ngưỡng {threshold_percent(self.threshold)}"

    @property
    def text(self) -> str:
        """The signal's name, then its `figures`."""
        return f"{self.name_vi}: {self.figures}"

    @property
    def standing(self) -> str | None:
        """"thấp thứ 3 trong 126 UBND cấp xã" (1 is the lowest rate; ties share the rank); None without peers."""
        if self.peer_rank is None or not self.peers:
            return None
        kind = UNIT_TYPE_VI.get(self.unit_type or "", self.unit_type or "đơn vị cùng loại")
        if self.peers == 1:
            return f"{kind} duy nhất có số liệu"
        place = "thấp nhất" if self.peer_rank == 1 else f"thấp thứ {number(self.peer_rank)}"
        return f"{place}{' (đồng hạng)' if self.tied else ''} trong {number(self.peers)} {kind}"

    @property
    def few_text(self) -> str:
        """"ít trường hợp: 4 (dưới 10)"."""
        return f"ít trường hợp: {number(self.denominator)} (dưới {FEW_CASES})"

    @property
    def full_text(self) -> str:
        """The reason in one line, for the brief and the terminal: text — standing; the few-cases mark."""
        parts = [self.text] + ([self.standing] if self.standing else [])
        return " — ".join(parts) + (f" [{self.few_text}]" if self.few else "")


def read_reasons(con: duckdb.DuckDBPyConnection, codes: list[str] | None = None) -> dict[str, list[Reason]]:
    """unit → every ratio signal its score counts (of `codes` only, when given), the largest evidence-weighted
    shortfall first (ties: by code); empty for a file published before marts.priority_signals existed."""
    if not has_table(con, "priority_signals"):
        return {}
    name, catalog = ("c.name_vi", "LEFT JOIN marts.signal_catalog c USING (signal_code)") \
        if has_table(con, "signal_catalog") else ("NULL", "")
    found = con.execute(f"""
        SELECT s.unit_code, s.signal_code, coalesce({name}, s.signal_code), s.numerator, s.denominator, s.value,
               s.threshold, s.upper_bound, s.shortfall_raw, s.shortfall, s.contribution, p.unit_type, s.peer_rank,
               s.peers, count(*) OVER (PARTITION BY p.unit_type, s.signal_code, s.peer_rank) > 1 AS tied
        FROM marts.priority_signals s
        JOIN marts.inspection_priority p USING (unit_code)
        {catalog}
        QUALIFY ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.unit_code)
        ORDER BY s.unit_code, s.shortfall DESC, s.signal_code""", [codes, codes]).fetchall()
    out: dict[str, list[Reason]] = {}
    for code, *rest in found:
        out.setdefault(code, []).append(Reason(*rest))
    return out


@dataclass(frozen=True)
class Explanation:
    """What the priority list and the overview say of one ranked unit."""

    reasons: list[Reason]  # its top reasons, largest first (marts.inspection_priority.top_reasons)
    not_sure: list[Reason]  # below the threshold, not surely so: they weigh nothing
    evaluated: int  # ratio signals counted

    @property
    def summary(self) -> str | None:
        """The sentence shown instead of reasons when there are none."""
        if self.reasons:
            return None
        if self.not_sure:
            return "Không chỉ số nào chắc chắn dưới ngưỡng; dưới ngưỡng nhưng chưa đủ chắc chắn với số trường hợp " \
                   "hiện có (không tính điểm):"
        return "Mọi chỉ số tỷ lệ đạt ngưỡng"


def explain(reasons: list[Reason], top_reasons: list[str]) -> Explanation:
    """The top reasons (in `top_reasons`' order) and the rates below the threshold that weigh nothing."""
    by_code = {r.signal_code: r for r in reasons}
    return Explanation([by_code[c] for c in top_reasons if c in by_code],
                       [r for r in reasons if r.below_not_surely], len(reasons))
