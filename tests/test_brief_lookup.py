"""`cchc brief --unit`: which unit a typed code or name means, case by case, worked out by hand.

The directory below is a slice of Hanoi around the 1 July 2025 reform: the district of Ba Đình and its ward
Giảng Võ end on 30/06/2025, the new ward of Ba Đình starts on 01/07/2025. As-of date D = 15/08/2025
unless a test says otherwise; BEFORE = 01/05/2025, when the district and its ward were both in force.
"""

from __future__ import annotations

import time
from datetime import date

import duckdb
import pytest

from brief.errors import BriefError
from brief.lookup import UnitDirectory
from cchc.cli import main
from simulator.directory import Directory

D = date(2025, 8, 15)
BEFORE = date(2025, 5, 1)
OLD, END, NEW = date(2008, 8, 1), date(2025, 6, 30), date(2025, 7, 1)

TP, NV = "000.00.00.H26", "000.00.01.H26"
Q_BA_DINH, GIANG_VO, P_BA_DINH = "000.00.12.H26", "000.04.12.H26", "000.03.70.H26"
UNG_HOA, THUY_LAM = "000.00.39.H26", "000.05.29.H26"
HOA_BINH_TT, HOA_BINH_CM = "000.07.37.H26", "000.11.31.H26"

ROWS = [  # unit_code, unit_name, unit_type, parent_unit_code, valid_from, valid_to (as marts.units holds them)
    (TP, "Ủy ban nhân dân thành phố Hà Nội", "UBND_TP", None, OLD, None),
    (NV, "Sở Nội vụ", "SO", TP, OLD, None),
    (Q_BA_DINH, "Ủy ban nhân dân quận Ba Đình", "UBND_HUYEN", TP, OLD, END),
    (GIANG_VO, "Ủy ban nhân dân phường Giảng Võ, quận Ba Đình", "UBND_XA", Q_BA_DINH, OLD, END),
    (P_BA_DINH, "Ủy ban nhân dân phường Ba Đình", "UBND_XA", TP, NEW, None),
    (UNG_HOA, "Ủy ban nhân dân huyện Ứng Hòa", "UBND_HUYEN", TP, OLD, END),
    (THUY_LAM, "Ủy ban nhân dân xã Thụy Lâm", "UBND_XA", TP, NEW, None),
    (HOA_BINH_TT, "Ủy ban nhân dân xã Hòa Bình, huyện Thường Tín", "UBND_XA", TP, OLD, END),
    (HOA_BINH_CM, "Ủy ban nhân dân xã Hòa Bình, huyện Chương Mỹ", "UBND_XA", TP, OLD, END),
]


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return UnitDirectory(ROWS)


def error(units: UnitDirectory, query: str, as_of: date = D) -> str:
    with pytest.raises(BriefError) as raised:
        units.find(query, as_of)
    return str(raised.value)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        # 1. the code, exactly (surrounding spaces ignored); a dissolved unit too
        (Q_BA_DINH, Q_BA_DINH),
        (f"  {P_BA_DINH} ", P_BA_DINH),
        # 2. the spec's name key: case, NFD, abbreviations, old-style tone marks
        ("Ủy ban nhân dân phường Ba Đình", P_BA_DINH),
        ("UBND phường Ba Đình", P_BA_DINH),
        ("UBND P.Ba Đình", P_BA_DINH),
        ("UBND q.Ba Đình", Q_BA_DINH),  # one unit has this key: dissolved, but the one meant
        ("ubnd  Q. BA ĐÌNH", Q_BA_DINH),
        ("UBND huyện Ứng Hoà", UNG_HOA),  # old-style "hoà"
        ("Uỷ ban nhân dân xã Thuỵ Lâm", THUY_LAM),  # old-style "uỷ", "thuỵ"
        ("SỞ NỘI VỤ", NV),
        # 3. the whole name without diacritics
        ("uy ban nhan dan phuong ba dinh", P_BA_DINH),
        ("Uy ban nhan dan quan Ba Dinh", Q_BA_DINH),  # not the Giảng Võ ward, whose name only contains it
        ("UBND tp Ha Noi", TP),
        # 4. without the leading "Ủy ban nhân dân"
        ("phuong ba dinh", P_BA_DINH),
        ("quận Ba Đình", Q_BA_DINH),  # again not Giảng Võ ward "..., quận Ba Đình"
        ("huyen ung hoa", UNG_HOA),
        # 5. a piece of the name, whole words: one unit
        ("ung hoa", UNG_HOA),
        ("noi vu", NV),
        ("giang vo", GIANG_VO),
        ("thuy lam", THUY_LAM),
        # 5. any piece, when no whole words match
        ("thuy la", THUY_LAM),
    ],
)
def test_the_unit_meant(units, typed, code):
    assert units.find(typed, D).code == code


def test_whole_words_come_before_pieces_of_words():
    # "an khanh" is a piece of "van khanh" too, but whole words only of "an khanh"; both communes in force
    rows = [("000.01.01.H26", "Ủy ban nhân dân xã An Khánh", "UBND_XA", None, OLD, None),
            ("000.02.02.H26", "Ủy ban nhân dân xã Vân Khánh", "UBND_XA", None, OLD, None)]
    units = UnitDirectory(rows)
    assert units.find("an khanh", D).code == "000.01.01.H26"
    assert units.find("van kh", D).code == "000.02.02.H26"  # no whole words: a piece of one name
    # "n khanh" is whole words of neither and a piece of both
    assert error(units, "n khanh").startswith("có 2 đơn vị có tên chứa 'n khanh' (2 đơn vị đang hoạt động")


def test_the_found_unit_carries_its_parent_name(units):
    ward = units.find("giang vo", D)
    assert (ward.name, ward.parent_code, ward.parent_name) == (
        "Ủy ban nhân dân phường Giảng Võ, quận Ba Đình", Q_BA_DINH, "Ủy ban nhân dân quận Ba Đình")


DISTRICT_LINE = f"  {Q_BA_DINH} — Ủy ban nhân dân quận Ba Đình  (UBND cấp huyện; "
GIANG_VO_LINE = f"  {GIANG_VO} — Ủy ban nhân dân phường Giảng Võ, quận Ba Đình  (UBND cấp xã; "
NEW_WARD_LINE = f"  {P_BA_DINH} — Ủy ban nhân dân phường Ba Đình  (UBND cấp xã; "


@pytest.mark.parametrize("typed", ["ba dinh", "Ba Đình", "ba đìn"])
def test_several_units_are_listed_even_when_one_alone_is_in_force(units, typed):
    # the district, its Giảng Võ ward and the new ward all hold "ba dinh"; on D only the new ward is in force,
    # but a brief of the last 12 months may be the district's: the operator chooses, nothing is picked
    lines = error(units, typed).splitlines()
    assert lines == [
        f"có 3 đơn vị có tên chứa '{typed}' (1 đơn vị đang hoạt động ngày 15/08/2025); hãy chọn một đơn vị theo mã "
        "định danh (--unit <mã>):",
        NEW_WARD_LINE + "đang hoạt động, từ 01/07/2025)",  # in force first, then by name without diacritics
        GIANG_VO_LINE + "đã giải thể hoặc sáp nhập, hoạt động từ 01/08/2008 đến hết 30/06/2025)",
        DISTRICT_LINE + "đã giải thể hoặc sáp nhập, hoạt động từ 01/08/2008 đến hết 30/06/2025)",
    ]


def test_several_are_listed_in_force_first_on_the_as_of_date(units):
    # on 01/05/2025 the district and the Giảng Võ ward are in force; the new ward is not yet
    lines = error(units, "ba dinh", BEFORE).splitlines()
    assert lines[0] == ("có 3 đơn vị có tên chứa 'ba dinh' (2 đơn vị đang hoạt động ngày 01/05/2025); "
                        "hãy chọn một đơn vị theo mã định danh (--unit <mã>):")
    assert lines[1:] == [  # "phuong giang vo ..." before "quan ba dinh"; the ward not yet in force last
        GIANG_VO_LINE + "đang hoạt động, từ 01/08/2008 đến hết 30/06/2025)",
        DISTRICT_LINE + "đang hoạt động, từ 01/08/2008 đến hết 30/06/2025)",
        NEW_WARD_LINE + "chưa hoạt động, từ 01/07/2025)",
    ]


def test_several_none_in_force_are_all_listed(units):
    # two dissolved communes named Hòa Bình, in two districts; neither is in force on D
    lines = error(units, "xa hoa binh").splitlines()
    assert lines[0] == ("có 2 đơn vị có tên chứa 'xa hoa binh' (0 đơn vị đang hoạt động ngày 15/08/2025); "
                        "hãy chọn một đơn vị theo mã định danh (--unit <mã>):")
    assert [line.split(" — ")[0].strip() for line in lines[1:]] == [HOA_BINH_CM, HOA_BINH_TT]  # by name


def test_more_than_ten_candidates_are_cut_at_ten():
    rows = [(f"000.{i:02d}.99.H26", f"Ủy ban nhân dân xã Hòa Bình {i}", "UBND_XA", None, OLD, None)
            for i in range(1, 14)]
    lines = error(UnitDirectory(rows), "hoa binh").splitlines()
    assert lines[0].startswith("có 13 đơn vị có tên chứa 'hoa binh' (13 đơn vị đang hoạt động ngày 15/08/2025);")
    assert len(lines) == 1 + 10 + 1
    assert lines[-1] == "  … và 3 đơn vị khác: hãy gõ tên đầy đủ hơn"


def test_none_found_names_the_closest_on_one_line(units):
    message = error(units, "phuong ba dnh")  # a typo
    assert "\n" not in message
    assert message.startswith("không tìm thấy đơn vị 'phuong ba dnh' theo mã định danh hoặc tên trong marts.units; "
                              "tên gần nhất: Ủy ban nhân dân phường Ba Đình (000.03.70.H26)")
    assert "Thụy Lâm" not in message


def test_none_found_and_nothing_close(units):
    assert error(units, "zzz") == ("không tìm thấy đơn vị 'zzz' theo mã định danh hoặc tên trong marts.units; "
                                   "tên gần nhất: không có tên nào gần giống")


def test_a_code_is_matched_exactly(units):
    # a code with a wrong letter case is no code; as a name it matches nothing
    assert error(units, Q_BA_DINH.lower()).startswith(f"không tìm thấy đơn vị '{Q_BA_DINH.lower()}'")


def test_a_blank_query_is_refused(units):
    assert error(units, " \u00a0 ") == "--unit cần mã định danh hoặc tên đơn vị"


def test_a_thousand_units_are_searched_quickly():
    real = Directory(seed=61).units
    rows = [(u.code, u.name, u.loai, u.parent, u.valid_from, u.valid_to) for u in real]
    rows += [(f"001.{i:02d}.{i // 100:02d}.H26", f"{u.name} (cũ)", u.loai, u.parent, OLD, date(2010, 1, 1))
             for i, u in enumerate(real[: 1000 - len(rows)])]
    assert len(rows) == 1000
    units = UnitDirectory(rows)
    today = date(2025, 8, 15)
    started = time.perf_counter()
    found = units.find("phuong ba dinh", today)  # keys of every unit computed here, once
    assert found.name == "Ủy ban nhân dân phường Ba Đình" and found.in_force(today)
    for typed in ("UBND phường Ba Đình", "UBND quận Hoàn Kiếm", "so noi vu", "thuy lam"):
        units.find(typed, today)
    with pytest.raises(BriefError):
        units.find("Ủy ban nhân dân xã Không Có", today)
    elapsed = time.perf_counter() - started
    assert elapsed < 2, f"six lookups among 1,000 units took {elapsed:.2f} s"


# --------------------------------------------------------------------------- through the command


def tiny_warehouse(path, rows, as_of_month: date) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.units (unit_code VARCHAR, unit_name VARCHAR, unit_type VARCHAR, "
                    "parent_unit_code VARCHAR, valid_from DATE, valid_to DATE)")
        con.executemany("INSERT INTO marts.units VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.execute("CREATE TABLE marts.unit_signals_monthly (unit_code VARCHAR, period DATE, signal_code VARCHAR)")
        con.execute("INSERT INTO marts.unit_signals_monthly VALUES (?, ?, 'QLVB_DI_KY_SO')", [NV, as_of_month])


BA_DINH_MOI = "000.09.70.H26"


@pytest.mark.parametrize(("typed", "printed", "not_printed"), [
    # August 2025 is the file's latest month, so its as-of date is 31/08/2025: 4 names hold "ba dinh", two
    # of them (the new wards) in force; all four are listed
    ("ba dinh", ["có 4 đơn vị có tên chứa 'ba dinh' (2 đơn vị đang hoạt động ngày 31/08/2025)",
                 f"{P_BA_DINH} — Ủy ban nhân dân phường Ba Đình ", f"{BA_DINH_MOI} — ", Q_BA_DINH, GIANG_VO], []),
    ("xa hoa binh", [HOA_BINH_TT, HOA_BINH_CM], []),
    ("Ủy ban nhân dân xã Không Có", ["không tìm thấy đơn vị 'Ủy ban nhân dân xã Không Có'"], []),
])
def test_the_command_exits_2_and_writes_nothing(tmp_path, monkeypatch, capsys, typed, printed, not_printed):
    rows = [*ROWS, (BA_DINH_MOI, "Ủy ban nhân dân phường Ba Đình Mới", "UBND_XA", TP, NEW, None)]
    tiny_warehouse(tmp_path / "tiny.duckdb", rows, date(2025, 8, 1))
    monkeypatch.setenv("CCHC_WAREHOUSE", str(tmp_path / "tiny.duckdb"))
    monkeypatch.chdir(tmp_path)
    assert main(["brief", "--unit", typed]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert all(text in captured.err for text in printed), captured.err
    assert not any(text in captured.err for text in not_printed), captured.err
    assert not (tmp_path / "briefs").exists()


def test_in_force_is_judged_on_the_briefs_as_of_date(tmp_path, monkeypatch, capsys):
    # the file's latest month is May 2025 → as-of date 31/05/2025: the district and the Giảng Võ ward
    tiny_warehouse(tmp_path / "tiny.duckdb", ROWS, date(2025, 5, 1))
    monkeypatch.setenv("CCHC_WAREHOUSE", str(tmp_path / "tiny.duckdb"))
    monkeypatch.chdir(tmp_path)
    assert main(["brief", "--unit", "ba dinh"]) == 2
    err = capsys.readouterr().err
    assert "(2 đơn vị đang hoạt động ngày 31/05/2025)" in err
    assert DISTRICT_LINE + "đang hoạt động, từ 01/08/2008 đến hết 30/06/2025)" in err
    assert NEW_WARD_LINE + "chưa hoạt động, từ 01/07/2025)" in err
