"""Ưu tiên kiểm tra: the ranked units (marts.inspection_priority), filtered by type (`loai`), parent (`cap_tren`),
a toneless name search (`q`), and without the units inspected in the last K months (`an_da_kiem_tra` = K, the
draw's rule), 50 a page (`trang`); each reason in words with its numbers, each unit's last inspection."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.directory import UNIT_TYPE_VI
from reader.file import PublishedFile
from reader.pages.priority import HIDE_CHOICES, read_priority_list
from web.paging import link
from web.site import page, web_of


def read(published: PublishedFile, query) -> dict:
    unit_type = query.get("loai") or None
    unit_type = unit_type if unit_type in UNIT_TYPE_VI else None
    parent = (query.get("cap_tren") or "").strip()[:64] or None
    q = (query.get("q") or "").strip()[:100]
    hide = (query.get("an_da_kiem_tra") or "").strip()
    hide_months = int(hide) if hide.isdecimal() and int(hide) in HIDE_CHOICES else None
    with published.cursor() as cur:
        found = read_priority_list(cur, unit_type, parent, q, query.get("trang"), hide_months)
    params = {"loai": unit_type or "", "cap_tren": parent or "", "q": q, "an_da_kiem_tra": hide_months or ""}
    return found | {"params": params, "loai": unit_type, "cap_tren": parent, "q": q, "hide_months": hide_months,
                    "link": link}


@page
async def priority(request: Request) -> Response:
    web = web_of(request)
    return web.render(request, "priority.html", **await run_in_threadpool(read, web.published, request.query_params))


ROUTES = [Route("/uu-tien", priority, methods=["GET"])]
