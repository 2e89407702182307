"""The brief's sheet "Kết luận và khắc phục": the unit's inspections, their recommendations, what the unit
claimed and what the systems' data show (`marts.remediation`), and whether re-inspection is due.

A file published before the register existed has none of these tables: the sheet says so.
"""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from brief.styles import (
    BOLD,
    DATE_FORMAT,
    MET_FILL,
    NOT_MET_FILL,
    PERCENT_FORMAT,
    WRAP,
    header,
    set_widths,
)
from reader.register import Cycle

SHEET = "Kết luận và khắc phục"
GOOD, BAD = {"DA_KHAC_PHUC"}, {"CHUA_KHAC_PHUC", "XAU_DI"}


def _value(ws: Worksheet, row: int, column: int, kind: str | None, value: float | None) -> None:
    cell = ws.cell(row=row, column=column)
    if value is None:
        cell.value = "—"
    elif kind == "count":
        cell.value, cell.number_format = value, "0.0"  # a mean per month
    else:
        cell.value, cell.number_format = value, PERCENT_FORMAT  # a ratio, or the share of months met


def write_cycle(ws: Worksheet, cycle: Cycle | None) -> None:
    ws["A1"] = "KẾT LUẬN KIỂM TRA VÀ VIỆC KHẮC PHỤC — đối chiếu với số liệu của các hệ thống"
    ws["A1"].font = Font(bold=True, size=14)
    if cycle is None:
        ws["A3"] = ("Tệp dữ liệu này chưa có sổ theo dõi kiểm tra (được công bố trước khi có sổ): hãy chạy lại "
                    "`cchc refresh`.")
        set_widths(ws, {1: 120})
        return
    row = 3
    if cycle.reinspection_reasons is not None:
        ws.cell(row=row, column=1, value="ĐỀ NGHỊ TÁI KIỂM TRA").font = Font(bold=True, color="C00000")
        for reason in cycle.reinspection_reasons:
            row += 1
            ws.cell(row=row, column=1, value=f"• {reason}").alignment = WRAP
        row += 2
    ws.cell(row=row, column=1, value="Các cuộc kiểm tra").font = Font(bold=True, size=12)
    row += 1
    header(ws, row, ["Mã cuộc kiểm tra", "Hình thức", "Ngày bắt đầu", "Ngày kết thúc", "Trưởng đoàn", "Số kết luận",
                     "Ngày kết luận"])
    for inspection in cycle.inspections:
        row += 1
        for column, value in enumerate(inspection, start=1):
            cell = ws.cell(row=row, column=column, value=value if value is not None else "—")
            if column in (3, 4, 7) and value is not None:
                cell.number_format = DATE_FORMAT
    if not cycle.inspections:
        row += 1
        ws.cell(row=row, column=1, value="Đơn vị chưa được kiểm tra lần nào trong sổ theo dõi.").font = \
            Font(italic=True)
    row += 2
    ws.cell(row=row, column=1, value="Kiến nghị, báo cáo của đơn vị và số liệu").font = Font(bold=True, size=12)
    row += 1
    header(ws, row, ["Mã kiến nghị", "Cuộc kiểm tra", "Nội dung kiến nghị", "Chỉ tiêu", "Hạn khắc phục",
                     "Trước kiểm tra (12 tháng)", "Sau hạn (gần nhất)", "Kết quả theo số liệu", "Quá hạn",
                     "Đơn vị báo cáo", "Ngày báo cáo", "Báo cáo và số liệu", "Giải thích"])
    for r in cycle.recommendations:
        row += 1
        ws.cell(row=row, column=1, value=r["recommendation_id"])
        ws.cell(row=row, column=2, value=r["inspection_id"])
        ws.cell(row=row, column=3, value=r["text_vi"]).alignment = WRAP
        ws.cell(row=row, column=4, value=r["signal_code"] or "— (không gắn chỉ tiêu)")
        deadline = ws.cell(row=row, column=5, value=r["deadline"] or "—")
        if r["deadline"]:
            deadline.number_format = DATE_FORMAT
        if r["status"] is None:
            for column in (6, 7, 8):
                ws.cell(row=row, column=column, value="—")
        else:
            _value(ws, row, 6, r["kind"], r["baseline_value"])
            _value(ws, row, 7, r["kind"], r["after_value"])
            status = ws.cell(row=row, column=8, value=r["status_vi"])
            if r["status"] in GOOD | BAD:
                status.fill = MET_FILL if r["status"] in GOOD else NOT_MET_FILL
        ws.cell(row=row, column=9, value="Quá hạn" if r["overdue"] else None)
        ws.cell(row=row, column=10, value=r["claim_vi"] or "chưa báo cáo")
        claimed = ws.cell(row=row, column=11, value=r["claimed_on"] or "—")
        if r["claimed_on"]:
            claimed.number_format = DATE_FORMAT
        if r["claim_contradicted"]:
            mismatch = ws.cell(row=row, column=12, value="MÂU THUẪN: báo cáo đã khắc phục, số liệu chưa cho thấy")
            mismatch.fill, mismatch.font = NOT_MET_FILL, BOLD
        ws.cell(row=row, column=13, value=r["explanation_vi"] or "").alignment = WRAP
    if not cycle.recommendations:
        row += 1
        ws.cell(row=row, column=1, value="Không có kiến nghị nào.").font = Font(italic=True)
    row += 2
    ws.cell(row=row, column=1, value="Báo cáo khắc phục của đơn vị").font = Font(bold=True, size=12)
    row += 1
    header(ws, row, ["Cuộc kiểm tra", "Kiến nghị", "Ngày báo cáo", "Kết quả đơn vị báo cáo", "Số văn bản"])
    for report in cycle.reports:
        row += 1
        for column, value in enumerate(report, start=1):
            cell = ws.cell(row=row, column=column, value=value if value is not None else "—")
            if column == 3:
                cell.number_format = DATE_FORMAT
    if not cycle.reports:
        row += 1
        ws.cell(row=row, column=1, value="Đơn vị chưa gửi báo cáo khắc phục nào.").font = Font(italic=True)
    row += 2
    for note in ["Trước kiểm tra: giá trị gộp 12 tháng trước tháng kết luận; sau hạn: tối đa 6 tháng có số liệu gần "
                 "nhất trong các tháng trọn vẹn sau tháng của hạn khắc phục. Tỷ lệ: tổng tử số / tổng mẫu số; số lượng: bình quân một tháng; "
                 "số ngày: tỷ lệ tháng đạt.",
                 "Quy tắc xác định kết quả (đã khắc phục, có cải thiện, chưa khắc phục, xấu đi, chưa đủ dữ liệu): "
                 "xem docs/quy-tac-khac-phuc.md."]:
        ws.cell(row=row, column=1, value=note).font = Font(italic=True)
        row += 1
    ws.freeze_panes = "A3"
    set_widths(ws, {1: 24, 2: 20, 3: 50, 4: 30, 5: 14, 6: 14, 7: 14, 8: 18, 9: 10, 10: 16, 11: 13, 12: 30, 13: 70})
