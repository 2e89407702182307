"""The draw's arithmetic, pure: weights, inclusion probabilities, systematic PPS sampling.

Rule `pps-systematic` (docs/draw.md, docs/boc-tham-dot-xuat.md), versions 1 and 2, which differ only in the risk
score they weigh (`RISK_SCORES`): version 2 weighs the evidence-weighted score of the spec since issue 20, version 1
the raw one that files published before it hold. Every logged draw replays with its own version.

- weight `w_i = floor + risk_score_i` (floor > 0, so no unit's chance is ever zero);
- inclusion probability `π_i = n·w_i / Σw`; a unit whose π reaches 1 is drawn for certain (π = 1) and the
  others are recomputed over what remains (`(n − certain)·w_i / Σ w of the rest`) until none reaches 1;
- systematic PPS (Madow): the candidates, in unit-code order, are shuffled by `random.Random(seed)`; one start
  `u = rng.random()` in [0, 1) follows from the same generator; laid end to end in the shuffled order, each unit
  owns an interval of length π_i, and the units whose interval holds u, u+1, …, u+n−1 are drawn. Each interval is
  at most 1 long, so the n points fall in n distinct units, and each unit is drawn with probability exactly π_i.

Arithmetic is exact (fractions; weights from the decimal figures), so the intervals sum to n exactly and a
draw repeats bit for bit on any machine: Python's `Random` with an integer seed gives the same `shuffle` and
`random` on every version since 3.2.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from fractions import Fraction
from itertools import accumulate

RULE = "pps-systematic"
RULE_VERSION = 2
RISK_SCORES = {
    1: "marts.inspection_priority.risk_score: 100 × the mean raw shortfall of the unit's pooled ratio signals "
       "(files published before marts.priority_signals existed)",
    2: "marts.inspection_priority.risk_score: 100 × the mean evidence-weighted shortfall (the pooled rate's 95 % "
       "Wilson upper bound against the threshold), what marts.priority_signals itemises",
}
"""What `risk_score` means under each version of the rule; the weights are `floor + risk_score` in both."""


class SamplingError(ValueError):
    """The draw's parameters cannot give a sample; the message is the operator's (Vietnamese)."""


def exact(value: float | int | str) -> Fraction:
    """A figure as the decimal it is written as: 12.34 is 1234/100, not the nearest binary float."""
    return Fraction(str(value))


def weight(floor: float, risk_score: float) -> Fraction:
    """`floor + risk_score`, exactly. The floor must be positive and the score (0–100) not negative."""
    if exact(floor) <= 0:
        raise SamplingError(f"--floor phải lớn hơn 0 (đang là {floor})")
    if exact(risk_score) < 0:
        raise SamplingError(f"điểm rủi ro âm ({risk_score}): tệp dữ liệu không đúng quy ước")
    return exact(floor) + exact(risk_score)


def check_rule(rule: str, version: int) -> None:
    """A logged draw's rule must be one this code knows, so that it replays by that rule."""
    if rule != RULE or version not in RISK_SCORES:
        raise SamplingError(f"quy tắc {rule} v{version} không có trong phiên bản này (chỉ có {RULE} "
                            f"v{', v'.join(str(v) for v in RISK_SCORES)})")


def inclusion_probabilities(weights: Sequence[Fraction], n: int) -> list[Fraction]:
    """π_i = n·w_i/Σw, capped at 1 iteratively: the certain units are set aside and the rest recomputed."""
    if n < 1:
        raise SamplingError(f"số đơn vị cần bốc phải từ 1 trở lên (đang là {n})")
    if n > len(weights):
        raise SamplingError(f"cần bốc {n} đơn vị nhưng chỉ có {len(weights)} đơn vị đủ điều kiện")
    if any(w <= 0 for w in weights):
        raise SamplingError("mọi trọng số phải dương")
    certain: set[int] = set()
    while True:
        rest = [i for i in range(len(weights)) if i not in certain]
        remaining, total = n - len(certain), sum((weights[i] for i in rest), Fraction(0))
        share = {i: remaining * weights[i] / total for i in rest}
        reached = {i for i in rest if share[i] >= 1}
        if not reached:
            return [Fraction(1) if i in certain else share[i] for i in range(len(weights))]
        certain |= reached


class SystematicPPS:
    """Systematic PPS over fixed probabilities (summing to a whole n, each in (0, 1]), checked once; `draw(seed)`
    is then cheap, so the tests can repeat it many times by the very code a draw runs."""

    def __init__(self, probabilities: Sequence[Fraction]):
        n = sum(probabilities, Fraction(0))
        if n.denominator != 1 or any(not 0 < p <= 1 for p in probabilities):
            raise SamplingError("xác suất không hợp lệ: mỗi xác suất phải trong (0, 1] và tổng phải là số nguyên")
        # In whole numbers, exactly: each π_i times the common denominator of them all.
        self.n, self.denominator = int(n), math.lcm(*(p.denominator for p in probabilities))
        self.numerators = [p.numerator * (self.denominator // p.denominator) for p in probabilities]

    def draw(self, seed: int) -> list[int]:
        """The indices drawn, in the order drawn."""
        if seed < 0:
            raise SamplingError(f"--seed phải là số nguyên không âm (đang là {seed})")
        rng = random.Random(seed)
        order = list(range(len(self.numerators)))
        rng.shuffle(order)
        start = Fraction(rng.random())  # a float in [0, 1): a dyadic fraction, exact
        # lengths and points times (the π's denominator × the start's): u + k ↦ start·D + k·D
        scale = start.denominator
        ends = list(accumulate(self.numerators[i] * scale for i in order))
        first, step = start.numerator * self.denominator, self.denominator * scale
        return [order[bisect_right(ends, first + k * step)] for k in range(self.n)]


def systematic_pps(probabilities: Sequence[Fraction], seed: int) -> list[int]:
    """The indices drawn (in the order drawn) from probabilities summing to a whole n, each π_i ≤ 1."""
    return SystematicPPS(probabilities).draw(seed)
