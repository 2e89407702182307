"""Stable seeds: every random stream is derived from (seed, name parts), never from Python's hash()."""

from __future__ import annotations

import hashlib
import random


def stable_int(*parts: object, bits: int = 64) -> int:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=bits // 8).digest()
    return int.from_bytes(digest, "big")


def stream(*parts: object) -> random.Random:
    """An independent random stream for one (seed, system, day, ...) tuple."""
    return random.Random(stable_int(*parts))


def unit_float(*parts: object) -> float:
    """A deterministic number in [0, 1) for a key: cheap per-record draws without a stream."""
    return stable_int(*parts, bits=64) / 2**64
