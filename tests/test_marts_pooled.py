"""`marts.unit_signals_pooled` and the `inspection_priority` built on it, on a small hand-built city.

As-of date D = 15/08/2025, so the window is September 2024 to August 2025 (the twelve months ending with
the month of D). Every number below is worked out by hand from the records, month by month.

Sở Nội vụ (NV), outgoing documents, QLVB_DI_KY_SO (ratio, 0.95), month of issue:
  08/2024 one paper document (outside the window) · 09/2024 two signed, one paper → 2/3 ·
  03/2025 one signed → 1/1 · 08/2025 one paper → 0/1 · 16/08/2025 one signed (after D: nowhere)
  pooled 3/5 = 0.6; shortfall (0.95 − 0.6) / 0.95 = 0.368421…; 3 months with data, 1 met (March)
Sở Nội vụ, incoming documents, month of the deadline:
  07/2024 one overdue (outside the window) · 03/2025 due 22/03 done 20/03, due 25/03 not done ·
  05/2025 due 10/05 done 12/05 (late) · due 20/08/2025 (not past due on D: nowhere)
  QLVB_DEN_DUNG_HAN (ratio, 0.95): 03 1/2, 05 0/1 → pooled 1/3; shortfall (0.95 − 1/3) / 0.95 = 0.649122…
  QLVB_DEN_QUA_HAN_TON (count, 0): 03 1, 05 0 → Σ 1, not met; 2 months, 1 met (May)
Quận Ba Đình (dissolved 30/06/2025): one signed outgoing document 01/2025 → 1/1, shortfall 0.
Head-of-agency reception (days): Sở Nội vụ's head received on 10/06, 03/07 and 20/07 (and 04/08: August
  has not ended on D). Months June and July 2025; units in force for the whole month: the City PC (1 a
  month) 0 and 0; Sở Nội vụ (1) 1 and 2; the district (2) June 0; Phúc Xá ward (4) June 0; the new Ba
  Đình ward (4, from 01/07) July 0.

inspection_priority: units in force on D with a ratio signal: Sở Nội vụ only (the district is dissolved,
the City PC has only days). Each shortfall is weighed by its evidence (the upper end u of the 95 % Wilson
interval, z = 1.96): 3/5 → u = (0.6 + 0.38416 + 1.96·√0.086416) / 1.76832 = 0.882381 → (0.95 − u)/0.95 =
0.071178; 1/3 → u = (0.333333 + 0.640267 + 1.96·√0.180785) / 2.280533 = 0.792346 → 0.165951.
risk = 100 × (0.071178 + 0.165951) / 2 = 11.856… → 11.86, rank 1 (the raw shortfalls would give 50.88).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from marts_support import build, rows

from reader.catalog import read_signals
from reader.model import Window
from reader.months import add_months
from reader.pooling import read_pooled
from storage.publish import publish

D = date(2025, 8, 15)
TP, NV, BA_DINH, PHUC_XA, P_BA_DINH = "000.00.00.H26", "000.00.01.H26", "000.00.12.H26", "000.01.12.H26", "000.01.70.H26"
FROM, TO = date(2024, 9, 1), date(2025, 8, 1)


def doc(id_: str, unit: str, chieu: str, day: str, **overrides) -> dict:
    """A qlvb document as the gateway serves it: live, not classified, electronic and signed."""
    raw = {"id": id_, "chieu": chieu, "so_ky_hieu": "1/UBND-VP", "ma_loai": "CV", "trich_yeu": "V/v cải cách hành chính",
           "ma_don_vi": unit, "ma_don_vi_lien_quan": TP, "ngay_ky": day, "thoi_diem": f"{day}T08:30:00+07:00",
           "do_mat": "THUONG", "do_khan": "THUONG", "hinh_thuc": "DIEN_TU", "ky_so": True, "han_xu_ly": None,
           "trang_thai": "DA_XU_LY", "ngay_hoan_thanh": None, "cap_nhat_luc": "2025-08-15T07:00:00+07:00",
           "da_xoa": False}
    return raw | overrides


PAPER = {"hinh_thuc": "GIAY", "ky_so": False}


def incoming(id_: str, due: str, done: str | None) -> dict:
    return doc(id_, NV, "DEN", "2024-06-03", han_xu_ly=due, trang_thai="DA_XU_LY" if done else "DANG_XU_LY",
               ngay_hoan_thanh=f"{done}T16:00:00+07:00" if done else None)


DOCUMENTS = [
    doc("di-1", NV, "DI", "2024-08-20", **PAPER),
    doc("di-2", NV, "DI", "2024-09-05"), doc("di-3", NV, "DI", "2024-09-05"), doc("di-4", NV, "DI", "2024-09-06", **PAPER),
    doc("di-5", NV, "DI", "2025-03-10"),
    doc("di-6", NV, "DI", "2025-08-14", **PAPER),
    doc("di-7", NV, "DI", "2025-08-16"),
    doc("di-8", BA_DINH, "DI", "2025-01-10"),
    incoming("den-1", "2025-03-22", "2025-03-20"), incoming("den-2", "2025-03-25", None),
    incoming("den-3", "2025-05-10", "2025-05-12"),
    incoming("den-4", "2024-07-31", None),
    incoming("den-5", "2025-08-20", None),
]
AGENCIES = [{"id": 1, "ten": "Sở Nội vụ", "ma_dinh_danh": NV}]
SESSIONS = [{"id": i, "co_quan_id": 1, "ngay_tiep": day, "vai_tro_chu_tri": "THU_TRUONG", "hinh_thuc": "DINH_KY",
             "so_luot": 2, "updated_at": "2025-08-14 09:00:00", "da_xoa": False}
            for i, day in enumerate(["2025-06-10", "2025-07-03", "2025-07-20", "2025-08-04"], start=1)]

# (unit, signal) → numerator, denominator, pooled_value, threshold, shortfall, meets_threshold, months, months_met
EXPECTED = {
    (NV, "QLVB_DI_KY_SO"): (3, 5, 0.6, 0.95, 0.35 / 0.95, False, 3, 1),
    (NV, "QLVB_DEN_DUNG_HAN"): (1, 3, 1 / 3, 0.95, (0.95 - 1 / 3) / 0.95, False, 2, 0),
    (NV, "QLVB_DEN_QUA_HAN_TON"): (1, None, 1.0, 0.0, None, False, 2, 1),
    (NV, "DONTHU_TIEP_DAN_THU_TRUONG"): (3, None, 3.0, 1.0, None, True, 2, 2),
    (BA_DINH, "QLVB_DI_KY_SO"): (1, 1, 1.0, 0.95, 0.0, True, 1, 1),
    (BA_DINH, "DONTHU_TIEP_DAN_THU_TRUONG"): (0, None, 0.0, 2.0, None, False, 1, 0),
    (TP, "DONTHU_TIEP_DAN_THU_TRUONG"): (0, None, 0.0, 1.0, None, False, 2, 0),
    (PHUC_XA, "DONTHU_TIEP_DAN_THU_TRUONG"): (0, None, 0.0, 4.0, None, False, 1, 0),
    (P_BA_DINH, "DONTHU_TIEP_DAN_THU_TRUONG"): (0, None, 0.0, 4.0, None, False, 1, 0),
}
VALUES = ("numerator", "denominator", "pooled_value", "threshold", "shortfall", "meets_threshold", "months",
          "months_met")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("pooled"), D, qlvb_van_ban=DOCUMENTS, donthu_dm_co_quan=AGENCIES,
                 donthu_tiep_cong_dan=SESSIONS)


def test_columns_and_types(con):
    assert [(r[0], r[1]) for r in con.execute("DESCRIBE marts.unit_signals_pooled").fetchall()] == [
        ("unit_code", "VARCHAR"), ("signal_code", "VARCHAR"), ("kind", "VARCHAR"), ("numerator", "BIGINT"),
        ("denominator", "BIGINT"), ("pooled_value", "DOUBLE"), ("threshold", "DOUBLE"), ("shortfall", "DOUBLE"),
        ("meets_threshold", "BOOLEAN"), ("months", "INTEGER"), ("months_met", "INTEGER"), ("period_from", "DATE"),
        ("period_to", "DATE")]


def test_the_months_outside_the_window_exist_monthly(con):
    # so leaving them out of the pooled rows is the window's doing
    monthly = {(r["signal_code"], r["period"]) for r in rows(con, f"SELECT * FROM marts.unit_signals_monthly "
                                                                  f"WHERE unit_code = '{NV}'")}
    assert ("QLVB_DI_KY_SO", date(2024, 8, 1)) in monthly and ("QLVB_DEN_DUNG_HAN", date(2024, 7, 1)) in monthly


def test_pooled_rows_worked_out_by_hand(con):
    found = {(r["unit_code"], r["signal_code"]): r for r in rows(con, "SELECT * FROM marts.unit_signals_pooled")}
    assert set(found) == set(EXPECTED)
    for key, expected in EXPECTED.items():
        row = found[key]
        assert (row["period_from"], row["period_to"]) == (FROM, TO), key
        for column, value in zip(VALUES, expected, strict=True):
            got = row[column]
            if isinstance(value, float):
                assert got == pytest.approx(value, abs=1e-12), (key, column)
            else:
                assert got == value, (key, column)
    assert {k: r["kind"] for k, r in found.items()} == {k: {"QLVB_DEN_QUA_HAN_TON": "count",
                                                           "DONTHU_TIEP_DAN_THU_TRUONG": "days"}.get(k[1], "ratio")
                                                       for k in EXPECTED}


def test_inspection_priority_is_built_on_the_pooled_shortfalls(con):
    assert rows(con, "SELECT * FROM marts.inspection_priority") == [
        {"unit_code": NV, "unit_name": "Sở Nội vụ", "unit_type": "SO", "risk_score": 11.86, "rank": 1,
         "signals_evaluated": 2, "top_reasons": ["QLVB_DEN_DUNG_HAN", "QLVB_DI_KY_SO"]}]


def test_another_as_of_month_moves_the_window(tmp_path):
    # D = 10/09/2025: the window is October 2024 to September 2025, so the September 2024 documents leave
    # it, and the signed document of 16/08/2025 is no longer after D. NV outgoing: 1/1 (03) + 1/2 (08) = 2/3.
    later = build(tmp_path, date(2025, 9, 10), qlvb_van_ban=DOCUMENTS)
    found = rows(later, f"SELECT * FROM marts.unit_signals_pooled WHERE unit_code = '{NV}' "
                        "AND signal_code = 'QLVB_DI_KY_SO'")
    assert [(r["period_from"], r["period_to"], r["numerator"], r["denominator"], r["pooled_value"], r["months"])
            for r in found] == [(date(2024, 10, 1), date(2025, 9, 1), 2, 3, pytest.approx(2 / 3), 2)]


# --------------------------------------------------------------------------- the brief reads the same rule


@pytest.fixture(scope="module")
def published(con, tmp_path_factory):
    path = tmp_path_factory.mktemp("published") / "cchc.duckdb"
    publish(con, path)
    reader = duckdb.connect(str(path), read_only=True)
    yield reader
    reader.close()


def window(last: date, months: int) -> Window:
    return Window(D, "test", [add_months(last, i - months + 1) for i in range(months)])


def test_the_brief_reads_the_mart_for_the_marts_window(published):
    pooled = {p.signal.code: p for p in read_pooled(published, NV, window(TO, 12), read_signals(published, {}))}
    assert len(pooled) == 15  # every signal of the catalog, with or without data
    p = pooled["QLVB_DI_KY_SO"]
    assert (p.numerator, p.denominator, p.value, p.met, p.months, p.months_met) == (3, 5, 0.6, False, 3, 1)
    p = pooled["DONTHU_TIEP_DAN_THU_TRUONG"]
    assert (p.numerator, p.threshold, p.met, p.months, p.months_met) == (3, 1.0, True, 2, 2)
    p = pooled["MOTCUA_DUNG_HAN"]
    assert (p.has_data, p.threshold, p.met) == (False, 0.95, None)


def test_the_brief_pools_another_window_with_the_marts_sql(published):
    # June to August 2025: outgoing 0/1 (08); no incoming deadline; reception 1 (06) + 2 (07)
    pooled = {p.signal.code: p for p in read_pooled(published, NV, window(TO, 3), read_signals(published, {}))}
    p = pooled["QLVB_DI_KY_SO"]
    assert (p.numerator, p.denominator, p.value, p.met, p.months, p.months_met) == (0, 1, 0.0, False, 1, 0)
    assert not pooled["QLVB_DEN_DUNG_HAN"].has_data and not pooled["QLVB_DEN_QUA_HAN_TON"].has_data
    p = pooled["DONTHU_TIEP_DAN_THU_TRUONG"]
    assert (p.numerator, p.value, p.met, p.months, p.months_met) == (3, 3.0, True, 2, 2)
    # March to May 2025: outgoing 1/1; incoming 1/2 (03) + 0/1 (05); overdue 1 + 0
    pooled = {p.signal.code: p for p in read_pooled(published, NV, window(date(2025, 5, 1), 3),
                                                    read_signals(published, {}))}
    assert (pooled["QLVB_DI_KY_SO"].numerator, pooled["QLVB_DI_KY_SO"].denominator) == (1, 1)
    p = pooled["QLVB_DEN_DUNG_HAN"]
    assert (p.numerator, p.denominator, p.value, p.months) == (1, 3, pytest.approx(1 / 3), 2)
    p = pooled["QLVB_DEN_QUA_HAN_TON"]
    assert (p.numerator, p.denominator, p.value, p.met, p.months_met) == (1, None, 1.0, False, 1)


def test_a_file_published_before_the_mart_is_pooled_alike(con, tmp_path):
    # no marts.unit_signals_pooled in the file: the brief runs the mart's SQL over the same twelve months
    tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' "
                                        "AND table_name <> 'unit_signals_pooled'").fetchall()]
    publish(con, tmp_path / "old.duckdb", {t: f"marts.{t}" for t in tables})
    with duckdb.connect(str(tmp_path / "old.duckdb"), read_only=True) as old:
        assert old.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'unit_signals_pooled'"
                           ).fetchall() == [(0,)]
        pooled = {p.signal.code: p for p in read_pooled(old, NV, window(TO, 12), read_signals(old, {}))}
    for signal in ("QLVB_DI_KY_SO", "QLVB_DEN_DUNG_HAN", "QLVB_DEN_QUA_HAN_TON", "DONTHU_TIEP_DAN_THU_TRUONG"):
        numerator, denominator, value, threshold, _shortfall, met, months, months_met = EXPECTED[(NV, signal)]
        p = pooled[signal]
        assert (p.numerator, p.denominator, p.threshold, p.met, p.months, p.months_met) == (
            numerator, denominator, threshold, met, months, months_met), signal
        assert p.value == pytest.approx(value), signal
