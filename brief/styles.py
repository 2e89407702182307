"""How the brief's cells look: number formats, fills, headers, column widths, and the native line charts."""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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
CHART_TITLES = {  # kind -> (chart title, value axis title, value number format)
    "ratio": ("Các chỉ số tỷ lệ theo tháng", "Tỷ lệ (%)", "0%"),
    "count": ("Các chỉ số số lượng vi phạm theo tháng", "Số bản ghi", "0"),
    "days": ("Số ngày người đứng đầu tiếp công dân theo tháng", "Số ngày", "0"),
}


def header(ws: Worksheet, row: int, titles: list[str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=col, value=title)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def set_widths(ws: Worksheet, widths: dict[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def threshold_cell(cell, kind: str, threshold: float | None) -> None:
    if threshold is None:
        cell.value = "theo loại đơn vị"
    elif kind == "ratio":
        cell.value, cell.number_format = threshold, THRESHOLD_PERCENT_FORMAT
    elif kind == "days":
        cell.value, cell.number_format = int(threshold), '0 "ngày/tháng"'
    else:
        cell.value, cell.number_format = int(threshold), "0"


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
