"""Funnel limits around a target rate p0 (Spiegelhalter DJ, "Funnel plots for comparing institutional
performance", Statistics in Medicine 2005;24:1185–1202), exact binomial ones with the paper's interpolation
(its appendix, A.1.1): for a unit with n cases, y_p is the smallest count with P(Y ≤ y_p) ≥ p, Y ~ Binomial(n, p0),
α = (P(Y ≤ y_p) − p) / P(Y = y_p), and the limit is (y_p − α) / n, clipped to [0, 1]. The 95 % limits take
p = 0.025 and 0.975, the 99.8 % limits p = 0.001 and 0.999.

So a unit with x of n cases lies below the lower 99.8 % limit exactly when P(Y ≤ x) < 0.001: if its true rate were
the threshold, so few successes would happen less than once in a thousand. The limits widen as n shrinks.
Exact rather than the normal approximation p0 ± z·√(p0(1 − p0)/n), which they approach for large n: at a 95 %
threshold the approximation's lower 99.8 % limit at one case is 27,7 %, so one late petition (0 of 1) would be
"almost surely below" — the exact limit is 0 (P(Y = 0) = 5 %). Here p0 is the signal's threshold and the rates are
pooled over the priority window (marts.priority_signals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

TAIL_95, TAIL_998 = 0.025, 0.001  # the lower tail of each two-sided limit
_NEGLIGIBLE = 1e-17


def _pmf(k: int, n: int, p: float) -> float:
    return math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                    + k * math.log(p) + (n - k) * math.log1p(-p))


@lru_cache(maxsize=65536)
def cdf(x: int, n: int, p: float) -> float:
    """P(Y ≤ x) for Y ~ Binomial(n, p), summed from x away from the mode (so only the terms that matter)."""
    if x < 0:
        return 0.0
    if x >= n or p <= 0:
        return 1.0
    if p >= 1:
        return 0.0
    if x < (n + 1) * p - 1:  # below the mode: the lower tail, terms falling as k falls
        term = total = _pmf(x, n, p)
        for k in range(x - 1, -1, -1):
            term *= (k + 1) / (n - k) * (1 - p) / p
            total += term
            if term < _NEGLIGIBLE * total:
                break
        return min(total, 1.0)
    term = total = _pmf(x + 1, n, p)  # at or above the mode: one minus the upper tail
    for k in range(x + 1, n):
        term *= (n - k) / (k + 1) * p / (1 - p)
        total += term
        if term < _NEGLIGIBLE * total:
            break
    return max(0.0, 1.0 - total)


@lru_cache(maxsize=65536)
def limit(p0: float, n: int, prob: float) -> float:
    """The interpolated limit (y_p − α)/n at n cases for the cumulative probability `prob`, clipped to [0, 1]."""
    if p0 >= 1:
        y, below, at = n, 0.0, 1.0
    elif p0 <= 0:
        y, below, at = 0, 0.0, 1.0
    else:
        spread = math.sqrt(n * p0 * (1 - p0))
        z = {TAIL_95: -1.96, TAIL_998: -3.09, 1 - TAIL_95: 1.96, 1 - TAIL_998: 3.09}.get(prob, 0.0)
        y = min(n, max(0, math.floor(n * p0 + z * spread)))  # the normal guess, then step to the exact one
        while y < n and cdf(y, n, p0) < prob:
            y += 1
        while y > 0 and cdf(y - 1, n, p0) >= prob:
            y -= 1
        at, below = cdf(y, n, p0), cdf(y - 1, n, p0)
    alpha = (at - prob) / (at - below)
    return min(1.0, max(0.0, (y - alpha) / n))


def limits(p0: float, n: int, tail: float) -> tuple[float, float]:
    """The lower and upper limit at n cases of the two-sided level whose lower tail is `tail`."""
    return limit(p0, n, tail), limit(p0, n, 1 - tail)


# Where a unit lies: below the 99.8 % limit, between the two lower limits, or within (or above) the limits.
BELOW_998, BELOW_95, WITHIN = "below_998", "below_95", "within"


def zone(x: int, n: int, p0: float) -> str:
    tail = cdf(x, n, p0)
    return BELOW_998 if tail < TAIL_998 else BELOW_95 if tail < TAIL_95 else WITHIN


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
        return zone(self.numerator, self.denominator, self.threshold)

    @property
    def tail(self) -> float:
        """P(Y ≤ x) if the unit's true rate were the threshold: the smaller, the surer it is below."""
        return cdf(self.numerator, self.denominator, self.threshold)

    @property
    def lower_998(self) -> float:
        return limit(self.threshold, self.denominator, TAIL_998)
