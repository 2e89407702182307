"""The draws' audit log: one JSON line per draw, in a file only its owner can read or write (mode 0600).

Path: `CCHC_DRAW_LOG`, else `draws.jsonl` beside the pipeline state (the published file's folder, e.g.
`warehouse/draws.jsonl`). The file is created 0600; an existing file that others can read or write is
refused (the draws in it may already have been seen): the operator checks who could read it and runs
`chmod 600 FILE`. Nothing of a draw is written anywhere else.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from cchc.draw.candidates import DrawError
from core.errors import FolderNotWritable, PipelineError, not_writable

LOG_VARIABLE = "CCHC_DRAW_LOG"


def log_path(state_path: Path, env: dict[str, str] | None = None) -> Path:
    """`CCHC_DRAW_LOG`, else `draws.jsonl` in the pipeline state's folder."""
    value = (os.environ if env is None else env).get(LOG_VARIABLE, "").strip()
    return Path(value) if value else state_path.with_name("draws.jsonl")


def _check_private(path: Path, fd: int) -> None:
    mode = stat.S_IMODE(os.fstat(fd).st_mode)
    if mode & 0o077:
        raise DrawError(f"nhật ký bốc thăm {path} đang để người khác đọc hoặc ghi được (quyền {mode:o}); danh sách "
                        f"bốc thăm phải được giữ kín: hãy kiểm tra ai đã có thể đọc tệp, rồi chạy `chmod 600 {path}` "
                        f"và bốc lại (the draw log must be mode 600)")


def read_entries(path: Path) -> list[dict]:
    """Every draw logged, oldest first (none when the file does not exist yet)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return []
    except PermissionError:
        raise DrawError(f"không đọc được nhật ký bốc thăm {path}: tệp thuộc người khác hoặc không có quyền đọc") from None
    with os.fdopen(fd, encoding="utf-8") as handle:
        _check_private(path, handle.fileno())
        return [json.loads(line) for line in handle if line.strip()]


def find_entry(path: Path, draw_id: str) -> dict:
    for entry in read_entries(path):
        if entry["id"] == draw_id:
            return entry
    raise DrawError(f"không có lần bốc thăm {draw_id} trong nhật ký {path} (xem `cchc draw --list`)")


def new_id(path: Path, drawn_at: datetime) -> str:
    """`D-YYYYMMDD-xxxx`, not yet in the log."""
    taken = {entry["id"] for entry in read_entries(path)}
    while True:
        candidate = f"D-{drawn_at:%Y%m%d}-{secrets.token_hex(2)}"
        if candidate not in taken:
            return candidate


def append(path: Path, entry: dict) -> None:
    """Append one entry as one line, under an exclusive lock, and flush it to disk; the file is created 0600.
    A write that fails (a full disk) is undone: the log never keeps half a line."""
    with _writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            _check_private(path, fd)
            fcntl.flock(fd, fcntl.LOCK_EX)
            end = os.lseek(fd, 0, os.SEEK_END)
            data = memoryview((json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
            try:
                while data:
                    data = data[os.write(fd, data):]
                os.fsync(fd)
            except OSError:
                os.ftruncate(fd, end)
                raise
        finally:
            os.close(fd)


_VIETNAMESE = {
    errno.ENOSPC: ("ổ đĩa đã đầy", "giải phóng dung lượng ở đó"),
    errno.EDQUOT: ("người dùng đã hết hạn mức dung lượng đĩa", "giải phóng dung lượng hoặc nâng hạn mức"),
    errno.EROFS: ("hệ thống tệp chỉ cho phép đọc", "gắn lại (remount) ổ đĩa ở chế độ ghi được"),
    errno.EACCES: ("người dùng này không có quyền ghi ở đó", "cấp quyền ghi cho người dùng này"),
    errno.EPERM: ("người dùng này không có quyền ghi ở đó", "cấp quyền ghi cho người dùng này"),
}


class DrawLogNotWritable(FolderNotWritable):
    """The draw log cannot be written: the draw is not made (nothing shown, nothing logged)."""

    def __init__(self, path: Path, cause: FolderNotWritable):
        problem, fix = _VIETNAMESE[cause.code]
        PipelineError.__init__(self, f"không ghi được nhật ký bốc thăm {path} (thư mục {cause.folder}): {problem}; "
                                     f"chưa bốc thăm — hãy {fix} (hoặc đặt {LOG_VARIABLE} sang thư mục khác) rồi bốc "
                                     f"lại ({cause.problem})")
        self.folder, self.code, self.problem = cause.folder, cause.code, cause.problem


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        cause = not_writable(exc, path.parent, "the draw log")
        if cause is None:
            raise
        raise DrawLogNotWritable(path, cause) from exc
