"""The unit-name key of spec/sources.md, rule by rule, with answers worked out by hand."""

import unicodedata

import pytest

from models.names import name_key, search_key


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


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        # the name key, then every diacritic dropped and đ made d
        ("Ủy ban nhân dân phường Ba Đình", "uy ban nhan dan phuong ba dinh"),
        ("UBND q.Ba Đình", "uy ban nhan dan quan ba dinh"),
        ("phuong ba dinh", "phuong ba dinh"),
        ("  BA   ĐÌNH ", "ba dinh"),
        ("huyện Ứng Hoà", "huyen ung hoa"),
        ("Uỷ ban nhân dân xã Thuỵ Lâm", "uy ban nhan dan xa thuy lam"),
        (unicodedata.normalize("NFD", "Sở Tư pháp"), "so tu phap"),
        # a mark typed on an abbreviation does not stop its expansion
        ("úbnd tp Hà Nội", "uy ban nhan dan thanh pho ha noi"),
        # the eth look-alike of Đ from old-encoding converters
        ("\u00d0ông Anh", "dong anh"),
    ],
)
def test_search_key(typed, key):
    assert search_key(typed) == key


def test_blank_names_have_no_search_key():
    assert search_key(None) is None
    assert search_key(" \u00a0 ") is None
    assert search_key("\u0301") is None  # a lone tone mark is no name
