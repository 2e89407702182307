"""Errors an operator reads: one line that names the system or variable and what to do.

Messages never carry secrets, tokens, query strings or record content. `str(error)` is the whole
readable message; tracebacks are for developers.
"""

from __future__ import annotations

import errno
import getpass
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""

    hint: str = ""

    def __init__(self, message: str, hint: str = ""):
        self.hint = hint
        hint = hint[:1].upper() + hint[1:]
        super().__init__(f"{message}. {hint}".rstrip(". ") + "." if hint else message)


class ConfigError(PipelineError):
    """A configuration variable is missing or wrong. Names the variable, never echoes its value."""

    def __init__(self, variable: str, problem: str, hint: str = ""):
        self.variable = variable
        super().__init__(f"configuration {variable}: {problem}", hint)


class SourceError(PipelineError):
    """A source system failed in a way retries did not fix (or must not fix)."""

    def __init__(self, system: str, problem: str, hint: str = "", path: str | None = None,
                 status: int | None = None, attempts: int | None = None):
        self.system = system
        self.path = path
        self.status = status
        self.attempts = attempts
        where = f" {path}" if path else ""
        super().__init__(f"{system}{where}: {problem}", hint)


class AuthError(SourceError):
    """The gateway refused the client credentials (`invalid_client`): never retried."""


class PagingError(SourceError):
    """Paging that cannot be trusted: a repeated cursor or link, a page that lies about its total,
    a window that keeps moving, a malformed page."""


class StateError(PipelineError):
    """The pipeline's working DuckDB cannot be used as it is."""


class StateLocked(StateError):
    """Another process holds the pipeline's working DuckDB for writing."""


class StateSchemaError(StateError):
    """The state file's layout cannot be upgraded without losing data: an explicit step is needed."""


class SourceChanged(PipelineError):
    """A system's stored records came from another source than the one configured now."""

    def __init__(self, system: str, stored: str, current: str):
        self.system = system
        super().__init__(
            f"{system}: the pipeline state holds records from «{stored}», but this run reads «{current}»; "
            "they are never merged",
            f"if the new source is right, start the system over with `cchc reset {system}` (its raw records, "
            "cursor and rejects are dropped and the next refresh reads it again from CCHC_SYNC_START); "
            "otherwise restore the configuration, or point CCHC_WAREHOUSE at another folder")


# --- a folder that cannot be written ---------------------------------------------------------------------

_CANNOT_WRITE = {
    errno.ENOSPC: ("no space is left on the disk", "free space there", "on another disk"),
    errno.EDQUOT: ("the disk quota of user {user} is used up", "free space there or raise the quota", "on another disk"),
    errno.EROFS: ("the file system is read-only", "remount it read-write", "in a writable folder"),
    errno.EACCES: ("user {user} may not write there", "give {user} write access to it", "in a writable folder"),
    errno.EPERM: ("user {user} may not write there", "give {user} write access to it", "in a writable folder"),
}
"""The errors an operator causes (and fixes) when a folder cannot take a write: what happened, what to do."""

_PATH_IN_MESSAGE = re.compile(r'file "([^"]+)"|: \'([^\']+)\'$')
"""The file a message names: DuckDB's `Could not write file "…": …`, an OSError's `[Errno N] …: '…'`."""


class FolderNotWritable(PipelineError):
    """A folder the platform writes in cannot take the write: a full disk, a used-up quota, a read-only file
    system, a folder this user may not write in. The operator's to fix, never a bug: names the folder."""

    def __init__(self, folder: str | Path, code: int, what: str = "", setting: str = "", free: int | None = None):
        self.folder, self.code = Path(folder), code
        user = _user()
        problem, fix, elsewhere = (text.format(user=user) for text in _CANNOT_WRITE[code])
        if code == errno.ENOSPC and free is not None:
            problem += f" ({megabytes(free)} free now)"
        self.problem = f"cannot write {what + ' ' if what else ''}in {self.folder}: {problem}"
        super().__init__(self.problem, f"{fix}{_or_set(setting, elsewhere)}, then run again")


class NotEnoughSpace(FolderNotWritable):
    """Refused before writing: the file to be written needs more space than the folder has."""

    def __init__(self, folder: str | Path, what: str, needed: int, free: int, estimate: str, setting: str = ""):
        self.folder, self.code, self.needed, self.free = Path(folder), errno.ENOSPC, needed, free
        self.problem = (f"not enough space in {folder} for {what}: it needs about {megabytes(needed)} ({estimate}), "
                        f"{megabytes(free)} are free; nothing was written")
        PipelineError.__init__(self, self.problem, f"free space there{_or_set(setting, 'on another disk')}, then run again")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a uid without a name (some containers)
        return f"uid {os.getuid()}"


def _or_set(setting: str, where: str) -> str:
    return f" (or set {setting} to a path {where})" if setting else ""


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def not_writable(error: BaseException | str, folder: str | Path | None = None, what: str = "",
                 setting: str = "") -> FolderNotWritable | None:
    """The FolderNotWritable that `error` (an OSError, a DuckDB error, the text of one, or an error they
    caused) amounts to, naming `folder` (else the folder of the file the error names); None when it is about
    something else, or names no file and no folder is given.

    DuckDB's errors carry no errno, only the system's text of it (`No space left on device`): that is what
    is matched. The causes are looked at too: the error of a cleanup (a ROLLBACK after a COMMIT that could
    not be written) may be the one raised."""
    for each in _chain(error):
        if isinstance(each, FolderNotWritable):
            return each
        found = _cannot_write(each)
        if found is not None:
            code, path = found
            break
    else:
        return None
    if folder is None and not path:
        return None
    folder = Path(os.path.abspath(folder if folder is not None else os.path.dirname(path) or "."))
    return FolderNotWritable(folder, code, what, setting, free=_free(folder) if code == errno.ENOSPC else None)


def _chain(error: BaseException | str) -> list[BaseException | str]:
    chain = []
    while error is not None and not any(error is seen for seen in chain):
        chain.append(error)
        error = None if isinstance(error, str) else (error.__cause__ or error.__context__)
    return chain


def _cannot_write(error: BaseException | str) -> tuple[int, str | None] | None:
    """(errno, the file named) when `error` says a write was refused for one of the operator's reasons."""
    if isinstance(error, OSError):
        return (error.errno, os.fsdecode(error.filename) if error.filename else None) \
            if error.errno in _CANNOT_WRITE else None
    text = str(error)
    code = next((c for c in _CANNOT_WRITE if os.strerror(c) in text), None)
    if code is None:
        return None
    found = _PATH_IN_MESSAGE.search(text)
    return code, (found.group(1) or found.group(2)) if found else None


def _free(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


@contextmanager
def writing_in(folder: str | Path | None, what: str = "", setting: str = "") -> Iterator[None]:
    """Raise the FolderNotWritable that an error inside the block amounts to (the original as its cause)."""
    try:
        yield
    except Exception as exc:
        error = not_writable(exc, folder, what, setting)
        if error is None or error is exc:
            raise
        raise error from exc
