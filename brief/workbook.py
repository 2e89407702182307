"""The brief's workbook: five sheets in Vietnamese for one unit, from what `data` read.

"Tổng quan" (who, rank, pooled results), "Xu hướng" (monthly values and native line charts), "Bằng chứng"
(the unit's findings), "Kết luận và khắc phục" (inspections, recommendations, claims against the data,
module `remediation`) and "Giải thích" (what each signal means).
"""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from brief.data import BriefData
from brief.remediation import SHEET as CYCLE_SHEET
from brief.remediation import write_cycle
from brief.styles import (
    BOLD,
    DATE_FORMAT,
    DATETIME_FORMAT,
    MET_FILL,
    MONTH_FORMAT,
    NOT_MET_FILL,
    PERCENT_FORMAT,
    WRAP,
    header,
    line_chart,
    set_widths,
    threshold_cell,
)
from core.vietnamese import number
from models.signals import HEAD_RECEPTION_DAYS, days_required_vi
from reader.model import KIND_ORDER, KIND_VI, Signal, Unit
from reader.reasons import FEW_CASES, explain

SHEETS = ("Tổng quan", "Xu hướng", "Bằng chứng", CYCLE_SHEET, "Giải thích")


def _status_text(unit: Unit, as_of: date) -> str:
    if unit.valid_from and unit.valid_from > as_of:
        return "Chưa hoạt động vào ngày số liệu"
    if unit.valid_to and unit.valid_to < as_of:
        return f"Đã giải thể hoặc sáp nhập (hoạt động đến hết ngày {unit.valid_to:%d/%m/%Y})"
    return "Đang hoạt động"


SIMULATED_BANNER = "DỮ LIỆU MÔ PHỎNG — chỉ để trình diễn, không dùng làm căn cứ kiểm tra"


def write_overview(ws: Worksheet, data: BriefData) -> None:
    """"Tổng quan": the unit, its priority, and each signal pooled over the window."""
    unit, window, priority = data.unit, data.window, data.priority
    evidence = data.evidence_counts
    ws["A1"] = "BÁO CÁO KIỂM TRA CẢI CÁCH HÀNH CHÍNH QUA HỆ THỐNG THÔNG TIN"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Kế hoạch 61/KH-UBND, mục II.2.2 — số liệu từ tệp dữ liệu kiểm tra đã công bố (cchc.duckdb)"
    ws["A2"].font = Font(italic=True)
    if data.simulated:
        ws["C1"] = SIMULATED_BANNER
        ws["C1"].font = Font(bold=True, size=14, color="C00000")
    facts: list[tuple[str, object, str | None]] = [
        ("Đơn vị", unit.name, None),
        ("Mã định danh", unit.code, None),
        ("Loại đơn vị", unit.type_vi, None),
        ("Đơn vị cấp trên", f"{unit.parent_name or ''} ({unit.parent_code})".strip() if unit.parent_code else "—",
         None),
        ("Hiệu lực từ ngày", unit.valid_from or "—", DATE_FORMAT),
        ("Hiệu lực đến ngày", unit.valid_to or "— (đang hoạt động)", DATE_FORMAT),
        ("Tình trạng", _status_text(unit, window.as_of), None),
        ("Ngày số liệu", window.as_of, DATE_FORMAT),
        ("Cách xác định ngày số liệu", window.as_of_reason, None),
        ("Kỳ đánh giá", f"từ tháng {window.first:%m/%Y} đến tháng {window.last:%m/%Y} "
                        f"({len(window.months)} tháng)", None),
        ("Lần đồng bộ dữ liệu gần nhất", data.last_sync or "—", DATETIME_FORMAT),
        ("Thời điểm lập báo cáo", data.generated_at, DATETIME_FORMAT),
    ]
    if priority is None:
        facts += [("Thứ hạng ưu tiên kiểm tra", "không xếp hạng", None),
                  ("Điểm rủi ro (0–100)", "không xếp hạng", None)]
    else:
        facts += [("Thứ hạng ưu tiên kiểm tra", priority.rank, "0"),
                  ("Trong số đơn vị được xếp hạng", priority.ranked_units, "0"),
                  ("Điểm rủi ro (0–100)", priority.risk_score, "0.00"),
                  ("Số chỉ số tỷ lệ được đánh giá", priority.signals_evaluated, "0")]
    row = 4
    for label, value, number_format in facts:
        ws.cell(row=row, column=1, value=label).font = BOLD
        cell = ws.cell(row=row, column=2, value=value)
        if number_format and not isinstance(value, str):
            cell.number_format = number_format
        cell.alignment = Alignment(horizontal="left")
        row += 1
    row = write_reasons(ws, row, data)
    row += 1
    ws.cell(row=row, column=1, value=f"Kết quả các chỉ số trong {len(window.months)} tháng (gộp cả kỳ)").font = \
        Font(bold=True, size=12)
    row += 1
    header_row = row
    header(ws, row, ["Mã chỉ số", "Chỉ số", "Loại", f"Giá trị {len(window.months)} tháng", "Tử số",
                     "Mẫu số", "Ngưỡng", "Đạt ngưỡng", "Số tháng có dữ liệu", "Số bằng chứng"])
    for p in data.pooled:
        row += 1
        s = p.signal
        ws.cell(row=row, column=1, value=s.code)
        ws.cell(row=row, column=2, value=s.name_vi).alignment = WRAP
        ws.cell(row=row, column=3, value=KIND_VI.get(s.kind, s.kind))
        value = ws.cell(row=row, column=4)
        if not p.has_data:
            value.value = "không có dữ liệu"
        elif s.kind == "ratio":
            value.value, value.number_format = p.value, PERCENT_FORMAT
            ws.cell(row=row, column=5, value=p.numerator)
            ws.cell(row=row, column=6, value=p.denominator)
        elif s.kind == "days":
            value.value = f"{p.months_met}/{p.months} tháng đạt"
            ws.cell(row=row, column=5, value=p.months_met)
            ws.cell(row=row, column=6, value=p.months)
        else:
            value.value, value.number_format = p.value, "0"
            ws.cell(row=row, column=5, value=p.numerator)
        threshold_cell(ws.cell(row=row, column=7), s.kind, p.threshold)
        met = ws.cell(row=row, column=8, value={True: "Đạt", False: "Không đạt", None: "—"}[p.met])
        if p.met is not None:
            met.fill = MET_FILL if p.met else NOT_MET_FILL
        ws.cell(row=row, column=9, value=p.months)
        ws.cell(row=row, column=10, value=evidence.get(s.code, 0))
    row += 2
    notes = ["Tỷ lệ gộp = tổng tử số / tổng mẫu số của các tháng trong kỳ; chỉ số số lượng: tổng cả kỳ; "
             "chỉ số số ngày: số tháng đạt / số tháng có dữ liệu.",
             "Thứ hạng và điểm rủi ro lấy từ bảng marts.inspection_priority (12 tháng đến ngày đánh giá của tệp).",
             "Chi tiết từng bản ghi không đạt xem ở trang \"Bằng chứng\"; ý nghĩa chỉ số ở trang \"Giải thích\"."]
    for note in notes:
        ws.cell(row=row, column=1, value=note).font = Font(italic=True)
        row += 1
    set_widths(ws, {1: 30, 2: 48, 3: 16, 4: 18, 5: 10, 6: 10, 7: 16, 8: 12, 9: 12, 10: 12})
    ws.row_dimensions[header_row].height = 32


def write_reasons(ws: Worksheet, row: int, data: BriefData) -> int:
    """"Lý do chính": each top reason with its numbers, standing and few-cases mark (marts.priority_signals; a file
    published before it: the names), or why there is none; then how the ranking moved. The next free row."""
    priority, names = data.priority, data.signal_by_code
    ws.cell(row=row, column=1, value="Lý do chính").font = BOLD
    if priority is None:
        ws.cell(row=row, column=2, value="không xếp hạng")
        return row + 1
    found = explain(data.reasons, priority.top_reasons)
    lines: list[tuple[str, str | None]] = [(r.full_text, r.signal_code) for r in found.reasons]
    if not lines and priority.top_reasons:  # an older file: the names alone
        lines = [(names[c].name_vi if c in names else c, c) for c in priority.top_reasons]
    if not lines:
        lines = [(found.summary, None), *((f"– {r.full_text}", r.signal_code) for r in found.not_sure)]
    else:
        lines = [(f"{i}. {text}", code) for i, (text, code) in enumerate(lines, start=1)]
    for text, code in lines:
        ws.cell(row=row, column=2, value=text).alignment = WRAP
        ws.cell(row=row, column=3, value=code)
        row += 1
    if data.movement:
        ws.cell(row=row, column=1, value="Diễn biến thứ hạng").font = BOLD
        ws.cell(row=row, column=2, value=data.movement).alignment = WRAP
        row += 1
    return row


def write_trend(ws: Worksheet, data: BriefData) -> list[Signal]:
    """"Xu hướng": one row per month, one column per signal with data; one line chart per signal kind."""
    present = {code for _period, code in data.monthly}
    columns = [s for s in sorted(data.signals, key=lambda s: KIND_ORDER.index(s.kind) if s.kind in KIND_ORDER
                                 else len(KIND_ORDER)) if s.code in present]
    header(ws, 1, ["Tháng", *[s.name_vi for s in columns]])
    ws.row_dimensions[1].height = 60
    for r, month in enumerate(data.window.months, start=2):
        ws.cell(row=r, column=1, value=month).number_format = MONTH_FORMAT
        for c, s in enumerate(columns, start=2):
            found = data.monthly.get((month, s.code))
            if found is None:
                continue
            numerator, _denominator, value, _threshold, _met = found
            cell = ws.cell(row=r, column=c)
            if s.kind == "ratio":
                cell.value, cell.number_format = value, PERCENT_FORMAT
            else:
                cell.value, cell.number_format = numerator, "0"
    last_row = len(data.window.months) + 1
    ws.freeze_panes = "B2"
    set_widths(ws, {1: 10, **{c: 20 for c in range(2, len(columns) + 2)}})
    anchor_row = last_row + 3
    for kind in KIND_ORDER:
        cols = [c for c, s in enumerate(columns, start=2) if s.kind == kind]
        if not cols:
            continue
        ws.add_chart(line_chart(ws, kind, cols, last_row), f"A{anchor_row}")
        anchor_row += 20
    if not columns:
        ws.cell(row=last_row + 2, column=1, value="Đơn vị không có số liệu chỉ số nào trong kỳ.")
    return columns


def write_evidence(ws: Worksheet, data: BriefData) -> None:
    """"Bằng chứng": the unit's findings in the window, newest month first, with an autofilter."""
    names = data.signal_by_code
    header(ws, 1, ["Tháng", "Chỉ số", "Hệ thống", "Mã bản ghi nguồn", "Ngày", "Mô tả"])
    for r, (period, code, system, record_id, event_date, detail) in enumerate(data.findings, start=2):
        ws.cell(row=r, column=1, value=period).number_format = MONTH_FORMAT
        ws.cell(row=r, column=2, value=names[code].name_vi if code in names else code)
        ws.cell(row=r, column=3, value=data.systems.get(system, system))
        ws.cell(row=r, column=4, value=record_id)
        ws.cell(row=r, column=5, value=event_date).number_format = DATE_FORMAT
        ws.cell(row=r, column=6, value=detail).alignment = WRAP
    last_row = len(data.findings) + 1
    ws.auto_filter.ref = f"A1:F{last_row}"
    if data.findings_total > len(data.findings):
        shown, total = number(len(data.findings)), number(data.findings_total)
        ws.cell(row=last_row + 2, column=1,
                value=f"Chỉ liệt kê {shown} bản ghi mới nhất trong tổng số {total} bản ghi không đạt của kỳ; xem đầy "
                      "đủ trên trang Đơn vị của ứng dụng web, bằng lệnh `cchc brief`, hoặc trong bảng marts.findings.").font = Font(italic=True, bold=True)
    ws.freeze_panes = "A2"
    if not data.findings:
        ws.cell(row=3, column=1, value="Không có bản ghi không đạt nào trong kỳ.").font = Font(italic=True)
    set_widths(ws, {1: 10, 2: 44, 3: 28, 4: 40, 5: 12, 6: 110})


def write_glossary(ws: Worksheet, data: BriefData) -> None:
    """"Giải thích": each signal's meaning, threshold and legal basis, from the signal catalog."""
    header(ws, 1, ["Mã chỉ số", "Chỉ số", "Hệ thống", "Loại", "Cách tính", "Ngưỡng", "Căn cứ pháp lý"])
    for r, s in enumerate(data.signals, start=2):
        ws.cell(row=r, column=1, value=s.code).alignment = WRAP
        ws.cell(row=r, column=2, value=s.name_vi).alignment = WRAP
        ws.cell(row=r, column=3, value=data.systems.get(s.system, s.system)).alignment = WRAP
        ws.cell(row=r, column=4, value=KIND_VI.get(s.kind, s.kind)).alignment = WRAP
        ws.cell(row=r, column=5, value=s.description_vi).alignment = WRAP
        threshold = ws.cell(row=r, column=6)
        if s.threshold is None:
            threshold.value = "theo loại đơn vị: " + days_required_vi(HEAD_RECEPTION_DAYS)
        else:
            threshold_cell(threshold, s.kind, s.threshold)
        threshold.alignment = WRAP
        ws.cell(row=r, column=7, value=s.legal_basis).alignment = WRAP
    row = len(data.signals) + 3
    notes = [
        "Cách đọc: chỉ số tỷ lệ đạt khi giá trị ≥ ngưỡng; chỉ số số lượng đạt khi số bản ghi vi phạm ≤ ngưỡng (0); "
        "chỉ số số ngày đạt khi số ngày ≥ số ngày yêu cầu theo loại đơn vị.",
        "\"Quá hạn\" nghĩa là hạn đã kết thúc trước ngày đánh giá; mỗi bản ghi được tính vào tháng của ngày nêu "
        "trong cách tính (hạn xử lý, hạn nộp, ngày tiếp nhận...), theo giờ Việt Nam.",
        "Bản ghi của đơn vị đã sáp nhập, giải thể vẫn được tính cho đơn vị đó.",
        "Điểm rủi ro (0–100) = 100 × trung bình mức thiếu hụt so với ngưỡng của các chỉ số tỷ lệ trong 12 tháng, "
        "mỗi mức tính ở cận trên khoảng tin cậy 95 % của tỷ lệ (mức đơn vị chắc chắn thấp hơn ngưỡng): một vài "
        "trường hợp không đủ đưa đơn vị lên đầu danh sách.",
        f"Lý do chính ghi số trường hợp đạt/tổng số và vị trí của đơn vị trong các đơn vị cùng loại (thấp thứ 1 là "
        f"tỷ lệ thấp nhất); \"ít trường hợp\" khi dưới {FEW_CASES} trường hợp: mỗi trường hợp làm tỷ lệ thay đổi "
        "hơn 10 điểm phần trăm.",
    ]
    for note in notes:
        ws.cell(row=row, column=1, value=note).font = Font(italic=True)
        row += 1
    ws.freeze_panes = "A2"
    set_widths(ws, {1: 32, 2: 36, 3: 22, 4: 11, 5: 70, 6: 22, 7: 50})


def build_workbook(data: BriefData) -> Workbook:
    wb = Workbook()
    overview = wb.active
    overview.title = SHEETS[0]
    write_overview(overview, data)
    write_trend(wb.create_sheet(SHEETS[1]), data)
    write_evidence(wb.create_sheet(SHEETS[2]), data)
    write_cycle(wb.create_sheet(SHEETS[3]), data.cycle)
    write_glossary(wb.create_sheet(SHEETS[4]), data)
    wb.properties.title = f"Báo cáo kiểm tra CCHC — {data.unit.name}"
    wb.properties.creator = "cchc brief"
    wb.properties.language = "vi-VN"
    return wb
