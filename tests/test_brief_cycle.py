"""The brief's sheet "Kết luận và khắc phục", on the hand-built city of test_remediation (D = 15/08/2025).

Sở Y tế (U02): inspection KT-02 concluded 10/01/2025; recommendation KN-02 on QLVB_DI_KY_SO, deadline
31/03/2025, 0.80 before → 0.85 after: có cải thiện, overdue; it reported "Đã khắc phục" on 12/06/2025
(21/BC-SYT) — the data disagree, so it is a re-inspection candidate. Sở Tư pháp (U01): KN-01 remedied
(0.70 → 0.95) as reported, plus KN-01B naming no signal and never reported on. Added here: KN-04X of
KT-04, naming no signal: its claim is KT-04's inspection-wide report "Đang khắc phục" of 20/06/2025.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from marts_support import build
from openpyxl import Workbook, load_workbook
from test_remediation import (
    AGENCIES,
    DIRECTORY,
    DOCUMENTS,
    INSPECTIONS,
    RECOMMENDATIONS,
    REPORTS,
    SESSIONS,
    U,
    recommendation,
)

from brief.remediation import write_cycle
from reader.register import read_cycle

D = date(2025, 8, 15)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("brief-cycle"), D, directory_don_vi=DIRECTORY, qlvb_van_ban=DOCUMENTS,
                 donthu_dm_co_quan=AGENCIES, donthu_tiep_cong_dan=SESSIONS, kiemtra_cuoc_kiem_tra=INSPECTIONS,
                 kiemtra_kien_nghi=[*RECOMMENDATIONS, recommendation("KN-04X", "KT-04", 40, signal=None)],
                 kiemtra_bao_cao_khac_phuc=REPORTS)


def sheet_of(con, unit_code):
    """The sheet's values as Excel keeps them (saved and read back: dates come back as datetimes)."""
    book = Workbook()
    write_cycle(book.active, read_cycle(con, unit_code))
    saved = io.BytesIO()
    book.save(saved)
    return list(load_workbook(saved).active.iter_rows(values_only=True))


def row_starting(rows, first):
    return next(r for r in rows if r[0] == first)


def test_a_contradicted_claim_is_flagged_and_the_unit_proposed_for_re_inspection(con):
    rows = sheet_of(con, U[2])
    assert rows[2][0] == "ĐỀ NGHỊ TÁI KIỂM TRA"
    assert rows[3][0].startswith("• Kiến nghị KN-02 (cuộc kiểm tra KT-02, chỉ số QLVB_DI_KY_SO, hạn 31/03/2025)")
    inspection = row_starting(rows, "KT-02")
    assert inspection[1] == "Theo kế hoạch có báo trước" and inspection[6] == datetime(2025, 1, 10)
    kn = row_starting(rows, "KN-02")
    assert kn[1:5] == ("KT-02", "Khắc phục QLVB_DI_KY_SO", "QLVB_DI_KY_SO", datetime(2025, 3, 31))
    assert kn[5] == pytest.approx(0.80) and kn[6] == pytest.approx(0.85)
    assert kn[7:12] == ("có cải thiện", "Quá hạn", "Đã khắc phục", datetime(2025, 6, 12),
                        "MÂU THUẪN: báo cáo đã khắc phục, số liệu chưa cho thấy")
    assert kn[12].startswith("Có cải thiện: sau hạn khắc phục 31/03/2025")


def test_a_remedy_the_data_confirm_and_a_recommendation_without_a_signal(con):
    rows = sheet_of(con, U[1])
    assert rows[2][0] == "Các cuộc kiểm tra"  # no re-inspection due
    kn = row_starting(rows, "KN-01")
    assert kn[7:12] == ("đã khắc phục", None, "Đã khắc phục", datetime(2025, 6, 20), None)
    general = row_starting(rows, "KN-01B")
    assert general[3] == "— (không gắn chỉ tiêu)" and general[5:10] == ("—", "—", "—", None, "chưa báo cáo")
    reports = [r for r in rows if r[0] == "KT-01" and r[1] == "KN-01"]
    assert reports and reports[-1][2:5] == (datetime(2025, 6, 20), "Đã khắc phục", "15/BC-STP")


def test_a_unit_never_inspected_and_a_file_without_the_register(con, tmp_path):
    rows = sheet_of(con, U[17])
    assert ("Đơn vị chưa được kiểm tra lần nào trong sổ theo dõi.",) == rows[4][:1]
    old = build(tmp_path, D)
    old.execute("DROP TABLE marts.remediation")  # a file published before the register
    assert read_cycle(old, U[1]) is None
    ws = Workbook().active
    write_cycle(ws, None)
    assert ws["A3"].value.startswith("Tệp dữ liệu này chưa có sổ theo dõi kiểm tra")


def test_a_recommendation_without_a_signal_takes_the_inspection_wide_report(con):
    general = row_starting(sheet_of(con, U[4]), "KN-04X")
    assert general[9:11] == ("Đang khắc phục", datetime(2025, 6, 20))


def test_a_capped_evidence_sheet_says_so_and_keeps_the_counts_of_all(con):
    """Sở Tư pháp (U01), window 09/2024–08/2025: its unsigned outgoing documents are its findings —
    09/2024 2 (3 of 5 signed), 02/2025 3 (2 of 5), 06/2025 1 (9 of 10): 6 in all, newest first."""
    from brief.data import read_brief_data
    from brief.workbook import build_workbook
    from reader.model import Unit, Window
    from reader.months import add_months

    window = Window(D, "test", [add_months(date(2024, 9, 1), i) for i in range(12)])
    unit = Unit(U[1], "Sở Tư pháp", "SO", None, None, None, None)
    data = read_brief_data(con, unit, window, max_findings=2)
    assert (data.findings_total, data.evidence_counts, len(data.findings)) == (6, {"QLVB_DI_KY_SO": 6}, 2)
    assert [f[0] for f in data.findings] == [date(2025, 6, 1), date(2025, 2, 1)]
    evidence = build_workbook(data)["Bằng chứng"]
    assert evidence["A5"].value == ("Chỉ liệt kê 2 bản ghi mới nhất trong tổng số 6 bản ghi không đạt của kỳ; xem "
                                    "đầy đủ trên trang Đơn vị của ứng dụng web, bằng lệnh `cchc brief`, hoặc trong "
                                    "bảng marts.findings.")
    full = read_brief_data(con, unit, window)
    assert (full.findings_total, len(full.findings)) == (6, 6)
