"""`cchc web` serves the inspectors' web app; `cchc users add|remove|list` keeps its accounts."""

from __future__ import annotations

import getpass
import sys

import uvicorn

from core.settings import Settings
from web.app import create_app
from web.users import UsersFile, users_path


def run_web(host: str, port: int, secure_cookies: bool = False) -> int:
    settings = Settings.from_env()
    users = users_path(settings.state_path)
    if not UsersFile(users).list():
        print(f"cchc web: there is no account yet in {users}; add one with `cchc users add LOGIN --role quan-tri`",
              file=sys.stderr)
    print(f"cchc web: http://{host}:{port}/ — published file {settings.warehouse}, accounts {users}", flush=True)
    uvicorn.run(create_app(settings.warehouse, users, secure_cookies=secure_cookies), host=host, port=port,
                log_level="warning", access_log=False, server_header=False)
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



