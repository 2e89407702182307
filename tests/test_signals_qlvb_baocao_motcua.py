"""Record-level signal populations of systems 1-3 (spec/signals.md), worked out by hand.

Each test loads a few raw source records (exactly as the systems serve them) through the pydantic
models, builds the staging views and `intermediate.int_signals_{qlvb,baocao,motcua}`, and compares the
rows with what the rules say, record by record. Only the models these three depend on are built, so
the tests stay fast and do not depend on models being written elsewhere in parallel.

As-of date for every test: D = 2025-04-10 (local). "Past due": a deadline date d < 2025-04-10; a deadline
instant t < 2025-04-10 00:00 ICT = 2025-04-09T17:00:00Z. Unit 000.00.02.H26 (Sở GTVT) was dissolved on
2025-02-28: records naming it later are still attributed to it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from marts_support import DIRECTORY, load_raw, rows
from records import BA_DINH, apology, doc, dossier, fee, obligation, outgoing

from storage.sqlmodels import SQL_DIR, build_all, discover
from storage.state import StateStore

AS_OF = date(2025, 4, 10)
MAR, APR = date(2025, 3, 1), date(2025, 4, 1)
GTVT = "000.00.02.H26"  # dissolved 2025-02-28
UNKNOWN = "000.99.99.H26"  # not in the directory

SIGNAL_MODELS = ("int_signals_qlvb", "int_signals_baocao", "int_signals_motcua")
CONTRACT = [("signal_code", "VARCHAR"), ("system", "VARCHAR"), ("unit_code", "VARCHAR"), ("period", "DATE"),
            ("source_record_id", "VARCHAR"), ("event_date", "DATE"), ("counted", "BOOLEAN"),
            ("detail_vi", "VARCHAR")]


# --------------------------------------------------------------------------- building


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """The staging views and the three signal models (a copy of sql/ holding just those)."""
    root = tmp_path_factory.mktemp("sql")
    (root / "staging").symlink_to(SQL_DIR / "staging", target_is_directory=True)
    (root / "intermediate").mkdir()
    (root / "marts").mkdir()
    for name in SIGNAL_MODELS:
        (root / "intermediate" / f"{name}.sql").symlink_to(SQL_DIR / "intermediate" / f"{name}.sql")
    return discover(root)


@pytest.fixture
def build(tmp_path, models):
    stores = []

    def _build(**tables: list[dict]):
        tables.setdefault("directory_don_vi", DIRECTORY)
        store = StateStore(tmp_path / f"signals-{len(stores)}.duckdb").__enter__()
        stores.append(store)
        for table, records in tables.items():
            load_raw(store.con, table, records)
        build_all(store.con, AS_OF, models)
        return store.con

    yield _build
    for store in stores:
        store.close()


def signal_rows(con, system: str, signal_code: str) -> dict[str, dict]:
    """The rows of one signal keyed by source record id, after checking the contract's invariants."""
    found = rows(con, f"SELECT * FROM intermediate.int_signals_{system} WHERE signal_code = '{signal_code}'")
    for r in found:
        assert r["system"] == system
        assert r["counted"] is not None and r["unit_code"] is not None
        assert r["period"] == r["event_date"].replace(day=1)
        assert r["event_date"] <= AS_OF
        text = r["detail_vi"]
        assert text and text.endswith(".") and "\n" not in text and r["source_record_id"] in text
    ids = Counter(r["source_record_id"] for r in found)
    assert all(n == 1 for n in ids.values()), f"a record appears twice in {signal_code}: {ids}"
    return {r["source_record_id"]: r for r in found}


def assert_population(found: dict[str, dict], expected: dict[str, tuple[bool, date]]) -> None:
    """expected: record id -> (counted, event_date); every other record must be absent."""
    assert {k: (r["counted"], r["event_date"]) for k, r in found.items()} == expected


def tally(found: dict[str, dict]) -> dict[tuple[str, date], tuple[int, int]]:
    """(unit, period) -> (records counted, population size), as the monthly mart aggregates them."""
    out: dict[tuple[str, date], list[int]] = {}
    for r in found.values():
        n = out.setdefault((r["unit_code"], r["period"]), [0, 0])
        n[0] += r["counted"]
        n[1] += 1
    return {k: tuple(v) for k, v in out.items()}


# --------------------------------------------------------------------------- contract


def test_columns_and_types_are_the_contract(build):
    con = build()  # empty sources: the types come from the SQL, not from the data
    for name in SIGNAL_MODELS:
        described = con.sql(f"DESCRIBE intermediate.{name}").fetchall()
        assert [(c[0], c[1]) for c in described] == CONTRACT, name


# --------------------------------------------------------------------------- qlvb


def test_qlvb_di_ky_so(build):
    con = build(qlvb_van_ban=[
        outgoing("di-giay", hinh_thuc="GIAY", ky_so=False),           # paper: population, not counted
        outgoing("di-giay-ky-so", hinh_thuc="GIAY", ky_so=True),      # paper flagged signed: still not counted
        outgoing("di-dien-tu", ky_so=False),                          # electronic, unsigned: not counted
        outgoing("di-ky-so"),                                         # electronic and signed: counted
        outgoing("di-cuoi-thang", thoi_diem="2025-03-31T23:59:59+07:00"),   # local 31/03: March
        outgoing("di-dau-thang", thoi_diem="2025-03-31T17:30:00Z"),         # local 00:30 01/04: April
        outgoing("di-ngay-D", thoi_diem="2025-04-10T23:59:59+07:00"),       # issued on D itself: in
        outgoing("di-sau-D", thoi_diem="2025-04-11T00:00:00+07:00"),        # after D: left out
        outgoing("di-da-xoa", da_xoa=True),                           # soft-deleted: nowhere
        outgoing("di-mat", do_mat="MAT"),                             # classified: nowhere
        outgoing("di-don-vi-la", ma_don_vi=UNKNOWN),                  # unknown unit: left out
        outgoing("di-khong-don-vi", ma_don_vi=""),                    # "" = no unit: left out
        outgoing("di-gtvt", ma_don_vi=GTVT, thoi_diem="2025-03-20T09:00:00+07:00"),  # dissolved unit: still its
        doc("den-khong-phai-di"),                                     # incoming: not this signal
    ])
    found = signal_rows(con, "qlvb", "QLVB_DI_KY_SO")
    d15 = date(2025, 3, 15)
    assert_population(found, {
        "di-giay": (False, d15), "di-giay-ky-so": (False, d15), "di-dien-tu": (False, d15), "di-ky-so": (True, d15),
        "di-cuoi-thang": (True, date(2025, 3, 31)), "di-dau-thang": (True, date(2025, 4, 1)),
        "di-ngay-D": (True, AS_OF), "di-gtvt": (True, date(2025, 3, 20)),
    })
    # Ba Đình March: di-ky-so, di-cuoi-thang of 5 -> 2/5; April: 2/2; Sở GTVT March: 1/1.
    assert tally(found) == {(BA_DINH, MAR): (2, 5), (BA_DINH, APR): (2, 2), (GTVT, MAR): (1, 1)}
    assert found["di-gtvt"]["unit_code"] == GTVT
    assert found["di-giay"]["detail_vi"] == (
        "Văn bản đi số 56/QĐ-UBND (mã di-giay) ban hành ngày 15/03/2025 dưới dạng văn bản giấy.")
    assert found["di-dien-tu"]["detail_vi"] == ("Văn bản đi số 56/QĐ-UBND (mã di-dien-tu) ban hành ngày 15/03/2025 "
                                                "dưới dạng điện tử nhưng không có chữ ký số.")


# Incoming documents shared by both incoming signals. Same population for both (DEN, han_xu_ly set and
# before D): expected (QLVB_DEN_DUNG_HAN counted, QLVB_DEN_QUA_HAN_TON counted, event date = han_xu_ly).
INCOMING = [
    doc("den-som"),                                                            # done 20/03: on time
    doc("den-dung-ngay-han", ngay_hoan_thanh="2025-03-22T23:59:59+07:00"),     # done on the deadline day
    doc("den-ngay-sau-han", ngay_hoan_thanh="2025-03-23T00:00:00+07:00"),      # the day after: late
    doc("den-utc-trong-han", ngay_hoan_thanh="2025-03-22T16:59:59Z"),          # 23:59:59 22/03 local: on time
    doc("den-utc-qua-han", ngay_hoan_thanh="2025-03-22T17:00:00Z"),            # 00:00 23/03 local: late
    doc("den-ton", ngay_hoan_thanh=None, trang_thai="DANG_XU_LY"),             # open, past due
    doc("den-xong-sau-D", han_xu_ly="2025-04-01", ngay_hoan_thanh="2025-04-15T09:00:00+07:00"),  # late completion
    doc("den-han-D-1", han_xu_ly="2025-04-09", ngay_hoan_thanh=None, trang_thai="CHUA_XU_LY"),   # due D-1: past
    doc("den-han-D", han_xu_ly="2025-04-10", ngay_hoan_thanh=None, trang_thai="CHUA_XU_LY"),     # due D: not yet
    doc("den-han-D-da-xong", han_xu_ly="2025-04-10", ngay_hoan_thanh="2025-04-08T10:00:00+07:00"),  # not yet due
    doc("den-khong-han", han_xu_ly=None, ngay_hoan_thanh=None, trang_thai="DANG_XU_LY"),  # no deadline: out
    doc("den-khong-han-da-xong", han_xu_ly=None),                               # no deadline: out
    doc("den-da-xoa", ngay_hoan_thanh=None, trang_thai="DANG_XU_LY", da_xoa=True),          # soft-deleted
    doc("den-toi-mat", ngay_hoan_thanh=None, trang_thai="DANG_XU_LY", do_mat="TOI_MAT"),    # classified
    doc("den-don-vi-la", ngay_hoan_thanh=None, trang_thai="DANG_XU_LY", ma_don_vi=UNKNOWN),  # unknown unit
    doc("den-khong-don-vi", ngay_hoan_thanh=None, trang_thai="DANG_XU_LY", ma_don_vi=""),    # no unit
    doc("den-gtvt", ngay_hoan_thanh=None, trang_thai="DANG_XU_LY", ma_don_vi=GTVT),          # dissolved unit
    outgoing("di-co-han", han_xu_ly="2025-03-22"),                              # outgoing: not incoming
]
D22, D01, D09 = date(2025, 3, 22), date(2025, 4, 1), date(2025, 4, 9)
#                          (DUNG_HAN, QUA_HAN_TON, event date)
INCOMING_EXPECTED = {
    "den-som": (True, False, D22),
    "den-dung-ngay-han": (True, False, D22),
    "den-ngay-sau-han": (False, False, D22),
    "den-utc-trong-han": (True, False, D22),
    "den-utc-qua-han": (False, False, D22),
    "den-ton": (False, True, D22),
    "den-xong-sau-D": (False, False, D01),   # a completion recorded after D is still a completion (late)
    "den-han-D-1": (False, True, D09),
    "den-gtvt": (False, True, D22),
}


def test_qlvb_den_dung_han(build):
    found = signal_rows(build(qlvb_van_ban=INCOMING), "qlvb", "QLVB_DEN_DUNG_HAN")
    assert_population(found, {k: (on_time, d) for k, (on_time, _, d) in INCOMING_EXPECTED.items()})
    # Ba Đình March: den-som, den-dung-ngay-han, den-utc-trong-han on time of 6 -> 3/6;
    # April: den-xong-sau-D late, den-han-D-1 open -> 0/2; Sở GTVT March: 0/1.
    assert tally(found) == {(BA_DINH, MAR): (3, 6), (BA_DINH, APR): (0, 2), (GTVT, MAR): (0, 1)}
    assert found["den-ngay-sau-han"]["detail_vi"] == (
        "Văn bản đến số 1234/UBND-KSTTHC (mã den-ngay-sau-han) có hạn xử lý 22/03/2025, "
        "hoàn thành ngày 23/03/2025 (trễ 1 ngày).")
    assert found["den-som"]["detail_vi"].endswith("hoàn thành ngày 20/03/2025 (đúng hạn).")


def test_qlvb_den_qua_han_ton(build):
    found = signal_rows(build(qlvb_van_ban=INCOMING), "qlvb", "QLVB_DEN_QUA_HAN_TON")
    assert_population(found, {k: (open_, d) for k, (_, open_, d) in INCOMING_EXPECTED.items()})
    # count signal: counted = open past-due documents: Ba Đình March den-ton, April den-han-D-1, GTVT den-gtvt.
    assert tally(found) == {(BA_DINH, MAR): (1, 6), (BA_DINH, APR): (1, 2), (GTVT, MAR): (1, 1)}
    assert found["den-ton"]["detail_vi"] == (
        "Văn bản đến số 1234/UBND-KSTTHC (mã den-ton) có hạn xử lý 22/03/2025, "
        "đến ngày 10/04/2025 chưa hoàn thành xử lý (quá hạn 19 ngày).")


# --------------------------------------------------------------------------- baocao

OBLIGATIONS = [
    obligation(1001),                                                   # submitted the day before
    obligation(1002, nop_lan_dau_luc="2025-03-18T10:00:00Z"),           # at the deadline instant: on time
    obligation(1003, nop_lan_dau_luc="2025-03-18T10:00:01Z"),           # one second late
    obligation(1004, nop_lan_dau_luc="2025-03-18T12:00:00Z"),           # same local day, 19:00: late
    obligation(1005, nop_lan_dau_luc=None, nop_gan_nhat_luc=None, trang_thai="CHUA_NOP"),  # never submitted
    # deadline 16:59:59Z = 23:59:59 31/03 local (March) vs 17:00:00Z = 00:00 01/04 local (April)
    obligation(1006, han_nop="2025-03-31T16:59:59Z", nop_lan_dau_luc="2025-03-31T16:59:59Z"),  # on time, March
    obligation(1007, han_nop="2025-03-31T17:00:00Z", nop_lan_dau_luc="2025-03-31T17:00:00Z"),  # on time, April
    obligation(1008, han_nop="2025-03-31T16:59:59Z", nop_lan_dau_luc="2025-03-31T17:00:00Z"),  # late, March
    obligation(1009, han_nop="2025-03-31T17:00:00Z", nop_lan_dau_luc="2025-03-31T17:00:01Z"),  # late, April
    # D-1 23:59:59 local: past due. D 00:00 local and later on D: not yet.
    obligation(1010, han_nop="2025-04-09T16:59:59Z", nop_lan_dau_luc=None, trang_thai="CHUA_NOP"),
    obligation(1011, han_nop="2025-04-09T17:00:00Z", nop_lan_dau_luc=None, trang_thai="CHUA_NOP"),
    obligation(1012, han_nop="2025-04-10T10:00:00Z", nop_lan_dau_luc=None, trang_thai="CHUA_NOP"),
    obligation(1013, ma_don_vi=UNKNOWN, nop_lan_dau_luc=None),          # unknown unit: out
    obligation(1014, ma_don_vi="", nop_lan_dau_luc=None),               # no unit: out
    obligation(1015, ma_don_vi=GTVT, nop_lan_dau_luc=None),             # dissolved unit: still counts
    obligation(1016, nop_lan_dau_luc="2025-04-15T03:00:00Z"),           # submitted after D: late, not "chưa nộp"
]
D18, D31 = date(2025, 3, 18), date(2025, 3, 31)
#                       (NOP_DUNG_HAN, CHUA_NOP, event date = local date of han_nop)
OBLIGATIONS_EXPECTED = {
    "1001": (True, False, D18),
    "1002": (True, False, D18),
    "1003": (False, False, D18),
    "1004": (False, False, D18),
    "1005": (False, True, D18),
    "1006": (True, False, D31),
    "1007": (True, False, D01),
    "1008": (False, False, D31),
    "1009": (False, False, D01),
    "1010": (False, True, D09),
    "1015": (False, True, D18),
    "1016": (False, False, D18),
}


def test_baocao_nop_dung_han(build):
    found = signal_rows(build(baocao_ky_bao_cao=OBLIGATIONS), "baocao", "BAOCAO_NOP_DUNG_HAN")
    assert_population(found, {k: (ok, d) for k, (ok, _, d) in OBLIGATIONS_EXPECTED.items()})
    # Ba Đình March: 1001, 1002, 1006 on time of 1001-1006, 1008, 1016 -> 3/8;
    # April: 1007 on time of 1007, 1009, 1010 -> 1/3; Sở GTVT March: 0/1.
    assert tally(found) == {(BA_DINH, MAR): (3, 8), (BA_DINH, APR): (1, 3), (GTVT, MAR): (0, 1)}
    assert found["1007"]["detail_vi"] == (
        'Báo cáo "Báo cáo công tác cải cách hành chính quý" (mã 1007) kỳ 2025-Q1 hạn nộp 00:00 01/04/2025, '
        "nộp lần đầu lúc 00:00 01/04/2025 (đúng hạn).")
    assert found["1004"]["detail_vi"].endswith("hạn nộp 17:00 18/03/2025, nộp lần đầu lúc 19:00 18/03/2025 (trễ hạn).")


def test_baocao_chua_nop(build):
    found = signal_rows(build(baocao_ky_bao_cao=OBLIGATIONS), "baocao", "BAOCAO_CHUA_NOP")
    assert_population(found, {k: (never, d) for k, (_, never, d) in OBLIGATIONS_EXPECTED.items()})
    # count: Ba Đình March 1005, April 1010; Sở GTVT March 1015.
    assert tally(found) == {(BA_DINH, MAR): (1, 8), (BA_DINH, APR): (1, 3), (GTVT, MAR): (1, 1)}
    assert found["1005"]["detail_vi"] == (
        'Báo cáo "Báo cáo công tác cải cách hành chính quý" (mã 1005) kỳ 2025-Q1 hạn nộp 17:00 18/03/2025, '
        "đến ngày 10/04/2025 chưa nộp.")


# --------------------------------------------------------------------------- motcua


def test_motcua_dung_han(build):
    con = build(motcua_ho_so=[
        dossier("hs-som"),                                                   # ended 21/03 10:00: on time
        dossier("hs-dung-gio-hen", TrangThaiHoSo="9", NgayKetThucXuLy="20250322170000"),  # at the due time
        dossier("hs-tre-1-giay", NgayKetThucXuLy="20250322170001"),         # one second late
        dossier("hs-ngay-sau", NgayKetThucXuLy="20250323080000"),           # next day: late
        dossier("hs-9-khong-kt", TrangThaiHoSo="9", NgayKetThucXuLy=""),    # no end time: not finished
        dossier("hs-10-khong-hen", NgayHenTra=""),                          # no due time: not finished
        dossier("hs-dang-xu-ly", TrangThaiHoSo="4"),                        # status 4: not finished
        dossier("hs-rut", TrangThaiHoSo="7"),                               # withdrawn: not finished
        dossier("hs-kt-ngay-D", NgayKetThucXuLy="20250410235959", NgayHenTra="20250411170000"),  # ended on D
        dossier("hs-kt-sau-D", NgayKetThucXuLy="20250411080000", NgayHenTra="20250411170000"),   # after D: out
        dossier("hs-don-vi-la", MaDonVi=UNKNOWN),                           # unknown unit: out
        dossier("hs-khong-don-vi", MaDonVi=""),                             # no unit: out
        dossier("hs-gtvt", MaDonVi=GTVT),                                   # dissolved unit: counts
    ])
    found = signal_rows(con, "motcua", "MOTCUA_DUNG_HAN")
    assert_population(found, {  # event date = local date of NgayKetThucXuLy
        "hs-som": (True, date(2025, 3, 21)), "hs-dung-gio-hen": (True, D22), "hs-tre-1-giay": (False, D22),
        "hs-ngay-sau": (False, date(2025, 3, 23)), "hs-kt-ngay-D": (True, AS_OF), "hs-gtvt": (True, date(2025, 3, 21)),
    })
    # Ba Đình March: 2 on time of 4; April: 1/1; Sở GTVT: 1/1.
    assert tally(found) == {(BA_DINH, MAR): (2, 4), (BA_DINH, APR): (1, 1), (GTVT, MAR): (1, 1)}
    assert found["hs-ngay-sau"]["detail_vi"] == (
        "Hồ sơ hs-ngay-sau (Đăng ký khai sinh) hẹn trả 17:00 22/03/2025, kết thúc xử lý 08:00 23/03/2025: trễ hẹn.")
    assert found["hs-som"]["detail_vi"].endswith("kết thúc xử lý 10:00 21/03/2025: đúng hẹn.")


def test_motcua_truc_tuyen(build):
    con = build(motcua_ho_so=[
        dossier("tt-truc-tuyen", KenhThucHien="2", TrangThaiHoSo="4", NgayKetThucXuLy=""),  # online: counted
        dossier("tt-truc-tiep", KenhThucHien="1", TrangThaiHoSo="2", NgayKetThucXuLy=""),   # in person
        dossier("tt-buu-chinh", KenhThucHien="3", TrangThaiHoSo="5", NgayKetThucXuLy=""),   # by post
        dossier("tt-moi-dang-ky", KenhThucHien="2", TrangThaiHoSo="1", NgayKetThucXuLy=""),  # status 1: not received
        dossier("tt-tu-choi", KenhThucHien="2", TrangThaiHoSo="3", NgayKetThucXuLy=""),      # status 3: refused
        dossier("tt-rut", KenhThucHien="2", TrangThaiHoSo="7", NgayKetThucXuLy=""),          # 7 was received
        dossier("tt-dung", KenhThucHien="1", TrangThaiHoSo="8", NgayKetThucXuLy=""),         # 8 was received
        dossier("tt-khong-tiep-nhan", KenhThucHien="2", TrangThaiHoSo="2", NgayTiepNhan="",
                NgayKetThucXuLy=""),                                                        # no receipt time
        dossier("tt-cuoi-thang", KenhThucHien="2", NgayTiepNhan="20250331235959"),  # March
        dossier("tt-dau-thang", KenhThucHien="2", NgayTiepNhan="20250401000000"),   # April
        dossier("tt-ngay-D", KenhThucHien="2", TrangThaiHoSo="2", NgayTiepNhan="20250410160000",
                NgayHenTra="20250417170000", NgayKetThucXuLy=""),                  # received on D: in
        dossier("tt-sau-D", KenhThucHien="2", TrangThaiHoSo="2", NgayTiepNhan="20250411080000",
                NgayHenTra="20250418170000", NgayKetThucXuLy=""),                  # after D: out
        dossier("tt-don-vi-la", KenhThucHien="2", MaDonVi=UNKNOWN),                 # unknown unit: out
    ])
    found = signal_rows(con, "motcua", "MOTCUA_TRUC_TUYEN")
    d15 = date(2025, 3, 15)
    assert_population(found, {  # event date = local date of NgayTiepNhan
        "tt-truc-tuyen": (True, d15), "tt-truc-tiep": (False, d15), "tt-buu-chinh": (False, d15),
        "tt-rut": (True, d15), "tt-dung": (False, d15), "tt-cuoi-thang": (True, D31),
        "tt-dau-thang": (True, D01), "tt-ngay-D": (True, AS_OF),
    })
    # Ba Đình March: tt-truc-tuyen, tt-rut, tt-cuoi-thang online of 6 -> 3/6; April: 2/2.
    assert tally(found) == {(BA_DINH, MAR): (3, 6), (BA_DINH, APR): (2, 2)}
    assert found["tt-truc-tiep"]["detail_vi"] == (
        "Hồ sơ tt-truc-tiep (Đăng ký khai sinh) tiếp nhận lúc 08:30 15/03/2025, nộp trực tiếp.")


def test_motcua_thanh_toan_truc_tuyen(build):
    con = build(motcua_ho_so=[
        dossier("pt-mien-phi", DuocThanhToanTrucTuyen="0"),                           # no fee line: out
        dossier("pt-gia-0", DanhSachLePhi=[fee(0)], DuocThanhToanTrucTuyen="1"),     # Gia 0: not fee-bearing
        dossier("pt-cong-quoc-gia", DanhSachLePhi=[fee(0), fee(8000)], DuocThanhToanTrucTuyen="1"),  # counted
        dossier("pt-cong-thanh-pho", DanhSachLePhi=[fee(50000)], DuocThanhToanTrucTuyen="2"),        # "2": counted
        dossier("pt-chua", DanhSachLePhi=[fee(8000)], DuocThanhToanTrucTuyen="0"),   # fee, not paid online
        dossier("pt-le", DanhSachLePhi=[fee(0.5)], DuocThanhToanTrucTuyen="0"),      # any Gia > 0 is a fee
        dossier("pt-moi-dang-ky", TrangThaiHoSo="1", NgayKetThucXuLy="", DanhSachLePhi=[fee(8000)],
                DuocThanhToanTrucTuyen="1"),                                         # not received: out
        dossier("pt-khong-tiep-nhan", NgayTiepNhan="", DanhSachLePhi=[fee(8000)],
                DuocThanhToanTrucTuyen="1"),                                         # no receipt time: out
    ])
    found = signal_rows(con, "motcua", "MOTCUA_THANH_TOAN_TRUC_TUYEN")
    d15 = date(2025, 3, 15)
    assert_population(found, {"pt-cong-quoc-gia": (True, d15), "pt-cong-thanh-pho": (True, d15),
                              "pt-chua": (False, d15), "pt-le": (False, d15)})
    assert tally(found) == {(BA_DINH, MAR): (2, 4)}
    assert found["pt-cong-thanh-pho"]["detail_vi"] == (
        "Hồ sơ pt-cong-thanh-pho (Đăng ký khai sinh) tiếp nhận lúc 08:30 15/03/2025, có phí, lệ phí: "
        "đã thanh toán trực tuyến qua cổng thanh toán của Thành phố.")
    assert found["pt-chua"]["detail_vi"].endswith("có phí, lệ phí: không thanh toán trực tuyến.")


def test_motcua_so_hoa(build):
    con = build(motcua_ho_so=[
        dossier("sh-co", HoSoCoThanhPhanSoHoa="1"),                                    # counted
        dossier("sh-khong", HoSoCoThanhPhanSoHoa="0"),                                 # not counted
        dossier("sh-dang-xu-ly", TrangThaiHoSo="6", NgayKetThucXuLy="", HoSoCoThanhPhanSoHoa="1"),  # counted
        dossier("sh-tu-choi", TrangThaiHoSo="3", HoSoCoThanhPhanSoHoa="1"),            # refused: out
        dossier("sh-khong-tiep-nhan", NgayTiepNhan="", HoSoCoThanhPhanSoHoa="1"),      # no receipt: out
        dossier("sh-don-vi-la", MaDonVi=UNKNOWN, HoSoCoThanhPhanSoHoa="1"),            # unknown unit: out
    ])
    found = signal_rows(con, "motcua", "MOTCUA_SO_HOA")
    d15 = date(2025, 3, 15)
    assert_population(found, {"sh-co": (True, d15), "sh-khong": (False, d15), "sh-dang-xu-ly": (True, d15)})
    assert tally(found) == {(BA_DINH, MAR): (2, 3)}
    assert found["sh-khong"]["detail_vi"] == (
        "Hồ sơ sh-khong (Đăng ký khai sinh) tiếp nhận lúc 08:30 15/03/2025, thành phần hồ sơ chưa được số hóa.")


def test_motcua_tre_han_khong_xin_loi(build):
    late = {"NgayKetThucXuLy": "20250323080000"}  # finished 15h after the 17:00 22/03 due time
    still_open = {"TrangThaiHoSo": "4", "NgayKetThucXuLy": "", "NgayTra": ""}
    con = build(motcua_ho_so=[
        dossier("th-dung-hen"),                                               # ended before due: not late
        dossier("th-dung-gio-hen", NgayKetThucXuLy="20250322170000"),         # ended at due time: not late
        dossier("th-tre-khong-xin-loi", **late),                              # late, no apology: counted
        dossier("th-xin-loi-truoc", **late, DanhSachXinLoi=[apology("20250321090000")]),  # before: in time
        dossier("th-xin-loi-dung-gio", **late, DanhSachXinLoi=[apology("20250322170000")]),  # at due: in time
        dossier("th-xin-loi-sau", **late, DanhSachXinLoi=[apology("20250322170001")]),  # after: counted
        dossier("th-xin-loi-khong-ngay", **late, DanhSachXinLoi=[apology("")]),  # undated letter: counted
        dossier("th-hai-phieu", **late, DanhSachXinLoi=[apology("20250324090000"), apology("20250322100000")]),
        dossier("th-dang-xu-ly", **still_open),                               # open past due: counted
        dossier("th-9-khong-kt", TrangThaiHoSo="9", NgayKetThucXuLy=""),      # 9 without end: open, counted
        dossier("th-10-khong-kt-xin-loi", NgayKetThucXuLy="",
                DanhSachXinLoi=[apology("20250320090000")]),                  # open, apology in time
        dossier("th-rut", TrangThaiHoSo="7", NgayKetThucXuLy=""),             # withdrawn: never late
        dossier("th-dung", TrangThaiHoSo="8", NgayKetThucXuLy=""),            # stopped: never late
        dossier("th-moi-dang-ky", TrangThaiHoSo="1", NgayKetThucXuLy=""),     # not received
        dossier("th-tu-choi", TrangThaiHoSo="3", NgayKetThucXuLy=""),         # refused: not received
        dossier("th-khong-tiep-nhan", **still_open, NgayTiepNhan=""),         # no receipt time: not received
        dossier("th-khong-hen", **still_open, NgayHenTra=""),                 # no due time
        dossier("th-hen-ngay-D", **still_open, NgayHenTra="20250410080000"),  # due on D: not past due yet
        dossier("th-hen-D-1", **still_open, NgayHenTra="20250409235959"),     # due D-1 23:59:59: past due
        dossier("th-hen-sau-D", **still_open, NgayHenTra="20250415170000"),   # due after D
        dossier("th-tre-trong-ngay-D", NgayHenTra="20250410080000", NgayKetThucXuLy="20250410090000"),  # late on D
        dossier("th-don-vi-la", **still_open, MaDonVi=UNKNOWN),               # unknown unit: out
        dossier("th-gtvt", **still_open, MaDonVi=GTVT),                       # dissolved unit: counted
    ])
    found = signal_rows(con, "motcua", "MOTCUA_TRE_HAN_KHONG_XIN_LOI")
    assert_population(found, {  # counted = no apology in time; event date = local date of NgayHenTra
        "th-tre-khong-xin-loi": (True, D22), "th-xin-loi-truoc": (False, D22), "th-xin-loi-dung-gio": (False, D22),
        "th-xin-loi-sau": (True, D22), "th-xin-loi-khong-ngay": (True, D22), "th-hai-phieu": (False, D22),
        "th-dang-xu-ly": (True, D22), "th-9-khong-kt": (True, D22), "th-10-khong-kt-xin-loi": (False, D22),
        "th-hen-D-1": (True, D09), "th-tre-trong-ngay-D": (True, AS_OF), "th-gtvt": (True, D22),
    })
    # count signal: Ba Đình March 5 counted of 9 late; April 2 of 2; Sở GTVT 1 of 1.
    assert tally(found) == {(BA_DINH, MAR): (5, 9), (BA_DINH, APR): (2, 2), (GTVT, MAR): (1, 1)}
    assert found["th-dang-xu-ly"]["detail_vi"] == (
        "Hồ sơ th-dang-xu-ly (Đăng ký khai sinh) hẹn trả 17:00 22/03/2025, đến ngày 10/04/2025 chưa ghi nhận "
        "kết thúc xử lý (trạng thái: đang xử lý): trễ hẹn, không có phiếu xin lỗi và hẹn lại.")
    assert found["th-xin-loi-truoc"]["detail_vi"] == (
        "Hồ sơ th-xin-loi-truoc (Đăng ký khai sinh) hẹn trả 17:00 22/03/2025, kết thúc xử lý 08:00 23/03/2025: "
        "trễ hẹn, có phiếu xin lỗi và hẹn lại gửi trước hoặc đúng thời điểm hẹn trả.")
    assert found["th-xin-loi-sau"]["detail_vi"].endswith(
        "không có phiếu xin lỗi và hẹn lại nào gửi trước hoặc đúng thời điểm hẹn trả.")


def test_staging_leaves_deleted_and_classified_documents_nowhere(build):
    """Soft-deleted and classified documents appear in no qlvb signal at all, whatever their facts."""
    con = build(qlvb_van_ban=[
        doc("xoa-den", ngay_hoan_thanh=None, trang_thai="DANG_XU_LY", da_xoa=True),
        outgoing("xoa-di", da_xoa=True),
        doc("mat-den", do_mat="MAT", ngay_hoan_thanh=None, trang_thai="DANG_XU_LY"),
        outgoing("tuyet-mat-di", do_mat="TUYET_MAT"),
        doc("song"),
    ])
    ids = {r["source_record_id"] for r in rows(con, "SELECT * FROM intermediate.int_signals_qlvb")}
    assert ids == {"song"}
