"""Funnel limits (Spiegelhalter DJ, "Funnel plots for comparing institutional performance", Statistics in
Medicine 2005;24:1185–1202): around a target rate p0, a unit with n cases lies within

    p0 ± z·√(p0(1 − p0)/n),  clipped to [0, 1],

with probability about 95 % (z = 1.96) or 99.8 % (z = 3.09) when its true rate is p0 — the normal
approximation to the binomial. The limits widen as n shrinks, so a unit far below the target on few cases can
still be within them (chance), while one below the 99.8 % limit is almost surely below the target. Here p0 is
the signal's threshold and the rates are pooled over the priority window (marts.priority_signals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.96
Z998 = 3.09


def limits(p0: float, n: int, z: float) -> tuple[float, float]:
    """The lower and upper limit at n cases, clipped to [0, 1] (both p0 when p0 is 0 or 1: no spread)."""
    half = z * math.sqrt(p0 * (1 - p0) / n)
    return max(0.0, p0 - half), min(1.0, p0 + half)


def z_score(p: float, p0: float, n: int) -> float:
    """How many standard errors of p0 at n cases the rate p lies from p0 (−∞/+∞ when p0 has no spread)."""
    spread = math.sqrt(p0 * (1 - p0) / n)
    if spread == 0:
        return 0.0 if p == p0 else math.copysign(math.inf, p - p0)
    return (p - p0) / spread


# Where a unit lies: below the 99.8 % limit, between the two lower limits, within the 95 % limits, above them.
BELOW_998, BELOW_95, WITHIN, ABOVE = "below_998", "below_95", "within", "above"


def zone(p: float, p0: float, n: int) -> str:
    z = z_score(p, p0, n)
    if z < -Z998:
        return BELOW_998
    if z < -Z95:
        return BELOW_95
    return ABOVE if z > Z95 else WITHIN


@dataclass(frozen=True)
class FunnelPoint:
    unit_code: str
    unit_name: str
    unit_type: str | None
    numerator: int
    denominator: int
    value: float
    threshold: float

    @property
    def zone(self) -> str:
        return zone(self.value, self.threshold, self.denominator)

    @property
    def z(self) -> float:
        return z_score(self.value, self.threshold, self.denominator)

    @property
    def lower_998(self) -> float:
        return limits(self.threshold, self.denominator, Z998)[0]
