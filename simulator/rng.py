"""Stable seeds: every random stream is derived from (seed, name parts), never from Python's hash()."""

from __future__ import annotations

import hashlib
import random


def stable_int(*parts: object, bits: int = 64) -> int:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=bits // 8).digest()
    return int.from_bytes(digest, "big")


class FastRandom(random.Random):
    """random.Random with the integer draws done in one multiplication: they dominate generation time."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


def stream(*parts: object) -> FastRandom:
    """An independent random stream for one (seed, system, day, ...) tuple."""
    return FastRandom(stable_int(*parts))


def unit_float(*parts: object) -> float:
    """A deterministic number in [0, 1) for a key: cheap per-record draws without a stream."""
    return stable_int(*parts, bits=64) / 2**64
