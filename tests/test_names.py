"""The unit-name key of spec/sources.md, rule by rule, with answers worked out by hand."""

import unicodedata

import pytest

from models.names import name_key


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        # 1. NFC, lower case, whitespace runs (no-break space too) made one space, trimmed
        ("  Ủy ban nhân dân  quận\u00a0Ba Đình ", "ủy ban nhân dân quận ba đình"),
        (unicodedata.normalize("NFD", "Ủy ban nhân dân quận Ba Đình"), "ủy ban nhân dân quận ba đình"),
        ("SỞ NỘI VỤ", "sở nội vụ"),
        # 2. modern tone placement on a final oa / oe / uy, not after q
        ("hoà", "hòa"),
        ("Uỷ ban", "ủy ban"),
        ("thuỵ", "thụy"),
        ("khoẻ", "khỏe"),
        ("quý", "quý"),
        ("hoàng", "hoàng"),
        ("thuyết", "thuyết"),
        ("huyện Ứng Hoà", "huyện ứng hòa"),
        # 3. abbreviations from the start, one after another, dotted ones glued or spaced
        ("UBND q.Ba Đình", "ủy ban nhân dân quận ba đình"),
        ("UBND Q. Ba Đình", "ủy ban nhân dân quận ba đình"),
        ("UBND H. Ba Vì", "ủy ban nhân dân huyện ba vì"),
        ("UBND TX. Sơn Tây", "ủy ban nhân dân thị xã sơn tây"),
        ("UBND tx.Sơn Tây", "ủy ban nhân dân thị xã sơn tây"),
        ("UBND P. Phúc Xá", "ủy ban nhân dân phường phúc xá"),
        ("UBND TT. Sóc Sơn", "ủy ban nhân dân thị trấn sóc sơn"),
        ("UBND TP Hà Nội", "ủy ban nhân dân thành phố hà nội"),
        ("UBND TP. Hà Nội", "ủy ban nhân dân thành phố hà nội"),
        ("UBND tp.Hà Nội", "ủy ban nhân dân thành phố hà nội"),
        ("ubnd", "ủy ban nhân dân"),
        # an abbreviation after the first ordinary word stays as it is
        ("Phòng Nội vụ Q. Ba Đình", "phòng nội vụ q. ba đình"),
        ("Sở TP Hà Nội", "sở tp hà nội"),
    ],
)
def test_name_key(typed, key):
    assert name_key(typed) == key


def test_blank_names_have_no_key():
    assert name_key(None) is None
    assert name_key(" \u00a0 ") is None
