"""Record-level task and petition signals, and the head-of-agency reception days, rule by rule.

Each case is a hand-built raw record; the expected deadline, period and "counted" flag are worked
out by hand in the comments (spec/signals.md). As-of date D = 15/08/2025 unless a test says otherwise:
a deadline d is past due when d < D, so 14/08/2025 is and 15/08/2025 is not.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from marts_support import DIRECTORY, build, rows

D = date(2025, 8, 15)

TP, NV, GTVT, BA_DINH = "000.00.00.H26", "000.00.01.H26", "000.00.02.H26", "000.00.12.H26"
PHUC_XA, P_BA_DINH = "000.01.12.H26", "000.01.70.H26"

SIGNAL_COLUMNS = [
    ("signal_code", "VARCHAR"), ("system", "VARCHAR"), ("unit_code", "VARCHAR"), ("period", "DATE"),
    ("source_record_id", "VARCHAR"), ("event_date", "DATE"), ("counted", "BOOLEAN"), ("detail_vi", "VARCHAR"),
]


def d(text: str) -> date:
    return date.fromisoformat(text)


def columns(con, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]


def signal(con, table: str, code: str) -> dict[str, tuple[str, date, date, bool]]:
    """source_record_id → (unit_code, period, event_date, counted) for one signal; ids must be unique."""
    found = rows(con, f"SELECT * FROM {table} WHERE signal_code = '{code}'")
    assert len({r["source_record_id"] for r in found}) == len(found)
    return {r["source_record_id"]: (r["unit_code"], r["period"], r["event_date"], r["counted"]) for r in found}


def details(con, table: str, code: str) -> dict[str, str]:
    return {r["source_record_id"]: r["detail_vi"]
            for r in rows(con, f"SELECT source_record_id, detail_vi FROM {table} WHERE signal_code = '{code}'")}


def month(text: str) -> date:
    return d(text).replace(day=1)


# --------------------------------------------------------------------------- tasks (system 4)

# Two departments sharing the alias "Sở KH": that name is ambiguous and resolves to nobody.
AMBIGUOUS_DIRECTORY = DIRECTORY + [
    {"ma_dinh_danh": "000.00.03.H26", "ten": "Sở Kế hoạch và Đầu tư", "loai": "SO", "ma_cha": TP,
     "ten_khac": ["Sở KH"], "hieu_luc_tu": "2008-08-01", "hieu_luc_den": None},
    {"ma_dinh_danh": "000.00.04.H26", "ten": "Sở Khoa học và Công nghệ", "loai": "SO", "ma_cha": TP,
     "ten_khac": ["Sở KH"], "hieu_luc_tu": "2008-08-01", "hieu_luc_den": None},
]


def task(ma: str, unit: str | None, *, han: str | None = None, gia_han: tuple[tuple[str, str], ...] = (),
         xong: str | None = None, tinh_trang: str | None = None, giao: str = "02/01/2025",
         trich_yeu: str | None = None) -> dict:
    """A raw task; gia_han entries are (han_moi, ngay_dong_y), dates dd/MM/yyyy as the API serves them."""
    return {"ma_nhiem_vu": ma, "trich_yeu": trich_yeu, "van_ban_giao": "61/KH-UBND", "ngay_giao": giao,
            "han_hoan_thanh": han, "don_vi_chu_tri": unit, "don_vi_phoi_hop": ["Sở Nội vụ"],
            "tinh_trang": tinh_trang or ("HOAN_THANH" if xong else "DANG_THUC_HIEN"), "ngay_hoan_thanh": xong,
            "gia_han": [{"han_moi": h, "ngay_dong_y": a} for h, a in gia_han],
            "cap_nhat_luc": "2025-08-01 10:00:00"}


TASKS = [
    # alias; deadline day itself: done 31/07 ≤ 31/07 → on time
    task("T01", "UBND quận Ba Đình", han="31/07/2025", xong="31/07/2025"),
    # abbreviation glued to the next word; done the day after the deadline → late by 1
    task("T02", "UBND q.Ba Đình", han="31/07/2025", xong="01/08/2025"),
    # old tone mark "Uỷ"; deadline 14/08 = D − 1 → past due, not done → overdue
    task("T03", "Uỷ ban nhân dân quận Ba Đình", han="14/08/2025", trich_yeu="Rà soát thủ tục\n hành chính"),
    # NFD name; deadline 15/08 = D → not past due → nowhere
    task("T04", unicodedata.normalize("NFD", "Sở Nội vụ"), han="15/08/2025"),
    # two extensions: agreed 28/06 (→ 10/07) beats agreed 25/06 (→ 20/07) although 20/07 is later;
    # effective deadline 10/07, done 15/07 → late by 5 (with 20/07 it would have been on time)
    task("T05", "Sở NV", han="30/06/2025", gia_han=(("20/07/2025", "25/06/2025"), ("10/07/2025", "28/06/2025")),
         xong="15/07/2025", giao="01/06/2025", trich_yeu="Triển khai Kế hoạch CCHC năm 2025"),
    # tie on ngay_dong_y 28/06 → the later han_moi 25/07 wins (listed first on purpose); done 20/07 → on time
    task("T06", "Sở Nội vụ", han="30/06/2025", gia_han=(("25/07/2025", "28/06/2025"), ("05/07/2025", "28/06/2025")),
         xong="20/07/2025"),
    # no deadline, no extension → counts nowhere
    task("T07", "Sở Nội vụ"),
    # no original deadline but an extension: effective deadline 31/07 → past due, not done
    task("T08", "Sở Nội vụ", gia_han=(("31/07/2025", "01/07/2025"),)),
    # cancelled → nowhere
    task("T09", "Sở Nội vụ", han="01/07/2025", tinh_trang="DUNG_THUC_HIEN"),
    # unknown name → unresolved → nowhere here
    task("T10", "Sở Tư pháp", han="01/07/2025"),
    # ambiguous name → unresolved → nowhere here
    task("T11", "Sở KH", han="01/07/2025"),
    # completion recorded after D is still a completion: deadline 10/08, done 20/08 → late by 10, not overdue
    task("T12", "Sở Nội vụ", han="10/08/2025", xong="20/08/2025"),
    # no-break space, double space, trailing space, "Q." abbreviation; done 29/04 ≤ 30/04 → on time
    task("T13", "UBND\u00a0Q.  Ba Đình ", han="30/04/2025", xong="29/04/2025"),
    # empty unit is no value → nowhere
    task("T14", "", han="01/07/2025"),
    # department dissolved 28/02/2025: still attributed to it; deadline 31/01, not done → overdue
    task("T15", "Sở GTVT", han="31/01/2025"),
    # original deadline 31/07 past, but extended to 31/08 (> D) → not past due → nowhere
    task("T16", "Sở Nội vụ", han="31/07/2025", gia_han=(("31/08/2025", "25/07/2025"),)),
]


@pytest.fixture(scope="module")
def tasks_con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("tasks"), D, directory_don_vi=AMBIGUOUS_DIRECTORY, nhiemvu_nhiem_vu=TASKS)


TASKS_TABLE = "intermediate.int_signals_nhiemvu"


def test_task_signal_columns(tasks_con):
    assert columns(tasks_con, TASKS_TABLE) == SIGNAL_COLUMNS


def test_task_on_time_population_and_numerator(tasks_con):
    # (unit, period = month of the effective deadline, effective deadline, done on or before it)
    assert signal(tasks_con, TASKS_TABLE, "NHIEMVU_DUNG_HAN") == {
        "T01": (BA_DINH, month("2025-07-01"), d("2025-07-31"), True),
        "T02": (BA_DINH, month("2025-07-01"), d("2025-07-31"), False),
        "T03": (BA_DINH, month("2025-08-01"), d("2025-08-14"), False),
        "T05": (NV, month("2025-07-01"), d("2025-07-10"), False),
        "T06": (NV, month("2025-07-01"), d("2025-07-25"), True),
        "T08": (NV, month("2025-07-01"), d("2025-07-31"), False),
        "T12": (NV, month("2025-08-01"), d("2025-08-10"), False),
        "T13": (BA_DINH, month("2025-04-01"), d("2025-04-30"), True),
        "T15": (GTVT, month("2025-01-01"), d("2025-01-31"), False),
    }


def test_task_overdue_counts_tasks_without_completion(tasks_con):
    # same population; counted = no ngay_hoan_thanh (T03, T08, T15); late completions are not counted
    assert signal(tasks_con, TASKS_TABLE, "NHIEMVU_QUA_HAN_TON") == {
        "T01": (BA_DINH, month("2025-07-01"), d("2025-07-31"), False),
        "T02": (BA_DINH, month("2025-07-01"), d("2025-07-31"), False),
        "T03": (BA_DINH, month("2025-08-01"), d("2025-08-14"), True),
        "T05": (NV, month("2025-07-01"), d("2025-07-10"), False),
        "T06": (NV, month("2025-07-01"), d("2025-07-25"), False),
        "T08": (NV, month("2025-07-01"), d("2025-07-31"), True),
        "T12": (NV, month("2025-08-01"), d("2025-08-10"), False),
        "T13": (BA_DINH, month("2025-04-01"), d("2025-04-30"), False),
        "T15": (GTVT, month("2025-01-01"), d("2025-01-31"), True),
    }


def test_task_names_resolution(tasks_con):
    resolved = dict(tasks_con.execute("SELECT raw_name, unit_code FROM intermediate.int_task_units").fetchall())
    assert resolved["Sở KH"] is None  # ambiguous
    assert resolved["Sở Tư pháp"] is None  # unknown
    assert resolved[unicodedata.normalize("NFD", "Sở Nội vụ")] == NV


def test_task_details(tasks_con):
    text = details(tasks_con, TASKS_TABLE, "NHIEMVU_DUNG_HAN")
    assert text == details(tasks_con, TASKS_TABLE, "NHIEMVU_QUA_HAN_TON")
    assert text["T05"] == ('Nhiệm vụ T05 "Triển khai Kế hoạch CCHC năm 2025" (giao ngày 01/06/2025) hạn 10/07/2025 '
                           'sau 2 lần gia hạn, hoàn thành ngày 15/07/2025 (trễ 5 ngày).')
    # the subject typed over two lines reads as one sentence; 14/08 → 15/08 is 1 day overdue
    assert text["T03"] == ('Nhiệm vụ T03 "Rà soát thủ tục hành chính" (giao ngày 02/01/2025) hạn 14/08/2025, '
                           'đến ngày 15/08/2025 chưa hoàn thành (quá hạn 1 ngày).')
    # no subject: no quotes; 31/07 → 15/08 is 15 days
    assert text["T08"] == ('Nhiệm vụ T08 (giao ngày 02/01/2025) hạn 31/07/2025 sau 1 lần gia hạn, '
                           'đến ngày 15/08/2025 chưa hoàn thành (quá hạn 15 ngày).')
    assert text["T01"] == 'Nhiệm vụ T01 (giao ngày 02/01/2025) hạn 31/07/2025, hoàn thành ngày 31/07/2025 (đúng hạn).'
    assert all(r["system"] == "nhiemvu" for r in rows(tasks_con, f"SELECT system FROM {TASKS_TABLE}"))


# --------------------------------------------------------------------------- petitions (system 5)

AGENCIES = [
    {"id": 1, "ten": "Sở Nội vụ", "ma_dinh_danh": NV},  # by code
    {"id": 2, "ten": "UBND quận Ba Đình", "ma_dinh_danh": None},  # by name (alias)
    {"id": 3, "ten": "Sở Xây dựng", "ma_dinh_danh": "000.00.99.H26"},  # code missing from the directory
    {"id": 4, "ten": "Sở Nội vụ", "ma_dinh_danh": ""},  # empty code is no value → by name
    {"id": 5, "ten": "Phường Phúc Xá", "ma_dinh_danh": PHUC_XA},  # by code (the name alone would not resolve)
    {"id": 6, "ten": "UBND TP Hà Nội", "ma_dinh_danh": TP},
    {"id": 7, "ten": "Sở GTVT", "ma_dinh_danh": None},  # dissolved department, by name
    {"id": 8, "ten": "UBND phường Ba Đình", "ma_dinh_danh": None},
    {"id": 10, "ten": "Sở Tư pháp", "ma_dinh_danh": None},  # unknown name
    # id 9: no dm_co_quan row at all
]


def petition(pid: int, ngay_nhan: str, *, tiep_nhan: int | None = 1, giai_quyet: int | None = None,
             loai: str = "KIEN_NGHI_PHAN_ANH", xu_ly: str | None = None, thu_ly: str | None = None,
             lan: int | None = None, phuc_tap: bool = False, vung: bool = False, gia_han: int = 0,
             giai_quyet_ngay: str | None = None, trang_thai: str = "DA_XU_LY_DON", da_xoa: bool = False,
             so_vao_so: str | None = "") -> dict:
    """A don_thu row as the database returns it (personal data included: it must never surface)."""
    return {"id": pid, "so_vao_so": f"{pid}/2025" if so_vao_so == "" else so_vao_so, "ngay_nhan": ngay_nhan,
            "nguon": "TRUC_TIEP", "loai_don": loai, "ho_ten_nguoi_gui": "Nguyễn Văn An",
            "cccd_nguoi_gui": "001089012345", "dia_chi_nguoi_gui": "Số 1 phố Điện Biên Phủ",
            "noi_dung": "Nội dung đơn", "co_quan_tiep_nhan_id": tiep_nhan, "co_quan_giai_quyet_id": giai_quyet,
            "ngay_xu_ly_don": xu_ly, "huong_xu_ly": "THU_LY" if thu_ly else None, "ngay_thu_ly": thu_ly,
            "lan_giai_quyet": lan, "phuc_tap": phuc_tap, "vung_kho_khan": vung, "so_lan_gia_han": gia_han,
            "ngay_giai_quyet": giai_quyet_ngay, "trang_thai": trang_thai,
            "updated_at": "2025-08-01 09:00:00", "da_xoa": da_xoa}


PETITIONS_TABLE = "intermediate.int_signals_donthu"

# Handling deadline = the 10th working day after ngay_nhan, the day of receipt not counted (spec/signals.md). July
# and August 2025 have no day off but weekends: 01/07 is a Tuesday, 21/07 and 04/08 Mondays, 01/08 a Friday.
# Before the working-day rule the deadline was ngay_nhan + 10 calendar days; each changed case says what it was.
HANDLING = [
    # Mon 21/07: 22, 23, 24, 25, 28, 29, 30, 31/07, 01/08, 04/08 → Mon 04/08 (was 31/07); done 31/07 → on time
    petition(101, "2025-07-21", xu_ly="2025-07-31"),
    # deadline 04/08 as 101; done Tue 05/08 → late by 1 (the old case, done 01/08 against 31/07, is on time now)
    petition(102, "2025-07-21", tiep_nhan=2, xu_ly="2025-08-05"),
    # Fri 01/08: 04, 05, 06, 07, 08, 11, 12, 13, 14, 15/08 → 15/08 = D → not past due → nowhere
    # (was received 05/08, whose 10th working day is now 19/08)
    petition(103, "2025-08-01"),
    # Thu 31/07: 01, 04, 05, 06, 07, 08, 11, 12, 13, 14/08 → 14/08 < D → past due, not handled
    # (was received 04/08, whose 10th working day is now 18/08, not past due)
    petition(104, "2025-07-31"),
    petition(105, "2025-07-01", tiep_nhan=3),  # code missing from the directory → nowhere
    petition(106, "2025-07-01", tiep_nhan=9),  # no dm_co_quan row → nowhere
    petition(107, "2025-07-01", xu_ly="2025-07-02", da_xoa=True),  # soft-deleted → nowhere
    petition(108, "2025-07-01", tiep_nhan=None),  # no agency → nowhere
    # Tue 01/07: 02, 03, 04, 07, 08, 09, 10, 11, 14, 15/07 → 15/07 (was 11/07); done 11/07, on time, no số
    petition(109, "2025-07-01", tiep_nhan=4, xu_ly="2025-07-11", so_vao_so=None),
    # Wed 25/06: 26, 27, 30/06, 01, 02, 03, 04, 07, 08, 09/07 → 09/07 (was 05/07) → period July; done 01/07
    petition(110, "2025-06-25", tiep_nhan=5, xu_ly="2025-07-01"),
    petition(111, "2025-07-01", tiep_nhan=10),  # unknown agency name → nowhere
    # withdrawn denunciation: still a live petition → in; 01/07 → 15/07 (was 11/07), never handled
    petition(112, "2025-07-01", loai="TO_CAO", trang_thai="RUT_DON"),
    # handling is the receiving agency's (1), not the resolving one (2): Wed 02/07: 03, 04, 07, 08, 09, 10, 11,
    # 14, 15, 16/07 → 16/07 (was 12/07), done 12/07, on time
    petition(113, "2025-07-02", tiep_nhan=1, giai_quyet=2, xu_ly="2025-07-12"),
    # dissolved unit; Fri 10/01/2025: 13, 14, 15, 16, 17, 20, 21, 22, 23, 24/01 → 24/01 (was 20/01; Tết starts on
    # 27/01); done 25/01 → late by 1 (was 5)
    petition(114, "2025-01-10", tiep_nhan=7, xu_ly="2025-01-25"),
    # Sun 20/07: 21, 22, 23, 24, 25, 28, 29, 30, 31/07, 01/08 → 01/08 (was 30/07, so period August now);
    # handled after D → still late, a handling
    petition(115, "2025-07-20", xu_ly="2025-08-20"),
]


@pytest.fixture(scope="module")
def handling_con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("handling"), D, donthu_dm_co_quan=AGENCIES, donthu_don_thu=HANDLING)


def test_petition_signal_columns(handling_con):
    assert columns(handling_con, PETITIONS_TABLE) == SIGNAL_COLUMNS


def test_handling_on_time(handling_con):
    assert signal(handling_con, PETITIONS_TABLE, "DONTHU_XU_LY_DON_DUNG_HAN") == {
        "101": (NV, month("2025-08-01"), d("2025-08-04"), True),
        "102": (BA_DINH, month("2025-08-01"), d("2025-08-04"), False),
        "104": (NV, month("2025-08-01"), d("2025-08-14"), False),
        "109": (NV, month("2025-07-01"), d("2025-07-15"), True),
        "110": (PHUC_XA, month("2025-07-01"), d("2025-07-09"), True),
        "112": (NV, month("2025-07-01"), d("2025-07-15"), False),
        "113": (NV, month("2025-07-01"), d("2025-07-16"), True),
        "114": (GTVT, month("2025-01-01"), d("2025-01-24"), False),
        "115": (NV, month("2025-08-01"), d("2025-08-01"), False),
    }
    # none of these petitions is an accepted complaint or denunciation
    assert signal(handling_con, PETITIONS_TABLE, "DONTHU_GIAI_QUYET_DUNG_HAN") == {}


def test_handling_details(handling_con):
    text = details(handling_con, PETITIONS_TABLE, "DONTHU_XU_LY_DON_DUNG_HAN")
    assert text["104"] == ("Đơn số 104/2025 (mã 104), hạn xử lý: ngày làm việc thứ 10 sau ngày nhận 31/07/2025 là "
                           "14/08/2025, đến ngày 15/08/2025 chưa xử lý (quá hạn 1 ngày).")
    assert text["102"] == ("Đơn số 102/2025 (mã 102), hạn xử lý: ngày làm việc thứ 10 sau ngày nhận 21/07/2025 là "
                           "04/08/2025, đã xử lý ngày 05/08/2025 (trễ 1 ngày).")
    assert text["109"] == ("Đơn mã 109, hạn xử lý: ngày làm việc thứ 10 sau ngày nhận 01/07/2025 là 15/07/2025, "
                           "đã xử lý ngày 11/07/2025 (đúng hạn).")
    for sentence in text.values():
        assert "Nguyễn Văn An" not in sentence and "001089012345" not in sentence and "Điện Biên" not in sentence


# Legal deadline = ngay_thu_ly + N calendar days, moved to the next working day when that is a day off. From
# 01/04/2025 (April has 30 days, May 31): +30 = Thu 01/05, a holiday, and 02/05 too (the swap for Saturday
# 26/04), then a weekend → Mon 05/05; +45 = Fri 16/05; +60 = Sat 31/05 → Mon 02/06; +70 = Tue 10/06; +90 = Mon
# 30/06. Before the move the deadlines were 01/05 and 31/05: the changed cases say what they were.
CASES = [
    # 30 → 05/05, resolved on that day (was resolved 01/05, the old deadline)
    petition(201, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=1, giai_quyet_ngay="2025-05-05"),
    # null = 1st: 30 → 05/05, a day late (was resolved 02/05, a day after the old deadline: on time now)
    petition(202, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=None, giai_quyet_ngay="2025-05-06"),
    petition(203, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=1, phuc_tap=True,
             giai_quyet_ngay="2025-05-16"),  # complex: 45 → 16/05, on time
    petition(204, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=1, vung=True,
             giai_quyet_ngay="2025-05-17"),  # remote: 45 → 16/05, late
    petition(205, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=1, phuc_tap=True, vung=True,
             giai_quyet_ngay="2025-05-31"),  # remote complex: 60 → 02/06 (period June), on time
    petition(206, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=2,
             giai_quyet_ngay="2025-05-16"),  # 2nd time: 45 → 16/05, on time
    # 2nd complex: 60 → 02/06, late by 1 (was resolved Sun 01/06, late against the old 31/05: on time now)
    petition(207, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=2, phuc_tap=True,
             giai_quyet_ngay="2025-06-03"),
    petition(208, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=2, vung=True,
             giai_quyet_ngay="2025-05-31"),  # 2nd remote: 60 → 02/06 (period June), on time
    petition(209, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=2, phuc_tap=True, vung=True,
             giai_quyet_ngay="2025-06-05"),  # 2nd remote complex: 70 → 10/06, on time
    # denunciation: complex / remote do not matter; 30 + 30 × 0 = 30 → 05/05; resolved 06/05 → late (was
    # resolved 02/05, late against the old 01/05: on time now)
    petition(210, "2025-03-25", loai="TO_CAO", thu_ly="2025-04-01", phuc_tap=True, vung=True,
             giai_quyet_ngay="2025-05-06"),
    petition(211, "2025-03-25", loai="TO_CAO", thu_ly="2025-04-01", gia_han=1,
             giai_quyet_ngay="2025-05-31"),  # 30 + 30 = 60 → 02/06 (period June), on time
    petition(212, "2025-03-25", loai="TO_CAO", thu_ly="2025-04-01", gia_han=2),  # 90 → 30/06, unresolved
    petition(213, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=1, trang_thai="RUT_DON"),  # withdrawn
    petition(214, "2025-03-25", loai="KIEN_NGHI_PHAN_ANH", thu_ly="2025-04-01"),  # not a complaint / denunciation
    petition(215, "2025-03-25", loai="KHIEU_NAI", lan=1),  # never accepted
    # 16/07 + 30 = Fri 15/08 = D → not due
    petition(216, "2025-07-10", loai="KHIEU_NAI", thu_ly="2025-07-16", lan=1),
    petition(217, "2025-07-10", loai="KHIEU_NAI", thu_ly="2025-07-15", lan=1),  # Thu 14/08 < D → due, unresolved
    # resolving agency 2 (Ba Đình) wins over the receiving agency 1
    petition(218, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=1, tiep_nhan=1, giai_quyet=2,
             giai_quyet_ngay="2025-05-01"),
    # no resolving agency → the receiving agency 2 resolves it; 05/05, unresolved
    petition(219, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=1, tiep_nhan=2),
    # resolving agency 9 has no dm_co_quan row → nowhere (no fallback to the receiving agency)
    petition(220, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=1, tiep_nhan=1, giai_quyet=9),
    # resolving agency's code is missing from the directory → nowhere
    petition(221, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=1, tiep_nhan=1, giai_quyet=3),
    petition(222, "2025-03-25", loai="KHIEU_NAI", thu_ly="2025-04-01", lan=1, da_xoa=True),  # soft-deleted
    # receiving agency does not resolve, the resolving one does → in; 30 → 05/05, resolved 30/04
    petition(223, "2025-03-25", loai="TO_CAO", thu_ly="2025-04-01", tiep_nhan=3, giai_quyet=1,
             giai_quyet_ngay="2025-04-30"),
    # 01/07 + 30 = Thu 31/07; resolved 20/08 (after D) → still a resolution, late
    petition(224, "2025-06-25", loai="TO_CAO", thu_ly="2025-07-01", giai_quyet_ngay="2025-08-20"),
]


@pytest.fixture(scope="module")
def cases_con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("cases"), D, donthu_dm_co_quan=AGENCIES, donthu_don_thu=CASES)


def test_resolution_on_time(cases_con):
    may, jun = month("2025-05-01"), month("2025-06-01")
    assert signal(cases_con, PETITIONS_TABLE, "DONTHU_GIAI_QUYET_DUNG_HAN") == {
        "201": (NV, may, d("2025-05-05"), True),
        "202": (NV, may, d("2025-05-05"), False),
        "203": (NV, may, d("2025-05-16"), True),
        "204": (NV, may, d("2025-05-16"), False),
        "205": (NV, jun, d("2025-06-02"), True),
        "206": (NV, may, d("2025-05-16"), True),
        "207": (NV, jun, d("2025-06-02"), False),
        "208": (NV, jun, d("2025-06-02"), True),
        "209": (NV, jun, d("2025-06-10"), True),
        "210": (NV, may, d("2025-05-05"), False),
        "211": (NV, jun, d("2025-06-02"), True),
        "212": (NV, jun, d("2025-06-30"), False),
        "217": (NV, month("2025-08-01"), d("2025-08-14"), False),
        "218": (BA_DINH, may, d("2025-05-05"), True),
        "219": (BA_DINH, may, d("2025-05-05"), False),
        "223": (NV, may, d("2025-05-05"), True),
        "224": (NV, month("2025-07-01"), d("2025-07-31"), False),
    }


def test_resolution_cases_also_count_in_handling_by_receiving_agency(cases_con):
    # every live petition is in the handling population, by its receiving agency: 218 (agency 1) is the
    # Sở Nội vụ's there, Ba Đình's above; 223 (agency 3) is left out; 222 (deleted) nowhere
    handling = signal(cases_con, PETITIONS_TABLE, "DONTHU_XU_LY_DON_DUNG_HAN")
    assert handling["218"][0] == NV and handling["219"][0] == BA_DINH
    assert "223" not in handling and "222" not in handling
    assert handling["213"][0] == NV  # withdrawn, still handled (or not) in time


def test_resolution_details(cases_con):
    text = details(cases_con, PETITIONS_TABLE, "DONTHU_GIAI_QUYET_DUNG_HAN")
    assert text["209"] == ("Vụ việc khiếu nại lần 2 (phức tạp, vùng khó khăn) mã 209 (đơn số 209/2025) thụ lý ngày "
                           "01/04/2025, thời hạn giải quyết 70 ngày đến 10/06/2025, đã giải quyết ngày 05/06/2025 "
                           "(đúng hạn).")
    # 30/06 → 15/08: 31 days of July + 15 = 46
    assert text["212"] == ("Vụ việc tố cáo (gia hạn 2 lần) mã 212 (đơn số 212/2025) thụ lý ngày 01/04/2025, thời hạn "
                           "giải quyết 90 ngày đến 30/06/2025, đến ngày 15/08/2025 chưa giải quyết (quá hạn 46 ngày).")
    # a deadline that moved says so, with the reason of the day off
    assert text["202"] == ("Vụ việc khiếu nại lần 1 mã 202 (đơn số 202/2025) thụ lý ngày 01/04/2025, thời hạn giải "
                           "quyết 30 ngày đến 01/05/2025 là ngày nghỉ (Ngày Quốc tế Lao động) nên hạn là ngày làm việc "
                           "tiếp theo 05/05/2025, đã giải quyết ngày 06/05/2025 (trễ 1 ngày).")
    assert text["207"] == ("Vụ việc khiếu nại lần 2 (phức tạp) mã 207 (đơn số 207/2025) thụ lý ngày 01/04/2025, thời "
                           "hạn giải quyết 60 ngày đến 31/05/2025 là ngày nghỉ (Thứ Bảy) nên hạn là ngày làm việc "
                           "tiếp theo 02/06/2025, đã giải quyết ngày 03/06/2025 (trễ 1 ngày).")
    assert text["210"].startswith("Vụ việc tố cáo mã 210 ")  # flags are not a denunciation's business
    assert all(r["system"] == "donthu" for r in rows(cases_con, f"SELECT system FROM {PETITIONS_TABLE}"))


# --------------------------------------------------------------------------- head-of-agency reception

TRUC_BACH, THANH_CONG = "000.01.13.H26", "000.01.14.H26"
RECEPTION_DIRECTORY = DIRECTORY + [
    # dissolved mid-April: in force for the whole of January to March only
    {"ma_dinh_danh": TRUC_BACH, "ten": "Ủy ban nhân dân phường Trúc Bạch", "loai": "UBND_XA", "ma_cha": BA_DINH,
     "ten_khac": [], "hieu_luc_tu": "2008-08-01", "hieu_luc_den": "2025-04-15"},
    # created mid-March: in force for the whole month from April
    {"ma_dinh_danh": THANH_CONG, "ten": "Ủy ban nhân dân phường Thành Công", "loai": "UBND_XA", "ma_cha": BA_DINH,
     "ten_khac": [], "hieu_luc_tu": "2025-03-10", "hieu_luc_den": None},
]
RECEPTION_AGENCIES = AGENCIES + [
    {"id": 13, "ten": "Phường Trúc Bạch", "ma_dinh_danh": TRUC_BACH},
    {"id": 14, "ten": "Phường Thành Công", "ma_dinh_danh": THANH_CONG},
]


def session(sid: int, agency: int | None, ngay: str, vai_tro: str = "THU_TRUONG", da_xoa: bool = False) -> dict:
    return {"id": sid, "co_quan_id": agency, "ngay_tiep": ngay, "vai_tro_chu_tri": vai_tro, "hinh_thuc": "DINH_KY",
            "so_luot": 3, "updated_at": "2025-08-01 09:00:00", "da_xoa": da_xoa}


SESSIONS = [
    session(1, 1, "2024-12-10", da_xoa=True),  # deleted: December 2024 is not the first month
    session(2, 9, "2025-01-20", vai_tro="CAN_BO"),  # agency without a row, an officer: still makes January first
    session(3, 6, "2025-03-05"), session(4, 6, "2025-03-05"), session(5, 6, "2025-03-20"),  # city PC: 2 days in March
    session(6, 6, "2025-04-10", vai_tro="CAP_PHO"),  # a deputy: April 0
    session(7, 6, "2025-05-06", vai_tro="CAN_BO"),  # an officer: May 0
    # Sở Nội vụ through agency 1 (code) and 4 (name): 10/02 twice counts once, + 11/02 → 2
    session(8, 1, "2025-02-10"), session(9, 4, "2025-02-10"), session(10, 4, "2025-02-11"),
    session(11, 2, "2025-06-02"), session(12, 2, "2025-06-16"),  # Ba Đình district: June 2
    session(13, 2, "2025-06-20", vai_tro="CAN_BO"),
    session(14, 5, "2025-05-05"), session(15, 5, "2025-05-12"), session(16, 5, "2025-05-19"),  # Phúc Xá: May 3
    session(17, 5, "2025-05-26", da_xoa=True),  # deleted: not a fourth day
    session(18, 8, "2025-07-07"),  # new Ba Đình ward: July 1
    session(19, 8, "2025-08-04"),  # August has not ended on 15/08 → no August row
    session(20, 8, "2025-08-20"),  # after D → nowhere
    session(21, 7, "2025-02-27"),  # Sở GTVT (ended 28/02, the last day of February): February 1
    session(22, 7, "2025-03-03"),  # after its dissolution: no March row
    session(23, 13, "2025-04-07"),  # Trúc Bạch, April not whole → no row
    session(24, 13, "2025-03-31"),  # Trúc Bạch: March 1
    session(25, 14, "2025-03-12"),  # Thành Công, March not whole → no row
    session(26, 14, "2025-04-01"), session(27, 14, "2025-04-08"),  # Thành Công: April 2
    session(28, 3, "2025-03-01"),  # code missing from the directory → nobody
    session(29, None, "2025-03-02"),  # no agency → nobody
]


@pytest.fixture(scope="module")
def reception_con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("reception"), D, directory_don_vi=RECEPTION_DIRECTORY,
                 donthu_dm_co_quan=RECEPTION_AGENCIES, donthu_tiep_cong_dan=SESSIONS)


def reception(con) -> dict[tuple[str, date], tuple[str, int, float]]:
    found = rows(con, "SELECT * FROM intermediate.int_head_reception")
    table = {(r["unit_code"], r["period"]): (r["unit_type"], r["numerator"], r["threshold"]) for r in found}
    assert len(table) == len(found)
    return table


def expected_months(unit: str, unit_type: str, threshold: float, first: int, last: int,
                    days: dict[int, int]) -> dict[tuple[str, date], tuple[str, int, float]]:
    """Months first..last of 2025 for one unit, 0 days except those given."""
    return {(unit, date(2025, m, 1)): (unit_type, days.get(m, 0), threshold) for m in range(first, last + 1)}


def test_head_reception_columns(reception_con):
    assert columns(reception_con, "intermediate.int_head_reception") == [
        ("signal_code", "VARCHAR"), ("unit_code", "VARCHAR"), ("unit_type", "VARCHAR"), ("period", "DATE"), ("numerator", "BIGINT"),
        ("threshold", "DOUBLE"),
    ]


def test_head_reception_days(reception_con):
    # months: January 2025 (first live session) to July 2025 (the last month ended before 15/08/2025)
    expected = {
        **expected_months(TP, "UBND_TP", 1.0, 1, 7, {3: 2}),
        **expected_months(NV, "SO", 1.0, 1, 7, {2: 2}),
        **expected_months(GTVT, "SO", 1.0, 1, 2, {2: 1}),  # in force to 28/02 = February's last day
        **expected_months(BA_DINH, "UBND_HUYEN", 2.0, 1, 6, {6: 2}),  # ended 30/06
        **expected_months(PHUC_XA, "UBND_XA", 4.0, 1, 6, {5: 3}),  # ended 30/06
        **expected_months(P_BA_DINH, "UBND_XA", 4.0, 7, 7, {7: 1}),  # from 01/07
        **expected_months(TRUC_BACH, "UBND_XA", 4.0, 1, 3, {3: 1}),  # ended 15/04
        **expected_months(THANH_CONG, "UBND_XA", 4.0, 4, 7, {4: 2}),  # from 10/03
        # the public service unit 000.00.60.H26 (DVSN) has no requirement
    }
    assert len(expected) == 7 + 7 + 2 + 6 + 6 + 1 + 3 + 4
    assert reception(reception_con) == expected


def test_head_reception_month_that_ended_the_day_before(tmp_path):
    # D = 01/08/2025: July ended on 31/07 < D → July is in; the first (and only) session is in July.
    # Units in force for the whole of July: the city PC (1 day), Sở Nội vụ, the new ward.
    con = build(tmp_path, date(2025, 8, 1), donthu_dm_co_quan=AGENCIES,
                donthu_tiep_cong_dan=[session(1, 6, "2025-07-31")])
    july = date(2025, 7, 1)
    assert reception(con) == {(TP, july): ("UBND_TP", 1, 1.0), (NV, july): ("SO", 0, 1.0),
                              (P_BA_DINH, july): ("UBND_XA", 0, 4.0)}


def test_head_reception_current_month_only_or_no_sessions(tmp_path):
    # D = 31/07/2025: the first session month (July) has not ended → no month at all
    con = build(tmp_path, date(2025, 7, 31), donthu_dm_co_quan=AGENCIES,
                donthu_tiep_cong_dan=[session(1, 6, "2025-07-01")])
    assert reception(con) == {}
    assert reception(build(tmp_path, D, donthu_dm_co_quan=AGENCIES)) == {}
