"""Tổng quan: the data date, each source's freshness (a banner when one is stale or failed), headline counts."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.published import PublishedFile
from web.queries import headline, publication, rows, source_health
from web.site import page, web_of


def read(published: PublishedFile) -> dict:
    with published.cursor() as cur:
        pub = publication(cur)
        sources = source_health(cur)
        return {"pub": pub, "sources": sources, "counts": headline(cur, pub.as_of),
                "top": rows(cur, "SELECT rank, unit_code, unit_name, unit_type, risk_score FROM "
                                 "marts.inspection_priority ORDER BY rank LIMIT 5"),
                "troubled": [s for s in sources if s["state"] in ("stale", "failed", "never")]}


@page
async def overview(request: Request) -> Response:
    web = web_of(request)
    return web.render(request, "overview.html", **await run_in_threadpool(read, web.published))


ROUTES = [Route("/", overview, methods=["GET"])]
