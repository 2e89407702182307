"""Ưu tiên kiểm tra: the ranked units (marts.inspection_priority), filtered by type (`loai`), parent (`cap_tren`)
and a toneless name search (`q`), 50 a page (`trang`), each reason in words."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.directory import UNIT_TYPE_VI
from web.paging import link
from web.published import PublishedFile
from web.queries import matching_units, priority_filters, priority_page, publication, signal_catalog
from web.site import page, web_of


def read(published: PublishedFile, query) -> dict:
    unit_type = query.get("loai") or None
    unit_type = unit_type if unit_type in UNIT_TYPE_VI else None
    parent = (query.get("cap_tren") or "").strip()[:64] or None
    q = (query.get("q") or "").strip()[:100]
    with published.cursor() as cur:
        codes = matching_units(cur, q) if q else None
        paging, found = priority_page(cur, unit_type, parent, codes, query.get("trang"))
        params = {"loai": unit_type or "", "cap_tren": parent or "", "q": q}
        return {"pub": publication(cur), "catalog": signal_catalog(cur), "filters": priority_filters(cur),
                "units": found, "paging": paging, "params": params,
                "loai": unit_type, "cap_tren": parent, "q": q, "link": link}


@page
async def priority(request: Request) -> Response:
    web = web_of(request)
    return web.render(request, "priority.html", **await run_in_threadpool(read, web.published, request.query_params))


ROUTES = [Route("/uu-tien", priority, methods=["GET"])]
