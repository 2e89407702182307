"""Server-rendered SVG charts: pure functions from numbers to an SVG string, no script, no style attribute.

The Content-Security-Policy forbids inline `style=` attributes, so every colour, width and dash is an SVG
presentation attribute (`stroke`, `fill`, `stroke-dasharray`); labels are escaped; no external font.
A point's exact value is in its `<title>` (the browser's tooltip), and every chart also has a table beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape

from reader.funnel import BELOW_95, BELOW_998, TAIL_95, TAIL_998, limit, limits
from web.format import number, percent

# Geometry of the line chart (px): the plot area is [LEFT, WIDTH − RIGHT] × [TOP, HEIGHT − BOTTOM].
WIDTH, HEIGHT = 380, 190
LEFT, RIGHT, TOP, BOTTOM = 46, 12, 14, 38
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

INK, MUTED, GRID, BRAND, GOOD, BAD = "#1b1f24", "#5b6570", "#e3e7eb", "#1f4e79", "#1b6e3a", "#b00020"
FONT = 'font-family="Segoe UI, Noto Sans, DejaVu Sans, Arial, sans-serif"'


@dataclass(frozen=True)
class Point:
    month: date  # the month's first day
    value: float
    met: bool | None = None
    label: str = ""  # extra words for the tooltip, e.g. "38/40"


def value_text(kind: str, value: float | None) -> str:
    if kind == "ratio":
        return percent(value)
    return number(value, 0 if value is None or float(value).is_integer() else 1)


def threshold_text(kind: str, threshold: float | None) -> str:
    """The threshold in words: "tối thiểu 95 %", "tối đa 0", "tối thiểu 4 ngày"."""
    if threshold is None:
        return "theo loại đơn vị"
    if kind == "ratio":
        return f"tối thiểu {percent(threshold, 0 if round(100 * threshold, 6).is_integer() else 1)}"
    if kind == "count":
        return f"tối đa {value_text(kind, threshold)}"
    return f"tối thiểu {value_text(kind, threshold)} ngày"


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k at or above `value` (at least 1): the top of an axis."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value - 1e-9:
            return float(step * power)
    return float(10 * power)


def y_top(kind: str, values: list[float], threshold: float | None) -> float:
    """The value at the top of the y axis: 100 % for ratios; else an even number up to 10 (at least 2), then
    20, 50, 100, … — always above every value and the threshold, and halved into whole numbers."""
    if kind == "ratio":
        return 1.0
    high = max([0.0, *values, *([threshold] if threshold is not None else [])]) * 1.1
    if high <= 10:
        return float(max(2, 2 * math.ceil(high / 2)))
    return nice_ceiling(high)


def y_ticks(kind: str, top: float) -> tuple[float, ...]:
    """Where the grid lines go, as fractions of the axis: quarters of 100 %, else halves (whole numbers)."""
    return (0, 0.25, 0.5, 0.75, 1) if kind == "ratio" else (0, 0.5, 1)


def y_of(value: float, top: float) -> float:
    """The y coordinate of `value` on an axis from 0 (bottom) to `top`."""
    return round(TOP + PLOT_H * (1 - min(max(value, 0.0), top) / top), 1)


def x_of(index: int, count: int) -> float:
    """The x coordinate of the `index`-th of `count` months (centred in its slot)."""
    return round(LEFT + PLOT_W * (index + 0.5) / count, 1)


def _text(x: float, y: float, text: str, anchor: str = "middle", size: int = 10, fill: str = MUTED,
          extra: str = "") -> str:
    return (f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" {FONT}{extra}>'
            f"{escape(text)}</text>")


def line_chart(title: str, kind: str, months: list[date], points: list[Point], threshold: float | None,
               threshold_label: str | None = None) -> str:
    """One signal's monthly trend over `months` (oldest first): a point per month with data, lines joining
    consecutive months, a dashed threshold line; Vietnamese month labels (T1 … T12, the year under January
    and the first month)."""
    count = max(len(months), 1)
    index = {m: i for i, m in enumerate(months)}
    shown = sorted((p for p in points if p.month in index), key=lambda p: p.month)
    top = y_top(kind, [p.value for p in shown], threshold)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>",
             f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="#fff" stroke="{GRID}"/>']
    for fraction in y_ticks(kind, top):  # grid and y labels
        y = y_of(top * fraction, top)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{y}" y2="{y}" stroke="{GRID}"/>')
        parts.append(_text(LEFT - 5, y + 3.5, value_text(kind, top * fraction), anchor="end"))
    for i, m in enumerate(months):  # x labels
        x = x_of(i, count)
        parts.append(_text(x, TOP + PLOT_H + 13, f"T{m.month}"))
        if i == 0 or m.month == 1:
            parts.append(_text(x, TOP + PLOT_H + 26, str(m.year)))
    if threshold is not None:
        y = y_of(threshold, top)
        label = threshold_label or f"Ngưỡng: {threshold_text(kind, threshold)}"
        parts.append(f'<line class="threshold" x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{y}" y2="{y}" stroke="{BAD}" '
                     f'stroke-width="1.5" stroke-dasharray="6 4"><title>{escape(label)}</title></line>')
        parts.append(_text(LEFT + PLOT_W - 2, y - 4 if y - 4 > TOP + 8 else y + 12, label, anchor="end",
                           fill=BAD, size=9))
    run: list[str] = []
    previous = None
    for p in shown:  # lines join consecutive months only: a month without data is a gap
        xy = f"{x_of(index[p.month], count)},{y_of(p.value, top)}"
        if previous is not None and index[p.month] != index[previous] + 1:
            parts.append(_polyline(run))
            run = []
        run.append(xy)
        previous = p.month
    parts.append(_polyline(run))
    for p in shown:
        fill = GOOD if p.met else BAD if p.met is False else BRAND
        tip = f"Tháng {p.month:%m/%Y}: {value_text(kind, p.value)}" + (f" ({p.label})" if p.label else "")
        if p.met is not None:
            tip += ", đạt ngưỡng" if p.met else ", không đạt ngưỡng"
        parts.append(f'<circle class="point" cx="{x_of(index[p.month], count)}" cy="{y_of(p.value, top)}" r="3.5" '
                     f'fill="{fill}" stroke="#fff" stroke-width="1"><title>{escape(tip)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def _polyline(run: list[str]) -> str:
    if len(run) < 2:
        return ""
    return f'<polyline class="series" points="{" ".join(run)}" fill="none" stroke="{BRAND}" stroke-width="2"/>'


# Histogram geometry
H_WIDTH, H_HEIGHT = 560, 220
H_LEFT, H_RIGHT, H_TOP, H_BOTTOM = 40, 10, 16, 44


def histogram(title: str, buckets: list[tuple[str, int, bool | None]]) -> str:
    """Bars of (label, count, meets the threshold or None) — how many units fall in each bucket."""
    plot_w, plot_h = H_WIDTH - H_LEFT - H_RIGHT, H_HEIGHT - H_TOP - H_BOTTOM
    top = nice_ceiling(max([1, *(c for _, c, _ in buckets)]))
    n = max(len(buckets), 1)
    slot = plot_w / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {H_WIDTH} {H_HEIGHT}" '
             f'width="{H_WIDTH}" height="{H_HEIGHT}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    for fraction in (0, 0.5, 1):
        y = round(H_TOP + plot_h * (1 - fraction), 1)
        parts.append(f'<line x1="{H_LEFT}" x2="{H_LEFT + plot_w}" y1="{y}" y2="{y}" stroke="{GRID}"/>')
        parts.append(_text(H_LEFT - 5, y + 3.5, number(top * fraction), anchor="end"))
    for i, (label, count, met) in enumerate(buckets):
        height = round(plot_h * count / top, 1)
        x = round(H_LEFT + slot * i + 2, 1)
        fill = GOOD if met else BAD if met is False else BRAND
        parts.append(f'<rect class="bar" x="{x}" y="{round(H_TOP + plot_h - height, 1)}" width="{round(slot - 4, 1)}" '
                     f'height="{height}" fill="{fill}"><title>{escape(f"{label}: {count} đơn vị")}</title></rect>')
        if count:
            parts.append(_text(round(x + (slot - 4) / 2, 1), round(H_TOP + plot_h - height - 3, 1), str(count),
                               fill=INK))
        parts.append(_text(round(x + (slot - 4) / 2, 1), H_TOP + plot_h + 14, label, size=9))
    parts.append(_text(H_LEFT + plot_w / 2, H_HEIGHT - 6, "Số đơn vị theo khoảng giá trị", size=10))
    parts.append("</svg>")
    return "".join(parts)


HISTORY_WIDTH = 560  # thirteen points, each with its rank above it and the year under January


def history_chart(title: str, months: list[date], standings: list, as_of: date | None = None) -> str:
    """A unit's risk score at each month-end of the history and now (`standings`: objects with `month`, `rank`,
    `risk_score`, `ranked`, `current`; `months` the x axis, oldest first, the as-of month last): a line of the
    scores, each point labelled with its rank above it (1 is inspected first); a month the unit was not ranked
    is a gap. The last point, now, is a ring."""
    count = max(len(months), 1)
    plot_w = HISTORY_WIDTH - LEFT - RIGHT
    index = {m: i for i, m in enumerate(months)}
    shown = sorted((s for s in standings if s.month in index), key=lambda s: index[s.month])
    top = y_top("count", [s.risk_score for s in shown], None)

    def x(i: int) -> float:
        return round(LEFT + plot_w * (i + 0.5) / count, 1)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {HISTORY_WIDTH} {HEIGHT}" '
             f'width="{HISTORY_WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>",
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{PLOT_H}" fill="#fff" stroke="{GRID}"/>']
    for fraction in (0, 0.5, 1):
        y = y_of(top * fraction, top)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y}" y2="{y}" stroke="{GRID}"/>')
        parts.append(_text(LEFT - 5, y + 3.5, number(top * fraction, 0 if (top * fraction).is_integer() else 1),
                           anchor="end"))
    now_shown = any(s.current for s in shown)
    for i, m in enumerate(months):
        current = i == len(months) - 1 and now_shown
        parts.append(_text(x(i), TOP + PLOT_H + 13, "Nay" if current else f"T{m.month}"))
        if (i == 0 or m.month == 1) and not current:
            parts.append(_text(x(i), TOP + PLOT_H + 26, str(m.year)))
    run: list[str] = []
    previous = None
    for s in shown:
        if previous is not None and index[s.month] != index[previous] + 1:
            parts.append(_polyline(run))
            run = []
        run.append(f"{x(index[s.month])},{y_of(s.risk_score, top)}")
        previous = s.month
    parts.append(_polyline(run))
    for s in shown:
        cx, cy = x(index[s.month]), y_of(s.risk_score, top)
        when = f"Nay (đến {as_of:%d/%m/%Y})" if s.current and as_of else f"Cuối tháng {s.month:%m/%Y}"
        tip = f"{when}: hạng {number(s.rank)}/{number(s.ranked)}, điểm rủi ro {number(s.risk_score, 2)}"
        parts.append(f'<circle class="standing{" now" if s.current else ""}" cx="{cx}" cy="{cy}" '
                     f'r="{4.5 if s.current else 3.5}" fill="{"#fff" if s.current else BRAND}" stroke="{BRAND}" '
                     f'stroke-width="{2 if s.current else 1}"><title>{escape(tip)}</title></circle>')
        parts.append(_text(cx, cy - 7 if cy - 7 > TOP + 8 else cy + 15, number(s.rank), size=9, fill=INK,
                           extra=' class="rank"'))
    parts.append("</svg>")
    return "".join(parts)


# Funnel geometry (px): cases on a log axis, rates 0–100 %.
F_WIDTH, F_HEIGHT = 720, 360
F_LEFT, F_RIGHT, F_TOP, F_BOTTOM = 46, 26, 14, 42
AMBER = "#b7791f"
FUNNEL_STEPS = 80


def funnel_chart(title: str, points: list, threshold: float) -> str:
    """Each unit's rate (y) against its number of cases (x, log scale; `points`: reader.funnel.FunnelPoint), the
    threshold, and the 95 % and 99.8 % limits around it (dashed; exact binomial, reader.funnel); units below the
    99.8 % limit in red, between the two lower limits in amber, the others grey. Each point's unit, counts and
    limit are in its tooltip."""
    plot_w, plot_h = F_WIDTH - F_LEFT - F_RIGHT, F_HEIGHT - F_TOP - F_BOTTOM
    decades = max(1, math.ceil(math.log10(max([10, *(pt.denominator for pt in points)]))))
    n_max = 10 ** decades

    def x(n: float) -> float:
        return round(F_LEFT + plot_w * math.log10(n) / decades, 1)

    def y(rate: float) -> float:
        return round(F_TOP + plot_h * (1 - min(max(rate, 0.0), 1.0)), 1)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {F_WIDTH} {F_HEIGHT}" '
             f'width="{F_WIDTH}" height="{F_HEIGHT}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>",
             f'<rect x="{F_LEFT}" y="{F_TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="{GRID}"/>']
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<line class="grid" x1="{F_LEFT}" x2="{F_LEFT + plot_w}" y1="{y(fraction)}" y2="{y(fraction)}" '
                     f'stroke="{GRID}"/>')
        parts.append(_text(F_LEFT - 5, y(fraction) + 3.5, percent(fraction, 0), anchor="end"))
    for k in range(decades + 1):
        parts.append(f'<line class="grid" x1="{x(10 ** k)}" x2="{x(10 ** k)}" y1="{F_TOP}" y2="{F_TOP + plot_h}" '
                     f'stroke="{GRID}"/>')
        parts.append(_text(x(10 ** k), F_TOP + plot_h + 13, number(10 ** k)))
    parts.append(_text(F_LEFT + plot_w / 2, F_HEIGHT - 6, "Số trường hợp của đơn vị trong 12 tháng (thang chia lũy thừa 10)"))
    steps = sorted({round(n_max ** (k / FUNNEL_STEPS)) for k in range(FUNNEL_STEPS + 1)})  # whole cases
    for tail, colour, dash, label in ((TAIL_95, AMBER, "4 3", "95 %"), (TAIL_998, BAD, "7 4", "99,8 %")):
        for side in (0, 1):
            line = " ".join(f"{x(n)},{y(limits(threshold, n, tail)[side])}" for n in steps)
            parts.append(f'<polyline class="limit" points="{line}" fill="none" stroke="{colour}" stroke-width="1.5" '
                         f'stroke-dasharray="{dash}"><title>Giới hạn {label}</title></polyline>')
    parts.append(f'<line class="threshold" x1="{F_LEFT}" x2="{F_LEFT + plot_w}" y1="{y(threshold)}" '
                 f'y2="{y(threshold)}" stroke="{BRAND}" stroke-width="1.5"><title>Ngưỡng {escape(percent(threshold, 0))}'
                 f"</title></line>")
    style = {BELOW_998: (BAD, 4), BELOW_95: (AMBER, 3.5)}
    for pt in sorted(points, key=lambda pt: pt.zone in style):  # the marked ones drawn last, on top
        fill, radius = style.get(pt.zone, ("#8a949e", 3))
        lower = limit(threshold, pt.denominator, TAIL_998)
        tip = (f"{pt.unit_name}: {number(pt.numerator)}/{number(pt.denominator)} ({percent(pt.value)}); "
               f"giới hạn dưới 99,8 % với {number(pt.denominator)} trường hợp: {percent(lower)}")
        parts.append(f'<circle class="unit {pt.zone}" cx="{x(pt.denominator)}" cy="{y(pt.value)}" r="{radius}" '
                     f'fill="{fill}" fill-opacity="0.8" stroke="#fff" stroke-width="0.6"><title>{escape(tip)}</title>'
                     "</circle>")
    parts.append("</svg>")
    return "".join(parts)
