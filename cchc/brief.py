"""`cchc brief`: an inspection brief for one unit, an Excel workbook in Vietnamese.

Reads only the published warehouse (`CCHC_WAREHOUSE`), opened read-only; writes one .xlsx per unit with
four sheets: "Tổng quan" (who, rank, pooled results), "Xu hướng" (monthly values and native line charts),
"Bằng chứng" (the unit's findings) and "Giải thích" (what each signal means). The marts hold no personal
data, and the brief copies nothing else.
"""

from __future__ import annotations

import argparse
import calendar
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.errors import ConfigError
from core.settings import Settings
from core.timezone import ICT

SHEETS = ("Tổng quan", "Xu hướng", "Bằng chứng", "Giải thích")
UNIT_TYPE_VI = {"UBND_TP": "UBND Thành phố", "SO": "Sở, ban, ngành", "UBND_HUYEN": "UBND cấp huyện",
                "UBND_XA": "UBND cấp xã", "DVSN": "Đơn vị sự nghiệp"}
SYSTEM_VI = {"qlvb": "Quản lý văn bản và điều hành", "baocao": "Thông tin báo cáo",
             "motcua": "Một cửa điện tử", "nhiemvu": "Theo dõi nhiệm vụ", "donthu": "Đơn thư, tiếp công dân"}
KIND_VI = {"ratio": "Tỷ lệ", "count": "Số lượng", "days": "Số ngày"}
CHART_TITLES = {  # kind -> (chart title, value axis title, value number format)
    "ratio": ("Các chỉ số tỷ lệ theo tháng", "Tỷ lệ (%)", "0%"),
    "count": ("Các chỉ số số lượng vi phạm theo tháng", "Số bản ghi", "0"),
    "days": ("Số ngày người đứng đầu tiếp công dân theo tháng", "Số ngày", "0"),
}
SYSTEM_ORDER = list(SYSTEM_VI)
KIND_ORDER = list(KIND_VI)

DATE_FORMAT = "dd/mm/yyyy"
MONTH_FORMAT = "mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0.0%"
THRESHOLD_PERCENT_FORMAT = "0%"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MET_FILL = PatternFill("solid", fgColor="E2EFDA")
NOT_MET_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(wrap_text=True, vertical="top")


class BriefError(ValueError):
    """A brief cannot be written; the message is what the operator reads (the CLI exits 2)."""


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    type: str
    parent_code: str | None
    parent_name: str | None
    valid_from: date | None
    valid_to: date | None

    @property
    def type_vi(self) -> str:
        return UNIT_TYPE_VI.get(self.type, self.type)


@dataclass(frozen=True)
class Signal:
    code: str
    system: str
    kind: str
    name_vi: str
    description_vi: str
    threshold: float | None
    legal_basis: str


@dataclass(frozen=True)
class Window:
    """The months the brief covers (first days, oldest first) and the as-of date it states."""

    as_of: date
    as_of_reason: str
    months: list[date]

    @property
    def first(self) -> date:
        return self.months[0]

    @property
    def last(self) -> date:
        return self.months[-1]


@dataclass(frozen=True)
class Priority:
    rank: int
    risk_score: float
    signals_evaluated: int
    top_reasons: list[str]
    ranked_units: int


@dataclass
class Pooled:
    """One signal of one unit, pooled over the window."""

    signal: Signal
    months: int = 0
    numerator: int = 0
    denominator: int = 0
    months_met: int = 0
    threshold: float | None = None
    findings: int = 0

    @property
    def has_data(self) -> bool:
        return self.months > 0

    @property
    def value(self) -> float | int | None:
        if not self.has_data:
            return None
        if self.signal.kind == "ratio":
            return self.numerator / self.denominator
        if self.signal.kind == "days":
            return self.months_met
        return self.numerator

    @property
    def met(self) -> bool | None:
        if not self.has_data:
            return None
        if self.signal.kind == "ratio":
            return self.value >= self.threshold
        if self.signal.kind == "days":
            return self.months_met == self.months
        return self.numerator <= self.threshold


@dataclass
class BriefData:
    unit: Unit
    window: Window
    signals: list[Signal]
    priority: Priority | None
    monthly: dict[tuple[date, str], tuple[int, int | None, float, float, bool]]
    findings: list[tuple]
    last_sync: datetime | None
    generated_at: datetime = field(default_factory=lambda: datetime.now(ICT).replace(tzinfo=None, microsecond=0))

    @property
    def signal_by_code(self) -> dict[str, Signal]:
        return {s.code: s for s in self.signals}


# --- reading the published file -------------------------------------------------------------------------


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row or None; fetches the whole result, so the connection is free for the next query."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """The published file, read-only; a missing file is the operator's cue to run a refresh."""
    if not path.is_file():
        raise BriefError(f"chưa có tệp dữ liệu {path} — hãy chạy `cchc refresh` trước (run `cchc refresh` first)")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise BriefError(f"không mở được tệp dữ liệu {path}: {str(exc).splitlines()[0]}") from None


def name_key(text: str) -> str:
    """Case-insensitive, NFC-normalised, accent-sensitive key of a unit name (spaces collapsed)."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return " ".join(folded.split())


def _unit_from_row(con: duckdb.DuckDBPyConnection, row: tuple) -> Unit:
    code, name, unit_type, parent, valid_from, valid_to = row
    parent_name = None
    if parent:
        found = fetch_one(con, "SELECT unit_name FROM marts.units WHERE unit_code = ?", [parent])
        parent_name = found[0] if found else None
    return Unit(code, name, unit_type, parent, parent_name, valid_from, valid_to)


def find_unit(con: duckdb.DuckDBPyConnection, query: str) -> Unit:
    """By exact `unit_code`, else by exact name (case-insensitive, NFC, accents count)."""
    columns = "unit_code, unit_name, unit_type, parent_unit_code, valid_from, valid_to"
    row = fetch_one(con, f"SELECT {columns} FROM marts.units WHERE unit_code = ?", [query.strip()])
    if row:
        return _unit_from_row(con, row)
    key = name_key(query)
    matches = [r for r in con.execute(f"SELECT {columns} FROM marts.units ORDER BY unit_code").fetchall()
               if r[1] and name_key(r[1]) == key]
    if not matches:
        raise BriefError(f"không tìm thấy đơn vị '{query}' theo mã định danh hoặc tên trong marts.units")
    if len(matches) > 1:
        lines = [f"  {code}  {name}  ({UNIT_TYPE_VI.get(kind, kind)}, {_validity_text(start, end)})"
                 for code, name, kind, _p, start, end in matches]
        raise BriefError("\n".join([f"có {len(matches)} đơn vị cùng tên '{query}'; hãy chọn theo mã định danh "
                                    "(--unit <mã>):", *lines]))
    return _unit_from_row(con, matches[0])


def top_unit_codes(con: duckdb.DuckDBPyConnection, n: int) -> list[str]:
    """The `n` highest-priority units, rank 1 first."""
    rows = con.execute("SELECT unit_code FROM marts.inspection_priority ORDER BY rank LIMIT ?", [n]).fetchall()
    if not rows:
        raise BriefError("marts.inspection_priority không có đơn vị nào được xếp hạng")
    return [code for (code,) in rows]


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def report_window(con: duckdb.DuckDBPyConnection, today: date, months: int) -> Window:
    """The `months` months ending with the latest month that has data in the file.

    The as-of date is `today` when that month is the current one (the file was built this month), otherwise
    the last day of the file's latest month; the summary sheet says which."""
    latest = fetch_one(con, "SELECT max(period) FROM marts.unit_signals_monthly")[0]
    current = month_start(today)
    if latest is None:
        end, as_of, reason = current, today, "hôm nay (tệp chưa có số liệu theo tháng)"
    elif latest == current:
        end, as_of, reason = current, today, "hôm nay (tháng hiện tại là tháng có số liệu mới nhất trong tệp)"
    else:
        end, as_of = latest, month_end(latest)
        reason = (f"ngày cuối của tháng có số liệu mới nhất trong tệp ({latest:%m/%Y}); "
                  f"tệp không có số liệu của tháng {current:%m/%Y}")
    return Window(as_of, reason, [add_months(end, i - months + 1) for i in range(months)])


def read_signals(con: duckdb.DuckDBPyConnection) -> list[Signal]:
    """The signal catalog, by system, then kind (ratio, count, days), then code."""
    rows = con.execute("SELECT signal_code, system, kind, name_vi, description_vi, threshold, legal_basis "
                       "FROM marts.signal_catalog").fetchall()
    signals = [Signal(*row) for row in rows]

    def order(s: Signal) -> tuple:
        return (SYSTEM_ORDER.index(s.system) if s.system in SYSTEM_ORDER else len(SYSTEM_ORDER),
                KIND_ORDER.index(s.kind) if s.kind in KIND_ORDER else len(KIND_ORDER), s.code)

    return sorted(signals, key=order)


def read_priority(con: duckdb.DuckDBPyConnection, unit_code: str) -> Priority | None:
    row = fetch_one(con, "SELECT rank, risk_score, signals_evaluated, top_reasons, "
                         "(SELECT count(*) FROM marts.inspection_priority) "
                         "FROM marts.inspection_priority WHERE unit_code = ?", [unit_code])
    if row is None:
        return None
    rank, score, evaluated, reasons, ranked = row
    return Priority(rank, score, evaluated, list(reasons or []), ranked)


def read_brief_data(con: duckdb.DuckDBPyConnection, unit: Unit, window: Window) -> BriefData:
    """Everything the workbook shows for one unit, from the published marts."""
    bounds = [unit.code, window.first, window.last]
    monthly = {(period, code): (numerator, denominator, value, threshold, met)
               for period, code, numerator, denominator, value, threshold, met in con.execute(
                   "SELECT period, signal_code, numerator, denominator, value, threshold, meets_threshold "
                   "FROM marts.unit_signals_monthly WHERE unit_code = ? AND period BETWEEN ? AND ?",
                   bounds).fetchall()}
    findings = con.execute(
        "SELECT period, signal_code, system, source_record_id, event_date, detail_vi FROM marts.findings "
        "WHERE unit_code = ? AND period BETWEEN ? AND ? ORDER BY period DESC, signal_code, source_record_id",
        bounds).fetchall()
    last_sync = fetch_one(con, "SELECT max(last_success_at) FROM marts.source_health")[0]
    last_sync = last_sync.replace(microsecond=0) if last_sync else None
    return BriefData(unit, window, read_signals(con), read_priority(con, unit.code), monthly, findings, last_sync)


def pool_signals(data: BriefData) -> list[Pooled]:
    """Per signal (catalog order): Σ numerator / Σ denominator (ratio), total (count), months meeting (days)."""
    pooled = {s.code: Pooled(s, threshold=s.threshold) for s in data.signals}
    for (_period, code), (numerator, denominator, _value, threshold, met) in data.monthly.items():
        if code not in pooled:
            continue
        p = pooled[code]
        p.months += 1
        p.numerator += numerator
        p.denominator += denominator or 0
        p.months_met += bool(met)
        if p.threshold is None:
            p.threshold = threshold
    for _period, code, *_rest in data.findings:
        if code in pooled:
            pooled[code].findings += 1
    return list(pooled.values())


# --- writing the workbook --------------------------------------------------------------------------------


def _validity_text(start: date | None, end: date | None) -> str:
    since = f"từ {start:%d/%m/%Y}" if start else "không rõ ngày bắt đầu"
    return f"{since} đến {end:%d/%m/%Y}" if end else f"{since}, đang hoạt động"


def _status_text(unit: Unit, as_of: date) -> str:
    if unit.valid_from and unit.valid_from > as_of:
        return "Chưa hoạt động vào ngày số liệu"
    if unit.valid_to and unit.valid_to < as_of:
        return f"Đã giải thể hoặc sáp nhập (hoạt động đến hết ngày {unit.valid_to:%d/%m/%Y})"
    return "Đang hoạt động"


def _header(ws: Worksheet, row: int, titles: list[str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=col, value=title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _set_widths(ws: Worksheet, widths: dict[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def _threshold_cell(cell, kind: str, threshold: float | None) -> None:
    if threshold is None:
        cell.value = "theo loại đơn vị"
    elif kind == "ratio":
        cell.value, cell.number_format = threshold, THRESHOLD_PERCENT_FORMAT
    elif kind == "days":
        cell.value, cell.number_format = int(threshold), '0 "ngày/tháng"'
    else:
        cell.value, cell.number_format = int(threshold), "0"


def write_overview(ws: Worksheet, data: BriefData, pooled: list[Pooled]) -> None:
    """"Tổng quan": the unit, its priority, and each signal pooled over the window."""
    unit, window, priority = data.unit, data.window, data.priority
    names = data.signal_by_code
    ws["A1"] = "BÁO CÁO KIỂM TRA CẢI CÁCH HÀNH CHÍNH QUA HỆ THỐNG THÔNG TIN"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Kế hoạch 61/KH-UBND, mục II.2.2 — số liệu từ tệp dữ liệu kiểm tra đã công bố (cchc.duckdb)"
    ws["A2"].font = Font(italic=True)
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
    ws.cell(row=row, column=1, value="Lý do chính").font = BOLD
    reasons = priority.top_reasons if priority else []
    if not reasons:
        ws.cell(row=row, column=2, value="không xếp hạng" if priority is None else "không có chỉ số tỷ lệ nào dưới ngưỡng")
        row += 1
    for i, code in enumerate(reasons, start=1):
        ws.cell(row=row, column=2, value=f"{i}. {names[code].name_vi if code in names else code}")
        ws.cell(row=row, column=3, value=code)
        row += 1
    row += 1
    ws.cell(row=row, column=1, value=f"Kết quả các chỉ số trong {len(window.months)} tháng (gộp cả kỳ)").font = \
        Font(bold=True, size=12)
    row += 1
    header_row = row
    _header(ws, row, ["Mã chỉ số", "Chỉ số", "Loại", f"Giá trị {len(window.months)} tháng", "Tử số",
                      "Mẫu số", "Ngưỡng", "Đạt ngưỡng", "Số tháng có dữ liệu", "Số bằng chứng"])
    for p in pooled:
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
        _threshold_cell(ws.cell(row=row, column=7), s.kind, p.threshold)
        met = ws.cell(row=row, column=8, value={True: "Đạt", False: "Không đạt", None: "—"}[p.met])
        if p.met is not None:
            met.fill = MET_FILL if p.met else NOT_MET_FILL
        ws.cell(row=row, column=9, value=p.months)
        ws.cell(row=row, column=10, value=p.findings)
    row += 2
    notes = ["Tỷ lệ gộp = tổng tử số / tổng mẫu số của các tháng trong kỳ; chỉ số số lượng: tổng cả kỳ; "
             "chỉ số số ngày: số tháng đạt / số tháng có dữ liệu.",
             "Thứ hạng và điểm rủi ro lấy từ bảng marts.inspection_priority (12 tháng đến ngày đánh giá của tệp).",
             "Chi tiết từng bản ghi không đạt xem ở trang \"Bằng chứng\"; ý nghĩa chỉ số ở trang \"Giải thích\"."]
    for note in notes:
        ws.cell(row=row, column=1, value=note).font = Font(italic=True)
        row += 1
    _set_widths(ws, {1: 30, 2: 48, 3: 16, 4: 18, 5: 10, 6: 10, 7: 16, 8: 12, 9: 12, 10: 12})
    ws.row_dimensions[header_row].height = 32


def write_trend(ws: Worksheet, data: BriefData) -> list[Signal]:
    """"Xu hướng": one row per month, one column per signal with data; one line chart per signal kind."""
    present = {code for _period, code in data.monthly}
    columns = [s for s in sorted(data.signals, key=lambda s: KIND_ORDER.index(s.kind) if s.kind in KIND_ORDER
                                 else len(KIND_ORDER)) if s.code in present]
    _header(ws, 1, ["Tháng", *[s.name_vi for s in columns]])
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
    _set_widths(ws, {1: 10, **{c: 20 for c in range(2, len(columns) + 2)}})
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


def line_chart(ws: Worksheet, kind: str, cols: list[int], last_row: int) -> LineChart:
    """A native Excel line chart: months as categories, one series per signal column."""
    title, axis_title, number_format = CHART_TITLES[kind]
    chart = LineChart()
    chart.title = title
    chart.x_axis.title = "Tháng"
    chart.y_axis.title = axis_title
    chart.y_axis.number_format = number_format
    chart.x_axis.number_format = MONTH_FORMAT
    chart.y_axis.scaling.min = 0
    if kind == "ratio":
        chart.y_axis.scaling.max = 1
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.display_blanks = "span"
    chart.height, chart.width = 10, 26
    chart.legend.position = "b"
    for col in cols:
        chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last_row))
    for series in chart.series:
        series.marker.symbol = "circle"
        series.smooth = False
    return chart


def write_evidence(ws: Worksheet, data: BriefData) -> None:
    """"Bằng chứng": the unit's findings in the window, newest month first, with an autofilter."""
    names = data.signal_by_code
    _header(ws, 1, ["Tháng", "Chỉ số", "Hệ thống", "Mã bản ghi nguồn", "Ngày", "Mô tả"])
    for r, (period, code, system, record_id, event_date, detail) in enumerate(data.findings, start=2):
        ws.cell(row=r, column=1, value=period).number_format = MONTH_FORMAT
        ws.cell(row=r, column=2, value=names[code].name_vi if code in names else code)
        ws.cell(row=r, column=3, value=SYSTEM_VI.get(system, system))
        ws.cell(row=r, column=4, value=record_id)
        ws.cell(row=r, column=5, value=event_date).number_format = DATE_FORMAT
        ws.cell(row=r, column=6, value=detail).alignment = WRAP
    last_row = len(data.findings) + 1
    ws.auto_filter.ref = f"A1:F{last_row}"
    ws.freeze_panes = "A2"
    if not data.findings:
        ws.cell(row=3, column=1, value="Không có bản ghi không đạt nào trong kỳ.").font = Font(italic=True)
    _set_widths(ws, {1: 10, 2: 44, 3: 28, 4: 40, 5: 12, 6: 110})


def write_glossary(ws: Worksheet, data: BriefData) -> None:
    """"Giải thích": each signal's meaning, threshold and legal basis, from the signal catalog."""
    _header(ws, 1, ["Mã chỉ số", "Chỉ số", "Hệ thống", "Loại", "Cách tính", "Ngưỡng", "Căn cứ pháp lý"])
    for r, s in enumerate(data.signals, start=2):
        ws.cell(row=r, column=1, value=s.code).alignment = WRAP
        ws.cell(row=r, column=2, value=s.name_vi).alignment = WRAP
        ws.cell(row=r, column=3, value=SYSTEM_VI.get(s.system, s.system)).alignment = WRAP
        ws.cell(row=r, column=4, value=KIND_VI.get(s.kind, s.kind)).alignment = WRAP
        ws.cell(row=r, column=5, value=s.description_vi).alignment = WRAP
        threshold = ws.cell(row=r, column=6)
        if s.threshold is None:
            threshold.value = "theo loại đơn vị: cấp xã 4, cấp huyện 2, sở và UBND Thành phố 1 ngày/tháng"
        else:
            _threshold_cell(threshold, s.kind, s.threshold)
        threshold.alignment = WRAP
        ws.cell(row=r, column=7, value=s.legal_basis).alignment = WRAP
    row = len(data.signals) + 3
    notes = [
        "Cách đọc: chỉ số tỷ lệ đạt khi giá trị ≥ ngưỡng; chỉ số số lượng đạt khi số bản ghi vi phạm ≤ ngưỡng (0); "
        "chỉ số số ngày đạt khi số ngày ≥ số ngày yêu cầu theo loại đơn vị.",
        "\"Quá hạn\" nghĩa là hạn đã kết thúc trước ngày đánh giá; mỗi bản ghi được tính vào tháng của ngày nêu "
        "trong cách tính (hạn xử lý, hạn nộp, ngày tiếp nhận...), theo giờ Việt Nam.",
        "Bản ghi của đơn vị đã sáp nhập, giải thể vẫn được tính cho đơn vị đó.",
        "Điểm rủi ro (0–100) = 100 × trung bình mức thiếu hụt so với ngưỡng của các chỉ số tỷ lệ trong 12 tháng.",
    ]
    for note in notes:
        ws.cell(row=row, column=1, value=note).font = Font(italic=True)
        row += 1
    ws.freeze_panes = "A2"
    _set_widths(ws, {1: 32, 2: 36, 3: 22, 4: 11, 5: 70, 6: 22, 7: 50})


def build_workbook(data: BriefData) -> Workbook:
    wb = Workbook()
    overview = wb.active
    overview.title = SHEETS[0]
    write_overview(overview, data, pool_signals(data))
    write_trend(wb.create_sheet(SHEETS[1]), data)
    write_evidence(wb.create_sheet(SHEETS[2]), data)
    write_glossary(wb.create_sheet(SHEETS[3]), data)
    wb.properties.title = f"Báo cáo kiểm tra CCHC — {data.unit.name}"
    wb.properties.creator = "cchc brief"
    wb.properties.language = "vi-VN"
    return wb


def brief_filename(unit_code: str, as_of: date) -> str:
    return f"bao-cao-kiem-tra-{unit_code}-{as_of.isoformat()}.xlsx"


def write_brief(con: duckdb.DuckDBPyConnection, unit: Unit, window: Window, path: Path) -> Path:
    """Write one unit's workbook to `path` (folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(read_brief_data(con, unit, window)).save(path)
    return path


def run_brief(args: argparse.Namespace) -> int:
    """`cchc brief --unit X [--out PATH]` or `cchc brief --top N [--out-dir DIR]`; prints each path written."""
    if args.months < 1:
        raise BriefError("--months phải là số nguyên dương")
    if args.top is not None and args.top < 1:
        raise BriefError("--top phải là số nguyên dương")
    if args.top is not None and args.out:
        raise BriefError("--out chỉ dùng với --unit; với --top hãy dùng --out-dir")
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        raise BriefError(str(exc)) from None
    out_dir = Path(args.out_dir) if args.out_dir else Path("briefs")
    with open_warehouse(settings.warehouse) as con:
        window = report_window(con, settings.as_of, args.months)
        if args.top is not None:
            units = [find_unit(con, code) for code in top_unit_codes(con, args.top)]
        else:
            units = [find_unit(con, args.unit)]
        for unit in units:
            path = Path(args.out) if args.out else out_dir / brief_filename(unit.code, window.as_of)
            print(write_brief(con, unit, window, path))
    return 0
