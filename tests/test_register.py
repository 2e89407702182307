"""The inspection register read from real .xlsx files: good rows load, every bad row is one reject whose
reason names file, sheet, row and column and what was expected (docs/inspection-cycle.md, section 1).

The workbooks are written here with openpyxl cell by cell, as an inspector would type them; the expected
messages are the contract's words.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from cchc.inspections import write_template
from connectors.workbooks import WorkbookFolder
from core.errors import SourceError
from ingest.register import Directory, DirectoryUnit, register_fetch
from models import Rejected
from models.register import REGISTER_ROWS, BaoCaoKhacPhuc, CuocKiemTra, KienNghi
from models.signals import SIGNAL_CODES
from sources.catalog import KIEMTRA

D = date(2025, 12, 1)
NV, NN, BA_DINH = "000.00.01.H26", "000.00.02.H26", "000.00.12.H26"
HEADERS = {model: list(model.columns().values()) for model in REGISTER_ROWS}


def directory() -> Directory:
    d = Directory()
    d.add(DirectoryUnit(NV, "Sở Nội vụ", date(2008, 8, 1), None), ["Sở NV"])
    d.add(DirectoryUnit(NN, "Sở Nông nghiệp và Môi trường", date(2025, 3, 1), None), [])
    d.add(DirectoryUnit(BA_DINH, "Ủy ban nhân dân quận Ba Đình", date(2008, 8, 1), date(2025, 6, 30)),
          ["UBND quận Ba Đình"])
    return d


def workbook(path: Path, sheets: dict[type, list[list]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for model, rows in sheets.items():
        sheet = book.create_sheet(model.SHEET)
        sheet.append(HEADERS[model])
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def read(folder: Path, as_of: date = D) -> dict[str, list]:
    fetch = register_fetch(WorkbookFolder(KIEMTRA, folder), directory(), as_of)
    out: dict[str, list] = {t.name: [] for t in KIEMTRA.tables}
    for table, rows in fetch(None, None):
        out[table].extend(rows)
    return out


def good(rows: list) -> list[str]:
    return [r["vi_tri"] for r in rows if isinstance(r, dict)]


def reasons(rows: list) -> list[str]:
    return [r.reason for r in rows if isinstance(r, Rejected)]


INSPECTIONS, RECOMMENDATIONS, REPORTS = (t.name for t in KIEMTRA.tables)


def test_a_clean_register_loads_every_row_with_where_it_was_read(tmp_path):
    workbook(tmp_path / "so-2025.xlsx", {
        CuocKiemTra: [["KT-1", NV, None, "Đột xuất", datetime(2025, 3, 3), datetime(2025, 3, 7), "Phó Giám đốc Sở",
                       "12/KL-SNV", "20/03/2025"],
                      # by name only, with the old tone placement and an abbreviation; a kind without tone marks
                      ["KT-2", "", "UBND Quận Ba Đình", "theo ke hoach co bao truoc", "02/06/2025", None, None, None,
                       None]],
        KienNghi: [["KN-1", "KT-1", "Chấn chỉnh hồ sơ quá hạn", "motcua_dung_han", datetime(2025, 6, 30)],
                   ["KN-2", "KT-1", "Niêm yết thủ tục", None, None]],
        BaoCaoKhacPhuc: [["KT-1", "KN-1", datetime(2025, 7, 2), "Đã khắc phục", 215],
                         ["KT-1", None, "15/07/2025", "Đang khắc phục", None]],
    })
    got = read(tmp_path)
    assert good(got[INSPECTIONS]) == ["so-2025.xlsx › Cuộc kiểm tra › dòng 2", "so-2025.xlsx › Cuộc kiểm tra › dòng 3"]
    assert len(good(got[RECOMMENDATIONS])) == 2 and len(good(got[REPORTS])) == 2
    assert not any(reasons(rows) for rows in got.values())
    # the rows are validated again by the sync: they must pass their models as they are
    row = CuocKiemTra.model_validate(got[INSPECTIONS][1])
    assert (row.hinh_thuc, row.ngay_bat_dau, row.tep, row.dong) == ("KE_HOACH", date(2025, 6, 2), "so-2025.xlsx", 3)
    assert KienNghi.model_validate(got[RECOMMENDATIONS][0]).ma_chi_tieu == "MOTCUA_DUNG_HAN"
    report = BaoCaoKhacPhuc.model_validate(got[REPORTS][0])
    assert (report.ket_qua, report.so_van_ban) == ("DA_KHAC_PHUC", "215")


def test_five_kinds_of_bad_rows_each_a_reject_naming_file_sheet_row_and_column(tmp_path):
    workbook(tmp_path / "so.xlsx", {
        CuocKiemTra: [
            ["KT-1", NV, None, "Đột xuất", datetime(2025, 3, 3), None, None, "12/KL", datetime(2025, 3, 20)],
            ["KT-2", None, "Sở Nội vũ", "Đột xuất", datetime(2025, 4, 1), None, None, None, None],  # unknown unit
            ["KT-3", NV, None, "Đột xuất", "31/02/2025", None, None, None, None],  # impossible date
            ["KT-1", NV, None, "Đột xuất", datetime(2025, 5, 1), None, None, None, None],  # duplicate id
        ],
        KienNghi: [
            ["KN-1", "KT-1", "Chấn chỉnh", "MOTCUA_DUNG_HAM", None],  # unknown signal code
            ["KN-2", "KT-9", "Chấn chỉnh", None, None],  # no such inspection
            ["KN-3", "KT-1", "Chấn chỉnh", "NHIEMVU_DUNG_HAN", datetime(2025, 6, 30)],
        ],
        BaoCaoKhacPhuc: [["KT-1", "KN-3", datetime(2025, 7, 1), "Đã khắc phục", None]],
    })
    got = read(tmp_path)
    assert good(got[INSPECTIONS]) == ["so.xlsx › Cuộc kiểm tra › dòng 2"]
    assert reasons(got[INSPECTIONS]) == [
        "Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 3, cột 'Tên đơn vị': không có đơn vị tên 'Sở Nội vũ' trong danh "
        "mục; tên gần nhất trong danh mục: Sở Nội vụ (000.00.01.H26)",
        "Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 4: cột 'Ngày bắt đầu' là ngày không có thật (ngày, tháng không "
        "hợp lệ)",
        "Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 5, cột 'Mã cuộc kiểm tra': mã 'KT-1' trùng với so.xlsx › Cuộc kiểm "
        "tra › dòng 2; mỗi cuộc kiểm tra một mã",
    ]
    assert reasons(got[RECOMMENDATIONS]) == [
        "Tệp so.xlsx, trang 'Kiến nghị', dòng 2: cột 'Mã chỉ tiêu' không phải mã chỉ tiêu; các mã hợp lệ ở trang "
        "Hướng dẫn và trong danh sách chọn ('MOTCUA_DUNG_HAM'; có phải MOTCUA_DUNG_HAN?)",
        "Tệp so.xlsx, trang 'Kiến nghị', dòng 3, cột 'Mã cuộc kiểm tra': không có cuộc kiểm tra mã 'KT-9' trong trang "
        "'Cuộc kiểm tra' của các sổ",
    ]
    assert good(got[RECOMMENDATIONS]) == ["so.xlsx › Kiến nghị › dòng 4"] and good(got[REPORTS])
    rejected = [r for rows in got.values() for r in rows if isinstance(r, Rejected)]
    assert [r.record_id for r in rejected][:2] == ["so.xlsx › Cuộc kiểm tra › dòng 3", "so.xlsx › Cuộc kiểm tra › dòng 4"]


def test_a_row_with_several_problems_lists_every_one_each_on_its_own_line(tmp_path):
    # the new user's row: an impossible start date, a conclusion after the as-of date (01/12/2025), a misspelt
    # unit; and a recommendation whose inspection is that row, with an unknown signal code and a blank content
    workbook(tmp_path / "so.xlsx", {
        CuocKiemTra: [["KT-1", None, "Sở Nội vũ", "Đột xuất", "31/02/2025", None, None, "12/KL", "20/12/2025"]],
        KienNghi: [["KN-1", "KT-1", None, "MOTCUA_DUNG_HAM", None]],
        BaoCaoKhacPhuc: [["KT-1", "KN-1", "05/12/2025", "Đã khắc phục", None]],
    })
    got = read(tmp_path)
    assert [r.split("\n") for r in reasons(got[INSPECTIONS])] == [[
        "Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 2: cột 'Ngày bắt đầu' là ngày không có thật (ngày, tháng không "
        "hợp lệ)",
        "Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 2, cột 'Tên đơn vị': không có đơn vị tên 'Sở Nội vũ' trong danh "
        "mục; tên gần nhất trong danh mục: Sở Nội vụ (000.00.01.H26)",
        "Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 2, cột 'Ngày kết luận': 20/12/2025 ở sau ngày đánh giá 01/12/2025",
    ]]
    assert [r.split("\n") for r in reasons(got[RECOMMENDATIONS])] == [[
        "Tệp so.xlsx, trang 'Kiến nghị', dòng 2: cột 'Nội dung kiến nghị' bị bỏ trống",
        "Tệp so.xlsx, trang 'Kiến nghị', dòng 2: cột 'Mã chỉ tiêu' không phải mã chỉ tiêu; các mã hợp lệ ở trang "
        "Hướng dẫn và trong danh sách chọn ('MOTCUA_DUNG_HAM'; có phải MOTCUA_DUNG_HAN?)",
        "Tệp so.xlsx, trang 'Kiến nghị', dòng 2, cột 'Mã cuộc kiểm tra': cuộc kiểm tra 'KT-1' bị loại (xem lỗi tại "
        "so.xlsx › Cuộc kiểm tra › dòng 2)",
    ]]
    assert [r.split("\n") for r in reasons(got[REPORTS])] == [[  # the values' problems, then the rules', by column
        "Tệp so.xlsx, trang 'Báo cáo khắc phục', dòng 2, cột 'Mã cuộc kiểm tra': cuộc kiểm tra 'KT-1' bị loại (xem "
        "lỗi tại so.xlsx › Cuộc kiểm tra › dòng 2)",
        "Tệp so.xlsx, trang 'Báo cáo khắc phục', dòng 2, cột 'Ngày báo cáo': 05/12/2025 ở sau ngày đánh giá "
        "01/12/2025",
    ]]


@pytest.mark.parametrize(("row", "expected"), [
    (["KT-1", None, None, "Đột xuất", "01/03/2025", None, None, None, None],
     "dòng 2: cột 'Mã đơn vị' và 'Tên đơn vị' đều trống; cần mã hoặc tên đơn vị được kiểm tra"),
    (["KT-1", NV, None, "Thanh tra", "01/03/2025", None, None, None, None],
     "dòng 2: cột 'Hình thức' không có trong danh sách hình thức: Theo kế hoạch có báo trước; Đột xuất; Tái kiểm tra"),
    (["KT-1", NV, None, "Đột xuất", None, None, None, None, None],
     "dòng 2: cột 'Ngày bắt đầu' bị bỏ trống; cần ngày dạng dd/mm/yyyy"),
    (["KT-1", NV, None, "Đột xuất", "2025/03/01", None, None, None, None],
     "dòng 2: cột 'Ngày bắt đầu' không phải ngày; cần ngày dạng dd/mm/yyyy"),
    (["KT-1", NV, None, "Đột xuất", "10/03/2025", "09/03/2025", None, None, None],
     "dòng 2: cột 'Ngày kết thúc': trước 'Ngày bắt đầu'"),
    (["KT-1", NV, None, "Đột xuất", "10/03/2025", None, None, "1/KL", None],
     "dòng 2: cột 'Ngày kết luận': bị bỏ trống trong khi đã có 'Số kết luận'"),
    (["KT-1", NV, None, "Đột xuất", "10/03/2025", None, None, "1/KL", "02/12/2025"],
     "dòng 2, cột 'Ngày kết luận': 02/12/2025 ở sau ngày đánh giá 01/12/2025"),
    (["KT-1", "000.00.10.H26", None, "Đột xuất", "10/03/2025", None, None, None, None],
     "dòng 2, cột 'Mã đơn vị': không có đơn vị mã '000.00.10.H26' trong danh mục mã định danh; mã gần nhất: "
     "000.00.12.H26 (Ủy ban nhân dân quận Ba Đình); 000.00.02.H26 (Sở Nông nghiệp và Môi trường); 000.00.01.H26 "
     "(Sở Nội vụ)"),
    (["KT-1", NV, "Sở Nông nghiệp và Môi trường", "Đột xuất", "10/03/2025", None, None, None, None],
     "dòng 2, cột 'Mã đơn vị' và 'Tên đơn vị' chỉ hai đơn vị khác nhau: mã '000.00.01.H26' là Sở Nội vụ, tên "
     "'Sở Nông nghiệp và Môi trường' là Sở Nông nghiệp và Môi trường (000.00.02.H26)"),
    # a district inspected after it was dissolved on 30/06/2025; the day itself is still in force
    (["KT-1", BA_DINH, None, "Đột xuất", "01/07/2025", None, None, None, None],
     "dòng 2, cột 'Ngày bắt đầu': 01/07/2025 ngoài thời gian hoạt động của Ủy ban nhân dân quận Ba Đình "
     "(từ 01/08/2008 đến 30/06/2025)"),
])
def test_each_inspection_rule_has_its_message(tmp_path, row, expected):
    workbook(tmp_path / "a.xlsx", {CuocKiemTra: [row]})
    assert reasons(read(tmp_path)[INSPECTIONS]) == [f"Tệp a.xlsx, trang 'Cuộc kiểm tra', {expected}"]


def test_a_unit_on_its_last_day_and_the_conclusion_on_the_as_of_day_are_fine(tmp_path):
    workbook(tmp_path / "a.xlsx", {CuocKiemTra: [["KT-1", BA_DINH, None, "Đột xuất", "30/06/2025", None, None, "1/KL",
                                                  "01/12/2025"]]})
    assert len(good(read(tmp_path)[INSPECTIONS])) == 1


def test_references_follow_the_rejected_rows_and_reports_check_their_recommendation(tmp_path):
    workbook(tmp_path / "a.xlsx", {
        CuocKiemTra: [["KT-1", NV, None, "Đột xuất", "03/03/2025", None, None, "1/KL", "20/03/2025"],
                      ["KT-2", NV, None, "Đột xuất", "31/04/2025", None, None, None, None]],
        KienNghi: [["KN-1", "KT-1", "A", None, "30/06/2025"],
                   ["KN-2", "KT-2", "B", None, None],
                   ["KN-3", "KT-1", "C", None, "19/03/2025"]],
        BaoCaoKhacPhuc: [["KT-1", "KN-2", "01/07/2025", "Đã khắc phục", None],
                         ["KT-1", "KN-7", "01/07/2025", "Đã khắc phục", None],
                         ["KT-1", None, "19/03/2025", "Đã khắc phục", None],
                         ["KT-1", "KN-1", "01/07/2025", "Xong", None]],
    })
    got = read(tmp_path)
    assert reasons(got[RECOMMENDATIONS]) == [
        "Tệp a.xlsx, trang 'Kiến nghị', dòng 3, cột 'Mã cuộc kiểm tra': cuộc kiểm tra 'KT-2' bị loại (xem lỗi tại "
        "a.xlsx › Cuộc kiểm tra › dòng 3)",
        "Tệp a.xlsx, trang 'Kiến nghị', dòng 4, cột 'Hạn khắc phục': 19/03/2025 trước ngày kết luận 20/03/2025 của "
        "cuộc kiểm tra 'KT-1'",
    ]
    assert reasons(got[REPORTS]) == [
        "Tệp a.xlsx, trang 'Báo cáo khắc phục', dòng 2, cột 'Mã kiến nghị': kiến nghị 'KN-2' bị loại (xem lỗi tại "
        "a.xlsx › Kiến nghị › dòng 3)",
        "Tệp a.xlsx, trang 'Báo cáo khắc phục', dòng 3, cột 'Mã kiến nghị': kiến nghị 'KN-7' không có trong trang "
        "'Kiến nghị'",
        "Tệp a.xlsx, trang 'Báo cáo khắc phục', dòng 4, cột 'Ngày báo cáo': 19/03/2025 trước ngày kết luận 20/03/2025 "
        "của cuộc kiểm tra 'KT-1'",
        "Tệp a.xlsx, trang 'Báo cáo khắc phục', dòng 5: cột 'Kết quả đơn vị báo cáo' không có trong danh sách kết "
        "quả: Đã khắc phục; Đang khắc phục",
    ]


def test_a_report_naming_a_recommendation_of_another_inspection_is_refused(tmp_path):
    workbook(tmp_path / "a.xlsx", {
        CuocKiemTra: [["KT-1", NV, None, "Đột xuất", "03/03/2025", None, None, None, None],
                      ["KT-2", NV, None, "Đột xuất", "03/04/2025", None, None, None, None]],
        KienNghi: [["KN-2", "KT-2", "B", None, None]],
        BaoCaoKhacPhuc: [["KT-1", "KN-2", "01/07/2025", "Đã khắc phục", None]],
    })
    assert reasons(read(tmp_path)[REPORTS]) == [
        "Tệp a.xlsx, trang 'Báo cáo khắc phục', dòng 2, cột 'Mã kiến nghị': kiến nghị 'KN-2' thuộc cuộc kiểm tra "
        "'KT-2', không phải 'KT-1'"]


def test_ids_are_unique_across_workbooks_the_first_file_wins(tmp_path):
    workbook(tmp_path / "a-2024.xlsx", {CuocKiemTra: [["KT-1", NV, None, "Đột xuất", "03/03/2024", None, None, None,
                                                       None]]})
    workbook(tmp_path / "b-2025.xlsx", {CuocKiemTra: [["KT-1", NV, None, "Đột xuất", "03/03/2025", None, None, None,
                                                       None]]})
    got = read(tmp_path)[INSPECTIONS]
    assert good(got) == ["a-2024.xlsx › Cuộc kiểm tra › dòng 2"]
    assert reasons(got) == ["Tệp b-2025.xlsx, trang 'Cuộc kiểm tra', dòng 2, cột 'Mã cuộc kiểm tra': mã 'KT-1' trùng "
                            "với a-2024.xlsx › Cuộc kiểm tra › dòng 2; mỗi cuộc kiểm tra một mã"]


def test_unreadable_files_and_sheets_without_their_columns_are_one_reject_each_and_the_rest_loads(tmp_path):
    (tmp_path / "hong.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "~$so.xlsx").write_bytes(b"Excel's lock file")  # never read
    (tmp_path / "ghi-chu.txt").write_text("not a workbook either, and not .xlsx: ignored")
    book = Workbook()
    book.active.title = "Cuộc kiểm tra"
    book.active.append(["Mã cuộc kiểm tra", "Tên đơn vị", "Hình thức"])  # no 'Ngày bắt đầu'
    book.active.append(["KT-1", "Sở Nội vụ", "Đột xuất"])
    other = book.create_sheet("Kiến nghị")  # no data rows: a missing header here is harmless
    other.append(["Nội dung"])
    book.create_sheet("Tổng hợp").append(["anything"])
    book.save(tmp_path / "so.xlsx")
    workbook(tmp_path / "tot.xlsx", {CuocKiemTra: [["KT-5", NV, None, "Đột xuất", "03/03/2025", None, None, None,
                                                    None]]})
    Workbook().save(tmp_path / "khac.xlsx")  # a workbook with none of the register's sheets
    got = read(tmp_path)
    assert good(got[INSPECTIONS]) == ["tot.xlsx › Cuộc kiểm tra › dòng 2"]
    assert reasons(got[INSPECTIONS]) == [
        "Tệp hong.xlsx: không đọc được như một sổ Excel .xlsx (BadZipFile); mở bằng Excel và lưu lại dạng .xlsx",
        "Tệp khac.xlsx: không có trang nào của sổ theo dõi (cần ít nhất một trong các trang 'Cuộc kiểm tra', "
        "'Kiến nghị', 'Báo cáo khắc phục'); dùng mẫu của `cchc inspections template`",
        "Tệp so.xlsx, trang 'Cuộc kiểm tra': thiếu cột 'Ngày bắt đầu' ở dòng 1, nên cả trang không được đọc; sửa tiêu "
        "đề cột theo mẫu (`cchc inspections template`)",
    ]


def test_a_missing_folder_is_one_clear_error_naming_the_variable(tmp_path):
    with pytest.raises(SourceError) as caught:
        read(tmp_path / "nowhere")
    assert str(caught.value).startswith(f"kiemtra: the folder {tmp_path / 'nowhere'} (CCHC_INSPECTIONS_DIR) does not "
                                        "exist or is not a folder")


def test_the_template_reads_back_as_an_empty_register_with_its_drop_downs(tmp_path):
    path = write_template(tmp_path / "mau.xlsx", [("Sở Nội vụ", NV, None), ("Ủy ban nhân dân quận Ba Đình", BA_DINH,
                                                                             date(2025, 6, 30))])
    got = read(tmp_path)
    assert all(rows == [] for rows in got.values())  # the example rows (VD-…) are not records
    book = load_workbook(path)
    assert book.sheetnames == ["Hướng dẫn", "Danh mục", "Cuộc kiểm tra", "Kiến nghị", "Báo cáo khắc phục"]
    for model in REGISTER_ROWS:
        sheet = book[model.SHEET]
        assert [c.value for c in sheet[1]] == HEADERS[model]
        assert sheet.cell(2, 1).value.startswith("VD-")  # one filled example row
    lists = book["Danh mục"]
    assert [c.value for c in lists["C"] if c.value][1:] == list(SIGNAL_CODES)
    assert [c.value for c in lists["D"] if c.value] == ["Tên đơn vị", "Sở Nội vụ", "Ủy ban nhân dân quận Ba Đình"]
    drop_downs = {str(v.sqref): v.formula1 for v in book["Cuộc kiểm tra"].data_validations.dataValidation}
    assert drop_downs["D2:D1000"] == "'Danh mục'!$A$2:$A$4"  # the three kinds
    assert drop_downs["C2:C1000"] == "'Danh mục'!$D$2:$D$3"  # unit names
    assert "Theo kế hoạch có báo trước" in [c.value for c in lists["A"]]


def test_the_template_insists_on_xlsx(tmp_path):
    with pytest.raises(Exception, match=r"\.xlsx"):
        write_template(tmp_path / "mau.xls", [])


def test_signal_codes_of_the_register_are_the_catalogs(tmp_path):
    from marts_support import build

    con = build(tmp_path, D)
    assert sorted(SIGNAL_CODES) == [c for (c,) in con.sql("SELECT signal_code FROM marts.signal_catalog "
                                                          "ORDER BY signal_code").fetchall()]


def test_the_template_is_written_before_any_refresh_without_the_unit_list(tmp_path, monkeypatch, capsys):
    from cchc.cli import main

    monkeypatch.setenv("CCHC_WAREHOUSE", str(tmp_path / "none" / "cchc.duckdb"))
    assert main(["inspections", "template", str(tmp_path / "mau.xlsx")]) == 0
    assert "the template has no list of unit names" in capsys.readouterr().err
    assert [c.value for c in load_workbook(tmp_path / "mau.xlsx")["Danh mục"]["D"] if c.value] == ["Tên đơn vị"]
