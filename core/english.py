"""The operators' English output: a count with its noun in the right number ("1 system", "2 systems",
"1,234 records"), thousands with a comma as English writes them. Vietnamese output: `core.vietnamese`."""

from __future__ import annotations


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """`count` and the noun, singular for exactly 1: counted(1, "system") = "1 system",
    counted(0, "system") = "0 systems", counted(2, "entry", "entries") = "2 entries"."""
    noun = singular if count == 1 else plural or f"{singular}s"
    return f"{count:,} {noun}"
