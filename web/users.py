"""The web app's accounts: a JSON file outside the published file, readable only by its owner (0600),
holding for each login its role and an Argon2id hash of its password — never the password.

`cchc users add LOGIN --role thanh-tra|thu-ky|truong-doan|quan-tri` (the password from standard input) and
`cchc users remove LOGIN` edit it; the app reads it on every login attempt, so a change needs no restart.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core import clock
from core.errors import PipelineError, writing_in

ROLES = {
    "thanh-tra": "Thanh tra viên",  # reads every page
    "thu-ky": "Thư ký đoàn kiểm tra",  # and uploads the register's workbooks
    "truong-doan": "Trưởng đoàn kiểm tra",  # and draws units for surprise inspections, reads the draws' log
    "quan-tri": "Quản trị",  # keeps the accounts
}
"""Every role reads; each of the others may also do what its comment says (the web app checks on every request)."""
LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD = 10

_HASHER = PasswordHasher()  # Argon2id, the library's defaults (RFC 9106 low-memory profile)
# a hash to verify against when the login does not exist, so that an unknown login takes as long as a known one
_DUMMY = _HASHER.hash("not a password of anyone")


class UsersError(PipelineError):
    """A users-file command cannot be done; the message is what the operator reads."""


@dataclass(frozen=True)
class User:
    login: str
    role: str

    @property
    def role_vi(self) -> str:
        return ROLES[self.role]


def users_path(state_path: Path, env: dict[str, str] | None = None) -> Path:
    """`CCHC_WEB_USERS`, else `web-users.json` beside the pipeline state (never inside the published file)."""
    value = (os.environ if env is None else env).get("CCHC_WEB_USERS", "").strip()
    return Path(value) if value else state_path.with_name("web-users.json")


class UsersFile:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._cached: tuple[tuple[int, int, int], dict[str, dict]] | None = None

    def _read(self) -> dict[str, dict]:
        """The accounts; the file is parsed again only when it changed (the app asks on every request)."""
        try:
            st = os.stat(self.path)
            identity = (st.st_ino, st.st_size, st.st_mtime_ns)
            if self._cached is not None and self._cached[0] == identity:
                return dict(self._cached[1])
            with open(self.path, encoding="utf-8") as f:
                users = json.load(f).get("users", {})
            self._cached = (identity, users)
            return dict(users)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise UsersError(f"the users file {self.path} cannot be read ({type(exc).__name__})",
                             "restore it from a backup, or remove it and add the users again") from None

    def _write(self, users: dict[str, dict]) -> None:
        """A new file beside the old one, swapped in: a failed write (a full disk) leaves the old one whole,
        and a folder that cannot be written is one line (FolderNotWritable)."""
        with writing_in(self.path.parent, "the users file", "CCHC_WEB_USERS"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".web-users-", dir=self.path.parent)
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump({"users": users}, f, ensure_ascii=False, indent=1, sort_keys=True)
                os.replace(tmp, self.path)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise

    def add(self, login: str, role: str, password: str) -> User:
        if not LOGIN.fullmatch(login):
            raise UsersError(f"login {login!r} is not valid", "use 2–40 lowercase letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise UsersError(f"role {role!r} is not known", f"use one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise UsersError(f"the password is shorter than {MIN_PASSWORD} characters", "choose a longer one")
        users = self._read()
        users[login] = {"role": role, "hash": _HASHER.hash(password),
                        "changed_at": clock.now_local().replace(microsecond=0).isoformat()}
        self._write(users)
        return User(login, role)

    def remove(self, login: str) -> None:
        users = self._read()
        if login not in users:
            raise UsersError(f"there is no user {login!r}", "`cchc users list` shows them")
        del users[login]
        self._write(users)

    def list(self) -> list[User]:
        return [User(login, entry["role"]) for login, entry in sorted(self._read().items())]

    def current(self, login: str) -> User | None:
        """The user as the file has them now (None once removed): a session ends when its user changed."""
        entry = self._read().get(login)
        return User(login, entry["role"]) if entry else None

    def verify(self, login: str, password: str) -> User | None:
        """The user when the password is theirs; None otherwise (in about the same time either way)."""
        entry = self._read().get(login)
        try:
            _HASHER.verify(entry["hash"] if entry else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        return User(login, entry["role"]) if entry else None
