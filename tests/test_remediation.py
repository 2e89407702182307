"""The register's marts and remediation checked against the data (docs/remediation-rules.md), on a small
hand-built city where each unit plays one case. Every number below is worked out by hand.

As-of date D = 15/08/2025, so the last complete month is 07/2025. Unless a case says otherwise an
inspection concludes on 10/01/2025 (reference date C), so the baseline is 01/2024–12/2024 and the
monthly series starts 01/2025; the deadline is 31/03/2025, so the after window is the latest six months
with data among 04/2025 … 07/2025 (after_from / after_to: the first and last of them). Signal QLVB_DI_KY_SO (ratio, 0.95) unless
said: "good/total" per month are signed electronic outgoing documents / all outgoing documents.

U01 Sở Tư pháp (named, not coded, in the register) — đã khắc phục at the threshold itself:
  baseline 06/2024 4/5, 09/2024 3/5 → 7/10 = 0.70 (2 months); since: 02/2025 2/5, 05/2025 10/10,
  06/2025 9/10 (08/2025 1/1 is the month of D, not complete; a document of 16/08/2025 counts nowhere).
  after 05 + 06 → 19/20 = 0.95 ≥ 0.95 → DA_KHAC_PHUC. Its report (DA_KHAC_PHUC 20/06/2025) agrees.
  A second recommendation names no signal: not in marts.remediation.
U02 — có cải thiện at exactly +0.05: baseline 10/2024 16/20 = 0.80; after 06 8/10, 07 9/10 → 17/20 = 0.85;
  0.85 − 0.80 = +0.05 (in floating point 0.0499999…, hence the integer rule). Two reports on 12/06/2025,
  row 6 DANG_KHAC_PHUC then row 7 DA_KHAC_PHUC: the later row wins → claim DA_KHAC_PHUC, contradicted.
U03 — just short of +0.05: baseline 16/20 = 0.80; after 06 5/6, 07 6/7 → 11/13 = 0.846 → +0.046 → CHUA_KHAC_PHUC.
U04 — xấu đi at exactly −0.05: baseline 10/2024 9/10 = 0.90; after 06 8/10, 07 9/10 → 0.85 → −0.05 → XAU_DI.
  Reports: DA_KHAC_PHUC for the recommendation 01/05/2025, then an inspection-wide DANG_KHAC_PHUC 20/06/2025:
  the latest wins → claim DANG_KHAC_PHUC, not contradicted. Re-inspected (TAI_KIEM_TRA) from 05/05/2025; an
  inspection starting 20/08/2025 (after D) is not its last inspection.
U05 — no deadline, no baseline: concluded 15/01/2025, so DL = C + 90 days = 15/04/2025 and the after window
  is 05/2025 … 07/2025: 04/2025 10/10 stays out; 05 3/5 + 06 2/5 → 5/10 = 0.5; no data in 01–12/2024 →
  CHUA_KHAC_PHUC. Reports of 10/06/2025: DA_KHAC_PHUC for this recommendation (row 4) and an inspection-wide
  DANG_KHAC_PHUC (row 5): the one naming the recommendation wins → DA_KHAC_PHUC, contradicted.
  A second recommendation, deadline 28/02/2025: after window 03/2025 … 07/2025: 04 10/10 + 05 3/5 + 06 2/5
  → 15/20 = 0.75 → CHUA_KHAC_PHUC; its claim is the inspection-wide report → DANG_KHAC_PHUC.
U06 — the minimum exactly: baseline 05/2024 4/5 = 0.8; after 06 2/2, 07 2/3 → 2 months, Σden 5, 4/5 = 0.8;
  change 0 → CHUA_KHAC_PHUC. (Its inspection has no conclusion: C = the end date 10/01/2025.)
U07 — Σden 4: after 06 2/2, 07 1/2 → 2 months, 3/4 → CHUA_DU_DU_LIEU. (No conclusion, no end: C = start.)
U08 — one month: after 07 10/10 → CHUA_DU_DU_LIEU although it meets.
U09 — deadline 15/08/2025 = D: not past due → CHUA_DU_DU_LIEU "chưa hết hạn khắc phục".
U10 — deadline 14/08/2025 = D − 1: past due, but no complete month after 08/2025 → CHUA_DU_DU_LIEU.
U11 — at most the latest 6 months with data: C = 10/09/2024, deadline 31/10/2024: months with data after
  10/2024: 11/2024 0/10, 12/2024 0/10, then 02 … 07/2025 5/5 each (none in 01/2025); the latest six are
  02 … 07/2025 → 30/30 → DA_KHAC_PHUC, the two bad months of 2024 stay out. Baseline 09/2023 … 08/2024 has
  no data.
Count signal QLVB_DEN_QUA_HAN_TON (incoming documents past due and not done, per month of the deadline;
mean per month with data):
U12 — baseline 11/2024 2, 12/2024 2 → mean 2; after 06 2, 07 0 → mean 1 = 0.5 × 2 → CO_CAI_THIEN (tie).
U13 — baseline 11/2024 1 → mean 1; after 06 2, 07 1 → mean 1.5: ≥ 1.5 × 1 but not > 1 + 0.5 → CHUA_KHAC_PHUC.
U14 — baseline 11/2024 2 → mean 2; after 06 3, 07 3 → mean 3 ≥ 1.5 × 2 and > 2.5 → XAU_DI.
Days signal DONTHU_TIEP_DAN_THU_TRUONG (a department: 1 day a month). Sessions led by U15's head on
10/09/2024, 10/06/2025, 08/07/2025 (the first session of any agency: 09/2024, so months from 09/2024):
U15 — baseline 09–12/2024: 1 of 4 months met = 0.25; after 04–07/2025: 2 of 4 = 0.5; +0.25 → CO_CAI_THIEN (tie).
U16 — dissolved 30/06/2025: after 04 0/5, 05 0/5 → CHUA_KHAC_PHUC, overdue; not a re-inspection candidate.
U17 — only for the yearly mart: 05/2022 1/2, 05/2023 2/4, 03/2025 3/4.
"""

from __future__ import annotations

from datetime import date

import pytest
from marts_support import build, rows

D = date(2025, 8, 15)
NAMES = ["Sở Tư pháp", "Sở Y tế", "Sở Xây dựng", "Sở Tài chính", "Sở Công Thương", "Sở Giáo dục và Đào tạo",
         "Sở Văn hóa và Thể thao", "Sở Du lịch", "Sở Khoa học và Công nghệ", "Sở Ngoại vụ", "Sở Quy hoạch - Kiến trúc",
         "Sở Nông nghiệp và Môi trường", "Sở Dân tộc và Tôn giáo", "Sở Nội vụ", "Sở Tài nguyên nước",
         "Sở Giao thông công chính", "Sở Lao động"]
U = {i: f"000.00.{20 + i:02d}.H26" for i in range(1, 18)}


def unit(i: int, **overrides) -> dict:
    return {"ma_dinh_danh": U[i], "ten": NAMES[i - 1], "loai": "SO", "ma_cha": None, "ten_khac": [],
            "hieu_luc_tu": "2008-08-01", "hieu_luc_den": None} | overrides


DIRECTORY = [unit(i) for i in range(1, 17) if i != 16] + [unit(16, hieu_luc_den="2025-06-30"), unit(17)]


def outgoing(i: int, month: str, good: int, total: int, day: int = 10) -> list[dict]:
    """`total` outgoing documents of unit i issued on `day` of `month` (yyyy-mm), `good` of them signed."""
    return [{"id": f"di-{i}-{month}-{day}-{n}", "chieu": "DI", "so_ky_hieu": f"{n}/UBND", "ma_loai": "CV",
             "trich_yeu": "V/v cải cách hành chính", "ma_don_vi": U[i], "ma_don_vi_lien_quan": None,
             "ngay_ky": f"{month}-{day:02d}", "thoi_diem": f"{month}-{day:02d}T08:30:00+07:00", "do_mat": "THUONG",
             "do_khan": "THUONG", "hinh_thuc": "DIEN_TU" if n < good else "GIAY", "ky_so": n < good,
             "han_xu_ly": None, "trang_thai": "DA_XU_LY", "ngay_hoan_thanh": None,
             "cap_nhat_luc": "2025-08-14T07:00:00+07:00", "da_xoa": False} for n in range(total)]


def incoming(i: int, month: str, overdue: int, done: int = 0) -> list[dict]:
    """Incoming documents of unit i due on the 20th of `month`: `overdue` never done, `done` done on the 18th."""
    docs = []
    for n in range(overdue + done):
        finished = n >= overdue
        docs.append({"id": f"den-{i}-{month}-{n}", "chieu": "DEN", "so_ky_hieu": f"{n}/UBND", "ma_loai": "CV",
                     "trich_yeu": "V/v đôn đốc", "ma_don_vi": U[i], "ma_don_vi_lien_quan": None,
                     "ngay_ky": f"{month}-01", "thoi_diem": f"{month}-02T08:30:00+07:00", "do_mat": "THUONG",
                     "do_khan": "THUONG", "hinh_thuc": "DIEN_TU", "ky_so": True, "han_xu_ly": f"{month}-20",
                     "trang_thai": "DA_XU_LY" if finished else "DANG_XU_LY",
                     "ngay_hoan_thanh": f"{month}-18T16:00:00+07:00" if finished else None,
                     "cap_nhat_luc": "2025-08-14T07:00:00+07:00", "da_xoa": False})
    return docs


def inspection(id_: str, i: int | None, row: int, start: str = "06/01/2025", end: str | None = "08/01/2025",
               concluded: str | None = "10/01/2025", kind: str = "Theo kế hoạch có báo trước",
               name: str | None = None) -> dict:
    return {"ma_cuoc_kiem_tra": id_, "ma_don_vi": U[i] if i else None, "ten_don_vi": name, "hinh_thuc": kind,
            "ngay_bat_dau": start, "ngay_ket_thuc": end, "truong_doan": "Trưởng phòng CCHC",
            "so_ket_luan": f"{row}/KL-SNV" if concluded else None, "ngay_ket_luan": concluded,
            "tep": "so-theo-doi-2025.xlsx", "dong": row, "vi_tri": f"so-theo-doi-2025.xlsx › Cuộc kiểm tra › dòng {row}"}


def recommendation(id_: str, inspection_id: str, row: int, signal: str | None = "QLVB_DI_KY_SO",
                   deadline: str | None = "31/03/2025") -> dict:
    return {"ma_kien_nghi": id_, "ma_cuoc_kiem_tra": inspection_id, "noi_dung_kien_nghi": f"Khắc phục {signal or 'chung'}",
            "ma_chi_tieu": signal, "han_khac_phuc": deadline, "tep": "so-theo-doi-2025.xlsx", "dong": row,
            "vi_tri": f"so-theo-doi-2025.xlsx › Kiến nghị › dòng {row}"}


def report(inspection_id: str, recommendation_id: str | None, row: int, on: str, claim: str,
           document: str | None = None) -> dict:
    return {"ma_cuoc_kiem_tra": inspection_id, "ma_kien_nghi": recommendation_id, "ngay_bao_cao": on,
            "ket_qua": claim, "so_van_ban": document or f"{row}/BC", "tep": "so-theo-doi-2025.xlsx", "dong": row,
            "vi_tri": f"so-theo-doi-2025.xlsx › Báo cáo khắc phục › dòng {row}"}


DOCUMENTS = [
    *outgoing(1, "2024-06", 4, 5), *outgoing(1, "2024-09", 3, 5), *outgoing(1, "2025-02", 2, 5),
    *outgoing(1, "2025-05", 10, 10), *outgoing(1, "2025-06", 9, 10), *outgoing(1, "2025-08", 1, 1, day=5),
    *outgoing(1, "2025-08", 1, 1, day=16),
    *outgoing(2, "2024-10", 16, 20), *outgoing(2, "2025-06", 8, 10), *outgoing(2, "2025-07", 9, 10),
    *outgoing(3, "2024-10", 16, 20), *outgoing(3, "2025-06", 5, 6), *outgoing(3, "2025-07", 6, 7),
    *outgoing(4, "2024-10", 9, 10), *outgoing(4, "2025-06", 8, 10), *outgoing(4, "2025-07", 9, 10),
    *outgoing(5, "2025-04", 10, 10), *outgoing(5, "2025-05", 3, 5), *outgoing(5, "2025-06", 2, 5),
    *outgoing(6, "2024-05", 4, 5), *outgoing(6, "2025-06", 2, 2), *outgoing(6, "2025-07", 2, 3),
    *outgoing(7, "2025-06", 2, 2), *outgoing(7, "2025-07", 1, 2),
    *outgoing(8, "2025-07", 10, 10),
    *outgoing(9, "2025-06", 5, 5), *outgoing(9, "2025-07", 5, 5),
    *outgoing(10, "2025-06", 5, 5), *outgoing(10, "2025-07", 5, 5),
    *outgoing(11, "2024-11", 0, 10), *outgoing(11, "2024-12", 0, 10),
    *[d for month in ("02", "03", "04", "05", "06", "07") for d in outgoing(11, f"2025-{month}", 5, 5)],
    *incoming(12, "2024-11", 2), *incoming(12, "2024-12", 2), *incoming(12, "2025-06", 2), *incoming(12, "2025-07", 0, 1),
    *incoming(13, "2024-11", 1), *incoming(13, "2025-06", 2), *incoming(13, "2025-07", 1),
    *incoming(14, "2024-11", 2), *incoming(14, "2025-06", 3), *incoming(14, "2025-07", 3),
    *outgoing(16, "2025-04", 0, 5), *outgoing(16, "2025-05", 0, 5),
    *outgoing(17, "2022-05", 1, 2), *outgoing(17, "2023-05", 2, 4), *outgoing(17, "2025-03", 3, 4),
]
AGENCIES = [{"id": 15, "ten": NAMES[14], "ma_dinh_danh": U[15]}]
SESSIONS = [{"id": n, "co_quan_id": 15, "ngay_tiep": day, "vai_tro_chu_tri": "THU_TRUONG", "hinh_thuc": "DINH_KY",
             "so_luot": 3, "updated_at": "2025-08-14 09:00:00", "da_xoa": False}
            for n, day in enumerate(["2024-09-10", "2025-06-10", "2025-07-08"], start=1)]

INSPECTIONS = [
    inspection("KT-01", None, 2, name="sở tư pháp"),
    *[inspection(f"KT-{i:02d}", i, i + 1) for i in (2, 3, 4, 8, 9, 10, 12, 13, 14, 15, 16)],
    inspection("KT-04B", 4, 30, start="05/05/2025", end="07/05/2025", concluded=None, kind="Tái kiểm tra"),
    inspection("KT-04C", 4, 31, start="20/08/2025", end=None, concluded=None, kind="Đột xuất"),
    inspection("KT-05", 5, 6, start="13/01/2025", end="14/01/2025", concluded="15/01/2025"),
    inspection("KT-06", 6, 7, start="06/01/2025", end="10/01/2025", concluded=None),
    inspection("KT-07", 7, 8, start="10/01/2025", end=None, concluded=None),
    inspection("KT-11", 11, 12, start="03/09/2024", end="05/09/2024", concluded="10/09/2024"),
]
RECOMMENDATIONS = [
    recommendation("KN-01", "KT-01", 2), recommendation("KN-01B", "KT-01", 3, signal=None),
    *[recommendation(f"KN-{i:02d}", f"KT-{i:02d}", i + 2) for i in (2, 3, 4, 6, 7, 8, 16)],
    recommendation("KN-05", "KT-05", 20, deadline=None), recommendation("KN-05B", "KT-05", 21, deadline="28/02/2025"),
    recommendation("KN-09", "KT-09", 22, deadline="15/08/2025"),
    recommendation("KN-10", "KT-10", 23, deadline="14/08/2025"),
    recommendation("KN-11", "KT-11", 24, deadline="31/10/2024"),
    *[recommendation(f"KN-{i}", f"KT-{i}", i + 13, signal="QLVB_DEN_QUA_HAN_TON") for i in (12, 13, 14)],
    recommendation("KN-15", "KT-15", 28, signal="DONTHU_TIEP_DAN_THU_TRUONG"),
]
REPORTS = [
    report("KT-01", "KN-01", 2, "20/06/2025", "Đã khắc phục", "15/BC-STP"),
    report("KT-04", "KN-04", 3, "01/05/2025", "Đã khắc phục"),
    report("KT-05", "KN-05", 4, "10/06/2025", "Đã khắc phục", "88/BC-SCT"),
    report("KT-05", None, 5, "10/06/2025", "Đang khắc phục"),
    report("KT-02", "KN-02", 6, "12/06/2025", "Đang khắc phục"),
    report("KT-02", "KN-02", 7, "12/06/2025", "Đã khắc phục", "21/BC-SYT"),
    report("KT-04", None, 8, "20/06/2025", "Đang khắc phục"),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("remediation"), D, directory_don_vi=DIRECTORY, qlvb_van_ban=DOCUMENTS,
                 donthu_dm_co_quan=AGENCIES, donthu_tiep_cong_dan=SESSIONS, kiemtra_cuoc_kiem_tra=INSPECTIONS,
                 kiemtra_kien_nghi=RECOMMENDATIONS, kiemtra_bao_cao_khac_phuc=REPORTS)


@pytest.fixture(scope="module")
def remediation(con):
    return {r["recommendation_id"]: r for r in rows(con, "SELECT * FROM marts.remediation")}


def m(text: str) -> date:
    """A month 'mm/yyyy' as its first day."""
    month, year = text.split("/")
    return date(int(year), int(month), 1)


# --------------------------------------------------------------------------- the register's own marts


def test_every_model_builds_on_an_empty_register(tmp_path):
    empty = build(tmp_path, D)
    for table in ("inspections", "recommendations", "remediation_reports", "remediation", "reinspection_candidates"):
        assert empty.sql(f"SELECT count(*) FROM marts.{table}").fetchall() == [(0,)], table


def test_inspections_resolve_the_unit_and_take_the_reference_date(con):
    found = {r["inspection_id"]: r for r in rows(con, "SELECT * FROM marts.inspections")}
    assert len(found) == 18
    first = found["KT-01"]  # named "sở tư pháp", no code
    assert (first["unit_code"], first["unit_name"], first["unit_type"]) == (U[1], "Sở Tư pháp", "SO")
    assert (first["kind"], first["kind_vi"]) == ("KE_HOACH", "Theo kế hoạch có báo trước")
    assert (first["started_on"], first["ended_on"], first["conclusion_date"], first["reference_date"]) == (
        date(2025, 1, 6), date(2025, 1, 8), date(2025, 1, 10), date(2025, 1, 10))
    assert (first["conclusion_no"], first["team_lead"], first["source_file"], first["source_row"]) == (
        "2/KL-SNV", "Trưởng phòng CCHC", "so-theo-doi-2025.xlsx", 2)
    assert found["KT-06"]["reference_date"] == date(2025, 1, 10)  # no conclusion: the end date
    assert found["KT-07"]["reference_date"] == date(2025, 1, 10)  # no end either: the start date
    assert (found["KT-04B"]["kind"], found["KT-04B"]["kind_vi"]) == ("TAI_KIEM_TRA", "Tái kiểm tra")
    assert (found["KT-04C"]["kind"], found["KT-04C"]["kind_vi"]) == ("DOT_XUAT", "Đột xuất")


def test_recommendations_and_reports_carry_the_inspections_unit(con):
    recs = {r["recommendation_id"]: r for r in rows(con, "SELECT * FROM marts.recommendations")}
    assert len(recs) == 18
    assert recs["KN-01"] == {"recommendation_id": "KN-01", "inspection_id": "KT-01", "unit_code": U[1],
                                  "text_vi": "Khắc phục QLVB_DI_KY_SO", "signal_code": "QLVB_DI_KY_SO",
                                  "deadline": date(2025, 3, 31), "source_file": "so-theo-doi-2025.xlsx",
                                  "source_row": 2}
    assert recs["KN-01B"]["signal_code"] is None and recs["KN-05"]["deadline"] is None  # as typed
    reports = {r["report_key"]: r for r in rows(con, "SELECT * FROM marts.remediation_reports")}
    assert len(reports) == 7
    assert reports["so-theo-doi-2025.xlsx › Báo cáo khắc phục › dòng 5"] == {
        "report_key": "so-theo-doi-2025.xlsx › Báo cáo khắc phục › dòng 5", "inspection_id": "KT-05",
        "recommendation_id": None, "unit_code": U[5], "reported_on": date(2025, 6, 10), "claim": "DANG_KHAC_PHUC",
        "claim_vi": "Đang khắc phục", "document_no": "5/BC"}


# --------------------------------------------------------------------------- remediation: the statuses


STATUSES = {  # recommendation → status, status_vi, overdue, baseline (value, months), after (value, months)
    "KN-01": ("DA_KHAC_PHUC", "đã khắc phục", False, (0.7, 2), (0.95, 2)),
    "KN-02": ("CO_CAI_THIEN", "có cải thiện", True, (0.8, 1), (0.85, 2)),
    "KN-03": ("CHUA_KHAC_PHUC", "chưa khắc phục", True, (0.8, 1), (11 / 13, 2)),
    "KN-04": ("XAU_DI", "xấu đi", True, (0.9, 1), (0.85, 2)),
    "KN-05": ("CHUA_KHAC_PHUC", "chưa khắc phục", True, (None, 0), (0.5, 2)),
    "KN-05B": ("CHUA_KHAC_PHUC", "chưa khắc phục", True, (None, 0), (0.75, 3)),
    "KN-06": ("CHUA_KHAC_PHUC", "chưa khắc phục", True, (0.8, 1), (0.8, 2)),
    "KN-07": ("CHUA_DU_DU_LIEU", "chưa đủ dữ liệu", False, (None, 0), (0.75, 2)),
    "KN-08": ("CHUA_DU_DU_LIEU", "chưa đủ dữ liệu", False, (None, 0), (1.0, 1)),
    "KN-09": ("CHUA_DU_DU_LIEU", "chưa đủ dữ liệu", False, (None, 0), (None, 0)),
    "KN-10": ("CHUA_DU_DU_LIEU", "chưa đủ dữ liệu", False, (None, 0), (None, 0)),
    "KN-11": ("DA_KHAC_PHUC", "đã khắc phục", False, (None, 0), (1.0, 6)),
    "KN-12": ("CO_CAI_THIEN", "có cải thiện", True, (2.0, 2), (1.0, 2)),
    "KN-13": ("CHUA_KHAC_PHUC", "chưa khắc phục", True, (1.0, 1), (1.5, 2)),
    "KN-14": ("XAU_DI", "xấu đi", True, (2.0, 1), (3.0, 2)),
    "KN-15": ("CO_CAI_THIEN", "có cải thiện", True, (0.25, 4), (0.5, 4)),
    "KN-16": ("CHUA_KHAC_PHUC", "chưa khắc phục", True, (None, 0), (0.0, 2)),
}


def test_one_row_per_recommendation_with_a_signal(remediation):
    assert set(remediation) == set(STATUSES)  # KN-01B names no signal


@pytest.mark.parametrize("rec", sorted(STATUSES))
def test_status_and_pooled_values(remediation, rec):
    status, status_vi, overdue, (b_value, b_months), (a_value, a_months) = STATUSES[rec]
    row = remediation[rec]
    assert (row["status"], row["status_vi"], row["overdue"]) == (status, status_vi, overdue)
    assert row["baseline_months"] == b_months and row["after_months"] == a_months
    assert row["baseline_value"] == (pytest.approx(b_value, abs=1e-12) if b_value is not None else None)
    assert row["after_value"] == (pytest.approx(a_value, abs=1e-12) if a_value is not None else None)


def test_windows_of_the_default_case(remediation):
    row = remediation["KN-01"]
    assert (row["unit_code"], row["unit_name"], row["inspection_id"], row["kind"], row["threshold"]) == (
        U[1], "Sở Tư pháp", "KT-01", "ratio", 0.95)
    assert (row["reference_date"], row["deadline"]) == (date(2025, 1, 10), date(2025, 3, 31))
    assert (row["baseline_from"], row["baseline_to"], row["after_from"], row["after_to"]) == (
        m("01/2024"), m("12/2024"), m("05/2025"), m("06/2025"))  # the months with data after 03/2025


def test_monthly_since_lists_each_complete_month_with_data_from_the_month_of_c(remediation):
    # 08/2025 (the month of D) is not complete; the 16/08/2025 document counts nowhere
    assert remediation["KN-01"]["monthly_since"] == [
        {"period": m("02/2025"), "numerator": 2, "denominator": 5, "value": 0.4, "meets_threshold": False},
        {"period": m("05/2025"), "numerator": 10, "denominator": 10, "value": 1.0, "meets_threshold": True},
        {"period": m("06/2025"), "numerator": 9, "denominator": 10, "value": 0.9, "meets_threshold": False}]
    assert [e["numerator"] for e in remediation["KN-15"]["monthly_since"]] == [0, 0, 0, 0, 0, 1, 1]  # 01–07/2025
    assert remediation["KN-09"]["monthly_since"] == [
        {"period": m("06/2025"), "numerator": 5, "denominator": 5, "value": 1.0, "meets_threshold": True},
        {"period": m("07/2025"), "numerator": 5, "denominator": 5, "value": 1.0, "meets_threshold": True}]


def test_a_missing_deadline_is_c_plus_90_days(remediation):
    row = remediation["KN-05"]
    assert (row["reference_date"], row["deadline"], row["after_from"], row["after_to"]) == (
        date(2025, 1, 15), date(2025, 4, 15), m("05/2025"), m("06/2025"))
    assert remediation["KN-05B"]["after_from"] == m("04/2025")  # 03/2025 on, but no data in 03/2025


def test_the_after_window_is_at_most_the_latest_six_months_with_data(remediation):
    row = remediation["KN-11"]
    assert (row["baseline_from"], row["baseline_to"], row["after_from"], row["after_to"]) == (
        m("09/2023"), m("08/2024"), m("02/2025"), m("07/2025"))
    assert (row["after_value"], row["after_months"], row["status"]) == (1.0, 6, "DA_KHAC_PHUC")


def test_the_deadline_day_itself_is_not_past_due(remediation):
    due_today, due_yesterday = remediation["KN-09"], remediation["KN-10"]
    assert due_today["deadline"] == D and due_yesterday["deadline"] == date(2025, 8, 14)
    for row in (due_today, due_yesterday):
        assert (row["status"], row["overdue"], row["after_from"], row["after_to"], row["after_months"]) == (
            "CHUA_DU_DU_LIEU", False, None, None, 0)
    assert due_today["explanation_vi"] == (
        "Chưa đủ dữ liệu: chưa hết hạn khắc phục (hạn khắc phục 15/08/2025, ngày đánh giá 15/08/2025).")
    assert due_yesterday["explanation_vi"] == (
        "Chưa đủ dữ liệu: chưa đủ số liệu sau hạn (hạn khắc phục 14/08/2025), "
        "chưa có tháng trọn vẹn nào sau tháng của hạn.")


def test_the_days_threshold_comes_from_the_units_monthly_rows(remediation):
    assert (remediation["KN-15"]["kind"], remediation["KN-15"]["threshold"]) == ("days", 1.0)
    assert (remediation["KN-12"]["kind"], remediation["KN-12"]["threshold"]) == ("count", 0.0)


# --------------------------------------------------------------------------- the claim


CLAIMS = {  # recommendation → claim, claimed_on, document, contradicted
    "KN-01": ("DA_KHAC_PHUC", date(2025, 6, 20), "15/BC-STP", False),
    "KN-02": ("DA_KHAC_PHUC", date(2025, 6, 12), "21/BC-SYT", True),   # same date, specific: the later row
    "KN-04": ("DANG_KHAC_PHUC", date(2025, 6, 20), "8/BC", False),     # an inspection-wide report, later
    "KN-05": ("DA_KHAC_PHUC", date(2025, 6, 10), "88/BC-SCT", True),   # same date: the specific one beats the wide one
    "KN-05B": ("DANG_KHAC_PHUC", date(2025, 6, 10), "5/BC", False),    # only the inspection-wide report applies
}


def test_the_claim_is_the_latest_report_and_contradicted_when_the_data_disagree(remediation):
    for rec, row in remediation.items():
        claim, on, document, contradicted = CLAIMS.get(rec, (None, None, None, False))
        assert (row["claim"], row["claimed_on"], row["claim_document_no"], row["claim_contradicted"]) == (
            claim, on, document, contradicted), rec
        assert row["claim_vi"] == {"DA_KHAC_PHUC": "Đã khắc phục", "DANG_KHAC_PHUC": "Đang khắc phục", None: None}[claim]


# --------------------------------------------------------------------------- the explanation


def test_explanations_read_out_the_numbers(remediation):
    assert remediation["KN-01"]["explanation_vi"] == (
        "Đã khắc phục: sau hạn khắc phục 31/03/2025, các tháng 05/2025–06/2025 95,0% (19/20), đạt ngưỡng 95%; "
        "12 tháng trước kiểm tra từ tháng 01/2024 đến tháng 12/2024: 70,0% (7/10).")
    assert remediation["KN-02"]["explanation_vi"] == (  # the worked example of docs/remediation-rules.md
        "Có cải thiện: sau hạn khắc phục 31/03/2025, các tháng 06/2025–07/2025 85,0% (17/20), chưa đạt "
        "ngưỡng 95%; 12 tháng trước kiểm tra từ tháng 01/2024 đến tháng 12/2024: 80,0% (16/20).")
    assert remediation["KN-05"]["explanation_vi"] == (
        "Chưa khắc phục: sau hạn khắc phục 15/04/2025 (không ghi hạn: 90 ngày sau ngày 15/01/2025), các tháng "
        "05/2025–06/2025 50,0% (5/10), chưa đạt ngưỡng 95%; 12 tháng trước kiểm tra từ tháng 01/2024 đến tháng "
        "12/2024: không có số liệu để so sánh.")
    assert remediation["KN-07"]["explanation_vi"] == (
        "Chưa đủ dữ liệu: chưa đủ số liệu sau hạn (hạn khắc phục 31/03/2025), các tháng 06/2025–07/2025 có "
        "2 tháng có số liệu với 4 trường hợp, cần ít nhất 2 tháng và 5 trường hợp.")
    assert remediation["KN-08"]["explanation_vi"] == (  # one month: named alone
        "Chưa đủ dữ liệu: chưa đủ số liệu sau hạn (hạn khắc phục 31/03/2025), tháng 07/2025 có 1 tháng có số liệu "
        "với 10 trường hợp, cần ít nhất 2 tháng và 5 trường hợp.")
    assert remediation["KN-14"]["explanation_vi"] == (
        "Xấu đi: sau hạn khắc phục 31/03/2025, các tháng 06/2025–07/2025 bình quân 3,0 trường hợp mỗi tháng "
        "(6 trong 2 tháng), chưa đạt ngưỡng 0 trường hợp mỗi tháng; 12 tháng trước kiểm tra từ tháng 01/2024 đến "
        "tháng 12/2024: bình quân 2,0 trường hợp mỗi tháng (2 trong 1 tháng).")
    assert remediation["KN-15"]["explanation_vi"] == (
        "Có cải thiện: sau hạn khắc phục 31/03/2025, các tháng 04/2025–07/2025 2/4 tháng đạt, chưa đạt "
        "ngưỡng 1 ngày mỗi tháng; 12 tháng trước kiểm tra từ tháng 01/2024 đến tháng 12/2024: 1/4 tháng đạt.")
    assert all(r["explanation_vi"].endswith(".") and r["explanation_vi"].count(".") >= 1 for r in remediation.values())


# --------------------------------------------------------------------------- re-inspection candidates


def test_reinspection_candidates(con):
    found = rows(con, "SELECT * FROM marts.reinspection_candidates")
    # contradicted claims first (U05 with 2 overdue, then U02), then the rest by code; U16 is dissolved
    assert [(r["unit_code"], r["overdue_recommendations"], r["contradicted_claims"]) for r in found] == [
        (U[5], 2, 1), (U[2], 1, 1), (U[3], 1, 0), (U[4], 1, 0), (U[6], 1, 0), (U[12], 1, 0), (U[13], 1, 0),
        (U[14], 1, 0), (U[15], 1, 0)]
    by_unit = {r["unit_code"]: r for r in found}
    u5 = by_unit[U[5]]
    assert (u5["unit_name"], u5["unit_type"], u5["last_inspection_id"], u5["last_inspection_started"]) == (
        "Sở Công Thương", "SO", "KT-05", date(2025, 1, 13))
    assert u5["reasons_vi"] == [  # the contradicted claim first, though its deadline is later
        "Kiến nghị KN-05 (cuộc kiểm tra KT-05, chỉ số QLVB_DI_KY_SO, hạn 15/04/2025): quá hạn, số liệu chưa khắc "
        "phục; đơn vị báo cáo đã khắc phục (ngày 10/06/2025, văn bản 88/BC-SCT) nhưng số liệu không xác nhận.",
        "Kiến nghị KN-05B (cuộc kiểm tra KT-05, chỉ số QLVB_DI_KY_SO, hạn 28/02/2025): quá hạn, số liệu chưa khắc phục."]
    # re-inspected from 05/05/2025; the inspection starting 20/08/2025 has not started on D
    assert (by_unit[U[4]]["last_inspection_id"], by_unit[U[4]]["last_inspection_started"]) == (
        "KT-04B", date(2025, 5, 5))
    assert by_unit[U[4]]["reasons_vi"] == [
        "Kiến nghị KN-04 (cuộc kiểm tra KT-04, chỉ số QLVB_DI_KY_SO, hạn 31/03/2025): quá hạn, số liệu xấu đi."]


# --------------------------------------------------------------------------- yearly


def test_unit_signals_yearly(con):
    found = {(r["unit_code"], r["signal_code"], r["year"]): r for r in rows(con, "SELECT * FROM marts.unit_signals_yearly")}
    columns = ("kind", "numerator", "denominator", "value", "threshold", "meets_threshold", "months", "months_met",
               "previous_year_value", "change", "trend_vi", "year_to_date")
    expected = {
        # U01: 2024 4/5 + 3/5 = 7/10; 2025 2/5 + 10/10 + 9/10 + 1/1 (08/2025, the month of D) = 22/26
        (U[1], "QLVB_DI_KY_SO", 2024): ("ratio", 7, 10, 0.7, 0.95, False, 2, 0, None, None, "năm đầu có số liệu", False),
        (U[1], "QLVB_DI_KY_SO", 2025): ("ratio", 22, 26, 22 / 26, 0.95, False, 4, 2, 0.7, 22 / 26 - 0.7, "tốt lên", True),
        # count: mean per month; lower is better
        (U[12], "QLVB_DEN_QUA_HAN_TON", 2024): ("count", 4, None, 2.0, 0.0, False, 2, 0, None, None,
                                                "năm đầu có số liệu", False),
        (U[12], "QLVB_DEN_QUA_HAN_TON", 2025): ("count", 2, None, 1.0, 0.0, False, 2, 1, 2.0, -1.0, "tốt lên", True),
        (U[14], "QLVB_DEN_QUA_HAN_TON", 2025): ("count", 6, None, 3.0, 0.0, False, 2, 0, 2.0, 1.0, "xấu đi", True),
        # days: the share of months met; 2024 09–12 (1 day in 09), 2025 01–07 (1 day in 06 and in 07)
        (U[15], "DONTHU_TIEP_DAN_THU_TRUONG", 2024): ("days", 1, None, 0.25, 1.0, False, 4, 1, None, None,
                                                      "năm đầu có số liệu", False),
        (U[15], "DONTHU_TIEP_DAN_THU_TRUONG", 2025): ("days", 2, None, 2 / 7, 1.0, False, 7, 2, 0.25, 2 / 7 - 0.25,
                                                      "tốt lên", True),
        # U17: 1/2, then 2/4 (equal), then a gap year
        (U[17], "QLVB_DI_KY_SO", 2022): ("ratio", 1, 2, 0.5, 0.95, False, 1, 0, None, None, "năm đầu có số liệu", False),
        (U[17], "QLVB_DI_KY_SO", 2023): ("ratio", 2, 4, 0.5, 0.95, False, 1, 0, 0.5, 0.0, "không đổi", False),
        (U[17], "QLVB_DI_KY_SO", 2025): ("ratio", 3, 4, 0.75, 0.95, False, 1, 0, None, None,
                                         "năm trước không có số liệu", True),
    }
    for key, values in expected.items():
        row = found[key]
        for column, value in zip(columns, values, strict=True):
            if isinstance(value, float):
                assert row[column] == pytest.approx(value, abs=1e-12), (key, column)
            else:
                assert row[column] == value, (key, column)
    assert not any(year > 2025 for _, _, year in found)
    # a year that met: U08 in 2025 (07/2025 10/10) — and a count year with nothing counted meets
    assert found[(U[8], "QLVB_DI_KY_SO", 2025)]["meets_threshold"] is True


def test_every_new_table_and_column_has_a_vietnamese_comment(con):
    from storage.publish import mart_comments

    comments = mart_comments()
    for table in ("inspections", "recommendations", "remediation_reports", "remediation", "reinspection_candidates",
                  "unit_signals_yearly"):
        columns = [c for (c,) in con.sql(f"SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                         f"AND table_name = '{table}' ORDER BY column_index").fetchall()]
        assert set(comments[table]) == {"table", *columns}, table
