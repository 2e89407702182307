"""`cchc inspections template FILE.xlsx`: an empty inspection register for the inspectors to fill.

One sheet per kind of row (the record models' sheets and column headers, so the template and the
reader cannot disagree), drop-down lists of the kinds, claims, signal codes and unit names, date
checks, an instructions sheet, and one example row per sheet whose codes start with `VD-`: the
reader skips such rows, so a forgotten example never becomes an inspection.
"""

from __future__ import annotations

import io
import os
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.errors import PipelineError, writing_in
from core.settings import Settings
from models.register import CLAIMS, EXAMPLE_PREFIX, INSPECTION_KINDS, REGISTER_ROWS, RegisterRow
from models.signals import SIGNAL_CODES, SIGNALS
from reader.errors import ReadError
from reader.file import open_read_only
from reader.sql import fetch_one, has_table

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
EXAMPLE_FONT = Font(italic=True, color="7F7F7F")
LISTS = "Danh mục"

INSTRUCTIONS = [
    "SỔ THEO DÕI KIỂM TRA CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
    "",
    "Sổ gồm ba trang: 'Cuộc kiểm tra' (mỗi dòng một cuộc kiểm tra một đơn vị), 'Kiến nghị' (mỗi dòng một kiến "
    "nghị trong kết luận kiểm tra) và 'Báo cáo khắc phục' (mỗi dòng một báo cáo của đơn vị về việc thực hiện "
    "kiến nghị).",
    "Hệ thống đọc mọi tệp .xlsx trong thư mục sổ theo dõi (biến CCHC_INSPECTIONS_DIR) ở mỗi lần làm mới dữ liệu. "
    "Có thể chia sổ thành nhiều tệp (ví dụ mỗi năm một tệp); mã cuộc kiểm tra và mã kiến nghị phải duy nhất trên "
    "mọi tệp.",
    "Không đổi tên trang và tiêu đề cột (dòng 1). Thứ tự cột có thể đổi; cột thừa được bỏ qua.",
    f"Dòng ví dụ (mã cuộc kiểm tra bắt đầu bằng '{EXAMPLE_PREFIX}') không được đọc; có thể xóa hoặc để lại.",
    "Ngày ghi dạng dd/mm/yyyy (hoặc ô ngày của Excel).",
    "Đơn vị: ghi 'Mã đơn vị' (mã định danh) hoặc 'Tên đơn vị' (chọn trong danh sách; viết thiếu dấu, viết tắt "
    "UBND, P., Q. … vẫn được nhận). Ghi cả hai thì mã và tên phải cùng một đơn vị.",
    "Kiến nghị gắn với một chỉ tiêu (cột 'Mã chỉ tiêu') sẽ được đối chiếu với số liệu của hệ thống: trang "
    "marts.remediation cho biết đơn vị đã khắc phục hay chưa. Hạn khắc phục bỏ trống được tính là 90 ngày sau "
    "ngày kết luận.",
    "Báo cáo khắc phục: bỏ trống 'Mã kiến nghị' khi báo cáo chung cho mọi kiến nghị của cuộc kiểm tra.",
    "Dòng sai (thiếu cột bắt buộc, ngày sai, đơn vị không có trong danh mục, mã trùng, kiến nghị không thuộc cuộc "
    "kiểm tra nào…) không được nạp; lỗi của từng dòng (tệp, trang, dòng, cột) xem bằng lệnh `cchc rejects "
    "--system kiemtra`. Các dòng đúng vẫn được nạp.",
]


def run_inspections(args) -> int:
    if args.action == "template":
        written = write_template(Path(args.file), _units(Settings.from_env().warehouse))
        print(f"Đã ghi mẫu sổ theo dõi kiểm tra: {written}", flush=True)
        return 0
    raise PipelineError(f"cchc inspections: unknown action {args.action!r}")


def _units(warehouse: Path) -> list[tuple[str, str, date | None]]:
    """(name, code, valid_to) of every unit of the published file, units in force first; none without it."""
    try:
        con = open_read_only(warehouse)
    except ReadError as exc:  # no published file yet: a template without the list of unit names
        print(f"cchc: {exc}; the template has no list of unit names (type names or codes by hand)", file=sys.stderr)
        return []
    with con:
        if not has_table(con, "units"):
            return []
        as_of = fetch_one(con, "SELECT as_of FROM marts.publication")[0] if has_table(con, "publication") else None
        return con.execute("SELECT unit_name, unit_code, valid_to FROM marts.units "
                           "ORDER BY (valid_to IS NOT NULL AND valid_to < coalesce(?, current_date)), unit_name",
                           [as_of]).fetchall()


def write_template(path: Path, units: list[tuple[str, str, date | None]]) -> Path:
    if path.suffix.lower() != ".xlsx":
        raise PipelineError(f"{path}: the register's workbooks are .xlsx files", "name the file …​.xlsx")
    book = Workbook()
    guide = book.active
    guide.title = "Hướng dẫn"
    _instructions(guide)
    lists = book.create_sheet(LISTS)
    ranges = _lists(lists, units)
    for model in REGISTER_ROWS:
        _sheet(book.create_sheet(model.SHEET), model, ranges)
    lists.sheet_state = "hidden"
    with writing_in(path.parent, "the template"):
        path.parent.mkdir(parents=True, exist_ok=True)
        # built in memory (a small workbook), written beside, then renamed: a failed write (a full disk) leaves
        # no half workbook, and a file of that name as it was
        content = io.BytesIO()
        book.save(content)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            partial.write_bytes(content.getvalue())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return path


def _instructions(sheet) -> None:
    for row, text in enumerate(INSTRUCTIONS, start=1):
        sheet.cell(row, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
    row = len(INSTRUCTIONS) + 2
    sheet.cell(row, 1, "Các cột của từng trang (* là bắt buộc)").font = Font(bold=True)
    for model in REGISTER_ROWS:
        row += 1
        required = set(model.required_columns())
        columns = ", ".join(t + (" *" if t in required else "") for t in model.columns().values())
        sheet.cell(row, 1, f"{model.SHEET}: {columns}").alignment = Alignment(wrap_text=True)
    row += 2
    sheet.cell(row, 1, "Mã chỉ tiêu").font = Font(bold=True)
    for signal in SIGNALS:
        row += 1
        sheet.cell(row, 1, f"{signal.code}: {signal.name_vi} (ngưỡng: {signal.threshold_vi})")
    sheet.column_dimensions["A"].width = 120


def _lists(sheet, units) -> dict[str, str]:
    """The drop-down lists, one column each; → field → the range its drop-down reads."""
    columns = {
        "hinh_thuc": ["Hình thức", *INSPECTION_KINDS.values()],
        "ket_qua": ["Kết quả", *CLAIMS.values()],
        "ma_chi_tieu": ["Mã chỉ tiêu", *SIGNAL_CODES],
        "ten_don_vi": ["Tên đơn vị", *(name for name, _code, _to in units)],
        "ma_don_vi": ["Mã đơn vị", *(code for _name, code, _to in units)],
    }
    ranges = {}
    for index, (field, values) in enumerate(columns.items(), start=1):
        for row, value in enumerate(values, start=1):
            sheet.cell(row, index, value)
        if len(values) > 1:
            letter = get_column_letter(index)
            ranges[field] = f"'{LISTS}'!${letter}$2:${letter}${len(values)}"
    return ranges


def _sheet(sheet, model: type[RegisterRow], ranges: dict[str, str]) -> None:
    fields = list(model.columns())
    for index, (field, title) in enumerate(model.columns().items(), start=1):
        cell = sheet.cell(1, index, title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = 60 if field == "noi_dung_kien_nghi" else 22
        example = sheet.cell(2, index, model.EXAMPLE.get(field))
        example.font = EXAMPLE_FONT
        if isinstance(example.value, date):
            example.number_format = "dd/mm/yyyy"
    sheet.freeze_panes = "A2"
    last = 1000
    for field in fields:
        letter = get_column_letter(fields.index(field) + 1)
        cells = f"{letter}2:{letter}{last}"
        is_date = field in model.date_fields()
        if field in ranges:
            strict = field != "ten_don_vi"  # a name may be typed without tone marks: the reader matches it loosely
            check = DataValidation(type="list", formula1=ranges[field], allow_blank=True, showErrorMessage=strict)
            check.error, check.errorTitle = "Chọn một giá trị trong danh sách", model.columns()[field]
        elif is_date:
            check = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
            check.error, check.errorTitle = "Nhập một ngày dạng dd/mm/yyyy (từ năm 2000)", model.columns()[field]
        else:
            continue
        check.add(cells)
        sheet.add_data_validation(check)
