"""The reasons an inspector reads and the numbers behind them, worked out by hand: a reason's text in Vietnamese
(reader.reasons), the few-cases mark, the sentence of how a ranking moved (reader.history), the funnel limits
(reader.funnel) and the rule of who was just inspected (reader.register)."""

from __future__ import annotations

from datetime import date
from math import comb

import duckdb
import pytest

from reader.funnel import BELOW_95, BELOW_998, TAIL_95, TAIL_998, WITHIN, cdf, limits, zone
from reader.history import Standing, movement
from reader.months import months_before
from reader.reasons import FEW_CASES, Reason, explain
from reader.register import last_inspections, recency


def reason(x: int, n: int, threshold: float, shortfall: float = 0.5, code: str = "MOTCUA_THANH_TOAN_TRUC_TUYEN",
           **standing) -> Reason:
    p = x / n
    return Reason(code, "Tỷ lệ hồ sơ thanh toán trực tuyến", x, n, p, threshold, 0.9,
                  max(0.0, threshold - p) / threshold, shortfall, 10 * shortfall, **standing)


# --------------------------------------------------------------------------- a reason in words


def test_a_reason_reads_with_its_numbers_the_vietnamese_way():
    """2/24 = 8,33… % → "8,3 %" (one decimal, a comma); the threshold 0.5 → "50 %"; thousands with a dot."""
    assert reason(2, 24, 0.5).text == "Tỷ lệ hồ sơ thanh toán trực tuyến: 2/24 (8,3 %), ngưỡng 50 %"
    assert reason(400, 887, 0.95).figures == "400/887 (45,1 %), ngưỡng 95 %"
    assert reason(1047, 1557, 0.95).figures == "1.047/1.557 (67,2 %), ngưỡng 95 %"
    assert reason(13, 18, 1.0).figures == "13/18 (72,2 %), ngưỡng 100 %"
    assert reason(7, 10, 0.875).figures == "7/10 (70,0 %), ngưỡng 87,5 %"


def test_the_standing_among_the_units_of_its_type():
    assert reason(2, 24, 0.5, unit_type="UBND_XA", peer_rank=3, peers=126).standing == \
        "thấp thứ 3 trong 126 UBND cấp xã"
    assert reason(0, 1, 0.95, unit_type="UBND_XA", peer_rank=1, peers=90, tied=True).standing == \
        "thấp nhất (đồng hạng) trong 90 UBND cấp xã"
    assert reason(400, 887, 0.95, unit_type="SO", peer_rank=1, peers=16).standing == \
        "thấp nhất trong 16 Sở, ban, ngành"
    assert reason(13, 18, 1.0, unit_type="UBND_XA", peer_rank=1005, peers=1126, tied=True).standing == \
        "thấp thứ 1.005 (đồng hạng) trong 1.126 UBND cấp xã"
    assert reason(3, 4, 1.0, unit_type="UBND_TP", peer_rank=1, peers=1).standing == "UBND Thành phố duy nhất có số liệu"
    assert reason(3, 4, 1.0).standing is None  # a file without peers: no standing


def test_a_rate_on_fewer_than_ten_cases_is_marked():
    assert FEW_CASES == 10
    assert reason(0, 9, 0.95).few and not reason(0, 10, 0.95).few and reason(0, 1, 0.95).few
    assert reason(1, 3, 0.95).few_text == "ít trường hợp: 3 (dưới 10)"
    assert reason(1, 3, 0.95, unit_type="UBND_XA", peer_rank=4, peers=28).full_text == \
        "Tỷ lệ hồ sơ thanh toán trực tuyến: 1/3 (33,3 %), ngưỡng 95 % — thấp thứ 4 trong 28 UBND cấp xã " \
        "[ít trường hợp: 3 (dưới 10)]"
    assert reason(40, 40, 0.95).full_text == "Tỷ lệ hồ sơ thanh toán trực tuyến: 40/40 (100,0 %), ngưỡng 95 %"


def test_a_unit_without_reasons_says_whether_its_rates_meet_or_are_below_but_not_surely():
    """3/4 against 95 % is below (raw shortfall 0.21) but its upper bound 0.9544 is not: it weighs 0."""
    below = reason(3, 4, 0.95, shortfall=0.0, code="QLVB_DI_KY_SO")
    met = reason(40, 40, 0.95, shortfall=0.0, code="QLVB_DEN_DUNG_HAN")
    assert below.below_not_surely and not below.weighs and not met.below_not_surely
    nothing = explain([below, met], [])
    assert nothing.reasons == [] and nothing.not_sure == [below]
    assert nothing.summary == ("Không chỉ số nào chắc chắn dưới ngưỡng; dưới ngưỡng nhưng chưa đủ chắc chắn với số "
                               "trường hợp hiện có (không tính điểm):")
    assert explain([met], []).summary == "Mọi chỉ số tỷ lệ đạt ngưỡng"
    weighs = reason(2, 24, 0.5)
    found = explain([weighs, below], ["MOTCUA_THANH_TOAN_TRUC_TUYEN"])
    assert found.reasons == [weighs] and found.summary is None


# --------------------------------------------------------------------------- how the ranking moved

NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)
NAMES = {"A": "Tỷ lệ văn bản đi được ký số", "B": "Tỷ lệ hồ sơ giải quyết đúng hạn",
         "C": "Tỷ lệ hồ sơ thanh toán trực tuyến", "D": "Tỷ lệ đơn được xử lý đúng hạn", "E": "Tỷ lệ hồ sơ được số hóa"}


def test_the_sentence_names_the_signals_that_moved_the_score_and_by_how_much():
    """11.32 → 13.55 (+2.23) = A +1.90 (3.00 → 4.90), D +0.50 (new this month), B −0.17 (2.00 → 1.83), C 0;
    largest change first; the rank from 5 up to 2."""
    before, now = Standing(NOV, 5, 11.32, 149), Standing(DEC, 2, 13.55, 150, current=True)
    was = {"A": 3.0, "B": 2.0, "C": 6.32}
    is_ = {"A": 4.9, "B": 1.83, "C": 6.32, "D": 0.5}
    assert movement(NOV, before, now, was, is_, NAMES) == (
        "So với cuối tháng 11/2026, điểm rủi ro tăng 2,23 (từ 11,32 lên 13,55), hạng từ 5 lên 2: Tỷ lệ văn bản đi "
        "được ký số +1,90; Tỷ lệ đơn được xử lý đúng hạn (mới có số liệu) +0,50; Tỷ lệ hồ sơ giải quyết đúng hạn −0,17.")


def test_beyond_three_signals_the_rest_are_summed():
    """20.00 → 17.50 (−2.50): A −1.50, B −0.60, E +0.40, C −0.50 (gone), D −0.30 → three named (A, B, C: the
    largest), the other two summed: +0.40 − 0.30 = +0.10; the rank from 2 down to 4."""
    before, now = Standing(NOV, 2, 20.0, 149), Standing(DEC, 4, 17.5, 149, current=True)
    was = {"A": 8.0, "B": 5.0, "C": 0.5, "D": 4.0, "E": 2.5}
    is_ = {"A": 6.5, "B": 4.4, "D": 3.7, "E": 2.9}
    assert movement(NOV, before, now, was, is_, NAMES) == (
        "So với cuối tháng 11/2026, điểm rủi ro giảm 2,50 (từ 20,00 xuống 17,50), hạng từ 2 xuống 4: Tỷ lệ văn bản "
        "đi được ký số −1,50; Tỷ lệ hồ sơ giải quyết đúng hạn −0,60; Tỷ lệ hồ sơ thanh toán trực tuyến (không còn "
        "số liệu) −0,50; 2 chỉ số khác +0,10.")


def test_an_unchanged_score_a_unit_new_to_the_ranking_and_one_no_longer_ranked():
    now = Standing(DEC, 7, 4.41, 16, current=True)
    assert movement(NOV, Standing(NOV, 9, 4.41, 16), now, {"A": 4.41}, {"A": 4.41}, NAMES) == \
        "So với cuối tháng 11/2026, điểm rủi ro không đổi (4,41), hạng từ 9 lên 7."
    assert movement(NOV, None, now, {}, {"A": 4.41}, NAMES) == (
        "Đơn vị chưa được xếp hạng ở cuối tháng 11/2026 (chưa hoạt động hoặc chưa có chỉ số tỷ lệ nào có số liệu); "
        "nay hạng 7, điểm rủi ro 4,41.")
    assert movement(NOV, Standing(NOV, 9, 4.41, 16), None, {"A": 4.41}, {}, NAMES) is None
    # a file published before marts.priority_history_signals: the score and rank only, no signal named
    assert movement(NOV, Standing(NOV, 5, 11.32, 149), Standing(DEC, 2, 13.55, 150, current=True), None,
                    {"A": 13.55}, NAMES) == \
        "So với cuối tháng 11/2026, điểm rủi ro tăng 2,23 (từ 11,32 lên 13,55), hạng từ 5 lên 2."


# --------------------------------------------------------------------------- the funnel


def binomial_cdf(x: int, n: int, p: float) -> float:
    """P(Y ≤ x), summed exactly term by term (independent of reader.funnel's tail summation)."""
    return sum(comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(x + 1))


def test_the_funnel_limits_worked_out_by_hand():
    """Binomial(10, 0.5): P(Y ≤ 0, 1, 2) = 1, 11, 56 (/1024); P(Y ≤ 7, 8, 9) = 968, 1013, 1023 (/1024).
    Lower 95 % (p = 0.025): y = 2, α = (56/1024 − 0.025)/(45/1024) = 30.4/45 = 0.675556 → (2 − α)/10 = 0.132444.
    Upper 95 % (p = 0.975): y = 8, α = (1013/1024 − 0.975)/(45/1024) = 14.6/45 = 0.324444 → 0.767556.
    Lower 99.8 % (p = 0.001): y = 1, α = (11 − 1.024)/10 = 0.9976 → 0.00024. Upper 99.8 % (0.999): y = 9,
    α = (1023 − 1022.976)/10 = 0.0024 → 0.89976.
    One case at 95 %: P(Y = 0) = 0.05 ≥ 0.025, so y = 0 and both lower limits are below 0: clipped to 0 (the normal
    approximation's 0.95 − 3.09·√(0.95·0.05) = 0.2766 would put a single late case below the 99.8 % limit).
    Upper: y = 1, α = (1 − 0.975)/0.95 = 0.026316 → 0.973684; (1 − 0.999)/0.95 = 0.001053 → 0.998947.
    A threshold of 100 %: P(Y ≤ y) is 0 below n and 1 at n, so y = n and the lower limits are (n − 0.975)/n and
    (n − 0.999)/n: at n = 3, 0.675 and 0.667 — any miss is below."""
    assert limits(0.5, 10, TAIL_95) == pytest.approx((0.132444, 0.767556), abs=1e-6)
    assert limits(0.5, 10, TAIL_998) == pytest.approx((0.00024, 0.89976), abs=1e-9)
    assert limits(0.95, 1, TAIL_95) == pytest.approx((0.0, 0.973684), abs=1e-6)
    assert limits(0.95, 1, TAIL_998) == pytest.approx((0.0, 0.998947), abs=1e-6)
    assert limits(1.0, 3, TAIL_95)[0] == pytest.approx(0.675, abs=1e-12)
    assert limits(1.0, 3, TAIL_998)[0] == pytest.approx(0.667, abs=1e-12)


def test_for_many_cases_the_limits_approach_the_normal_formula():
    """n = 10,000 at 95 %: p0 ± z·√(p0(1 − p0)/n) = 0.95 ± 1.96·0.0021794 (0.945728, 0.954272) and
    ± 3.09·0.0021794 (0.943266, 0.956734); the exact ones lie within a fifth of a standard error of them."""
    assert limits(0.95, 10_000, TAIL_95) == pytest.approx((0.945728, 0.954272), abs=0.0005)
    assert limits(0.95, 10_000, TAIL_998) == pytest.approx((0.943266, 0.956734), abs=0.0005)


@pytest.mark.parametrize("x, n, p0, expected", [
    (0, 10, 0.5, BELOW_998),  # P(Y ≤ 0) = 1/1024 = 0.00098 < 0.001
    (1, 10, 0.5, BELOW_95),  # 11/1024 = 0.0107: below 2.5 %, not below 0.1 %
    (2, 10, 0.5, WITHIN),  # 56/1024 = 0.0547
    (2, 24, 0.5, BELOW_998),  # (1 + 24 + 276)/2^24 = 0.0000179
    (0, 1, 0.95, WITHIN),  # one late case: P = 0.05
    (0, 2, 0.95, BELOW_95),  # 0.0025
    (15, 20, 0.95, BELOW_95),  # 0.00257
    (7, 70, 0.95, BELOW_998),
    (2, 3, 1.0, BELOW_998),  # at 100 %, any miss
    (3, 3, 1.0, WITHIN),
])
def test_where_a_unit_lies(x, n, p0, expected):
    assert zone(x, n, p0) == expected
    if p0 < 1:
        assert cdf(x, n, p0) == pytest.approx(binomial_cdf(x, n, p0), rel=1e-9, abs=1e-300)


def test_the_tail_sum_agrees_with_the_exact_binomial_far_from_the_mode_and_at_it():
    for x, n, p in ((25, 31, 0.95), (33, 40, 0.95), (30, 50, 0.95), (45, 50, 0.95), (48, 50, 0.95), (12, 24, 0.5),
                    (700, 1000, 0.7), (0, 3, 0.8)):
        assert cdf(x, n, p) == pytest.approx(binomial_cdf(x, n, p), rel=1e-9, abs=1e-300), (x, n, p)


# --------------------------------------------------------------------------- who was just inspected


@pytest.fixture
def register():
    """As of 08/12/2026, K = 12: an inspection is recent when it started after 08/12/2025 and by 08/12/2026.
    A started 08/12/2025 (exactly twelve months: not recent); B 09/12/2025 (recent: left out); C 09/12/2026 (after
    the as-of date: not recent, and not its last inspection yet); D 01/06/2026 (recent, but its re-inspection is
    due: brought back); E 05/01/2026 and 02/03/2026 (recent: the later one)."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.inspections (inspection_id TEXT, unit_code TEXT, kind_vi TEXT, started_on DATE, "
                "ended_on DATE, conclusion_no TEXT, conclusion_date DATE)")
    con.execute("""INSERT INTO marts.inspections VALUES
        ('KT-A', 'A', 'Đột xuất', '2025-12-08', '2025-12-10', '1/KL', '2025-12-20'),
        ('KT-B', 'B', 'Đột xuất', '2025-12-09', NULL, NULL, NULL),
        ('KT-C', 'C', 'Đột xuất', '2026-12-09', NULL, NULL, NULL),
        ('KT-D', 'D', 'Theo kế hoạch có báo trước', '2026-06-01', '2026-06-05', '2/KL', '2026-06-30'),
        ('KT-E1', 'E', 'Đột xuất', '2026-01-05', NULL, NULL, NULL),
        ('KT-E2', 'E', 'Tái kiểm tra', '2026-03-02', '2026-03-04', '3/KL', '2026-03-20')""")
    con.execute("CREATE TABLE marts.reinspection_candidates (unit_code TEXT, reasons_vi VARCHAR[])")
    con.execute("INSERT INTO marts.reinspection_candidates VALUES ('D', ['Kiến nghị KN-1 quá hạn'])")
    yield con
    con.close()


def test_the_recently_inspected_are_left_out_unless_re_inspection_is_due(register):
    rule = recency(register, date(2026, 12, 8), 12)
    assert rule.since == date(2025, 12, 8) and rule.notes == []
    assert rule.recent == {"B": ("KT-B", date(2025, 12, 9)), "D": ("KT-D", date(2026, 6, 1)),
                           "E": ("KT-E2", date(2026, 3, 2))}
    assert rule.left_out_codes == ["B", "E"] and not rule.left_out("D") and not rule.left_out("A")
    assert rule.due == {"D": ["Kiến nghị KN-1 quá hạn"]}
    assert recency(register, date(2026, 12, 8), 10).left_out_codes == ["E"]  # after 08/02/2026: D (due) and E
    assert recency(register, date(2026, 12, 8), 6).recent == {}  # after 08/06/2026: none (D started 01/06)
    last = last_inspections(register, date(2026, 12, 8))
    assert {code: i.inspection_id for code, i in last.items()} == {"A": "KT-A", "B": "KT-B", "D": "KT-D", "E": "KT-E2"}
    assert last["A"].conclusion_date == date(2025, 12, 20)


def test_the_same_day_k_months_earlier():
    assert months_before(date(2026, 12, 8), 12) == date(2025, 12, 8)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)  # the month's last day when it is shorter
    assert months_before(date(2024, 5, 31), 3) == date(2024, 2, 29)


def test_a_file_without_the_register_excludes_nobody_and_says_so():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    rule = recency(con, date(2026, 12, 8))
    assert rule.recent == {} and rule.due == {} and len(rule.notes) == 2
    assert last_inspections(con, date(2026, 12, 8)) == {}
