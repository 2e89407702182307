"""Đơn vị: a unit's profile, each signal's monthly trend (inline SVG), the findings behind each shortfall (paged,
filtered by `chi_so` and `thang`), its inspections and remediation; its xlsx brief; a print version, a few A4
pages, with the findings of the 12 months counted by signal and month, and one example of each signal (their
full list is in the brief)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from brief import write_brief
from reader.file import PublishedFile
from reader.pages.unit import brief_subject, listed_findings, printed_findings, read_unit
from web.charts import Point, history_chart, line_chart, threshold_text
from web.paging import link
from web.params import parse_month
from web.site import page, secured, web_of

BRIEF_MAX_FINDINGS = 10_000
"""The downloaded brief lists at most this many findings (the newest; its counts are of all): openpyxl writes
about 10,000 rows a second, and a department's year can hold 270,000. `cchc brief` lists them all."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def read(published: PublishedFile, code: str, query, printing: bool = False) -> dict:
    with published.cursor() as cur:
        found = read_unit(cur, code)
        profile = found["unit"]
        if profile is None:
            return {"pub": found["pub"], "missing": code}
        catalog, summary, window = found["catalog"], found["summary"], found["window"]
        if printing:
            findings = printed_findings(cur, code, catalog, summary, window) | \
                {"brief_max_findings": BRIEF_MAX_FINDINGS}
        else:
            signal = query.get("chi_so") or None
            signal = signal if signal in catalog else None
            month = parse_month(query.get("thang"))
            findings = listed_findings(cur, code, catalog, summary, signal, month, query.get("trang")) | {
                "chi_so": signal, "thang": month,
                "params": {"chi_so": signal or "", "thang": f"{month:%Y-%m}" if month else ""}}
    text, in_force = validity(profile, found["pub"].as_of)
    history = history_chart(f"Điểm rủi ro và thứ hạng của {profile['unit_name']} tại cuối mỗi tháng",
                            found["history_months"], found["standings"], found["pub"].as_of) \
        if found["standings"] else None
    return found | findings | {
        "validity": text, "in_force": in_force, "charts": trends(catalog, found["monthly"], window.months),
        "history_svg": history, "printing": printing, "findings_total_all": sum(r["n"] for r in summary),
        "link": link}


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


def write(published: PublishedFile, code: str) -> Path | dict:
    """The unit's brief in a temporary folder of its own (the caller streams and removes it), named as
    `cchc brief` names it."""
    with published.cursor() as cur:
        subject = brief_subject(cur, code)
        if subject["unit"] is None:
            return {"pub": subject["pub"], "missing": code}
        folder = Path(tempfile.mkdtemp(prefix="cchc-brief-"))
        try:
            return write_brief(cur, subject["unit"], subject["window"], folder, max_findings=BRIEF_MAX_FINDINGS)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise


@page
async def unit_brief(request: Request) -> Response:
    web = web_of(request)
    result = await run_in_threadpool(write, web.published, request.path_params["code"])
    if isinstance(result, dict):
        return web.render(request, "unit_missing.html", status=404, **result)
    return secured(FileResponse(result, media_type=XLSX, filename=result.name,
                                background=BackgroundTask(shutil.rmtree, result.parent, ignore_errors=True)))


ROUTES = [
    Route("/don-vi/{code}", unit_page, methods=["GET"]),
    Route("/don-vi/{code}/in", unit_print, methods=["GET"]),
    Route("/don-vi/{code}/bao-cao.xlsx", unit_brief, methods=["GET"]),
]
