"""Chỉ số: the signals (`/chi-so`) and one signal (`/chi-so/{code}`): definition, legal basis, the spread across
units in a month (`thang`, default the latest month ended with data) and the units that fall short (paged, `trang`)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.signals import HEAD_RECEPTION_DAYS, days_required_vi
from reader.file import PublishedFile
from reader.pages.signals import read_signal, read_signal_list
from web.charts import funnel_chart, histogram, threshold_text
from web.paging import link
from web.params import parse_month
from web.site import page, web_of

DAYS_REQUIRED_VI = days_required_vi(HEAD_RECEPTION_DAYS)  # the days signal's threshold, as declared


def read_list(published: PublishedFile) -> dict:
    with published.cursor() as cur:
        return read_signal_list(cur) | {"threshold_text": threshold_text, "days_required": DAYS_REQUIRED_VI}


def read_one(published: PublishedFile, code: str, query) -> dict:
    with published.cursor() as cur:
        found = read_signal(cur, code, parse_month(query.get("thang")), query.get("trang"))
    signal, month = found["signal"], found.get("month")
    if signal is None:
        return {"pub": found["pub"], "missing": code}
    context = found | {"threshold": threshold_text(signal["kind"], signal["threshold"])
                       if signal["threshold"] is not None else DAYS_REQUIRED_VI,
                       "params": {"thang": f"{month:%Y-%m}" if month else ""}, "link": link}
    funnel = found["funnel"]
    if funnel is not None:
        context |= {"funnel_svg": funnel_chart(f"{signal['name_vi']}: tỷ lệ của từng đơn vị theo số trường hợp, "
                                               f"12 tháng {funnel['first']:%m/%Y}–{funnel['last']:%m/%Y}",
                                               funnel["points"], funnel["threshold"])}
    if month is None:
        return context
    return context | {"svg": histogram(f"{signal['name_vi']} — tháng {month:%m/%Y}",
                                       [(b["label"], b["n"], b["met"]) for b in found["buckets"]])}


@page
async def signals(request: Request) -> Response:
    web = web_of(request)
    return web.render(request, "signals.html", **await run_in_threadpool(read_list, web.published))


@page
async def signal(request: Request) -> Response:
    web = web_of(request)
    context = await run_in_threadpool(read_one, web.published, request.path_params["code"], request.query_params)
    if "missing" in context:
        return web.render(request, "signal_missing.html", status=404, **context)
    return web.render(request, "signal.html", **context)


ROUTES = [Route("/chi-so", signals, methods=["GET"]), Route("/chi-so/{code}", signal, methods=["GET"])]
