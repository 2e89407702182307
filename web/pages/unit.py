"""Đơn vị: a unit's profile, each signal's monthly trend (inline SVG), the findings behind each shortfall (paged,
filtered by `chi_so` and `thang`), its inspections and remediation; its xlsx brief; a print version, a few A4
pages, with the findings of the 12 months counted by signal and month, and one example of each signal (their
full list is in the brief)."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from brief.command import brief_filename, write_brief
from brief.remediation import read_cycle
from brief.warehouse import Unit, report_window
from web.charts import Point, line_chart, threshold_text
from web.paging import link
from web.published import PublishedFile
from web.queries import (
    findings_examples,
    findings_page,
    findings_summary,
    publication,
    signal_catalog,
    unit_monthly,
    unit_profile,
)
from web.site import page, secured, web_of

TREND_MONTHS = 12
BRIEF_MAX_FINDINGS = 10_000
"""The downloaded brief lists at most this many findings (the newest; its counts are of all): openpyxl writes
about 10,000 rows a second, and a department's year can hold 270,000. `cchc brief` lists them all."""
MONTH = re.compile(r"(\d{4})-(\d{2})")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_month(text: str | None) -> date | None:
    """`thang` as yyyy-mm → the month's first day; anything else is no filter."""
    found = MONTH.fullmatch((text or "").strip())
    if not found or not 1 <= int(found[2]) <= 12:
        return None
    return date(int(found[1]), int(found[2]), 1)


def validity(profile: dict, as_of: date | None) -> tuple[str, bool]:
    start, end = profile["valid_from"], profile["valid_to"]
    since = f"từ {start:%d/%m/%Y}" if start else "không rõ ngày bắt đầu"
    in_force = (as_of is None or ((start is None or start <= as_of) and (end is None or end >= as_of)))
    if end:
        return f"Hoạt động {since} đến hết ngày {end:%d/%m/%Y}" + ("" if in_force else " (đã giải thể hoặc sáp nhập)"), \
            in_force
    return f"Hoạt động {since}" + (", đang hoạt động" if in_force else ", chưa hoạt động vào ngày số liệu"), in_force


def trends(catalog: dict[str, dict], monthly: list[dict], months: list[date]) -> list[dict]:
    """One chart per signal with data in the window, in the catalog's order."""
    by_signal: dict[str, list[dict]] = {}
    for r in monthly:
        by_signal.setdefault(r["signal_code"], []).append(r)
    out = []
    for code, signal in catalog.items():
        found = by_signal.get(code)
        if not found:
            continue
        threshold = signal["threshold"] if signal["threshold"] is not None else max(r["threshold"] for r in found)
        points = [Point(r["period"], r["value"], r["meets_threshold"],
                        f"{r['numerator']}/{r['denominator']}" if r["denominator"] is not None else "") for r in found]
        out.append({"signal": signal, "rows": found, "threshold": threshold,
                    "threshold_text": threshold_text(signal["kind"], threshold),
                    "short": sum(1 for r in found if r["meets_threshold"] is False),
                    "svg": line_chart(signal["name_vi"], signal["kind"], months, points, threshold)})
    return out


def in_catalog_order(codes, catalog: dict[str, dict]) -> list[str]:
    """Signal codes in the catalog's order (codes the catalog lacks last, by code)."""
    order = {code: i for i, code in enumerate(catalog)}
    return sorted(set(codes), key=lambda c: (order.get(c, len(order)), c))


def read(published: PublishedFile, code: str, query, printing: bool = False) -> dict:
    with published.cursor() as cur:
        pub = publication(cur)
        profile = unit_profile(cur, code)
        if profile is None:
            return {"pub": pub, "missing": code}
        catalog = signal_catalog(cur)
        window = report_window(cur, pub.as_of or date.today(), TREND_MONTHS)
        monthly = unit_monthly(cur, code, window.first, window.last)
        summary = findings_summary(cur, code)
        text, in_force = validity(profile, pub.as_of)
        context = {"pub": pub, "unit": profile, "validity": text, "in_force": in_force, "catalog": catalog,
                   "window": window, "charts": trends(catalog, monthly, window.months), "printing": printing,
                   "findings_total_all": sum(r["n"] for r in summary), "link": link, "cycle": read_cycle(cur, code)}
        if printing:
            return context | printed_findings(cur, code, catalog, summary, window)
        return context | listed_findings(cur, code, catalog, summary, query)


def listed_findings(cur, code: str, catalog: dict[str, dict], summary: list[dict], query) -> dict:
    """The unit page's findings: a page of them, filtered by signal (`chi_so`) and month (`thang`)."""
    signal = query.get("chi_so") or None
    signal = signal if signal in catalog else None
    month = parse_month(query.get("thang"))
    paging, findings = findings_page(cur, code, signal, month, query.get("trang"))
    return {"summary_signals": in_catalog_order((r["signal_code"] for r in summary), catalog),
            "summary_months": sorted({r["period"] for r in summary}, reverse=True),
            "findings_by_signal": {c: sum(r["n"] for r in summary if r["signal_code"] == c)
                                   for c in {r["signal_code"] for r in summary}},
            "findings": findings, "paging": paging, "chi_so": signal, "thang": month,
            "params": {"chi_so": signal or "", "thang": f"{month:%Y-%m}" if month else ""}}


def printed_findings(cur, code: str, catalog: dict[str, dict], summary: list[dict], window) -> dict:
    """The print view's findings: the window's counted by signal and month, and the newest of each signal."""
    counts = {(r["signal_code"], r["period"]): r["n"] for r in summary if window.first <= r["period"] <= window.last}
    signals = in_catalog_order((s for s, _ in counts), catalog)
    by_signal = [{"code": s, "months": [counts.get((s, m), 0) for m in window.months],
                  "total": sum(n for (c, _), n in counts.items() if c == s)} for s in signals]
    return {"by_signal": by_signal, "month_totals": [sum(counts.get((s, m), 0) for s in signals)
                                                     for m in window.months],
            "window_total": sum(counts.values()), "brief_max_findings": BRIEF_MAX_FINDINGS,
            "examples": findings_examples(cur, code, window.first, window.last)}


async def _render(request: Request, printing: bool) -> Response:
    web = web_of(request)
    context = await run_in_threadpool(read, web.published, request.path_params["code"], request.query_params,
                                      printing)
    if "missing" in context:
        return web.render(request, "unit_missing.html", status=404, **context)
    return web.render(request, "unit.html", **context)


@page
async def unit_page(request: Request) -> Response:
    return await _render(request, printing=False)


@page
async def unit_print(request: Request) -> Response:
    return await _render(request, printing=True)


def write(published: PublishedFile, code: str) -> tuple[Path, str] | dict:
    """The unit's brief in a temporary file (the caller streams and deletes it), and its download name."""
    with published.cursor() as cur:
        pub = publication(cur)
        profile = unit_profile(cur, code)
        if profile is None:
            return {"pub": pub, "missing": code}
        unit = Unit(profile["unit_code"], profile["unit_name"], profile["unit_type"], profile["parent_unit_code"],
                    profile["parent_name"], profile["valid_from"], profile["valid_to"])
        window = report_window(cur, pub.as_of or date.today(), TREND_MONTHS)
        fd, name = tempfile.mkstemp(prefix="cchc-brief-", suffix=".xlsx")
        os.close(fd)
        try:
            write_brief(cur, unit, window, Path(name), max_findings=BRIEF_MAX_FINDINGS)
        except BaseException:
            os.unlink(name)
            raise
        return Path(name), brief_filename(unit.code, window.as_of)


@page
async def unit_brief(request: Request) -> Response:
    web = web_of(request)
    result = await run_in_threadpool(write, web.published, request.path_params["code"])
    if isinstance(result, dict):
        return web.render(request, "unit_missing.html", status=404, **result)
    path, filename = result
    return secured(FileResponse(path, media_type=XLSX, filename=filename,
                                background=BackgroundTask(os.unlink, path)))


ROUTES = [
    Route("/don-vi/{code}", unit_page, methods=["GET"]),
    Route("/don-vi/{code}/in", unit_print, methods=["GET"]),
    Route("/don-vi/{code}/bao-cao.xlsx", unit_brief, methods=["GET"]),
]
