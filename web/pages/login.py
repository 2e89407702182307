"""Logging in and out: `/dang-nhap` (fields `username`, `password`), `/dang-xuat`."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from reader.errors import NoPublishedFile
from reader.file import PublishedFile
from reader.model import Publication
from reader.pages.login import read_login
from web.sessions import new_token, same_token
from web.site import LOGIN_COOKIE, SESSION_COOKIE, client_key, page, read_form, safe_next, secured, web_of


def _publication(published: PublishedFile) -> Publication | None:
    """What the file is, for the DỮ LIỆU MÔ PHỎNG banner above the form (None before the first refresh)."""
    try:
        with published.cursor() as cur:
            return read_login(cur)
    except NoPublishedFile:
        return None


async def login_form(request: Request) -> Response:
    web = web_of(request)
    token = request.cookies.get(LOGIN_COOKIE) or new_token()
    pub = await run_in_threadpool(_publication, web.published)
    response = web.render(request, "login.html", login_csrf=token, tiep=safe_next(request.query_params.get("tiep")),
                          pub=pub)
    web.set_cookie(response, LOGIN_COOKIE, token)
    return response


async def login(request: Request) -> Response:
    web = web_of(request)
    form = await read_form(request)
    tiep = safe_next(form.get("tiep"))
    cookie_token = request.cookies.get(LOGIN_COOKIE)
    if not same_token(form.get("csrf"), cookie_token):
        return web.render(request, "login.html", status=403, login_csrf=cookie_token or "", tiep=tiep,
                          error="Biểu mẫu đã hết hạn: tải lại trang đăng nhập rồi thử lại.")
    login_name = form.get("username", "").strip().lower()
    keys = (f"login:{login_name}", client_key(request))
    wait = web.limiter.locked(*keys)
    if wait > 0:
        response = web.render(request, "login.html", status=429, login_csrf=cookie_token, tiep=tiep,
                              username=login_name,
                              error=f"Đăng nhập sai quá nhiều lần: tạm khóa, thử lại sau {int(wait // 60) + 1} phút.")
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    user = await run_in_threadpool(web.users.verify, login_name, form.get("password", ""))
    if user is None:
        web.limiter.failed(*keys)
        return web.render(request, "login.html", status=401, login_csrf=cookie_token, tiep=tiep, username=login_name,
                          error="Tên đăng nhập hoặc mật khẩu không đúng.")
    web.limiter.succeeded(keys[0])
    web.sessions.end(request.cookies.get(SESSION_COOKIE))  # whatever session the browser had is not promoted
    token, _session = web.sessions.start(user)
    response = secured(RedirectResponse(tiep, status_code=303))
    web.set_cookie(response, SESSION_COOKIE, token)
    web.clear_cookie(response, LOGIN_COOKIE)
    return response


@page
async def logout(request: Request) -> Response:
    web = web_of(request)
    web.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = secured(RedirectResponse("/dang-nhap", status_code=303))
    web.clear_cookie(response, SESSION_COOKIE)
    return response


ROUTES = [
    Route("/dang-nhap", login_form, methods=["GET"]),
    Route("/dang-nhap", login, methods=["POST"]),
    Route("/dang-xuat", logout, methods=["POST"]),
]
