"""The brief's sheet "Kết luận và khắc phục": the unit's inspections, their recommendations, what the unit
claimed and what the systems' data show (`marts.remediation`), and whether re-inspection is due.

A file published before the register existed has none of these tables: the sheet says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
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
from brief.warehouse import has_table

SHEET = "Kết luận và khắc phục"
TABLES = ("inspections", "recommendations", "remediation_reports", "remediation", "reinspection_candidates")
GOOD, BAD = {"DA_KHAC_PHUC"}, {"CHUA_KHAC_PHUC", "XAU_DI"}


@dataclass
class Cycle:
    """The unit's part of the inspection cycle, as the marts hold it (None: the file has no register)."""

    inspections: list[tuple] = field(default_factory=list)
    recommendations: list[dict] = field(default_factory=list)
    reports: list[tuple] = field(default_factory=list)
    reinspection_reasons: list[str] | None = None  # None: no re-inspection due


def read_cycle(con: duckdb.DuckDBPyConnection, unit_code: str) -> Cycle | None:
    if not all(has_table(con, t) for t in TABLES):
        return None
    inspections = con.execute(
        "SELECT inspection_id, kind_vi, started_on, ended_on, team_lead, conclusion_no, conclusion_date "
        "FROM marts.inspections WHERE unit_code = ? ORDER BY started_on DESC, inspection_id", [unit_code]).fetchall()
    rel = con.execute(
        "SELECT r.recommendation_id, r.inspection_id, r.text_vi, r.signal_code, "
        "       coalesce(m.deadline, r.deadline) AS deadline, m.kind, m.baseline_value, m.after_value, m.status_vi, "
        "       m.status, m.overdue, m.claim_contradicted, m.explanation_vi, "
        "       coalesce(m.claim_vi, c.claim_vi) AS claim_vi, coalesce(m.claimed_on, c.reported_on) AS claimed_on "
        "FROM marts.recommendations r "
        "LEFT JOIN marts.remediation m USING (recommendation_id) "
        # a recommendation without a signal has no remediation row: its claim is the latest report naming it
        # or covering its whole inspection (the rule of marts.remediation)
        "LEFT JOIN (SELECT k.recommendation_id, p.claim_vi, p.reported_on FROM marts.recommendations k "
        "           JOIN marts.remediation_reports p ON p.recommendation_id = k.recommendation_id "
        "                OR (p.recommendation_id IS NULL AND p.inspection_id = k.inspection_id) "
        "           QUALIFY row_number() OVER (PARTITION BY k.recommendation_id ORDER BY p.reported_on DESC, "
        "                                      p.recommendation_id IS NOT NULL DESC, p.report_key DESC) = 1) c "
        "       USING (recommendation_id) "
        "JOIN marts.inspections i ON i.inspection_id = r.inspection_id "
        "WHERE r.unit_code = ? ORDER BY i.started_on DESC, r.recommendation_id", [unit_code])
    columns = [d[0] for d in rel.description]
    recommendations = [dict(zip(columns, row, strict=True)) for row in rel.fetchall()]
    reports = con.execute(
        "SELECT inspection_id, coalesce(recommendation_id, 'mọi kiến nghị'), reported_on, claim_vi, document_no "
        "FROM marts.remediation_reports WHERE unit_code = ? ORDER BY reported_on DESC, inspection_id",
        [unit_code]).fetchall()
    due = con.execute("SELECT reasons_vi FROM marts.reinspection_candidates WHERE unit_code = ?",
                      [unit_code]).fetchall()
    return Cycle(inspections, recommendations, reports, list(due[0][0] or []) if due else None)


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
