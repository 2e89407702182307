"""Small file systems of a test's own: a tmpfs of a few megabytes, a folder made read-only, a disk filled up.

Each is mounted on a folder the test made and unmounted in a `finally`; without the right to mount (not
root, or a container without CAP_SYS_ADMIN) the test is skipped, saying so. Root ignores file modes, so a
read-only folder is a read-only bind mount of it, not a chmod.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

MB = 2**20


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"these tests mount a small file system of their own, and `mount {' '.join(args)}` was "
                    f"refused (run them as root): {done.stderr.strip()}")


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", "--lazy", str(folder)], check=True, capture_output=True)


@contextmanager
def tmpfs(folder: Path, megabytes: int) -> Iterator[Path]:
    """A tmpfs of `megabytes` mounted on `folder` (made here)."""
    folder.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        _unmount(folder)


def resize(folder: Path, megabytes: int) -> None:
    """Give a mounted tmpfs another size: what an operator does who frees space."""
    subprocess.run(["mount", "-o", f"remount,size={megabytes}m", str(folder)], check=True, capture_output=True)


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """`folder` as it is, but read-only for everyone (root too) until the block ends."""
    _mount("--bind", str(folder), str(folder))
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True, capture_output=True)
        yield folder
    finally:
        _unmount(folder)


def free(folder: Path) -> int:
    st = os.statvfs(folder)
    return st.f_bavail * st.f_frsize


def fill(folder: Path, leave: int = 0, name: str = "ballast") -> Path:
    """Take the free space of `folder`'s file system, all but about `leave` bytes, with one file."""
    ballast = folder / name
    with open(ballast, "ab") as f:
        block = b"\0" * MB
        while free(folder) > leave:
            size = min(MB, free(folder) - leave)
            try:
                f.write(block[:max(size, 1)])
                f.flush()
            except OSError:
                break
    return ballast


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> dict[str, int]:
    """Every file of the folder with its size."""
    return {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}
