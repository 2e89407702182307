"""Tổng quan: the data date, each source's freshness (a banner when one is stale or failed), headline counts."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reader.file import PublishedFile
from reader.pages.overview import read_overview
from web.site import page, web_of


def read(published: PublishedFile) -> dict:
    with published.cursor() as cur:
        return read_overview(cur)


@page
async def overview(request: Request) -> Response:
    web = web_of(request)
    return web.render(request, "overview.html", **await run_in_threadpool(read, web.published))


ROUTES = [Route("/", overview, methods=["GET"])]
