"""Property-based tests of the unit-name key: what a clerk may vary never changes the key."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from models.names import name_key, search_key
from simulator.directory import Directory
from simulator.naming import old_style_tones

_UNITS = Directory(seed=61).units
SYLLABLES = sorted({w for u in _UNITS for name in (u.name, *u.aliases) for w in name.split()} |
                   {"hòa", "thụy", "khỏe", "ủy", "quý", "hoàng", "thuyết", "UBND", "q.", "TP", "tt."})
SPACES = st.sampled_from([" ", "  ", "\u00a0", "\t", " \u00a0 "])
names = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=8).map(" ".join)


@given(names)
def test_decomposition_does_not_change_the_key(name):
    assert name_key(unicodedata.normalize("NFD", name)) == name_key(name)


@given(names)
def test_case_does_not_change_the_key(name):
    assert name_key(name.upper()) == name_key(name) == name_key(name.lower())


@given(st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=8), st.data())
def test_whitespace_runs_do_not_change_the_key(words, data):
    spaced = data.draw(SPACES) + "".join(w + data.draw(SPACES) for w in words)
    assert name_key(spaced) == name_key(" ".join(words))


@given(names)
def test_old_style_tone_marks_do_not_change_the_key(name):
    assert name_key(old_style_tones(name)) == name_key(name)


@given(names)
def test_the_key_is_its_own_key(name):
    key = name_key(name)
    assert name_key(key) == key


@settings(max_examples=300)
@given(st.text())
def test_any_text_has_a_key_or_none_and_never_raises(text):
    key = name_key(text)
    assert key is None or (key == key.strip() and "  " not in key and key == unicodedata.normalize("NFC", key))
    assert (key is None) == (not text.strip())


# --- the tone-insensitive search key (cchc brief --unit)


def _toneless(text: str) -> str:
    """Every combining mark dropped and đ made d: how a name is typed on a keyboard without Vietnamese input."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


@given(names)
def test_the_search_key_is_its_own_search_key(name):
    key = search_key(name)
    assert search_key(key) == key


@given(names)
def test_typing_without_diacritics_keeps_the_search_key(name):
    assert search_key(_toneless(name)) == search_key(name)
    assert search_key(_toneless(name).upper()) == search_key(name)


@given(names)
def test_names_with_one_key_have_one_search_key(name):
    for variant in (old_style_tones(name), unicodedata.normalize("NFD", name), name.upper()):
        assert name_key(variant) == name_key(name)
        assert search_key(variant) == search_key(name)


@given(names)
def test_the_search_key_is_plain_lower_case_ascii_for_directory_names(name):
    key = search_key(name)
    assert key is not None and key.isascii() and key == key.lower()


def test_ba_dinh_with_and_without_diacritics():
    assert search_key("Ba Đình") == search_key("ba dinh") == search_key("BA ĐÌNH") == "ba dinh"


@settings(max_examples=500)
@given(st.text())
def test_any_text_has_a_search_key_or_none_and_never_raises(text):
    key = search_key(text)
    assert key is None or (key == key.strip() and "  " not in key and key != "")
    if key is not None:
        assert not any(unicodedata.combining(ch) for ch in key)
        assert "đ" not in key and "Đ" not in key
        assert search_key(key) == key


# Letters of the abbreviations, the marks and the look-alikes, so random text often hits the edge cases
# (a mark on "tp", "q." glued to a word, a lone mark between spaces, İ whose lower case carries a mark).
TRICKY = st.text(alphabet=st.sampled_from([*"abdhinopqtuxyÐðĐđİ. ", "\u00a0", "\u0300", "\u0301", "\u0302",
                                           "\u0303", "\u0306", "\u0309", "\u031b", "\u0323"]), max_size=20)


@settings(max_examples=1000)
@given(TRICKY)
def test_tricky_text_has_a_stable_search_key(text):
    key = search_key(text)
    assert key is None or (search_key(key) == key and not any(unicodedata.combining(ch) for ch in key))
    assert search_key(_toneless(text)) == key


def test_a_spacing_mark_alone_has_no_search_key():
    """Found by the property above: U+1BF2 (a Batak spacing mark, combining class 9) is a mark, not a letter."""
    assert search_key("\u1bf2") is None and search_key("a\u1bf2b") == "ab"
