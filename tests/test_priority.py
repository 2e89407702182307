"""Where to inspect first (spec: inspection_priority, priority_signals, priority_history), on a hand-built city.

As-of date D = 15/08/2025: the window is September 2024 to August 2025; the history's months are the twelve
ending with July 2025 (the last month that ended before D). z = 1.96, z² = 3.8416. The upper end of the 95 %
Wilson interval, u = (p + z²/2n + z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), worked out by hand:

  0/1   p = 0:    (0 + 1.9208 + 1.96·√0.9604) / 4.8416 = 3.8416 / 4.8416 = 0.793456   shortfall at 0.95: 0.164783
  0/40  p = 0:    (0.048020 + 1.96·√0.00060025) / 1.09604 = 0.096040 / 1.09604 = 0.087625 → 0.907763
  1/2   p = 0.5:  (0.5 + 0.9604 + 1.96·√0.3651) / 2.9208 = 2.644701 / 2.9208 = 0.905472 → 0.046872
  3/4   p = 0.75: (0.75 + 0.4802 + 1.96·√0.1069) / 1.9604 = 1.871034 / 1.9604 = 0.954414, threshold 1.0 → 0.045586
  x = n:          u = 1 exactly → shortfall 0

The city (the test directory of marts_support, with two more wards of the new Ba Đình):
  Sở Nội vụ (NV, SO): one paper outgoing document in 03/2025 → QLVB_DI_KY_SO 0/1; two reports due in 05/2025,
      both on time → BAOCAO_NOP_DUNG_HAN 2/2. Score 100 × (0.164783 + 0) / 2 = 8.24: one case does not send a
      unit to the top.
  The City PC (TP, UBND_TP): four reports due in 05/2025, three on time → 3/4 against 1.0 → 4.56.
  Sở Giao thông vận tải (GTVT, SO, dissolved 28/02/2025): 40 paper outgoing documents in 01/2025 → 0/40 →
      90.78, but never in inspection_priority (not in force on D); in the history at the month-ends of
      January and February 2025 only (in force on their last days; the window holds 01/2025 from January on).
  Wards of Ba Đình from 01/07/2025 (UBND_XA), outgoing documents in 07/2025: P1 (000.01.70) 40 signed of 40 →
      p = 1, score 0, no reason; P2 (000.02.70) and P3 (000.03.70) 1 signed of 2 each → 4.69 each: tied, so
      ranked by code, and tied in their peer rank among the three wards (1, 1, then P1 3rd).

inspection_priority: NV 8.24 (1), P2 4.69 (2), P3 4.69 (3), TP 4.56 (4), P1 0.00 (5).
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from marts_support import DIRECTORY, build, rows

from tests.records import obligation

D = date(2025, 8, 15)
TP, NV, GTVT = "000.00.00.H26", "000.00.01.H26", "000.00.02.H26"
P1, P2, P3 = "000.01.70.H26", "000.02.70.H26", "000.03.70.H26"
WARDS = [{"ma_dinh_danh": code, "ten": f"Ủy ban nhân dân phường Ba Đình {n}", "loai": "UBND_XA",
          "ma_cha": TP, "ten_khac": [], "hieu_luc_tu": "2025-07-01", "hieu_luc_den": None}
         for n, code in ((2, P2), (3, P3))]


def outgoing(id_: str, unit: str, day: str, signed: bool) -> dict:
    return {"id": id_, "chieu": "DI", "so_ky_hieu": "1/UBND-VP", "ma_loai": "CV", "trich_yeu": "V/v cải cách",
            "ma_don_vi": unit, "ma_don_vi_lien_quan": TP, "ngay_ky": day, "thoi_diem": f"{day}T08:30:00+07:00",
            "do_mat": "THUONG", "do_khan": "THUONG", "hinh_thuc": "DIEN_TU" if signed else "GIAY", "ky_so": signed,
            "han_xu_ly": None, "trang_thai": "DA_XU_LY", "ngay_hoan_thanh": None,
            "cap_nhat_luc": "2025-08-15T07:00:00+07:00", "da_xoa": False}


def report(id_: int, unit: str, on_time: bool) -> dict:
    # due 17:00 on 18/05/2025 (10:00 UTC); submitted the day before, or the day after
    return obligation(id_, ma_don_vi=unit, ky_bao_cao="2025-04", han_nop="2025-05-18T10:00:00Z",
                      nop_lan_dau_luc="2025-05-17T02:00:00Z" if on_time else "2025-05-19T02:00:00Z",
                      nop_gan_nhat_luc=None, trang_thai="DA_NOP")


DOCUMENTS = [outgoing("nv-1", NV, "2025-03-10", signed=False),
             *(outgoing(f"gtvt-{i}", GTVT, "2025-01-15", signed=False) for i in range(40)),
             *(outgoing(f"p1-{i}", P1, "2025-07-15", signed=True) for i in range(40)),
             outgoing("p2-1", P2, "2025-07-15", signed=True), outgoing("p2-2", P2, "2025-07-16", signed=False),
             outgoing("p3-1", P3, "2025-07-15", signed=True), outgoing("p3-2", P3, "2025-07-16", signed=False)]
REPORTS = [report(1, NV, True), report(2, NV, True),
           report(3, TP, True), report(4, TP, True), report(5, TP, True), report(6, TP, False)]


def wilson_upper(x: int, n: int, z: float = 1.96) -> float:
    """The spec's formula, written out independently of the SQL."""
    if x == n:
        return 1.0
    p = x / n
    return (p + z * z / (2 * n) + z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("priority"), D, directory_don_vi=DIRECTORY + WARDS,
                 qlvb_van_ban=DOCUMENTS, baocao_ky_bao_cao=REPORTS)


@pytest.mark.parametrize("x, n, upper, shortfall, threshold", [
    (0, 1, 0.793456, 0.164783, 0.95), (0, 40, 0.087625, 0.907763, 0.95), (1, 2, 0.905472, 0.046872, 0.95),
    (3, 4, 0.954414, 0.045586, 1.0), (40, 40, 1.0, 0.0, 0.95)])
def test_the_hand_worked_bounds_are_the_spec_formula(x, n, upper, shortfall, threshold):
    assert wilson_upper(x, n) == pytest.approx(upper, abs=1e-6)
    assert max(0.0, threshold - wilson_upper(x, n)) / threshold == pytest.approx(shortfall, abs=1e-6)


def test_the_ranking_weighs_each_shortfall_by_its_evidence(con):
    assert rows(con, "SELECT unit_code, risk_score, rank, signals_evaluated, top_reasons "
                     "FROM marts.inspection_priority ORDER BY rank") == [
        {"unit_code": NV, "risk_score": 8.24, "rank": 1, "signals_evaluated": 2, "top_reasons": ["QLVB_DI_KY_SO"]},
        {"unit_code": P2, "risk_score": 4.69, "rank": 2, "signals_evaluated": 1, "top_reasons": ["QLVB_DI_KY_SO"]},
        {"unit_code": P3, "risk_score": 4.69, "rank": 3, "signals_evaluated": 1, "top_reasons": ["QLVB_DI_KY_SO"]},
        {"unit_code": TP, "risk_score": 4.56, "rank": 4, "signals_evaluated": 1,
         "top_reasons": ["BAOCAO_NOP_DUNG_HAN"]},
        {"unit_code": P1, "risk_score": 0.0, "rank": 5, "signals_evaluated": 1, "top_reasons": []},
    ]


def test_what_each_score_is_made_of(con):
    found = {(r["unit_code"], r["signal_code"]): r for r in rows(con, "SELECT * FROM marts.priority_signals")}
    expected = {  # (x, n, threshold, evaluated signals of the unit, peer rank, peers)
        (NV, "QLVB_DI_KY_SO"): (0, 1, 0.95, 2, 1, 1), (NV, "BAOCAO_NOP_DUNG_HAN"): (2, 2, 1.0, 2, 1, 1),
        (TP, "BAOCAO_NOP_DUNG_HAN"): (3, 4, 1.0, 1, 1, 1),
        (P2, "QLVB_DI_KY_SO"): (1, 2, 0.95, 1, 1, 3), (P3, "QLVB_DI_KY_SO"): (1, 2, 0.95, 1, 1, 3),
        (P1, "QLVB_DI_KY_SO"): (40, 40, 0.95, 1, 3, 3),
    }
    assert set(found) == set(expected), "GTVT is not ranked on D: nothing of it here"
    for key, (x, n, threshold, evaluated, peer_rank, peers) in expected.items():
        r, p = found[key], x / n
        u = wilson_upper(x, n)
        assert (r["numerator"], r["denominator"], r["threshold"], r["peer_rank"], r["peers"]) == \
            (x, n, threshold, peer_rank, peers), key
        assert r["value"] == pytest.approx(p, abs=1e-12) and r["upper_bound"] == pytest.approx(u, abs=1e-12), key
        assert r["shortfall_raw"] == pytest.approx(max(0, threshold - p) / threshold, abs=1e-12), key
        assert r["shortfall"] == pytest.approx(max(0, threshold - u) / threshold, abs=1e-12), key
        assert r["contribution"] == pytest.approx(100 * r["shortfall"] / evaluated, abs=1e-12), key
    assert found[(P1, "QLVB_DI_KY_SO")]["upper_bound"] == 1.0, "x = n: exactly 1"
    nv = found[(NV, "QLVB_DI_KY_SO")]
    assert nv["shortfall_raw"] == 1.0 and nv["shortfall"] == pytest.approx(0.164783, abs=1e-6), \
        "0 of 1 is a whole shortfall raw, a sixth of one weighed by its evidence"


def test_the_history_ranks_each_month_end_with_the_units_in_force_then(con):
    found = [(r["as_of_month"], r["unit_code"], r["risk_score"], r["rank"], r["top_reasons"])
             for r in rows(con, "SELECT * FROM marts.priority_history ORDER BY as_of_month, rank")]
    assert found == [
        (date(2025, 1, 1), GTVT, 90.78, 1, ["QLVB_DI_KY_SO"]),  # 0/40, still in force on 31/01
        (date(2025, 2, 1), GTVT, 90.78, 1, ["QLVB_DI_KY_SO"]),  # its last day, 28/02, is the month's
        (date(2025, 3, 1), NV, 16.48, 1, ["QLVB_DI_KY_SO"]),  # GTVT gone; NV's one paper document alone
        (date(2025, 4, 1), NV, 16.48, 1, ["QLVB_DI_KY_SO"]),
        (date(2025, 5, 1), NV, 8.24, 1, ["QLVB_DI_KY_SO"]),  # its reports of May join, met
        (date(2025, 5, 1), TP, 4.56, 2, ["BAOCAO_NOP_DUNG_HAN"]),
        (date(2025, 6, 1), NV, 8.24, 1, ["QLVB_DI_KY_SO"]),
        (date(2025, 6, 1), TP, 4.56, 2, ["BAOCAO_NOP_DUNG_HAN"]),
        (date(2025, 7, 1), NV, 8.24, 1, ["QLVB_DI_KY_SO"]),  # July: the wards' documents, as on D
        (date(2025, 7, 1), P2, 4.69, 2, ["QLVB_DI_KY_SO"]),
        (date(2025, 7, 1), P3, 4.69, 3, ["QLVB_DI_KY_SO"]),
        (date(2025, 7, 1), TP, 4.56, 4, ["BAOCAO_NOP_DUNG_HAN"]),
        (date(2025, 7, 1), P1, 0.0, 5, []),
    ]
    months = [m for (m,) in con.sql("SELECT DISTINCT as_of_month FROM marts.priority_history ORDER BY 1").fetchall()]
    assert months[-1] == date(2025, 7, 1) and date(2025, 8, 1) not in months, "the as-of month is not history"


def test_the_checks_of_the_ranking_catch_what_they_guard(con):
    """Each check returns no row on the built marts, and the offending rows once the data is spoiled."""
    from pipelines.checks import CHECKS

    guards = {(c.table, c.name): c for c in CHECKS if c.table in ("priority_signals", "priority_history")}
    assert {name: con.sql(c.sql).fetchall() for name, c in guards.items()} == {name: [] for name in guards}
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"UPDATE marts.priority_signals SET contribution = contribution + 0.01 WHERE unit_code = '{TP}'")
        con.execute(f"UPDATE marts.priority_history SET rank = 7 WHERE unit_code = '{P1}'")
        con.execute(f"INSERT INTO marts.priority_history SELECT * FROM marts.priority_history WHERE unit_code = '{NV}' "
                    "AND as_of_month = DATE '2025-03-01'")
        found = {key: con.sql(c.sql).fetchall() for key, c in guards.items()}
        assert [r[0] for r in found[("priority_signals", "contributions_add_up_to_the_score")]] == [TP]
        assert found[("priority_history", "ranks_1_to_n_each_month")] != []
        assert found[("priority_history", "key_unique")] == [(date(2025, 3, 1), NV, 2)]
        assert found[("priority_signals", "key_unique")] == []
    finally:
        con.execute("ROLLBACK")


def test_what_each_month_ends_score_was_made_of(con):
    """marts.priority_history_signals: NV's one paper document (0/1, shortfall 0.164783) is its only signal at
    the ends of March and April 2025 (contribution 16.4783, its score 16.48), shared with its two reports of May
    (2/2, shortfall 0) from then on (8.2391 + 0 = 8.24); GTVT's 0/40 (0.907763) at the ends of January and
    February; the wards' July as on D (P2 1/2: 4.6872)."""
    found = {(r["as_of_month"], r["unit_code"], r["signal_code"]): r
             for r in rows(con, "SELECT * FROM marts.priority_history_signals")}
    expected = {
        (date(2025, 1, 1), GTVT, "QLVB_DI_KY_SO"): (0, 40, 90.7763), (date(2025, 2, 1), GTVT, "QLVB_DI_KY_SO"): (0, 40, 90.7763),
        (date(2025, 3, 1), NV, "QLVB_DI_KY_SO"): (0, 1, 16.4783), (date(2025, 4, 1), NV, "QLVB_DI_KY_SO"): (0, 1, 16.4783),
        **{(date(2025, m, 1), NV, "QLVB_DI_KY_SO"): (0, 1, 8.2391) for m in (5, 6, 7)},
        **{(date(2025, m, 1), NV, "BAOCAO_NOP_DUNG_HAN"): (2, 2, 0.0) for m in (5, 6, 7)},
        **{(date(2025, m, 1), TP, "BAOCAO_NOP_DUNG_HAN"): (3, 4, 4.5586) for m in (5, 6, 7)},
        (date(2025, 7, 1), P1, "QLVB_DI_KY_SO"): (40, 40, 0.0), (date(2025, 7, 1), P2, "QLVB_DI_KY_SO"): (1, 2, 4.6872),
        (date(2025, 7, 1), P3, "QLVB_DI_KY_SO"): (1, 2, 4.6872),
    }
    assert set(found) == set(expected)
    for key, (x, n, contribution) in expected.items():
        r = found[key]
        assert (r["numerator"], r["denominator"]) == (x, n), key
        assert r["contribution"] == pytest.approx(contribution, abs=1e-4), key
        assert r["upper_bound"] == pytest.approx(wilson_upper(x, n), abs=1e-12), key


def test_the_history_contributions_check_catches_a_spoiled_row(con):
    from pipelines.checks import CHECKS

    guards = {c.name: c for c in CHECKS if c.table == "priority_history_signals"}
    assert set(guards) == {"key_unique", "contributions_add_up_to_the_score"}
    assert {name: con.sql(c.sql).fetchall() for name, c in guards.items()} == {name: [] for name in guards}
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"UPDATE marts.priority_history_signals SET contribution = contribution + 0.01 "
                    f"WHERE unit_code = '{NV}' AND as_of_month = DATE '2025-04-01'")
        offending = con.sql(guards["contributions_add_up_to_the_score"].sql).fetchall()
        assert [(r[0], r[1]) for r in offending] == [(date(2025, 4, 1), NV)]
    finally:
        con.execute("ROLLBACK")
