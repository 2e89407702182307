"""What every page shares: the app's state (`Web`), the session guard (`page`), forms, security headers.

Every page but the login form needs a session (`page`); every form carries a CSRF token checked on
POST; answers carry a strict Content-Security-Policy and are never cached.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from reader.errors import NoPublishedFile
from reader.file import PublishedFile
from web.sessions import LoginLimiter, Session, Sessions, same_token
from web.users import UsersFile

SESSION_COOKIE = "cchc_phien"
LOGIN_COOKIE = "cchc_dang_nhap"  # the pre-login CSRF token (double submit)
MAX_FORM_BYTES = 8192
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass
class Web:
    """What the pages share: the published file, the accounts, sessions, templates."""

    published: PublishedFile
    users: UsersFile
    sessions: Sessions
    limiter: LoginLimiter
    templates: Environment
    static: dict[str, tuple[bytes, str]]
    secure_cookies: bool = False

    def render(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        session: Session | None = request.state.session if hasattr(request.state, "session") else None
        html = self.templates.get_template(template).render(
            request=request, session=session, user=session.user if session else None,
            csrf=session.csrf if session else None, path=request.url.path, **context)
        return secured(HTMLResponse(html, status_code=status))

    def set_cookie(self, response: Response, name: str, value: str, max_age: int | None = None) -> None:
        response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict",
                            secure=self.secure_cookies, path="/")

    def clear_cookie(self, response: Response, name: str) -> None:
        """Removes a cookie, with the same flags it was set with (a bare deletion would be SameSite=Lax)."""
        response.delete_cookie(name, httponly=True, samesite="strict", secure=self.secure_cookies, path="/")


def secured(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def web_of(request: Request) -> Web:
    return request.app.state.web


Handler = Callable[[Request], Awaitable[Response]]


def page(handler: Handler) -> Handler:
    """A page that needs a session: without one, GET goes to the login form (and comes back), others get 403."""

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        web = web_of(request)
        token = request.cookies.get(SESSION_COOKIE)
        session = web.sessions.get(token)
        if session is not None and web.users.current(session.user.login) != session.user:
            web.sessions.end(token)  # the account was removed (or its role changed) since the login
            session = None
        if session is None:
            if request.method == "GET":
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return secured(RedirectResponse(f"/dang-nhap?tiep={quote(target, safe='')}", status_code=303))
            return secured(Response("Cần đăng nhập.", status_code=403))
        request.state.session = session
        if request.method == "POST":
            form = await read_form(request)
            if not same_token(form.get("csrf"), session.csrf):
                return secured(Response("Phiên làm việc không hợp lệ (CSRF): tải lại trang rồi thử lại.",
                                        status_code=403))
            request.state.form = form
        try:
            return await handler(request)
        except NoPublishedFile:
            return web.render(request, "no_data.html", status=503)

    return guarded


async def read_form(request: Request) -> dict[str, str]:
    """An url-encoded form, at most MAX_FORM_BYTES; the first value of each field."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {k: v[0] for k, v in fields.items()}


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (never `//host`, `http://…`, `/\\host`, nor
    any space or control character, which browsers drop: `/<tab>/host` is `//host` to them)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and all(" " < c != "\x7f" for c in target):
        return target
    return "/"


def client_key(request: Request) -> str:
    """The login lock's key of the client: the connection's address, or the one X-Forwarded-For names when the
    connection comes from a proxy named by `cchc web --forwarded-allow-ips` (uvicorn rewrites it then)."""
    return f"ip:{request.client.host if request.client else '?'}"
