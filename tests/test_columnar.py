"""The page validator (`ingest.columnar`) against the reference (the pydantic models).

Truth comes from the reference: the same raw records go through a sink that checks pages at C speed
and through one that validates every record by its model; the staged rows and the reject reasons
must be identical, record for record. The hand cases pin what the fast path itself must take (so
that it cannot pass by leaving everything to the reference) and what it must leave.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import orjson
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from connectors.paging import Page
from ingest.columnar import PageValidator, page_validator
from ingest.sync import RecordSink
from models.baocao import KyBaoCao
from models.motcua import HoSo
from models.qlvb import VanBan
from sources.catalog import MOTCUA, QLVB
from storage.schema import arrow_schema
from tests.records import doc, dossier


class CapturingWriter:
    """The writer a sink talks to, keeping staged rows and rejects in memory, normalised through the
    staging table's Arrow schema so that both paths are compared as stored."""

    def __init__(self, table):
        self.schema = arrow_schema(table)
        self.rows: dict[int, dict] = {}
        self.rejects: dict[int, tuple] = {}
        self.arrow_rows = 0
        self._seq = 0

    def reserve(self, n):
        first, self._seq = self._seq, self._seq + n
        return first

    def stage(self, table, rows, seqs):
        if rows:
            columns = {n: [r[n] for r in rows] for n in self.schema.names}
            self._keep(pa.Table.from_pydict(columns, schema=self.schema), seqs)

    def stage_arrow(self, table, batch):
        self.arrow_rows += batch.num_rows
        self._keep(batch.select(self.schema.names).cast(self.schema), batch.column("_seq").to_pylist())

    def _keep(self, table, seqs):
        for seq, row in zip(seqs, table.to_pylist(), strict=True):
            assert seq not in self.rows
            self.rows[seq] = row

    def reject(self, table, rejects):
        for key, record_id, reason, seq, stamped in rejects:
            self.rejects[seq] = (key, record_id, reason, stamped)


def run_both(table, pages, batch_rows=5_000):
    """(reference writer, columnar writer) after the same pages went through each kind of sink."""
    writers = []
    for columnar in (False, True):
        writer = CapturingWriter(table)
        sink = RecordSink(writer, table, batch_rows=batch_rows, columnar=columnar)
        for records in pages:
            sink.add(Page(records, orjson.dumps(records)))
        sink.flush()
        writers.append(writer)
    return writers


def assert_same(reference, columnar):
    assert columnar.rows.keys() == reference.rows.keys()
    for seq, row in reference.rows.items():
        assert _comparable(columnar.rows[seq]) == _comparable(row), f"record {seq}"
    assert columnar.rejects == reference.rejects


def _comparable(row):
    return {k: ("nan" if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


# --- hand cases ----------------------------------------------------------------------------------

def test_the_models_that_get_a_page_validator():
    assert page_validator(VanBan) is not None and page_validator(HoSo) is not None
    assert page_validator(KyBaoCao) is None  # its own validators (report period) run per record


def test_typical_records_are_taken_by_the_page_validator_with_the_reference_values():
    reference, columnar = run_both(QLVB.tables[0], [[doc("a"), doc("b", do_mat="MAT")]])
    assert columnar.arrow_rows == 2  # both taken at C speed
    assert_same(reference, columnar)
    taken = columnar.rows[0]
    assert taken["thoi_diem"] == datetime(2025, 3, 15, 1, 30, tzinfo=UTC)  # 08:30 +07:00
    assert taken["ngay_ky"] == date(2025, 3, 14)
    assert columnar.rows[1]["trich_yeu"] is None and columnar.rows[1]["so_ky_hieu"] is None  # classified
    reference, columnar = run_both(MOTCUA.tables[0], [[dossier("h1")]])
    assert columnar.arrow_rows == 1
    assert_same(reference, columnar)
    assert columnar.rows[0]["NgayTiepNhan"] == datetime(2025, 3, 15, 1, 30, tzinfo=UTC)  # 08:30 local
    assert "ChuHoSo" not in columnar.rows[0]


@pytest.mark.parametrize("field, value, taken", [
    ("thoi_diem", "2025-03-15T08:30:00Z", True),
    ("thoi_diem", "2025-03-15T08:30:00-05:30", True),
    ("thoi_diem", "2025-03-15T08:30:00.5+07:00", False),  # a fraction: the reference's to read
    ("thoi_diem", "2025-03-15T08:30:00", False),  # no offset: refused by the reference
    ("thoi_diem", "2025-02-29T08:30:00+07:00", False),  # 2025 is no leap year
    ("thoi_diem", "2025-03-15T24:00:00+07:00", False),
    ("thoi_diem", "2101-01-01T00:00:00+07:00", False),
    ("thoi_diem", "2100-12-31T23:59:59+07:00", True),
    ("thoi_diem", "1990-01-01T00:00:00+07:00", True),
    ("ngay_ky", "", True),  # no value
    ("ngay_ky", "2024-02-29", True),
    ("ngay_ky", "2023-13-01", False),
    ("ngay_ky", "1989-12-31", False),
    ("id", " ", False),
    ("id", "\u00a0", False),  # only Unicode space: the reference strips it and refuses
    ("chieu", "den", False),
    ("ky_so", None, False),
    ("da_xoa", "false", False),  # text where a boolean belongs: the page is the reference's
    ("ma_don_vi", "", True),
    ("do_mat", None, False),  # a required code
])
def test_edge_values_are_taken_or_left_as_the_reference_would(field, value, taken):
    reference, columnar = run_both(QLVB.tables[0], [[doc("a", **{field: value}), doc("b")]])
    assert_same(reference, columnar)
    assert (0 in columnar.rows and columnar.arrow_rows == 2) == taken


@pytest.mark.parametrize("overrides, taken", [
    ({"NgayTiepNhan": "20230230080000"}, False),  # 30 February
    ({"NgayTiepNhan": "20240229235959"}, True),
    ({"NgayTra": ""}, True),
    ({"NgayCapNhat": ""}, False),  # required
    ({"TrangThaiHoSo": "11"}, False),
    ({"MaHoSo": ""}, False),
    ({"DanhSachLePhi": None}, True),  # null is []
    ({"DanhSachLePhi": [{"Gia": -1}]}, False),
    ({"DanhSachLePhi": [{"Gia": 0}]}, True),
    ({"DanhSachLePhi": [None]}, False),
    ({"DanhSachXinLoi": [{"NgayXinLoi": "20250316080000", "NgayHenTraMoi": "20250399080000"}]}, False),
    ({"DanhSachXinLoi": [{"NgayXinLoi": "20250316080000", "LyDo": ""}]}, True),
])
def test_one_stop_shop_edges(overrides, taken):
    reference, columnar = run_both(MOTCUA.tables[0], [[dossier("h", **overrides)]])
    assert_same(reference, columnar)
    assert (columnar.arrow_rows == 1) == taken


def test_a_json_true_in_a_number_field_leaves_the_page_to_the_reference():
    page = [dossier("h", DanhSachLePhi=[{"Gia": True}]), dossier("k")]
    reference, columnar = run_both(MOTCUA.tables[0], [page])
    assert columnar.arrow_rows == 0
    assert_same(reference, columnar)
    assert "Gia" in reference.rejects[0][2]


def test_records_that_are_not_objects_are_the_references():
    reference, columnar = run_both(QLVB.tables[0], [[doc("a"), None, "text", doc("b")]])
    assert_same(reference, columnar)
    assert len(reference.rejects) == 2


def test_a_record_seen_twice_keeps_its_arrival_order():
    reference, columnar = run_both(QLVB.tables[0], [[doc("a")], [doc("a", trang_thai="XX")], [doc("a")]],
                                   batch_rows=1)
    assert_same(reference, columnar)
    assert sorted(columnar.rows) == [0, 2] and sorted(columnar.rejects) == [1]


def test_validator_never_reads_personal_fields():
    validator = PageValidator(HoSo)
    assert not {"ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai", "Email", "DiaChi"} & set(validator._struct.names)


# --- the property: random pages, valid and corrupt ---------------------------------------------

ISO_TIMES = ["2025-03-15T08:30:00+07:00", "2025-03-15T08:30:00Z", "2024-02-29T23:59:59-05:30", "2025-03-15T08:30:00",
             "2025-03-15T08:30:00.123+07:00", "2025-03-15T08:30:00+0700", "2025-02-29T08:30:00+07:00",
             "2025-03-15T24:00:00+07:00", "2025-03-15T23:59:60+07:00", "1989-12-31T23:59:59+07:00",
             "2100-12-31T23:59:59+14:00", "2101-01-01T00:00:00Z", " 2025-03-15T08:30:00+07:00",
             "2025-03-15t08:30:00+07:00", "2025-03-15 08:30:00+07:00", "2025-3-15T08:30:00+07:00",
             "2025-03-15T08:30:00+24:00", "2025-03-15T08:30:00+07:60", "٢٠٢٥-03-15T08:30:00+07:00",
             "2025-00-15T08:30:00+07:00", "2025-03-00T08:30:00+07:00", "2025-03-32T08:30:00+07:00"]
ISO_DATES = ["2025-03-14", "2024-02-29", "2023-02-29", "2023-13-01", "2023-00-10", "2023-01-00", "2023-1-5",
             "2023/01/05", "1990-01-01", "1989-12-31", "2100-12-31", "2101-01-01", "2025-03-14T00:00:00"]
COMPACT = ["20250315083000", "20240229235959", "20230229080000", "20231345250000", "20230228240000",
           "20230228235960", "2023022823595", "202302282359590", "19891231235959", "19900101000000",
           "21001231235959", "21010101000000", "20250015083000", "20250300083000", " 2025031508300",
           "2025-03-15 08:30"]
ODD = [None, "", " ", "\u00a0", "\u3000"]
ODD_TYPES = [0, 1, -1, 1.5, True, False, [], {}, ["x"], {"a": 1}, 2 ** 62]  # JSON types Arrow may refuse
TEXT = ["x", "Sở Nội vụ", "000.00.12.H26", "  a  "]


def _values(*pools):
    return st.sampled_from([v for pool in pools for v in pool])


QLVB_VALUES = {
    "id": _values(["a", "b", "c"], ODD), "chieu": _values(["DEN", "DI", "den", "DEN "], ODD),
    "so_ky_hieu": _values(TEXT, ODD), "ma_loai": _values(["CV", "QD", "TTr", "ttr", "XX"], ODD),
    "trich_yeu": _values(TEXT, ODD), "ma_don_vi": _values(TEXT, ODD), "ma_don_vi_lien_quan": _values(TEXT, ODD),
    "ngay_ky": _values(ISO_DATES, ODD), "thoi_diem": _values(ISO_TIMES, ODD),
    "do_mat": _values(["THUONG", "MAT", "TOI_MAT", "TUYET_MAT", "thuong"], ODD),
    "do_khan": _values(["THUONG", "KHAN", "HOA_TOC", "X"], ODD), "hinh_thuc": _values(["DIEN_TU", "GIAY", "giay"], ODD),
    "ky_so": _values([True, False, "true", 1, 0], ODD), "han_xu_ly": _values(ISO_DATES, ODD),
    "trang_thai": _values(["CHUA_XU_LY", "DANG_XU_LY", "DA_XU_LY", "XONG"], ODD),
    "ngay_hoan_thanh": _values(ISO_TIMES, ODD), "cap_nhat_luc": _values(ISO_TIMES, ODD),
    "da_xoa": _values([True, False, "false", 0], ODD),
}
ITEM_DATES = _values(COMPACT, ODD)
MOTCUA_VALUES = {
    "MaHoSo": _values(["h1", "h2", "h3"], ODD), "MaTTHC": _values(TEXT, ODD), "TenTTHC": _values(TEXT, ODD),
    "MaLinhVuc": _values(TEXT, ODD), "MaDonVi": _values(TEXT, ODD), "KenhThucHien": _values(["1", "2", "3", "4"], ODD),
    "NgayTiepNhan": ITEM_DATES, "NgayHenTra": ITEM_DATES, "NgayKetThucXuLy": ITEM_DATES, "NgayTra": ITEM_DATES,
    "TrangThaiHoSo": _values([str(i) for i in range(0, 12)], ODD),
    "DuocThanhToanTrucTuyen": _values(["0", "1", "2", "3"], ODD), "HoSoCoThanhPhanSoHoa": _values(["0", "1", "2"], ODD),
    "NgayCapNhat": ITEM_DATES,
    "DanhSachLePhi": st.one_of(_values(ODD), st.lists(st.one_of(st.none(), st.fixed_dictionaries(
        {"MaPhiLePhi": _values(TEXT, ODD), "Gia": _values([0, 100000, 1.5, -1, -0.0, 1e308, 2 ** 60], ODD)}),
        st.fixed_dictionaries({"TenPhiLePhi": _values(TEXT)})), max_size=3)),
    "DanhSachXinLoi": st.one_of(_values(ODD), st.lists(st.one_of(st.none(), _values(["", "x"]), st.just({}),
                                                                 st.fixed_dictionaries(
        {"NgayXinLoi": ITEM_DATES, "NgayHenTraMoi": ITEM_DATES, "LyDo": _values(TEXT, ODD)})), max_size=3)),
    "DanhSachHoSoBoSung": st.one_of(_values(ODD), st.lists(st.fixed_dictionaries(
        {"NgayYeuCau": ITEM_DATES, "NgayHenTraTruoc": ITEM_DATES}), max_size=2)),
}
PERSONAL = {"ChuHoSo": "Nguyễn Văn A", "SoGiayToChuHoSo": "001089000000", "Email": "a@example.vn"}
MISSING = object()


def _records(typical, values, extra=None):
    """A typical record with a few fields (none, most often) replaced by another value or dropped; in
    one page of two, now and then a value of another JSON type (which may leave the page to the reference)."""
    names = sorted(values)

    @st.composite
    def record(draw, odd_types):
        raw = dict(typical) | (extra or {})
        for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
            value = draw(st.one_of(values[name], st.just(MISSING), *([_values(ODD_TYPES)] if odd_types else [])))
            if value is MISSING:
                raw.pop(name, None)
            else:
                raw[name] = value
        return raw

    return lambda odd: st.one_of(*[record(odd)] * 7, _values(ODD + ODD_TYPES if odd else ODD))


def _pages(records):
    page = st.booleans().flatmap(lambda odd: st.lists(records(odd), max_size=12))
    return st.lists(page, min_size=1, max_size=5)


def _counted(writers):
    """Shown by --hypothesis-show-statistics: how much of the kept rows the fast path took itself."""
    reference, columnar = writers
    share = columnar.arrow_rows / len(columnar.rows) if columnar.rows else None
    event("no row kept" if share is None else
          f"kept rows taken at C speed: {'none' if not share else 'all' if share == 1 else 'some'}")
    return writers


def _settings(examples: int):
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


DOCUMENT_PAGES = (_pages(_records(doc("a"), QLVB_VALUES)), st.sampled_from([1, 5, 5_000]))
DOSSIER_PAGES = (_pages(_records(dossier("h1"), MOTCUA_VALUES, PERSONAL)), st.sampled_from([1, 5, 5_000]))


def documents_agree(pages, batch_rows):
    assert_same(*_counted(run_both(QLVB.tables[0], pages, batch_rows)))


def dossiers_agree(pages, batch_rows):
    assert_same(*_counted(run_both(MOTCUA.tables[0], pages, batch_rows)))


# a quick pass in the fast suite, a long one in the full suite (CI)
test_documents_the_page_validator_and_the_reference_agree = _settings(100)(given(*DOCUMENT_PAGES)(documents_agree))
test_dossiers_the_page_validator_and_the_reference_agree = _settings(100)(given(*DOSSIER_PAGES)(dossiers_agree))
test_documents_agree_on_many_more_pages = pytest.mark.e2e(_settings(2_000)(given(*DOCUMENT_PAGES)(documents_agree)))
test_dossiers_agree_on_many_more_pages = pytest.mark.e2e(_settings(2_000)(given(*DOSSIER_PAGES)(dossiers_agree)))
