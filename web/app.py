"""The web app: Starlette routes, server-rendered Jinja2 pages, no script and nothing from the internet.

The published file is read through `PublishedFile` (newest file, read-only), the accounts through
`UsersFile`. Static files are read once at start-up into memory: no path taken from a request ever
reaches the file system.
"""

from __future__ import annotations

import mimetypes
import time
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from reader.file import PublishedFile
from web.format import FILTERS
from web.pages import ROUTES
from web.sessions import LoginLimiter, Sessions
from web.site import SECURITY_HEADERS, Web, secured, web_of
from web.users import UsersFile

HERE = Path(__file__).resolve().parent


async def static(request: Request) -> Response:
    found = web_of(request).static.get(request.path_params["name"])
    if found is None:
        return secured(Response("Không tìm thấy.", status_code=404))
    body, media_type = found
    response = Response(body, media_type=media_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return secured(response)


async def not_found(request: Request, exc: Exception) -> Response:
    return secured(HTMLResponse("<!doctype html><meta charset=utf-8><title>Không tìm thấy</title>"
                                "<p>Không tìm thấy trang này. <a href=\"/\">Về trang Tổng quan</a></p>",
                                status_code=404))


async def server_error(request: Request, exc: Exception) -> Response:
    """An unexpected error: one sentence, the security headers, never a traceback (the server's log has it)."""
    return secured(HTMLResponse("<!doctype html><meta charset=utf-8><title>Lỗi</title><p>Đã có lỗi khi tạo trang "
                                "này; đề nghị báo cán bộ kỹ thuật. <a href=\"/\">Về trang Tổng quan</a></p>",
                                status_code=500))


def load_static() -> dict[str, tuple[bytes, str]]:
    files = {}
    for path in sorted((HERE / "static").iterdir()):
        if path.is_file():
            files[path.name] = (path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream")
    return files


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env


class ServerTiming:
    """`Server-Timing: app;dur=<ms>` on every answer: the time the server spent, for the benchmark and the curious."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        began = time.perf_counter()

        async def timed(message):
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - began) * 1000
                message = {**message, "headers": [*message.get("headers", []),
                                                   (b"server-timing", f"app;dur={took:.1f}".encode())]}
            await send(message)

        await self.app(scope, receive, timed)


class SecurityHeaders:
    """The security headers on every answer, also those no page makes (405, a refused upload, ...);
    an answer that set one of them itself keeps its own (static files: cached)."""

    def __init__(self, app):
        self.app = app
        self.headers = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def guarded(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                missing = [(name, value) for name, value in self.headers if name not in present]
                if missing:
                    message = {**message, "headers": [*message.get("headers", []), *missing]}
            await send(message)

        await self.app(scope, receive, guarded)


def create_app(published: Path, users: Path, secure_cookies: bool = False) -> Starlette:
    app = Starlette(routes=[Route("/static/{name}", static, methods=["GET"]), *ROUTES],
                    exception_handlers={404: not_found, 500: server_error},
                    middleware=[Middleware(ServerTiming), Middleware(SecurityHeaders)])
    app.state.web = Web(PublishedFile(published), UsersFile(users), Sessions(), LoginLimiter(), templates(),
                        load_static(), secure_cookies)
    return app
