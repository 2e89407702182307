"""The key of a unit name (spec/sources.md, "Unit names"): how typed names are matched to units.

`name_key` is the spec's key: names match when their keys are equal. `search_key` is looser, for people
looking a unit up (`cchc brief --unit`): the same key with every diacritic dropped, so "phuong ba dinh"
finds "Phường Ba Đình". It is never used to resolve source records.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave, acute, tilde, hook above, dot below
_PAIRS = frozenset({("o", "a"), ("o", "e"), ("u", "y")})
_WORD_ABBREVIATIONS = {"ubnd": "ủy ban nhân dân", "tp": "thành phố"}
# dotted ones may be glued to the next word: "q.Ba" is "quận ba"
_DOTTED_ABBREVIATIONS = (("tx.", "thị xã"), ("tt.", "thị trấn"), ("tp.", "thành phố"), ("q.", "quận"),
                         ("h.", "huyện"), ("p.", "phường"))


def _modern_tone(word: str) -> str:
    """`hoà` → `hòa`, `uỷ` → `ủy`, `khoẻ` → `khỏe`: the tone goes on the first vowel of a final oa/oe/uy."""
    groups: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", word):
        if groups and unicodedata.combining(ch):
            groups[-1].append(ch)
        else:
            groups.append([ch])
    if len(groups) < 2 or (groups[-2][0], groups[-1][0]) not in _PAIRS:
        return word
    if len(groups) >= 3 and groups[-3][0] == "q":
        return word
    tones = [m for m in groups[-1][1:] if m in _TONES]
    if not tones or any(m in _TONES for m in groups[-2][1:]):
        return word
    groups[-1] = [m for m in groups[-1] if m not in _TONES]
    groups[-2] = groups[-2] + tones
    return unicodedata.normalize("NFC", "".join("".join(g) for g in groups))


def _expand_abbreviations(words: list[str]) -> list[str]:
    out: list[str] = []
    rest = list(words)
    while rest:
        word = rest[0]
        if word in _WORD_ABBREVIATIONS:
            out.append(_WORD_ABBREVIATIONS[word])
            rest.pop(0)
            continue
        for abbr, expansion in _DOTTED_ABBREVIATIONS:
            if word.startswith(abbr):
                out.append(expansion)
                glued = word[len(abbr):]
                if glued:
                    rest[0] = glued
                else:
                    rest.pop(0)
                break
        else:
            break  # the first ordinary word ends the abbreviations
    return out + rest


def name_key(name: str | None) -> str | None:
    """The matching key of a typed unit name, or None for a missing or blank name."""
    if name is None:
        return None
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", name).lower()).strip()
    if not text:
        return None
    words = [_modern_tone(w) for w in text.split(" ")]
    return " ".join(_expand_abbreviations(words))


# Letters without a decomposition that a toneless search must still fold: đ, and the look-alike eth (Ð, ð)
# that old-encoding converters sometimes leave in place of Đ.
_PLAIN_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_PLAIN_LETTERS))
    # every mark (Mn, and the rare spacing or enclosing ones a random text may hold), not only the tones
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M")))


def search_key(text: str | None) -> str | None:
    """The tone-insensitive key of a typed name: its `name_key` with every diacritic removed and đ made d
    ("UBND q.Ba Đình" → "uy ban nhan dan quan ba dinh"); None for a missing or blank name.

    Diacritics are dropped before the key as well as after, so a mark typed on an abbreviation ("úbnd")
    does not stop its expansion, and the key of a search key is itself."""
    if text is None:
        return None
    key = name_key(_strip_diacritics(text))
    return " ".join(_strip_diacritics(key).split()) or None if key else None
