"""Unit names as clerks type them: aliases, abbreviations, old-style tone marks, NFD, stray spaces."""

from __future__ import annotations

import random
import unicodedata

from simulator.directory import Unit

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_PAIRS = {("o", "a"), ("o", "e"), ("u", "y")}

# Names that belong to no unit of the directory: sections, committees, bodies outside the PC system.
UNRESOLVABLE = (
    "Phòng Nội vụ quận Ba Đình",
    "Ban Chỉ đạo cải cách hành chính thành phố",
    "Công an thành phố Hà Nội",
    "Bộ Chỉ huy Quân sự thành phố",
    "Tổ công tác 61",
)


def old_style_tones(text: str) -> str:
    """Move the tone mark of words ending in oa/oe/uy onto the last vowel (`hòa` → `hoà`, `ủy` → `uỷ`)."""
    words = []
    for word in text.split(" "):
        groups: list[list[str]] = []
        for ch in unicodedata.normalize("NFD", word):
            if unicodedata.combining(ch) and groups:
                groups[-1].append(ch)
            else:
                groups.append([ch])
        if len(groups) >= 2:
            a, b = groups[-2][0].lower(), groups[-1][0].lower()
            after_q = len(groups) >= 3 and groups[-3][0].lower() == "q"
            if (a, b) in _PAIRS and not after_q:
                tones = [m for m in groups[-2][1:] if m in _TONES]
                if tones:
                    groups[-2] = [m for m in groups[-2] if m not in _TONES]
                    groups[-1] = groups[-1] + tones
        words.append(unicodedata.normalize("NFC", "".join("".join(g) for g in groups)))
    return " ".join(words)


def _abbreviated(name: str) -> str:
    """`Ủy ban nhân dân quận Ba Đình` → `UBND q.Ba Đình` and the like."""
    if not name.startswith("Ủy ban nhân dân "):
        return name
    rest = name[len("Ủy ban nhân dân "):]
    for word, abbr in (("quận ", "q."), ("huyện ", "H."), ("thị xã ", "TX."), ("phường ", "P. "),
                       ("thị trấn ", "tt."), ("thành phố ", "TP ")):
        if rest.startswith(word):
            return "UBND " + abbr + rest[len(word):]
    return "UBND " + rest


def typed_name(unit: Unit, rng: random.Random) -> str:
    """One way a clerk might type this unit's name; every variant resolves by the spec's name key."""
    r = rng.random()
    if r < 0.55:
        return unit.name
    if r < 0.70:
        return rng.choice(unit.aliases) if unit.aliases else unit.name
    if r < 0.80:
        return _abbreviated(unit.name)
    if r < 0.88:
        return old_style_tones(unit.name)
    if r < 0.94:
        return unicodedata.normalize("NFD", unit.name)
    if r < 0.97:
        return "  " + unit.name.replace(" ", "\u00a0", 1).upper() + " "
    return unit.name.lower().replace(" ", "  ")
