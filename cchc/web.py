"""`cchc web` serves the inspectors' web app; `cchc users add|remove|list` keeps its accounts."""

from __future__ import annotations

import getpass
import ipaddress
import sys

import uvicorn

from core.settings import Settings
from web.app import create_app
from web.users import UsersFile, users_path


def proxy_addresses(text: str | None) -> list[str]:
    """`--forwarded-allow-ips`: comma-separated addresses or networks of the reverse proxies whose
    X-Forwarded-For is believed; empty (the default) believes none."""
    found = []
    for item in (part.strip() for part in (text or "").split(",") if part.strip()):
        try:  # written as uvicorn reads them: it takes what it cannot parse for a name that never matches
            found += [str(ipaddress.ip_network(item, strict=False)) if "/" in item else str(ipaddress.ip_address(item))]
        except ValueError:
            raise ValueError(f"cchc web --forwarded-allow-ips: {item!r} is not an IP address or network; give the "
                             f"proxy's address, e.g. 127.0.0.1 or 10.0.0.0/24 (comma-separated)") from None
    return found


def server_config(app, host: str, port: int, forwarded_allow_ips: list[str] = ()) -> uvicorn.Config:
    """How `cchc web` serves the app. The client address (the login lock's key) is the socket's unless it is
    one of `forwarded_allow_ips`: uvicorn's own default would believe X-Forwarded-For from 127.0.0.1 and
    ::1 (or $FORWARDED_ALLOW_IPS), so a client on this machine could name any address it liked."""
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, server_header=False,
                          proxy_headers=bool(forwarded_allow_ips),
                          forwarded_allow_ips=list(forwarded_allow_ips) or None)


def run_web(host: str, port: int, secure_cookies: bool = False, forwarded_allow_ips: str | None = None) -> int:
    proxies = proxy_addresses(forwarded_allow_ips)
    settings = Settings.from_env()
    users = users_path(settings.state_path)
    if not UsersFile(users).list():
        print(f"cchc web: there is no account yet in {users}; add one with `cchc users add LOGIN --role quan-tri`",
              file=sys.stderr)
    trust = f"X-Forwarded-For believed from {', '.join(proxies)}" if proxies else "X-Forwarded-For ignored"
    print(f"cchc web: http://{host}:{port}/ — published file {settings.warehouse}, accounts {users}, {trust}",
          flush=True)
    server = uvicorn.Server(server_config(create_app(settings.warehouse, users, secure_cookies=secure_cookies),
                                          host, port, proxies))
    try:
        server.run()
    except KeyboardInterrupt:
        pass  # uvicorn has shut down already
    if not server.started:
        print(f"cchc web: could not listen on {host}:{port} (uvicorn's error above); free the port or choose "
              f"another with --port", file=sys.stderr)
        return 1
    return 0


def run_users(args) -> int:
    users = UsersFile(users_path(Settings.from_env().state_path))
    if args.action == "list":
        for user in users.list():
            print(f"{user.login}\t{user.role}\t{user.role_vi}")
        return 0
    if args.action == "remove":
        users.remove(args.login)
        print(f"removed {args.login}")
        return 0
    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.login}: ")
        if getpass.getpass("again: ") != password:
            print("cchc users: the two passwords differ; nothing changed", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    user = users.add(args.login, args.role, password)
    print(f"{user.login}: {user.role} ({user.role_vi}); only a slow hash of the password is kept, in {users.path}")
    return 0



