"""`cchc brief --unit NAME` when the name is ambiguous: what the new user met with "Thanh Xuân".

The directory slice below is Hanoi's, written by hand: the district of Thanh Xuân and its wards ended on
30/06/2025, a commune of Sóc Sơn was named Thanh Xuân too, and the new ward of Thanh Xuân started on
01/07/2025. "Thanh Xuân" is in eight names; on 15/01/2026 only the new ward is in force. The brief used to
pick that ward without a word; the operator now gets the eight, and names one by its code.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from brief.lookup import UnitDirectory
from cchc.cli import main

OLD, END, NEW = date(2008, 8, 1), date(2025, 6, 30), date(2025, 7, 1)
AS_OF = date(2026, 1, 15)
TP, DISTRICT, SOC_SON = "000.00.00.H26", "000.00.20.H26", "000.00.24.H26"
ROWS = [  # unit_code, unit_name, unit_type, parent_unit_code, valid_from, valid_to
    (TP, "Ủy ban nhân dân thành phố Hà Nội", "UBND_TP", None, OLD, None),
    (DISTRICT, "Ủy ban nhân dân quận Thanh Xuân", "UBND_HUYEN", TP, OLD, END),
    ("000.02.20.H26", "Ủy ban nhân dân phường Khương Đình, quận Thanh Xuân", "UBND_XA", DISTRICT, OLD, END),
    ("000.07.20.H26", "Ủy ban nhân dân phường Phương Liệt, quận Thanh Xuân", "UBND_XA", DISTRICT, OLD, END),
    ("000.08.20.H26", "Ủy ban nhân dân phường Thanh Xuân Bắc", "UBND_XA", DISTRICT, OLD, END),
    ("000.09.20.H26", "Ủy ban nhân dân phường Thanh Xuân Nam", "UBND_XA", DISTRICT, OLD, END),
    ("000.10.20.H26", "Ủy ban nhân dân phường Thanh Xuân Trung", "UBND_XA", DISTRICT, OLD, END),
    (SOC_SON, "Ủy ban nhân dân huyện Sóc Sơn", "UBND_HUYEN", TP, OLD, END),
    ("000.21.24.H26", "Ủy ban nhân dân xã Thanh Xuân", "UBND_XA", SOC_SON, OLD, END),
    ("000.22.70.H26", "Ủy ban nhân dân phường Thanh Xuân", "UBND_XA", TP, NEW, None),
]
DISSOLVED = "đã giải thể hoặc sáp nhập, hoạt động từ 01/08/2008 đến hết 30/06/2025"
EIGHT = [  # in force first, then by name without diacritics ("phuong ..." < "quan ..." < "xa ...")
    "có 8 đơn vị có tên chứa 'Thanh Xuân' (1 đơn vị đang hoạt động ngày 15/01/2026); hãy chọn một đơn vị theo mã "
    "định danh (--unit <mã>):",
    "  000.22.70.H26 — Ủy ban nhân dân phường Thanh Xuân  (UBND cấp xã; đang hoạt động, từ 01/07/2025)",
    f"  000.02.20.H26 — Ủy ban nhân dân phường Khương Đình, quận Thanh Xuân  (UBND cấp xã; {DISSOLVED})",
    f"  000.07.20.H26 — Ủy ban nhân dân phường Phương Liệt, quận Thanh Xuân  (UBND cấp xã; {DISSOLVED})",
    f"  000.08.20.H26 — Ủy ban nhân dân phường Thanh Xuân Bắc  (UBND cấp xã; {DISSOLVED})",
    f"  000.09.20.H26 — Ủy ban nhân dân phường Thanh Xuân Nam  (UBND cấp xã; {DISSOLVED})",
    f"  000.10.20.H26 — Ủy ban nhân dân phường Thanh Xuân Trung  (UBND cấp xã; {DISSOLVED})",
    f"  000.00.20.H26 — Ủy ban nhân dân quận Thanh Xuân  (UBND cấp huyện; {DISSOLVED})",
    f"  000.21.24.H26 — Ủy ban nhân dân xã Thanh Xuân  (UBND cấp xã; {DISSOLVED})",
]


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    """A published file holding the slice; January 2026 its latest month; the as-of date fixed."""
    path = tmp_path / "cchc.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.units (unit_code VARCHAR, unit_name VARCHAR, unit_type VARCHAR, "
                    "parent_unit_code VARCHAR, valid_from DATE, valid_to DATE)")
        con.executemany("INSERT INTO marts.units VALUES (?, ?, ?, ?, ?, ?)", ROWS)
        con.execute("CREATE TABLE marts.unit_signals_monthly (unit_code VARCHAR, period DATE, signal_code VARCHAR)")
        con.execute("INSERT INTO marts.unit_signals_monthly VALUES (?, DATE '2026-01-01', 'QLVB_DI_KY_SO')", [TP])
    monkeypatch.setenv("CCHC_WAREHOUSE", str(path))
    monkeypatch.setenv("CCHC_AS_OF", AS_OF.isoformat())
    monkeypatch.chdir(tmp_path)
    return path


def test_an_ambiguous_name_lists_every_candidate_and_exits_2(warehouse, capsys):
    assert main(["brief", "--unit", "Thanh Xuân"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [f"cchc: {EIGHT[0]}", *EIGHT[1:]]
    assert not (warehouse.parent / "briefs").exists()


@pytest.mark.parametrize(("typed", "code"), [
    ("quận Thanh Xuân", DISTRICT),  # the district's name without "Ủy ban nhân dân": one unit, dissolved
    ("Thanh Xuân Bắc", "000.08.20.H26"),  # whole words of one name
    ("UBND phường Thanh Xuân", "000.22.70.H26"),  # the new ward's name by the spec's key
    ("000.21.24.H26", "000.21.24.H26"),  # a code chosen from the list
])
def test_a_unique_match_goes_on(typed, code):
    assert UnitDirectory(ROWS).find(typed, AS_OF).code == code


def test_no_match_says_so_with_the_closest_names(warehouse, capsys):
    assert main(["brief", "--unit", "Thanh Xuan Dong"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("cchc: không tìm thấy đơn vị 'Thanh Xuan Dong' theo mã định danh hoặc tên trong "
                          "marts.units; tên gần nhất: ")
    assert "Ủy ban nhân dân phường Thanh Xuân Nam (000.09.20.H26)" in err
