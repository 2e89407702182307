"""Chỉ số: the signals (`/chi-so`) and one signal (`/chi-so/{code}`): definition, legal basis, the spread across
units in a month (`thang`, default the latest month ended with data) and the units that fall short (paged, `trang`)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.signals import HEAD_RECEPTION_DAYS, days_required_vi
from web.charts import histogram, threshold_text
from web.pages.unit import parse_month
from web.paging import Paging, link
from web.published import PublishedFile
from web.queries import (
    publication,
    signal_buckets,
    signal_catalog,
    signal_months,
    signal_short_page,
    signal_spread,
    signals_overview,
)
from web.site import page, web_of

DAYS_REQUIRED_VI = days_required_vi(HEAD_RECEPTION_DAYS)  # the days signal's threshold, as declared


def read_list(published: PublishedFile) -> dict:
    with published.cursor() as cur:
        catalog = signal_catalog(cur)
        return {"pub": publication(cur), "signals": list(catalog.values()), "overview": signals_overview(cur),
                "threshold_text": threshold_text, "days_required": DAYS_REQUIRED_VI}


def default_month(months: list, as_of) -> object:
    """The latest month that has ended by the as-of date and has data (the current month is still filling up),
    else the latest month with data; None without data."""
    ended = [m for m in months if as_of is None or m < as_of.replace(day=1)]
    return ended[0] if ended else (months[0] if months else None)


def read_one(published: PublishedFile, code: str, query) -> dict:
    with published.cursor() as cur:
        pub = publication(cur)
        catalog = signal_catalog(cur)
        signal = catalog.get(code)
        if signal is None:
            return {"pub": pub, "missing": code}
        months = signal_months(cur, code)
        month = parse_month(query.get("thang"))
        month = month if month in months else default_month(months, pub.as_of)
        context = {"pub": pub, "signal": signal, "months": months, "month": month,
                   "threshold": threshold_text(signal["kind"], signal["threshold"])
                   if signal["threshold"] is not None else DAYS_REQUIRED_VI,
                   "params": {"thang": f"{month:%Y-%m}" if month else ""}, "link": link}
        if month is None:
            return context | {"spread": None, "short": [], "paging": Paging.fit(None, 0)}
        spread = signal_spread(cur, code, month)
        buckets = signal_buckets(cur, code, month, signal["kind"])
        paging, short = signal_short_page(cur, code, month, signal["kind"], query.get("trang"))
        return context | {"spread": spread, "buckets": buckets, "paging": paging, "short": short,
                          "svg": histogram(f"{signal['name_vi']} — tháng {month:%m/%Y}",
                                           [(b["label"], b["n"], b["met"]) for b in buckets])}


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
