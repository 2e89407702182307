"""Golden pages: one hand-written page per source system, checked against hand-written outcomes.

The truth here comes from ``spec/sources.md`` (and ``spec/signals.md`` where it rules on validity),
never from the code: ``tests/golden/<system>.json`` is a whole page body exactly as the contract
shows it (envelope included), and ``tests/golden/<system>.expected.json`` says, record by record
and in page order, what must be stored (every field, typed) or that the record must be rejected
(and which field paths the reason must name). The petitions database has no page: its JSON holds
the three tables' rows as SQLAlchemy returns them from SQLite (ISO strings, 0/1 integers); the same
rows as PostgreSQL returns them (``date``/``datetime``/``bool``) are written below in Python.

Expected times are written as ISO strings with an offset, often in another offset than the page's:
they are compared as instants, and the stored value must be timezone-aware. Where the local (ICT)
date matters (a deadline at local midnight), ``local_dates`` pins it too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from models import CoQuan, DonThu, DonVi, HoSo, KyBaoCao, NhiemVu, TiepCongDan, VanBan, validate_record

GOLDEN = Path(__file__).parent / "golden"

ICT = timezone(timedelta(hours=7))
"""sources.md: "Time zone: Vietnam, ICT, UTC+07:00, no daylight saving". Written out here on
purpose instead of importing the code's constant."""


# --------------------------------------------------------------------------- the contract, by system

def _directory_records(body: Any) -> list[dict]:
    # {"data": [...]}, no paging
    assert isinstance(body, dict) and set(body) == {"data"}
    return body["data"]


def _qlvb_records(body: Any) -> list[dict]:
    # {"trang": 1, "so_ban_ghi": 500, "tong_so": 18234, "du_lieu": [...]}
    assert isinstance(body, dict) and set(body) == {"trang", "so_ban_ghi", "tong_so", "du_lieu"}
    assert body["trang"] >= 1 and len(body["du_lieu"]) <= body["so_ban_ghi"] <= 1000
    return body["du_lieu"]


def _baocao_records(body: Any) -> list[dict]:
    # {"data": [...], "next_cursor": "…" or null}
    assert isinstance(body, dict) and set(body) == {"data", "next_cursor"}
    assert body["next_cursor"] is None or isinstance(body["next_cursor"], str)
    return body["data"]


def _motcua_records(body: Any) -> list[dict]:
    # {"error_code": "0", "message": "Thành công", "total": 4211, "result": [...]};
    # error_code is a string, and anything but "0" is a failure (never an empty page)
    assert isinstance(body, dict) and set(body) == {"error_code", "message", "total", "result"}
    assert body["error_code"] == "0"
    assert body["total"] >= len(body["result"])
    return body["result"]


def _nhiemvu_records(body: Any) -> list[dict]:
    # a bare JSON array (next page in the Link header)
    assert isinstance(body, list)
    return body


@dataclass(frozen=True)
class System:
    name: str
    records_of: Callable[[Any], list[dict]]
    id_field: str
    dates: frozenset[str]
    """Fields (at any depth) that hold a calendar date."""
    times: frozenset[str]
    """Fields (at any depth) that hold an instant."""
    personal: frozenset[str] = frozenset()
    """Raw fields whose values must never reach a row or a reason."""


SYSTEMS: dict[str, System] = {
    "directory": System(
        "directory", _directory_records, "ma_dinh_danh",
        dates=frozenset({"hieu_luc_tu", "hieu_luc_den"}), times=frozenset(),
    ),
    "qlvb": System(
        "qlvb", _qlvb_records, "id",
        dates=frozenset({"ngay_ky", "han_xu_ly"}),
        times=frozenset({"thoi_diem", "ngay_hoan_thanh", "cap_nhat_luc"}),
    ),
    "baocao": System(
        "baocao", _baocao_records, "id",
        dates=frozenset({"ngay_chot_so_lieu"}),
        times=frozenset({"han_nop", "nop_lan_dau_luc", "nop_gan_nhat_luc", "updated_at"}),
    ),
    "motcua": System(
        "motcua", _motcua_records, "MaHoSo",
        dates=frozenset(),
        times=frozenset({
            "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayCapNhat",
            "NgayXinLoi", "NgayHenTraMoi", "NgayYeuCau", "NgayHenTraTruoc",
        }),
        personal=frozenset({"ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai", "Email", "DiaChi"}),
    ),
    "nhiemvu": System(
        "nhiemvu", _nhiemvu_records, "ma_nhiem_vu",
        dates=frozenset({"ngay_giao", "han_hoan_thanh", "ngay_hoan_thanh", "han_moi", "ngay_dong_y"}),
        times=frozenset({"cap_nhat_luc"}),
    ),
    "donthu": System(
        "donthu", lambda rows: rows, "id",
        dates=frozenset({"ngay_nhan", "ngay_xu_ly_don", "ngay_thu_ly", "ngay_giai_quyet", "ngay_tiep"}),
        times=frozenset({"updated_at"}),
        personal=frozenset({"ho_ten_nguoi_gui", "cccd_nguoi_gui", "dia_chi_nguoi_gui", "noi_dung"}),
    ),
}

MODELS: dict[str, type] = {
    "directory": DonVi,
    "qlvb": VanBan,
    "baocao": KyBaoCao,
    "motcua": HoSo,
    "nhiemvu": NhiemVu,
    "dm_co_quan": CoQuan,
    "don_thu": DonThu,
    "tiep_cong_dan": TiepCongDan,
}

NUMBER_FIELDS = frozenset({"Gia"})
"""JSON numbers whose stored type the contract leaves open (int or float, never bool)."""

CLASSIFIED_FIELDS = ("trich_yeu", "so_ky_hieu")
"""sources.md: a document whose do_mat is not THUONG is classified; these are never stored."""

# How many records each golden page holds: (stored, rejected). Guards against a page or an
# expectation silently losing records.
COUNTS = {
    "directory": (7, 3),
    "qlvb": (11, 6),
    "baocao": (7, 5),
    "motcua": (9, 6),
    "nhiemvu": (7, 5),
    "donthu/dm_co_quan": (4, 1),
    "donthu/don_thu": (7, 5),
    "donthu/tiep_cong_dan": (3, 3),
    "donthu-postgresql/dm_co_quan": (2, 0),
    "donthu-postgresql/don_thu": (4, 3),
    "donthu-postgresql/tiep_cong_dan": (2, 1),
}

KNOWN_DISAGREEMENTS: dict[str, str] = {}
"""Case id → where the code disagrees with the spec. Such cases are strict xfails: they flip to a
failure as soon as the code is fixed, so the marker cannot outlive the finding."""


# --------------------------------------------------------------------------- PostgreSQL-style rows
# The same rows as donthu.json, as a PostgreSQL driver returns them through SQLAlchemy: DATE as
# date, TIMESTAMP (without time zone) as a naive datetime, BOOLEAN as bool. A stored row must not
# depend on the database behind the account, so valid ones must give the very rows expected from
# the SQLite-style page.

PG_ROWS: dict[str, list[dict]] = {
    "dm_co_quan": [
        {"id": 7, "ten": "Ủy ban nhân dân quận Ba Đình", "ma_dinh_danh": "000.00.12.H26"},
        {"id": 8, "ten": "UBND huyện Đông Anh", "ma_dinh_danh": None},
    ],
    "don_thu": [
        {"id": 50001, "so_vao_so": "123/2023", "ngay_nhan": date(2023, 3, 1), "nguon": "TRUC_TIEP",
         "loai_don": "KHIEU_NAI",
         "ho_ten_nguoi_gui": "Nguyễn Văn Tư", "cccd_nguoi_gui": "001089777001",
         "dia_chi_nguoi_gui": "Số 4 phố Đội Cấn, quận Ba Đình",
         "noi_dung": "Khiếu nại quyết định thu hồi đất tại thửa số 112",
         "co_quan_tiep_nhan_id": 7, "co_quan_giai_quyet_id": None, "ngay_xu_ly_don": date(2023, 3, 8),
         "huong_xu_ly": "THU_LY", "ngay_thu_ly": date(2023, 3, 10), "lan_giai_quyet": 1,
         "phuc_tap": True, "vung_kho_khan": False, "so_lan_gia_han": 0, "ngay_giai_quyet": None,
         "trang_thai": "DANG_GIAI_QUYET", "updated_at": datetime(2023, 3, 10, 9, 15), "da_xoa": False},
        {"id": 50002, "so_vao_so": "124/2023", "ngay_nhan": date(2023, 3, 2), "nguon": "BUU_CHINH",
         "loai_don": "TO_CAO",
         "ho_ten_nguoi_gui": "Trần Thị Năm", "cccd_nguoi_gui": "001190777002",
         "dia_chi_nguoi_gui": "Thôn Vân Trì, huyện Đông Anh",
         "noi_dung": "Tố cáo cán bộ địa chính nhận tiền khi làm sổ đỏ",
         "co_quan_tiep_nhan_id": 8, "co_quan_giai_quyet_id": 7, "ngay_xu_ly_don": date(2023, 3, 9),
         "huong_xu_ly": "THU_LY", "ngay_thu_ly": date(2023, 3, 13), "lan_giai_quyet": None,
         "phuc_tap": False, "vung_kho_khan": False, "so_lan_gia_han": 2, "ngay_giai_quyet": date(2023, 6, 5),
         "trang_thai": "DA_GIAI_QUYET", "updated_at": datetime(2023, 6, 5, 16, 20, 0, 0), "da_xoa": False},
        {"id": 50005, "so_vao_so": "127/2023", "ngay_nhan": date(2023, 3, 31), "nguon": "TRUC_TIEP",
         "loai_don": "TO_CAO",
         "ho_ten_nguoi_gui": "Đặng Văn Tám", "cccd_nguoi_gui": "001086777005",
         "dia_chi_nguoi_gui": "Số 30 phố Giang Văn Minh, quận Ba Đình",
         "noi_dung": "Tố cáo việc xây dựng trái phép tại số 32",
         "co_quan_tiep_nhan_id": 999, "co_quan_giai_quyet_id": None, "ngay_xu_ly_don": None,
         "huong_xu_ly": None, "ngay_thu_ly": None, "lan_giai_quyet": None,
         "phuc_tap": False, "vung_kho_khan": False, "so_lan_gia_han": 0, "ngay_giai_quyet": None,
         "trang_thai": "MOI_NHAN", "updated_at": datetime(2023, 4, 1, 0, 0, 0), "da_xoa": False},
        {"id": 50007, "so_vao_so": "129/2023", "ngay_nhan": date(2023, 4, 4), "nguon": "BUU_CHINH",
         "loai_don": "KIEN_NGHI_PHAN_ANH",
         "ho_ten_nguoi_gui": "Cao Văn Mười", "cccd_nguoi_gui": "001085777007",
         "dia_chi_nguoi_gui": "Số 6 phố Nguyễn Trường Tộ, quận Ba Đình",
         "noi_dung": "Kiến nghị sửa chữa vỉa hè trước nhà số 6",
         "co_quan_tiep_nhan_id": 7, "co_quan_giai_quyet_id": None, "ngay_xu_ly_don": date(2023, 4, 5),
         "huong_xu_ly": "LUU_DON", "ngay_thu_ly": None, "lan_giai_quyet": None,
         "phuc_tap": False, "vung_kho_khan": False, "so_lan_gia_han": 0, "ngay_giai_quyet": None,
         "trang_thai": "DA_XU_LY_DON", "updated_at": datetime(2023, 4, 20, 11, 0), "da_xoa": True},
        {"id": 50008, "so_vao_so": "130/2023", "ngay_nhan": date(2023, 4, 5), "nguon": "TRUC_TIEP",
         "loai_don": "KHIEU_NAI",
         "ho_ten_nguoi_gui": "Hồ Thị Mai Anh", "cccd_nguoi_gui": "001194777008",
         "dia_chi_nguoi_gui": "Số 11 phố Hàng Cót, quận Hoàn Kiếm",
         "noi_dung": "Khiếu nại lần ba về cùng một quyết định",
         "co_quan_tiep_nhan_id": 7, "co_quan_giai_quyet_id": None, "ngay_xu_ly_don": date(2023, 4, 7),
         "huong_xu_ly": "THU_LY", "ngay_thu_ly": date(2023, 4, 10), "lan_giai_quyet": 3,
         "phuc_tap": False, "vung_kho_khan": False, "so_lan_gia_han": 0, "ngay_giai_quyet": None,
         "trang_thai": "DANG_GIAI_QUYET", "updated_at": datetime(2023, 4, 10, 9, 0), "da_xoa": False},
        {"id": 50009, "so_vao_so": "131/2023", "ngay_nhan": date(2023, 4, 6), "nguon": "TRUC_TIEP",
         "loai_don": "TO_CAO",
         "ho_ten_nguoi_gui": "Lương Văn Khải", "cccd_nguoi_gui": "001083777009",
         "dia_chi_nguoi_gui": "Số 14 phố Hàng Mã, quận Hoàn Kiếm",
         "noi_dung": "Tố cáo trưởng thôn lập danh sách hộ nghèo sai",
         "co_quan_tiep_nhan_id": 8, "co_quan_giai_quyet_id": None, "ngay_xu_ly_don": date(2023, 4, 8),
         "huong_xu_ly": "THU_LY", "ngay_thu_ly": date(2023, 4, 10), "lan_giai_quyet": None,
         "phuc_tap": True, "vung_kho_khan": False, "so_lan_gia_han": 3, "ngay_giai_quyet": None,
         "trang_thai": "DANG_GIAI_QUYET", "updated_at": datetime(2023, 4, 10, 10, 0), "da_xoa": False},
        {"id": None, "so_vao_so": "134/2023", "ngay_nhan": date(2023, 4, 8), "nguon": "TRUC_TIEP",
         "loai_don": "TO_CAO",
         "ho_ten_nguoi_gui": "Ninh Thị Hoa", "cccd_nguoi_gui": "001197777012",
         "dia_chi_nguoi_gui": "Số 8 phố Yên Phụ, quận Tây Hồ",
         "noi_dung": "Tố cáo hành vi lấn chiếm đất công ven hồ",
         "co_quan_tiep_nhan_id": 7, "co_quan_giai_quyet_id": None, "ngay_xu_ly_don": None,
         "huong_xu_ly": None, "ngay_thu_ly": None, "lan_giai_quyet": None,
         "phuc_tap": False, "vung_kho_khan": False, "so_lan_gia_han": 0, "ngay_giai_quyet": None,
         "trang_thai": "MOI_NHAN", "updated_at": datetime(2023, 4, 8, 9, 0), "da_xoa": False},
    ],
    "tiep_cong_dan": [
        {"id": 9001, "co_quan_id": 7, "ngay_tiep": date(2023, 3, 15), "vai_tro_chu_tri": "THU_TRUONG",
         "hinh_thuc": "DINH_KY", "so_luot": 12, "updated_at": datetime(2023, 3, 15, 17, 0), "da_xoa": False},
        {"id": 9003, "co_quan_id": 9, "ngay_tiep": date(2023, 3, 31), "vai_tro_chu_tri": "CAN_BO",
         "hinh_thuc": "THUONG_XUYEN", "so_luot": 3, "updated_at": datetime(2023, 4, 1, 0, 0), "da_xoa": True},
        {"id": 9004, "co_quan_id": 7, "ngay_tiep": date(2023, 4, 5), "vai_tro_chu_tri": "CHU_TICH",
         "hinh_thuc": "DINH_KY", "so_luot": 5, "updated_at": datetime(2023, 4, 5, 17, 0), "da_xoa": False},
    ],
}

PG_REJECTS: dict[tuple[str, int | None], list[str]] = {
    ("don_thu", 50008): ["lan_giai_quyet"],
    ("don_thu", 50009): ["so_lan_gia_han"],
    ("don_thu", None): ["id"],
    ("tiep_cong_dan", 9004): ["vai_tro_chu_tri"],
}
"""The PostgreSQL-style rows that must be rejected, and the fields their reasons must name."""


# --------------------------------------------------------------------------- loading the pages


@dataclass(frozen=True)
class Case:
    page: str
    """``qlvb``, ``donthu/don_thu``, ``donthu-postgresql/don_thu``…"""
    system: System
    model: type
    raw: Any
    expected: dict

    @property
    def case_id(self) -> str:
        rid = self.expected["id"]
        return f"{self.page}-{rid if rid is not None else 'no-id'}"


def _load(name: str) -> Any:
    with open(GOLDEN / name, encoding="utf-8") as f:
        return json.load(f)


def _pair(page: str, system: System, model: type, raws: list, expected: list[dict]) -> Iterator[Case]:
    assert len(raws) == len(expected), f"{page}: {len(raws)} records on the page, {len(expected)} expected"
    for raw, exp in zip(raws, expected, strict=True):
        yield Case(page, system, model, raw, exp)


def _cases() -> list[Case]:
    cases: list[Case] = []
    for name in ("directory", "qlvb", "baocao", "motcua", "nhiemvu"):
        system = SYSTEMS[name]
        raws = system.records_of(_load(f"{name}.json"))
        cases += _pair(name, system, MODELS[name], raws, _load(f"{name}.expected.json")["records"])
    donthu = SYSTEMS["donthu"]
    tables = _load("donthu.json")
    expected_tables = _load("donthu.expected.json")["tables"]
    assert set(tables) == set(expected_tables) == {"dm_co_quan", "don_thu", "tiep_cong_dan"}
    for table, rows in tables.items():
        cases += _pair(f"donthu/{table}", donthu, MODELS[table], rows, expected_tables[table])
    for table, rows in PG_ROWS.items():
        by_id = {e["id"]: e for e in expected_tables[table]}
        for raw in rows:
            rid = raw["id"]
            if (table, rid) in PG_REJECTS:
                exp = {"id": rid, "covers": "PostgreSQL-style values", "reject": PG_REJECTS[(table, rid)]}
            else:
                exp = {**by_id[rid], "covers": "PostgreSQL-style values of " + by_id[rid]["covers"]}
                assert "row" in exp
            cases.append(Case(f"donthu-postgresql/{table}", donthu, MODELS[table], raw, exp))
    return cases


CASES = _cases()


def _params() -> list:
    out = []
    for case in CASES:
        marks = []
        if case.case_id in KNOWN_DISAGREEMENTS:
            marks.append(pytest.mark.xfail(reason=KNOWN_DISAGREEMENTS[case.case_id], strict=True))
        out.append(pytest.param(case, id=case.case_id, marks=marks))
    return out


# --------------------------------------------------------------------------- comparing


def _check(actual: Any, expected: Any, field: str, system: System, where: str) -> None:
    """Compare a stored value with its hand-written expectation, types included."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {type(actual).__name__}"
        assert set(actual) == set(expected), (
            f"{where}: unexpected fields {sorted(set(actual) - set(expected))}, "
            f"missing fields {sorted(set(expected) - set(actual))}"
        )
        for key, value in expected.items():
            _check(actual[key], value, key, system, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{where}: {len(actual)} entries, expected {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _check(a, e, field, system, f"{where}[{i}]")
    elif expected is None:
        assert actual is None, f"{where}: expected no value, got {actual!r}"
    elif field in system.times:
        want = datetime.fromisoformat(expected)
        assert want.utcoffset() is not None, f"golden {where} must carry an offset"
        assert isinstance(actual, datetime), f"{where}: expected a datetime, got {actual!r}"
        assert actual.tzinfo is not None and actual.utcoffset() is not None, f"{where}: naive {actual!r}"
        assert actual == want, f"{where}: {actual.isoformat()} is not the instant {expected}"
    elif field in system.dates:
        assert type(actual) is date, f"{where}: expected a date, got {actual!r}"
        assert actual == date.fromisoformat(expected), f"{where}: {actual} != {expected}"
    elif isinstance(expected, bool):
        assert actual is expected, f"{where}: expected {expected}, got {actual!r}"
    elif isinstance(expected, int) and field in NUMBER_FIELDS:
        assert isinstance(actual, int | float) and not isinstance(actual, bool), f"{where}: {actual!r}"
        assert actual == expected, f"{where}: {actual!r} != {expected}"
    elif isinstance(expected, int):
        assert type(actual) is int and actual == expected, f"{where}: expected {expected}, got {actual!r}"
    elif isinstance(expected, str):
        assert type(actual) is str and actual == expected, f"{where}: expected {expected!r}, got {actual!r}"
    else:  # pragma: no cover - a malformed golden file
        raise AssertionError(f"golden {where}: unexpected value {expected!r}")


def _reason_paths(reason: str) -> list[str]:
    """``<field path>: <message>`` per error, joined by ``; ``: the paths, each with a message."""
    paths = []
    for part in reason.split("; "):
        path, sep, message = part.partition(": ")
        assert sep and message.strip(), f"reason part without a message: {part!r} in {reason!r}"
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("case", _params())
def test_golden_record(case: Case):
    exp = case.expected
    raw_id = case.raw.get(case.system.id_field) if isinstance(case.raw, dict) else None
    assert (raw_id if raw_id != "" else None) == exp["id"], "golden page and expectations out of step"

    record, reason = validate_record(case.model, case.raw)
    if "reject" in exp:
        assert record is None, f"accepted, should be rejected ({exp['covers']}): {record.to_row()!r}"
        assert reason and "\n" not in reason, reason
        assert sorted(set(_reason_paths(reason))) == sorted(exp["reject"]), (
            f"reason names the wrong fields ({exp['covers']}): {reason}"
        )
        return

    assert reason is None, f"rejected, should be stored ({exp['covers']}): {reason}"
    row = record.to_row()
    _check(row, exp["row"], "", case.system, "row")
    for field, local_day in exp.get("local_dates", {}).items():
        assert row[field].astimezone(ICT).date() == date.fromisoformat(local_day), (
            f"{field}: local date of {row[field].isoformat()} is not {local_day}"
        )


def _secrets(system: System, cases: list[Case]) -> list[tuple[str, str, str]]:
    """(case, field, value) that must never show: personal fields, and a classified document's
    subject and number (sources.md: any do_mat but THUONG is classified)."""
    out = []
    for case in cases:
        fields = set(system.personal)
        if system.name == "qlvb" and case.raw.get("do_mat") != "THUONG":
            fields |= set(CLASSIFIED_FIELDS)
        for name in sorted(fields):
            value = case.raw.get(name)
            if isinstance(value, str) and value.strip():
                out.append((case.case_id, name, value))
    return out


PAGES = sorted({case.page for case in CASES})
PAGES_WITH_SECRETS = {"qlvb", "motcua", "donthu/don_thu", "donthu-postgresql/don_thu"}
"""The pages whose records carry personal fields or classified documents (so the check bites)."""


@pytest.mark.parametrize("page", PAGES)
def test_no_personal_or_classified_value_anywhere(page: str):
    cases = [c for c in CASES if c.page == page]
    system = cases[0].system
    secrets = _secrets(system, cases)
    assert bool(secrets) == (page in PAGES_WITH_SECRETS)
    shown = []
    for case in cases:
        record, reason = validate_record(case.model, case.raw)
        if record is not None:
            row = record.to_row()
            assert not set(row) & system.personal, f"{case.case_id}: personal field in the row"
            shown += [repr(row), repr(record)]
        else:
            shown.append(reason)
    text = "\n".join(shown)
    # Name the leak by record and field, never by value (the failure report is text too).
    leaked = [f"{case_id}.{name}" for case_id, name, value in secrets if value in text]
    assert not leaked, f"values of these fields reached a row or a reason: {leaked}"


def test_classified_subject_kept_for_ordinary_documents():
    """The qlvb privacy check is not vacuous: an ordinary document keeps its subject and number."""
    page = _qlvb_records(_load("qlvb.json"))
    ordinary = page[0]
    assert ordinary["do_mat"] == "THUONG"
    record, reason = validate_record(VanBan, ordinary)
    assert reason is None
    row = record.to_row()
    assert (row["trich_yeu"], row["so_ky_hieu"]) == (ordinary["trich_yeu"], ordinary["so_ky_hieu"])


@pytest.mark.parametrize("page", PAGES)
def test_golden_page_size(page: str):
    cases = [c for c in CASES if c.page == page]
    stored = sum("row" in c.expected for c in cases)
    rejected = sum("reject" in c.expected for c in cases)
    assert stored + rejected == len(cases)
    assert (stored, rejected) == COUNTS[page]


def test_page_totals_match_the_records():
    """Single-page golden bodies: the totals the envelopes announce are the records they carry."""
    qlvb = _load("qlvb.json")
    assert qlvb["tong_so"] == len(qlvb["du_lieu"])
    motcua = _load("motcua.json")
    assert motcua["total"] == len(motcua["result"])
