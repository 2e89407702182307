"""Property-based tests of the unit-name key: what a clerk may vary never changes the key."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from models.names import name_key
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
