"""The draw's arithmetic (cchc/draw/sampling.py), against probabilities worked out by hand.

Rule version 2 weighs the evidence-weighted risk score (spec: inspection_priority since issue 20); the weights are
`floor + risk_score` under both versions, so what changes is the score fed in: the hand-built city of
tests/test_priority.py scores NV (one paper document, 0/1, beside 2/2 reports) 8.24, P2 and P3 (1/2 each) 4.69,
TP (3/4 reports against 100 %) 4.56 and P1 (40/40) 0 by the evidence-weighted rule, and 50, 47.37, 47.37, 25, 0 by
the raw one (version 1).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction as F

import pytest

from cchc.draw.sampling import (
    RISK_SCORES,
    RULE,
    RULE_VERSION,
    SamplingError,
    SystematicPPS,
    check_rule,
    inclusion_probabilities,
    systematic_pps,
    weight,
)


def test_weights_are_floor_plus_risk_exactly():
    assert weight(10, 0) == 10
    assert weight(10, 12.34) == F(2234, 100)  # the decimal 22.34, not the nearest binary float
    assert weight(0.5, 99.99) == F(10049, 100)


@pytest.mark.parametrize("floor", [0, -1, 0.0])
def test_the_floor_must_be_positive(floor):
    with pytest.raises(SamplingError, match="--floor"):
        weight(floor, 10)


def test_one_unit_drawn_probabilities_are_the_weight_shares():
    """Weights 10, 30, 60 (risk 0, 20, 50 with floor 10), n = 1: 10/100, 30/100, 60/100."""
    assert inclusion_probabilities([weight(10, 0), weight(10, 20), weight(10, 50)], 1) == [F(1, 10), F(3, 10),
                                                                                           F(6, 10)]


def test_two_units_drawn_double_the_shares():
    """Weights 10, 30, 60, n = 2: 20/100, 60/100, 120/100 → the last is capped at 1 (certain), and the one
    remaining place is shared by 10 and 30: 10/40 = 1/4, 30/40 = 3/4."""
    assert inclusion_probabilities([F(10), F(30), F(60)], 2) == [F(1, 4), F(3, 4), F(1)]


def test_capping_over_two_rounds():
    """Weights 10, 10, 20, 50, 110, n = 3 (Σ 200).
    Round 1: 3·w/200 = .15, .15, .3, .75, 1.65 → 110 is certain.
    Round 2: 2 places over Σ 90: 2/9, 2/9, 4/9, 10/9 → 50 is certain.
    Round 3: 1 place over Σ 40: 1/4, 1/4, 1/2. Final: 1/4, 1/4, 1/2, 1, 1 (sum 3)."""
    assert inclusion_probabilities([F(w) for w in (10, 10, 20, 50, 110)], 3) == [F(1, 4), F(1, 4), F(1, 2),
                                                                                 F(1), F(1)]


def test_drawing_every_unit_makes_all_certain():
    assert inclusion_probabilities([F(10), F(70), F(20)], 3) == [F(1)] * 3


def test_n_must_fit_the_candidates():
    with pytest.raises(SamplingError, match="cần bốc 4 đơn vị nhưng chỉ có 3"):
        inclusion_probabilities([F(10)] * 3, 4)
    with pytest.raises(SamplingError, match="từ 1 trở lên"):
        inclusion_probabilities([F(10)] * 3, 0)


def test_every_draw_is_exactly_n_distinct_units_and_repeats_with_its_seed():
    rng = random.Random(7)
    for seed in range(300):
        size = rng.randint(1, 30)
        weights = [weight(10, round(rng.uniform(0, 100), 2)) for _ in range(size)]
        n = rng.randint(1, size)
        pis = inclusion_probabilities(weights, n)
        drawn = systematic_pps(pis, seed)
        assert len(drawn) == n and len(set(drawn)) == n
        assert all(i in drawn for i, p in enumerate(pis) if p == 1)  # certain units always come
        assert systematic_pps(pis, seed) == drawn


def test_a_seed_gives_the_same_list_on_every_python():
    """Pinned, so that a change of Python's Random or of the algorithm (which would break every logged replay)
    fails here first. π = 2, 3, 4, 6, 9, 12, 18, 21 (/25) for units 0…7, n = 3, seed 2026, worked by hand:
    Random(2026) shuffles [0…7] to [6, 7, 3, 0, 5, 4, 2, 1] and then gives u = 0.7833733824831903; the segments
    in that order end at 18, 39, 45, 47, 59, 68, 72, 75 (/25) = .72, 1.56, 1.80, 1.88, 2.36, 2.72, 2.88, 3;
    u = .78 falls in unit 7's [.72, 1.56), 1.78 in unit 3's [1.56, 1.80), 2.78 in unit 2's [2.72, 2.88)."""
    rng = random.Random(2026)
    order = list(range(8))
    rng.shuffle(order)
    assert order == [6, 7, 3, 0, 5, 4, 2, 1] and rng.random() == 0.7833733824831903
    pis = [F(w, 25) for w in (2, 3, 4, 6, 9, 12, 18, 21)]
    assert systematic_pps(pis, 2026) == [7, 3, 2]


@pytest.mark.parametrize("case", [
    # 8 units, n = 3, risk 0, 5, 10, 20, 35, 50, 80, 95 with floor 10: weights 10, 15, 20, 30, 45, 60, 90, 105
    # (Σ 375), so π = 3w/375 = .08, .12, .16, .24, .36, .48, .72, .84 (no capping; sum 3).
    ([0, 5, 10, 20, 35, 50, 80, 95], 3, [F(w, 25) for w in (2, 3, 4, 6, 9, 12, 18, 21)]),
    # 5 units, n = 3, weights 10, 10, 20, 50, 110 (floor 10): capped twice, π = 1/4, 1/4, 1/2, 1, 1.
    ([0, 0, 10, 40, 100], 3, [F(1, 4), F(1, 4), F(1, 2), F(1), F(1)]),
    # rule version 2 on tests/test_priority.py's city, n = 2: weights 18.24, 14.69, 14.69, 14.56, 10 (Σ 72.18), so
    # π = 2w/72.18 = 1824, 1469, 1469, 1456, 1000 (/3609) = .5054, .4070, .4070, .4034, .2771 (no capping; sum 2).
    ([8.24, 4.69, 4.69, 4.56, 0], 2, [F(w, 3609) for w in (1824, 1469, 1469, 1456, 1000)]),
])
def test_over_many_seeded_draws_each_unit_comes_as_often_as_its_probability(case):
    """20,000 draws with seeds 0…19,999. Each unit's frequency must lie within 4 standard errors of its stated
    π, the standard error being sqrt(π(1 − π)/20,000): e.g. ±0.0077 for π = .08, ±0.0141 for π = .48,
    ±0.0104 for π = .84, ±0.0122 for π = 1/4, 0 for a certain unit (it must come every time). With 8 units
    at 4 standard errors a correct sampler fails with probability under 0.1 %; the seeds are fixed, so the
    outcome does not vary from run to run. Each draw also has exactly n units (frequencies sum to n)."""
    risks, n, stated = case
    trials = 20_000
    pis = inclusion_probabilities([weight(10, r) for r in risks], n)
    assert pis == stated
    counts, design = [0] * len(pis), SystematicPPS(pis)  # systematic_pps(pis, seed) is design.draw(seed)
    for seed in range(trials):
        for i in design.draw(seed):
            counts[i] += 1
    assert sum(counts) == n * trials
    for count, p in zip(counts, stated, strict=True):
        tolerance = 4 * math.sqrt(p * (1 - p) / trials)
        assert abs(count / trials - p) <= tolerance, (count / trials, float(p), tolerance)


def test_the_evidence_weighted_score_gives_a_single_case_less_weight():
    """The same five units, n = 2, floor 10. Version 1 (raw scores 50, 47.37, 47.37, 25, 0: weights 60, 57.37, 57.37,
    35, 10, Σ 219.74): π = 120/219.74, 114.74/219.74 twice, 70/219.74, 20/219.74 = .5461, .5222, .5222, .3186,
    .0910. Version 2 (above): .5054, .4070, .4070, .4034, .2771 — one late document or two documents no longer
    outweigh a quarter of the reports missed, and the unit that meets everything is three times as likely."""
    raw = inclusion_probabilities([weight(10, s) for s in (50, 47.37, 47.37, 25, 0)], 2)
    weighed = inclusion_probabilities([weight(10, s) for s in (8.24, 4.69, 4.69, 4.56, 0)], 2)
    assert raw == [F(12000, 21974), F(11474, 21974), F(11474, 21974), F(7000, 21974), F(2000, 21974)]
    assert [round(float(p), 4) for p in raw] == [0.5461, 0.5222, 0.5222, 0.3186, 0.091]
    assert [round(float(p), 4) for p in weighed] == [0.5054, 0.407, 0.407, 0.4034, 0.2771]


def test_each_logged_rule_version_is_known_and_no_other():
    assert RULE == "pps-systematic" and RULE_VERSION == 2 and set(RISK_SCORES) == {1, 2}
    check_rule("pps-systematic", 1)
    check_rule("pps-systematic", 2)
    for rule, version in (("pps-systematic", 3), ("pps-systematic", 0), ("srs", 1)):
        with pytest.raises(SamplingError, match=f"quy tắc {rule} v{version} không có"):
            check_rule(rule, version)
