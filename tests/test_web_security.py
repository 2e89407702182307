"""Security of the inspectors' web app, through a real server (uvicorn in a thread) and `requests`.

Every route of `web.pages.ROUTES` is covered by iterating the list (path parameters filled with sample
values of the file), so a page added later is tested too: no data without a session, injection in
every path and query parameter, CSRF on every POST, headers on every answer. Also: static-file path
traversal, session fixation, login rate limit, cookie flags, open redirects, the users file and its
commands, and a refresh swapping the published file under a serving app.

The users files here hold cheap Argon2id hashes (time 1, 1 MiB: verification cost comes from the hash
itself), except in the timing test, which uses the real defaults.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import socket
import stat
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import duckdb
import pytest
import requests
import uvicorn
from argon2 import PasswordHasher
from marts_support import build
from starlette.routing import Route

import web.users
from cchc.web import proxy_addresses, server_config
from web.app import create_app
from web.pages import ROUTES
from web.sessions import LoginLimiter, Sessions
from web.site import LOGIN_COOKIE, SESSION_COOKIE, safe_next
from web.users import User, UsersFile

AS_OF = date(2025, 3, 10)
PASSWORD = "mat-khau-dai-1"
USER, OTHER = "thanhtra1", "quantri1"
INJECTIONS = ["' OR 1=1 --", "000.00.01.H26'; DROP TABLE marts.units; --", "1; SELECT * FROM duckdb_tables() --",
              "\" OR \"\"=\"", "%' UNION SELECT unit_code, unit_name FROM marts.units --", "0 OR 1=1"]
TRAVERSALS = ["..%2f..%2fetc%2fpasswd", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd",
              "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "../../etc/passwd", "..%2fapp.py", "..%2f..%2fweb%2fapp.py",
              "%2fetc%2fpasswd", "/etc/passwd", "%2Fproc%2Fself%2Fenviron", "..%5c..%5cetc%5cpasswd",
              "..%5capp.py", "%5cetc%5cpasswd", "....%2f%2fetc%2fpasswd", "%252e%252e%252fetc%252fpasswd",
              "style.css%00.txt", "style.css/..%2f..%2fapp.py", ".", "..", "%2e", "%2e%2e"]
# query parameters tried on every page beside those its forms and links name
QUERY_NAMES = ["q", "trang", "loai", "chi_so", "thang"]
QUERY_INJECTIONS = INJECTIONS[:2]
UNIT_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H\d\d")
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
REAL = web.users._HASHER, web.users._DUMMY


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# a pretend reverse proxy on this machine: tests come from many client addresses through it
BEHIND_A_PROXY = ["127.0.0.1"]


@contextmanager
def serving(app, proxies: list[str] = ()):
    """The app on a free localhost port, in a thread, served as `cchc web --forwarded-allow-ips PROXIES` serves
    it; yields its base URL."""
    server = uvicorn.Server(server_config(app, "127.0.0.1", free_port(), proxies))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(10)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def login_token(session: requests.Session, base: str, **kw) -> str:
    response = session.get(f"{base}/dang-nhap", **kw)
    assert response.status_code == 200
    return re.search(r'name="csrf" value="([^"]*)"', response.text).group(1)


def log_in(base: str, username: str = USER, password: str = PASSWORD, session: requests.Session | None = None,
           tiep: str = "/", headers: dict | None = None) -> tuple[requests.Session, requests.Response]:
    session = session or requests.Session()
    token = login_token(session, base, headers=headers)
    response = session.post(f"{base}/dang-nhap", data={"csrf": token, "username": username, "password": password,
                                                       "tiep": tiep}, headers=headers, allow_redirects=False)
    return session, response


def set_cookies(response: requests.Response) -> list[str]:
    return response.raw.headers.getlist("Set-Cookie")


def cookie_header(response: requests.Response, name: str) -> str:
    found = [c for c in set_cookies(response) if c.startswith(f"{name}=")]
    assert found, f"no Set-Cookie {name} in {set_cookies(response)}"
    return found[0]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


# --- the published file, the accounts, the server -------------------------------------------------------


@pytest.fixture(scope="module")
def cheap_hashes():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(web.users, "_HASHER", CHEAP)
        mp.setattr(web.users, "_DUMMY", CHEAP.hash("not a password of anyone"))
        yield


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A small published file built with every mart (the small directory of `marts_support`)."""
    folder = tmp_path_factory.mktemp("published")
    con = build(folder, AS_OF)
    built = Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
                 .fetchone()[0])
    con.close()
    path = folder / "cchc.duckdb"
    shutil.move(built, path)
    return path


@pytest.fixture(scope="module")
def samples(published) -> dict:
    with duckdb.connect(str(published), read_only=True) as con:
        units = con.execute("SELECT unit_code, unit_name FROM marts.units ORDER BY unit_code").fetchall()
        signal = con.execute("SELECT signal_code FROM marts.signal_catalog ORDER BY kind DESC, signal_code")\
            .fetchone()[0]
    return {"unit": units[1][0], "signal": signal, "unit_names": [name for _, name in units],
            "unit_codes": [code for code, _ in units]}


@pytest.fixture(scope="module")
def users(tmp_path_factory, cheap_hashes) -> Path:
    path = tmp_path_factory.mktemp("accounts") / "web-users.json"
    UsersFile(path).add(USER, "thanh-tra", PASSWORD)
    UsersFile(path).add(OTHER, "quan-tri", PASSWORD)
    return path


@pytest.fixture(scope="module")
def base(published, users):
    with serving(create_app(published, users), BEHIND_A_PROXY) as url:
        yield url


@pytest.fixture(scope="module")
def inspector(base) -> requests.Session:
    session, response = log_in(base, OTHER)
    assert response.status_code == 303
    return session


def sample_path(route_path: str, samples: dict, value: str | None = None) -> str:
    """The route's path with each parameter filled (with `value` when given, else a sample of the file)."""

    def fill(match: re.Match) -> str:
        if value is not None:
            return quote(value, safe="")
        name = match.group(1)
        if route_path.startswith("/chi-so"):
            return samples["signal"]
        if name in ("thang", "month"):
            return "2025-03"
        return samples["unit"]

    return re.sub(r"\{([a-zA-Z_]+)(?::[a-z]+)?\}", fill, route_path)


def methods(route) -> list[str]:
    return sorted(m for m in route.methods if m != "HEAD")


def guarded(route) -> bool:
    return hasattr(route.endpoint, "__wrapped__")  # wrapped by web.site.page


def get_routes() -> list:
    return [r for r in ROUTES if "GET" in r.methods]


def no_data(text: str, samples: dict) -> None:
    for name in samples["unit_names"]:
        assert name not in text, f"unit name {name!r} shown without a session"
    assert not UNIT_CODE.search(text), "a unit code shown without a session"


# --- no session: no data ---------------------------------------------------------------------------------


def test_only_the_login_form_is_public():
    public = {(r.path, m) for r in ROUTES if not guarded(r) for m in methods(r)}
    assert public == {("/dang-nhap", "GET"), ("/dang-nhap", "POST")}


@pytest.mark.parametrize("cookie", [None, "forged-" + "x" * 40, ""])
def test_every_route_without_a_session_redirects_or_refuses(base, samples, cookie):
    cookies = {SESSION_COOKIE: cookie} if cookie is not None else {}
    for route in ROUTES:
        if not guarded(route):
            continue
        path = sample_path(route.path, samples)
        for method in methods(route):
            r = requests.request(method, f"{base}{path}?trang=2", cookies=cookies, allow_redirects=False,
                                 data={"csrf": "x"} if method == "POST" else None)
            if method == "GET":
                assert r.status_code == 303, (method, path, r.status_code)
                location = r.headers["location"]
                assert location.startswith("/dang-nhap?tiep=")
                assert parse_qs(urlsplit(location).query)["tiep"] == [f"{path}?trang=2"]
                assert r.content == b""
            else:
                assert r.status_code == 403, (method, path, r.status_code)
            no_data(r.text, samples)
        for method in ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] + (["POST"] if "POST" not in route.methods else []):
            r = requests.request(method, f"{base}{path}", cookies=cookies, allow_redirects=False)
            assert r.status_code in (403, 405), (method, path, r.status_code)
            no_data(r.text, samples)
            assert "frame-ancestors 'none'" in r.headers.get("content-security-policy", ""), (method, path)


def test_the_login_form_shows_no_data(base, samples):
    r = requests.get(f"{base}/dang-nhap")
    assert r.status_code == 200
    no_data(r.text, samples)


# --- injection -------------------------------------------------------------------------------------------


def query_names(html: str) -> set[str]:
    """The query parameters a page names: fields of its GET forms, keys of its links."""
    names = set()
    for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
        if re.search(r'method="?post', form, flags=re.I):
            continue
        names |= set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', form, flags=re.I))
    for href in re.findall(r'href="([^"]*\?[^"]*)"', html):
        names |= set(parse_qs(urlsplit(href.replace("&amp;", "&")).query, keep_blank_values=True))
    return names


def units_shown(response: requests.Response, injected: str) -> set[str]:
    return set(UNIT_CODE.findall(response.text)) - set(UNIT_CODE.findall(injected))


@pytest.mark.e2e  # slow: a second or more; CI runs it
def test_injection_in_every_path_and_query_parameter_fails_safely(base, inspector, samples, published, users):
    """What an injected value shows is never more than what a bogus value shows; never a 5xx."""
    before = digest(published)
    cookies = dict(inspector.cookies)
    checks = []  # (what, benign url, [(attempt, url)])
    for route in get_routes():
        if not guarded(route):
            continue
        path = sample_path(route.path, samples)
        page = inspector.get(f"{base}{path}", allow_redirects=False)
        assert page.status_code < 500, (path, page.status_code)
        if "{" in route.path:
            checks.append((route.path, f"{base}{sample_path(route.path, samples, '000.99.99.H99')}",
                           [(a, f"{base}{sample_path(route.path, samples, a)}") for a in INJECTIONS]))
        if "html" not in page.headers.get("content-type", ""):
            continue  # a download reads no query parameter
        for name in QUERY_NAMES + sorted(query_names(page.text) - set(QUERY_NAMES)):
            url = f"{base}{path}?{name}="
            checks.append((f"{path}?{name}", url + quote("zzz khong co 000.99.99.H99"),
                           [(a, url + quote(a, safe="")) for a in QUERY_INJECTIONS]))
    urls = {url for _, benign, attempts in checks for url in [benign, *(u for _, u in attempts)]}
    with ThreadPoolExecutor(4) as pool:
        answers = dict(zip(urls, pool.map(lambda u: requests.get(u, cookies=cookies, allow_redirects=False,
                                                                 timeout=60), urls), strict=True))
    for what, benign_url, attempts in checks:
        benign = answers[benign_url]
        assert benign.status_code < 500, (what, benign.status_code)
        for attempt, url in attempts:
            r = answers[url]
            assert r.status_code < 500 and r.status_code == benign.status_code, (what, attempt, r.status_code)
            assert units_shown(r, attempt) <= units_shown(benign, ""), (what, attempt)
    assert checks
    # the login form's fields are no query either (on an app of their own: these failures lock)
    with serving(create_app(published, users), BEHIND_A_PROXY) as url:
        for i, attempt in enumerate(INJECTIONS):
            for username in (attempt, USER):
                _, r = log_in(url, username, attempt, headers=from_address(f"10.9.{i}.{len(username)}"))
                assert r.status_code in (401, 429) and USER not in r.text.replace(f'value="{USER}"', "")
    assert inspector.get(f"{base}/", allow_redirects=False).status_code == 200
    assert digest(published) == before
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.units").fetchone()[0] == len(samples["unit_codes"])


# --- static files ----------------------------------------------------------------------------------------


def raw_get(base: str, raw_path: str) -> tuple[int, bytes]:
    """A GET with the path sent exactly as written (requests would normalise `..`)."""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(f"GET {raw_path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_static_files_cannot_be_walked_out_of(base):
    status, body = raw_get(base, "/static/style.css")
    assert status == 200 and body
    secrets_on_disk = [b"root:", b"create_app", b"PATH=", b"import "]
    for attempt in TRAVERSALS:
        for prefix in ("/static/", "/static//", "/static/x/"):
            status, body = raw_get(base, prefix + attempt)
            assert status in (400, 404), (prefix + attempt, status)
            assert not any(s in body for s in secrets_on_disk), prefix + attempt
    r = requests.get(f"{base}/static/style.css")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-type"].startswith("text/css")


# --- sessions --------------------------------------------------------------------------------------------


def test_a_planted_session_cookie_is_never_the_session_after_login(base):
    planted = "planted-by-attacker-" + "a" * 30
    session = requests.Session()
    session.cookies.set(SESSION_COOKIE, planted, domain="127.0.0.1", path="/")
    _, r = log_in(base, session=session)
    assert r.status_code == 303
    issued = session.cookies.get(SESSION_COOKIE)
    assert issued and issued != planted and len(issued) >= 40
    assert requests.get(f"{base}/", cookies={SESSION_COOKIE: planted}, allow_redirects=False).status_code == 303
    assert session.get(f"{base}/", allow_redirects=False).status_code == 200


def test_a_real_session_planted_before_login_is_ended_not_promoted(base):
    attacker, _ = log_in(base, OTHER)
    attacker_token = attacker.cookies.get(SESSION_COOKIE)
    victim = requests.Session()
    victim.cookies.set(SESSION_COOKIE, attacker_token, domain="127.0.0.1", path="/")
    _, r = log_in(base, USER, session=victim)
    assert r.status_code == 303
    assert victim.cookies.get(SESSION_COOKIE) != attacker_token
    assert USER in victim.get(f"{base}/").text
    assert attacker.get(f"{base}/", allow_redirects=False).status_code == 303


def test_after_logout_the_old_cookie_is_useless(base):
    session, _ = log_in(base)
    token = session.cookies.get(SESSION_COOKIE)
    page = session.get(f"{base}/")
    r = session.post(f"{base}/dang-xuat", data={"csrf": csrf_of(page.text)}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dang-nhap"
    assert session.cookies.get(SESSION_COOKIE) is None
    for method in ("GET", "POST"):
        r = requests.request(method, f"{base}/", cookies={SESSION_COOKIE: token}, allow_redirects=False)
        assert r.status_code in (303, 403, 405)
        assert USER not in r.text
    r = requests.post(f"{base}/dang-xuat", cookies={SESSION_COOKIE: token}, data={"csrf": csrf_of(page.text)},
                      allow_redirects=False)
    assert r.status_code == 403


# --- CSRF ------------------------------------------------------------------------------------------------


def test_every_post_needs_the_sessions_csrf_token(base, samples):
    session, _ = log_in(base)
    own = csrf_of(session.get(f"{base}/").text)
    other, _ = log_in(base, OTHER)
    foreign = csrf_of(other.get(f"{base}/").text)
    posts = [r for r in ROUTES if guarded(r) and "POST" in r.methods]
    assert posts, "no POST route to check"
    for route in posts:
        path = sample_path(route.path, samples)
        for data in ({}, {"csrf": ""}, {"csrf": "wrong"}, {"csrf": own[:-1]}, {"csrf": foreign}, {"csrf": own + "x"}):
            r = session.post(f"{base}{path}", data=data, allow_redirects=False)
            assert r.status_code == 403, (path, data, r.status_code)
        r = session.post(f"{base}{path}", json={"csrf": own}, allow_redirects=False)
        assert r.status_code == 403
    # nothing was done: the session is still there (the logout did not happen)
    assert session.get(f"{base}/", allow_redirects=False).status_code == 200
    assert session.post(f"{base}/dang-xuat", data={"csrf": own}, allow_redirects=False).status_code == 303
    assert other.get(f"{base}/", allow_redirects=False).status_code == 200


def test_the_login_forms_token_is_tied_to_its_cookie(base):
    a, b = requests.Session(), requests.Session()
    token_a, token_b = login_token(a, base), login_token(b, base)
    assert token_a != token_b
    assert a.cookies.get(LOGIN_COOKIE) == token_a
    data = {"username": USER, "password": PASSWORD, "tiep": "/"}
    for session, token in ((a, None), (a, ""), (a, token_b), (a, "x" * 43), (requests.Session(), token_a)):
        r = session.post(f"{base}/dang-nhap", data={**data, **({"csrf": token} if token is not None else {})},
                         allow_redirects=False)
        assert r.status_code == 403, token
        assert not any(c.startswith(f"{SESSION_COOKIE}=") for c in set_cookies(r))
    r = a.post(f"{base}/dang-nhap", data={**data, "csrf": token_a}, allow_redirects=False)
    assert r.status_code == 303 and a.cookies.get(SESSION_COOKIE)


# --- login rate limit ------------------------------------------------------------------------------------


LOCKED = "Đăng nhập sai quá nhiều lần"


def from_address(address: str) -> dict:
    """The header a reverse proxy adds; believed only from BEHIND_A_PROXY's addresses."""
    return {"X-Forwarded-For": address}


def test_five_wrong_passwords_lock_the_login(published, users):
    with serving(create_app(published, users), BEHIND_A_PROXY) as url:
        for i in range(5):
            _, r = log_in(url, USER, f"sai-mat-khau-{i}", headers=from_address(f"10.0.0.{i + 1}"))
            assert r.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng." in r.text
        _, r = log_in(url, USER, PASSWORD, headers=from_address("10.0.0.9"))  # the right password, elsewhere
        assert r.status_code == 429 and LOCKED in r.text and "thử lại sau 15 phút" in r.text
        assert 800 < int(r.headers["retry-after"]) <= 900
        assert not any(c.startswith(f"{SESSION_COOKIE}=") for c in set_cookies(r))
        _, r = log_in(url, USER.upper(), PASSWORD, headers=from_address("10.0.0.10"))  # same login, other case
        assert r.status_code == 429
        _, r = log_in(url, OTHER, PASSWORD, headers=from_address("10.0.0.9"))  # another login there: fine
        assert r.status_code == 303


def test_five_failures_lock_the_address(published, users):
    with serving(create_app(published, users), BEHIND_A_PROXY) as url:
        for i in range(5):
            _, r = log_in(url, f"khong-co-{i}", PASSWORD, headers=from_address("10.1.0.1"))
            assert r.status_code == 401
        _, r = log_in(url, USER, PASSWORD, headers=from_address("10.1.0.1"))
        assert r.status_code == 429 and LOCKED in r.text
        _, r = log_in(url, USER, PASSWORD, headers=from_address("10.1.0.2"))
        assert r.status_code == 303


def test_without_a_proxy_a_forged_forwarded_address_does_not_escape_the_lock(published, users):
    """A password spray from this machine, each try naming another X-Forwarded-For: served as `cchc web` is by
    default, the address is the connection's (127.0.0.1), locked after 5 failures (before: 12 × 401)."""
    answers = []
    with serving(create_app(published, users)) as url:
        for i in range(12):
            _, r = log_in(url, f"khong-co-{i}", f"sai-mat-khau-{i}", headers=from_address(f"203.0.113.{i + 1}"))
            answers.append(r.status_code)
        assert answers == [401] * 5 + [429] * 7
        assert LOCKED in r.text
        _, r = log_in(url, USER, PASSWORD, headers=from_address("198.51.100.7"))  # another "client": still locked
        assert r.status_code == 429 and LOCKED in r.text


@pytest.mark.parametrize("proxies", ["127.0.0.1", "127.0.0.0/8"])
def test_behind_a_named_proxy_each_forwarded_client_is_locked_on_its_own(published, users, proxies):
    """`--forwarded-allow-ips 127.0.0.1`: the proxy's X-Forwarded-For names the client, so one client's
    failures lock that client only."""
    with serving(create_app(published, users), proxy_addresses(proxies)) as url:
        for i in range(5):
            _, r = log_in(url, f"khong-co-{i}", PASSWORD, headers=from_address("198.51.100.1"))
            assert r.status_code == 401
        _, r = log_in(url, USER, PASSWORD, headers=from_address("198.51.100.1"))
        assert r.status_code == 429 and LOCKED in r.text
        for i in range(5):
            _, r = log_in(url, f"khong-co-{i}", PASSWORD, headers=from_address("198.51.100.2"))
            assert r.status_code == 401  # the other client's failures: not counted against this one
        _, r = log_in(url, USER, PASSWORD, headers=from_address("198.51.100.2"))
        assert r.status_code == 429
        _, r = log_in(url, USER, PASSWORD, headers=from_address("198.51.100.3"))
        assert r.status_code == 303
        # a proxy's address listed first by a client that forged it: the right-most untrusted one counts
        _, r = log_in(url, USER, PASSWORD, headers=from_address("198.51.100.9, 198.51.100.1"))
        assert r.status_code == 429


@pytest.mark.parametrize("given, expected", [("", []), (None, []), ("127.0.0.1", ["127.0.0.1"]),
                                             (" 10.0.0.1, ::1 ,10.1.0.0/16,", ["10.0.0.1", "::1", "10.1.0.0/16"]),
                                             ("10.1.2.3/16", ["10.1.0.0/16"]),  # as uvicorn parses networks
                                             ("0:0:0:0:0:0:0:1", ["::1"])])
def test_forwarded_allow_ips_are_addresses_or_networks(given, expected):
    assert proxy_addresses(given) == expected


@pytest.mark.parametrize("given", ["localhost", "*", "10.0.0.300", "127.0.0.1,proxy.local"])
def test_a_forwarded_allow_ips_that_is_no_address_is_refused_in_one_line(given):
    with pytest.raises(ValueError) as raised:
        proxy_addresses(given)
    assert "\n" not in str(raised.value) and "is not an IP address or network" in str(raised.value)


def test_cchc_web_believes_no_forwarded_address_unless_told(tmp_path, monkeypatch, capsys):
    """What `cchc web` hands uvicorn: no proxy-headers handling at all by default (uvicorn's own default
    believes 127.0.0.1 and ::1, or $FORWARDED_ALLOW_IPS)."""
    configs = []

    def run(server):
        configs.append(server.config)
        server.started = True

    monkeypatch.setattr(uvicorn.Server, "run", run)
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    users_file = tmp_path / "web-users.json"
    code, out = cchc(monkeypatch, capsys, users_file, "web", "--port", "1")
    assert code == 0 and "X-Forwarded-For ignored" in out
    code, out = cchc(monkeypatch, capsys, users_file, "web", "--port", "1", "--forwarded-allow-ips", "10.0.0.5,10.0.1.0/24")
    assert code == 0 and "X-Forwarded-For believed from 10.0.0.5, 10.0.1.0/24" in out
    assert configs[0].proxy_headers is False
    assert configs[1].proxy_headers is True and configs[1].forwarded_allow_ips == ["10.0.0.5", "10.0.1.0/24"]
    code, out = cchc(monkeypatch, capsys, users_file, "web", "--forwarded-allow-ips", "localhost")
    assert code == 2 and len(configs) == 2
    assert out.strip().splitlines() == ["cchc: cchc web --forwarded-allow-ips: 'localhost' is not an IP address or "
                                        "network; give the proxy's address, e.g. 127.0.0.1 or 10.0.0.0/24 "
                                        "(comma-separated)"]


def test_the_limiter_and_sessions_forget_what_is_stale():
    now = [0.0]  # a clock the test moves, instead of sleeping

    def clock() -> float:
        return now[0]

    limiter = LoginLimiter(max_failures=2, window=0.05, lock=0.05, max_keys=100, clock=clock)
    for i in range(1000):
        limiter.failed(f"login:random-{i}", "ip:10.0.0.1")
    assert limiter.locked("ip:10.0.0.1") > 0
    now[0] += 0.06
    limiter.failed("login:last", "ip:10.0.0.2")
    assert len(limiter._failures) + len(limiter._locked_until) <= 100
    assert limiter.locked("ip:10.0.0.1") == 0
    sessions = Sessions(idle_seconds=0.05, clock=clock)
    tokens = [sessions.start(User(USER, "thanh-tra"))[0] for _ in range(50)]
    now[0] += 0.06
    kept, _ = sessions.start(User(USER, "thanh-tra"))
    assert len(sessions._sessions) == 1 and sessions.get(kept) and not sessions.get(tokens[0])


# --- cookies and headers ---------------------------------------------------------------------------------


def flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


@pytest.mark.parametrize("secure", [False, True])
def test_cookie_flags(published, users, secure):
    with serving(create_app(published, users, secure_cookies=secure)) as url:
        session = requests.Session()
        form = session.get(f"{url}/dang-nhap")
        token = re.search(r'name="csrf" value="([^"]*)"', form.text).group(1)
        login_cookie = cookie_header(form, LOGIN_COOKIE)
        r = requests.post(f"{url}/dang-nhap", cookies={LOGIN_COOKIE: token}, allow_redirects=False,
                          data={"csrf": token, "username": USER, "password": PASSWORD, "tiep": "/"})
        assert r.status_code == 303
        session_cookie, cleared = cookie_header(r, SESSION_COOKIE), cookie_header(r, LOGIN_COOKIE)
        page = requests.get(f"{url}/", cookies={SESSION_COOKIE: session_cookie.split(";")[0].split("=", 1)[1]})
        logout = requests.post(f"{url}/dang-xuat", cookies={SESSION_COOKIE: session_cookie.split(";")[0].split("=", 1)[1]},
                               data={"csrf": csrf_of(page.text)}, allow_redirects=False)
        assert logout.status_code == 303
        for header in (login_cookie, session_cookie, cleared, cookie_header(logout, SESSION_COOKIE)):
            assert {"httponly", "samesite=strict", "path=/"} <= flags(header), header
            assert ("secure" in flags(header)) == secure, header
        assert "max-age" not in session_cookie.lower()  # a browser-session cookie


def check_headers(r: requests.Response, page: bool = True) -> None:
    csp = r.headers.get("content-security-policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    assert directives.get("default-src") == "'none'" and directives.get("frame-ancestors") == "'none'", csp
    assert "*" not in csp and "http" not in csp
    assert r.headers.get("x-content-type-options") == "nosniff"
    assert r.headers.get("x-frame-options") == "DENY"
    if page:
        assert "no-store" in r.headers.get("cache-control", ""), r.url
    assert re.fullmatch(r"app;dur=\d+(\.\d+)?", r.headers.get("server-timing", "")), r.url


def test_security_headers_on_every_answer(base, inspector, samples):
    check_headers(requests.get(f"{base}/dang-nhap"))
    check_headers(requests.get(f"{base}/", allow_redirects=False))
    check_headers(requests.post(f"{base}/dang-nhap", data={}, allow_redirects=False))
    check_headers(inspector.get(f"{base}/khong-co-trang-nay"))
    check_headers(requests.put(f"{base}/dang-nhap"))
    check_headers(requests.get(f"{base}/static/style.css"), page=False)
    for route in get_routes():
        r = inspector.get(f"{base}{sample_path(route.path, samples)}", allow_redirects=False)
        check_headers(r)


def test_pages_need_nothing_the_csp_forbids(base, inspector, samples):
    """No script at all, no inline style or handler: they would be blocked by the policy."""
    for route in get_routes():
        r = inspector.get(f"{base}{sample_path(route.path, samples)}", allow_redirects=False)
        if "html" not in r.headers.get("content-type", ""):
            continue
        assert not re.search(r"<script\b", r.text, flags=re.I), route.path
        assert not re.search(r"<style\b|\sstyle=", r.text, flags=re.I), route.path
        assert not re.search(r"\son[a-z]+=", r.text, flags=re.I), route.path
        assert not re.search(r"(src|href)=\"(https?:)?//", r.text, flags=re.I), route.path


# --- open redirect ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["//evil.example", "http://evil.example", "https://evil.example/", "/\\evil.example",
                                    "\\\\evil.example", "/\\/evil.example", "https:evil.example", "evil.example",
                                    "javascript:alert(1)", "/\t/evil.example", "/\n/evil.example", " //evil.example",
                                    "%2F%2Fevil.example", "", None])
def test_safe_next_keeps_to_this_site(target):
    assert safe_next(target) in ("/", target)
    resolved = urlsplit(requests.compat.urljoin("http://site.example/", safe_next(target).replace("\t", "")
                                                .replace("\n", "")))
    assert resolved.netloc == "site.example"


@pytest.mark.parametrize("target", ["//evil.example", "http://evil.example", "/\\evil.example", "/\t/evil.example"])
def test_login_never_redirects_off_site(base, target):
    form = requests.get(f"{base}/dang-nhap", params={"tiep": target})
    assert 'name="tiep" value="/"' in form.text
    _, r = log_in(base, tiep=target)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_login_goes_back_to_the_page_asked_for(base):
    _, r = log_in(base, tiep="/?trang=2")
    assert r.status_code == 303 and r.headers["location"] == "/?trang=2"


# --- the users file and its commands ---------------------------------------------------------------------


def test_the_users_file_is_private_and_holds_only_argon2id_hashes(users):
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    text = users.read_text(encoding="utf-8")
    assert PASSWORD not in text
    hashes = re.findall(r'"hash": "([^"]+)"', text)
    assert len(hashes) == 2 and all(h.startswith("$argon2id$") for h in hashes)


def test_unknown_login_and_wrong_password_look_the_same(tmp_path, base, monkeypatch):
    # an unknown login is verified against a dummy hash made with the same parameters as the real ones
    assert REAL[1].startswith("$argon2id$") and not REAL[0].check_needs_rehash(REAL[1])
    medium = PasswordHasher(time_cost=2, memory_cost=8192, parallelism=1)  # measurable, yet quick
    monkeypatch.setattr(web.users, "_HASHER", medium)
    monkeypatch.setattr(web.users, "_DUMMY", medium.hash("not a password of anyone"))
    path = tmp_path / "web-users.json"
    accounts = UsersFile(path)
    accounts.add(USER, "thanh-tra", PASSWORD)
    times = {"unknown": [], "wrong": []}
    for _ in range(3):
        for kind, login in (("unknown", "khong-co-ai"), ("wrong", USER)):
            began = time.perf_counter()
            assert accounts.verify(login, "sai-mat-khau-1") is None
            times[kind].append(time.perf_counter() - began)
    ratio = min(times["unknown"]) / min(times["wrong"])
    assert 0.5 < ratio < 2, times
    _, unknown = log_in(base, "khong-co-ai", "sai-mat-khau-1", headers=from_address("10.2.0.1"))
    _, wrong = log_in(base, USER, "sai-mat-khau-1", headers=from_address("10.2.0.2"))
    assert unknown.status_code == wrong.status_code == 401
    message = re.compile(r'class="error"[^>]*>([^<]*)<')
    assert message.search(unknown.text).group(1) == message.search(wrong.text).group(1)


def cchc(monkeypatch, capsys, users_file: Path, *argv: str, stdin: str = "") -> tuple[int, str]:
    from cchc.cli import main

    monkeypatch.setenv("CCHC_WEB_USERS", str(users_file))
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse refusing the arguments
        code = exc.code
    out = capsys.readouterr()
    return code, out.out + out.err


def test_cchc_users_add_list_remove(tmp_path, monkeypatch, capsys, cheap_hashes):
    path = tmp_path / "secret" / "web-users.json"
    code, out = cchc(monkeypatch, capsys, path, "users", "add", "thanhtra9", "--role", "quan-tri",
                     stdin="mot-mat-khau-dai\n")
    assert code == 0 and "mot-mat-khau-dai" not in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "mot-mat-khau-dai" not in path.read_text()
    assert UsersFile(path).verify("thanhtra9", "mot-mat-khau-dai").role == "quan-tri"
    assert UsersFile(path).verify("thanhtra9", "mot-mat-khau-dai\n") is None
    before = path.read_bytes()
    for login, password in (("thanhtra8", "ngan\n"), ("thanhtra8", "\n"), ("thanhtra8", ""), ("Bad Login", "mot-mat-khau-dai"),
                            ("a", "mot-mat-khau-dai"), ("x;rm -rf", "mot-mat-khau-dai"), ("../etc", "mot-mat-khau-dai"),
                            ("-bad", "mot-mat-khau-dai")):
        code, out = cchc(monkeypatch, capsys, path, "users", "add", login, stdin=password)
        assert code == 2, (login, password, out)
        assert password.strip() not in out or not password.strip()
    assert path.read_bytes() == before
    code, out = cchc(monkeypatch, capsys, path, "users", "list")
    assert code == 0 and out.split() == ["thanhtra9", "quan-tri", "Quản", "trị"]
    code, out = cchc(monkeypatch, capsys, path, "users", "remove", "khong-co-ai")
    assert code == 2 and path.read_bytes() == before
    code, out = cchc(monkeypatch, capsys, path, "users", "remove", "thanhtra9")
    assert code == 0 and UsersFile(path).list() == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert UsersFile(path).verify("thanhtra9", "mot-mat-khau-dai") is None


def test_a_removed_user_is_out_at_once(published, tmp_path, cheap_hashes):
    path = tmp_path / "web-users.json"
    UsersFile(path).add(USER, "thanh-tra", PASSWORD)
    UsersFile(path).add(OTHER, "thanh-tra", PASSWORD)
    with serving(create_app(published, path)) as url:
        session, r = log_in(url)
        other, _ = log_in(url, OTHER)
        assert session.get(f"{url}/", allow_redirects=False).status_code == 200
        UsersFile(path).remove(USER)
        UsersFile(path).add(OTHER, "quan-tri", PASSWORD)  # a role changed: log in again
        assert session.get(f"{url}/", allow_redirects=False).status_code == 303
        assert other.get(f"{url}/", allow_redirects=False).status_code == 303
        assert log_in(url)[1].status_code == 401
        UsersFile(path).add(USER, "thanh-tra", PASSWORD)  # back again: the old session stays ended
        assert session.get(f"{url}/", allow_redirects=False).status_code == 303
        assert log_in(url, OTHER, session=other)[1].status_code == 303
        assert "Quản trị" in other.get(f"{url}/").text


# --- a refresh swapping the published file ---------------------------------------------------------------


def variant(published: Path, folder: Path, day: date) -> Path:
    """A copy of the published file whose as-of date is `day` (shown in every page's footer)."""
    path = folder / f"cchc-{day:%Y%m%d}.duckdb"
    shutil.copy(published, path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE marts.publication SET as_of = ?", [day])
        con.execute("CHECKPOINT")
    return path


def open_copies(path: Path) -> list[str]:
    """Descriptors of this process on files named like `path` that were replaced (unlinked)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(path)) and target.endswith("(deleted)"):
            found.append(target)
    return found


@pytest.mark.e2e  # slow: a second or more; CI runs it
def test_a_refresh_swapping_the_file_while_serving(published, users, tmp_path):
    live = tmp_path / "warehouse" / "cchc.duckdb"
    live.parent.mkdir()
    days = [date(2025, 3, 10), date(2025, 4, 10), date(2025, 5, 10), date(2025, 6, 10)]
    versions = [variant(published, tmp_path, day) for day in days]
    shutil.copy(versions[0], live)
    app = create_app(live, users)
    with serving(app) as url:
        session, r = log_in(url)
        assert r.status_code == 303
        assert "10/03/2025" in session.get(f"{url}/").text
        failures, seen, stop = [], [], threading.Event()

        def hammer():
            s = requests.Session()
            s.cookies.update(session.cookies)
            while not stop.is_set():
                try:
                    page = s.get(f"{url}/", allow_redirects=False, timeout=30)
                    if page.status_code != 200:
                        failures.append(page.status_code)
                    seen.append(re.search(r"tính đến ngày (\S+);", page.text).group(1))
                except Exception as exc:  # noqa: BLE001 - every failure counts
                    failures.append(repr(exc))

        workers = [threading.Thread(target=hammer) for _ in range(3)]
        for w in workers:
            w.start()
        try:
            for version, day in zip(versions[1:], days[1:], strict=True):
                time.sleep(0.05)
                staged = live.with_name(".cchc-new.duckdb")
                shutil.copy(version, staged)
                os.replace(staged, live)  # what a refresh does
                assert f"{day:%d/%m/%Y}" in session.get(f"{url}/").text  # the next request sees the new file
        finally:
            time.sleep(0.05)
            stop.set()
            for w in workers:
                w.join(30)
        assert not failures, failures[:5]
        assert len(seen) > 10
        assert app.state.web.published.generations_opened == len(versions)
        assert not open_copies(live), "a replaced generation is still open"
    app.state.web.published.close()


def test_an_old_generation_stays_readable_until_its_reader_is_done(published, tmp_path):
    from reader.file import PublishedFile

    live = tmp_path / "cchc.duckdb"
    first, second = variant(published, tmp_path, date(2025, 3, 10)), variant(published, tmp_path, date(2025, 4, 10))
    shutil.copy(first, live)
    files = PublishedFile(live)
    as_of = "SELECT as_of FROM marts.publication"
    with files.cursor() as old:
        assert old.execute(as_of).fetchone()[0] == date(2025, 3, 10)
        shutil.copy(second, live.with_name("staged"))
        os.replace(live.with_name("staged"), live)
        with files.cursor() as new:
            assert new.execute(as_of).fetchone()[0] == date(2025, 4, 10)
        assert old.execute(as_of).fetchone()[0] == date(2025, 3, 10)  # the reader keeps its file
        assert open_copies(live)
    assert not open_copies(live)  # closed once its reader finished
    for i, day in enumerate([date(2025, 5, 10), date(2025, 3, 10), date(2025, 6, 10)]):
        shutil.copy(variant(published, tmp_path, day), live.with_name("staged"))
        os.replace(live.with_name("staged"), live)
        with files.cursor() as cur:
            assert cur.execute(as_of).fetchone()[0] == day, i  # a reused descriptor number never serves old data
    files.close()
    assert not open_copies(live)


def test_the_apps_database_reaches_no_other_file(published, tmp_path):
    from reader.file import PublishedFile

    files = PublishedFile(published)
    with files.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM marts.units").fetchone()[0] > 0
        for statement in ("SELECT * FROM read_csv('/etc/passwd')", f"COPY marts.units TO '{tmp_path}/out.csv'",
                          f"ATTACH '{tmp_path}/other.duckdb' AS other", "SET enable_external_access = true",
                          "DROP TABLE marts.units", "INSTALL httpfs"):
            with pytest.raises(duckdb.Error):
                cur.execute(statement)
    files.close()
    assert not list(tmp_path.iterdir())


def test_an_unexpected_error_is_one_sentence_with_the_security_headers(published, users):
    app = create_app(published, users)

    async def broken(request):
        raise RuntimeError("a secret detail that must not reach the browser")

    app.router.routes.append(Route("/hong", broken))
    with serving(app) as url:
        r = requests.get(f"{url}/hong")
    assert r.status_code == 500 and "báo cán bộ kỹ thuật" in r.text
    assert "secret detail" not in r.text and "Traceback" not in r.text
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.e2e  # slow: a second or more; CI runs it
def test_the_login_form_says_when_the_data_are_simulated(published, users, tmp_path):
    simulated = tmp_path / "cchc.duckdb"
    shutil.copy(published, simulated)
    with duckdb.connect(str(simulated)) as con:
        con.execute("UPDATE marts.publication SET simulated = true, data_kind = 'DỮ LIỆU MÔ PHỎNG', "
                    "note_vi = 'Dữ liệu mô phỏng của thành phố giả lập.'")
    with serving(create_app(simulated, users)) as url:
        shown = requests.get(f"{url}/dang-nhap").text
    with serving(create_app(published, users)) as url:
        real = requests.get(f"{url}/dang-nhap").text
    assert "DỮ LIỆU MÔ PHỎNG</strong> — Dữ liệu mô phỏng của thành phố giả lập." in shown
    assert "DỮ LIỆU MÔ PHỎNG" not in real
