"""An exclusive advisory lock on a file (flock): held by one process at a time, released by the kernel
when that process dies, however it dies — so a killed refresh never leaves a lock behind."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from core.errors import writing_in


class FileLock:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self, timeout: float, on_busy: Callable[[], None] | None = None) -> bool:
        """Take the lock, waiting up to `timeout` seconds; `on_busy` is called once if it must wait.
        False when it could not be had in time; FolderNotWritable when the lock file cannot be created."""
        with writing_in(self.path.parent):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(str(self.path), os.O_RDWR | os.O_CREAT, 0o644)
        deadline, told = time.monotonic() + timeout, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fd = fd
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                if on_busy is not None and not told:
                    on_busy()
                    told = True
                time.sleep(0.2)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
