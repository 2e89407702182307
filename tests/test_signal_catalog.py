"""The signals are declared once (models/signals/catalog.py) and everything else is derived from it.

The truth of the declaration is spec/signals.md (its table, copied here by hand); the derived things
(marts.signal_catalog, the days signal's required days, the count signals, the docs' tables, the register's
template, the simulator's copies) are checked against the declaration, and a toy catalog proves that they follow
it rather than agreeing with it by accident.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
from marts_support import build, rows
from openpyxl import load_workbook
from test_signals_nhiemvu_donthu import AGENCIES, P_BA_DINH, TP, session

import simulator.generators.donthu as sim_donthu
import simulator.register as sim_register
from cchc.inspections import write_template
from models.register import KienNghi
from models.signals import (
    HEAD_RECEPTION_DAYS,
    SIGNAL_CODES,
    SIGNALS,
    ByUnitType,
    Signal,
    days_required_vi,
    docs,
)
from models.signals import catalog as signal_catalog
from sources.catalog import SYSTEMS
from web.pages.signals import DAYS_REQUIRED_VI

D = date(2025, 8, 15)

# spec/signals.md, "Signals": code → (system, kind, threshold); the days signal's "by unit type (below)"
SPEC = {
    "QLVB_DI_KY_SO": ("qlvb", "ratio", 0.95),
    "QLVB_DEN_DUNG_HAN": ("qlvb", "ratio", 0.95),
    "QLVB_DEN_QUA_HAN_TON": ("qlvb", "count", 0),
    "BAOCAO_NOP_DUNG_HAN": ("baocao", "ratio", 1.00),
    "BAOCAO_CHUA_NOP": ("baocao", "count", 0),
    "MOTCUA_DUNG_HAN": ("motcua", "ratio", 0.95),
    "MOTCUA_TRUC_TUYEN": ("motcua", "ratio", 0.50),
    "MOTCUA_THANH_TOAN_TRUC_TUYEN": ("motcua", "ratio", 0.50),
    "MOTCUA_SO_HOA": ("motcua", "ratio", 0.80),
    "MOTCUA_TRE_HAN_KHONG_XIN_LOI": ("motcua", "count", 0),
    "NHIEMVU_DUNG_HAN": ("nhiemvu", "ratio", 0.95),
    "NHIEMVU_QUA_HAN_TON": ("nhiemvu", "count", 0),
    "DONTHU_XU_LY_DON_DUNG_HAN": ("donthu", "ratio", 0.95),
    "DONTHU_GIAI_QUYET_DUNG_HAN": ("donthu", "ratio", 0.95),
    "DONTHU_TIEP_DAN_THU_TRUONG": ("donthu", "days", None),
}
# spec: "required days a month by the unit's directory loai: UBND_XA 4 (one a week), UBND_HUYEN 2, SO 1, UBND_TP 1"
SPEC_DAYS = {"UBND_XA": 4, "UBND_HUYEN": 2, "SO": 1, "UBND_TP": 1}
SPEC_CATALOG_COLUMNS = ["signal_code", "system", "kind", "name_vi", "description_vi", "threshold", "legal_basis"]


# --------------------------------------------------------------------------- the declaration is the spec's

def test_the_catalog_declares_the_spec_signals_in_its_order():
    assert list(SIGNAL_CODES) == list(SPEC)
    for s in SIGNALS:
        system, kind, threshold = SPEC[s.code]
        assert (s.system, s.kind, s.single_threshold) == (system, kind, threshold), s.code
    assert dict(HEAD_RECEPTION_DAYS.values) == SPEC_DAYS
    assert signal_catalog.DONTHU_TIEP_DAN_THU_TRUONG.threshold is HEAD_RECEPTION_DAYS


def test_every_signal_is_complete_and_named_after_its_system():
    systems = {s.name for s in SYSTEMS}
    for s in SIGNALS:
        assert s.system in systems and s.code.startswith(s.system.upper() + "_"), s.code
        texts = (s.name_vi, s.description_vi, s.legal_basis, s.unit_of_measure_vi, s.computation_vi, s.evidence_vi)
        assert all(t.strip() == t and t for t in texts), s.code
        assert "|" not in s.computation_vi + s.evidence_vi + s.name_vi  # they go into Markdown tables
    assert len(set(SIGNAL_CODES)) == len(SIGNAL_CODES)


def test_direction_follows_the_kind():
    # spec: ratio and days meet when value ≥ threshold (higher is better), count when value ≤ threshold
    assert {s.code: s.direction for s in SIGNALS if s.direction == "lower"} == {
        "QLVB_DEN_QUA_HAN_TON": "lower", "BAOCAO_CHUA_NOP": "lower", "MOTCUA_TRE_HAN_KHONG_XIN_LOI": "lower",
        "NHIEMVU_QUA_HAN_TON": "lower"}


def test_only_a_days_signal_has_a_threshold_by_unit_type():
    base = signal_catalog.MOTCUA_SO_HOA
    with pytest.raises(ValueError, match="only a days signal"):
        dataclasses.replace(base, threshold=HEAD_RECEPTION_DAYS)
    with pytest.raises(ValueError, match="only a days signal"):
        dataclasses.replace(signal_catalog.DONTHU_TIEP_DAN_THU_TRUONG, threshold=4)


@pytest.mark.parametrize("code", ["motcua_so_hoa", "MOTCUA", "MOTCUA_SO_HOA_", "MOTCUA-SO-HOA"])
def test_a_code_is_its_systems_name_then_words(code):
    with pytest.raises(ValueError, match="a signal code is its system's name"):
        dataclasses.replace(signal_catalog.MOTCUA_SO_HOA, code=code)
    assert dataclasses.replace(signal_catalog.MOTCUA_SO_HOA, code="DONTHU_MOI").system == "donthu"


@pytest.mark.parametrize(("kind", "threshold", "text"), [
    ("ratio", 0.95, "≥ 95 %"),
    ("ratio", 0.5, "≥ 50 %"),
    ("ratio", 0.875, "≥ 87,5 %"),
    ("ratio", 1.0, "100 %"),  # nothing is above 100 %: "≥" would say nothing
    ("count", 0, "0"),
    ("count", 2, "≤ 2"),
    ("days", ByUnitType((("UBND_XA", 4), ("UBND_HUYEN", 2), ("SO", 1), ("UBND_TP", 1))),
     "cấp xã 4 ngày, cấp huyện 2 ngày, sở và UBND Thành phố 1 ngày mỗi tháng"),
    ("days", ByUnitType((("SO", 1), ("UBND_XA", 1))), "sở và cấp xã 1 ngày mỗi tháng"),
    ("days", ByUnitType((("UBND_TP", 2),)), "UBND Thành phố 2 ngày mỗi tháng"),
])
def test_the_threshold_in_words(kind, threshold, text):
    base = signal_catalog.DONTHU_TIEP_DAN_THU_TRUONG if kind == "days" else signal_catalog.MOTCUA_SO_HOA
    assert dataclasses.replace(base, kind=kind, threshold=threshold).threshold_vi == text


def test_the_days_signal_says_its_required_days():
    phrase = "cấp xã 4 ngày, cấp huyện 2 ngày, sở và UBND Thành phố 1 ngày mỗi tháng"
    assert days_required_vi(HEAD_RECEPTION_DAYS) == phrase == DAYS_REQUIRED_VI  # the web page's
    assert signal_catalog.DONTHU_TIEP_DAN_THU_TRUONG.description_vi == (
        "Số ngày trong tháng người đứng đầu cơ quan trực tiếp chủ trì tiếp công dân; yêu cầu tối thiểu: " + phrase + ".")


# --------------------------------------------------------------------------- the mart and the SQL follow it

@pytest.fixture(scope="module")
def catalog_con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("catalog"), D)


def test_the_mart_is_the_declaration(catalog_con):
    got = rows(catalog_con, "SELECT * FROM marts.signal_catalog")
    assert list(got[0])[:len(SPEC_CATALOG_COLUMNS)] == SPEC_CATALOG_COLUMNS  # the spec's columns first, in order
    assert [r["signal_code"] for r in got] == list(SPEC)  # in the declared order
    for r, s in zip(got, SIGNALS, strict=True):
        assert r == {"signal_code": s.code, "system": s.system, "kind": s.kind, "name_vi": s.name_vi,
                     "description_vi": s.description_vi, "threshold": s.single_threshold,
                     "legal_basis": s.legal_basis, "direction": s.direction,
                     "unit_of_measure_vi": s.unit_of_measure_vi,
                     "thresholds_by_unit_type": None if s.kind != "days" else [
                         {"unit_type": "UBND_XA", "threshold": 4.0}, {"unit_type": "UBND_HUYEN", "threshold": 2.0},
                         {"unit_type": "SO", "threshold": 1.0}, {"unit_type": "UBND_TP", "threshold": 1.0}],
                     "computation_vi": s.computation_vi, "evidence_vi": s.evidence_vi}


def test_the_count_signals_variable_is_the_declared_counts(catalog_con):
    (found,) = catalog_con.execute("SELECT getvariable('count_signals')").fetchone()
    assert sorted(found) == sorted(code for code, (_, kind, _) in SPEC.items() if kind == "count")


def test_a_toy_catalog_changes_the_mart_and_the_days_signal(tmp_path):
    # The reception city of test_head_reception_month_that_ended_the_day_before (D = 01/08/2025, one session of
    # the City PC's head on 31/07), under a catalog that asks communes for 3 days, the City PC for 2 and
    # departments for none, and online filing for 60 %.
    toy = tuple(
        dataclasses.replace(s, threshold=ByUnitType((("UBND_XA", 3), ("UBND_TP", 2)))) if s.kind == "days"
        else dataclasses.replace(s, threshold=0.6, name_vi="Chỉ số thử") if s.code == "MOTCUA_TRUC_TUYEN" else s
        for s in SIGNALS)
    con = build(tmp_path, date(2025, 8, 1), signals=toy, donthu_dm_co_quan=AGENCIES,
                donthu_tiep_cong_dan=[session(1, 6, "2025-07-31")])
    july = date(2025, 7, 1)
    # Sở Nội vụ (SO) is no longer in the population; the City PC's 1 day falls short of 2
    assert rows(con, "SELECT unit_code, unit_type, numerator, threshold, meets_threshold "
                     "FROM intermediate.int_head_reception JOIN marts.unit_signals_monthly USING "
                     "(signal_code, unit_code, period, numerator, threshold) WHERE period = DATE '2025-07-01' "
                     "ORDER BY unit_code") == [
        {"unit_code": TP, "unit_type": "UBND_TP", "numerator": 1, "threshold": 2.0, "meets_threshold": False},
        {"unit_code": P_BA_DINH, "unit_type": "UBND_XA", "numerator": 0, "threshold": 3.0, "meets_threshold": False},
    ]
    assert {(r["unit_code"], r["period"]) for r in rows(con, "SELECT * FROM intermediate.int_head_reception")} == {
        (TP, july), (P_BA_DINH, july)}
    assert rows(con, "SELECT name_vi, threshold FROM marts.signal_catalog WHERE signal_code = 'MOTCUA_TRUC_TUYEN'"
                ) == [{"name_vi": "Chỉ số thử", "threshold": 0.6}]
    assert rows(con, "SELECT thresholds_by_unit_type AS t FROM marts.signal_catalog WHERE kind = 'days'") == [
        {"t": [{"unit_type": "UBND_XA", "threshold": 3.0}, {"unit_type": "UBND_TP", "threshold": 2.0}]}]


# --------------------------------------------------------------------------- the docs' tables

def test_the_docs_tables_are_the_catalogs():
    assert docs.stale() == {}, "run ./dev docs: " + ", ".join(docs.stale())
    assert docs.main(["--check"]) == 0


def test_the_readme_table_by_hand():
    table = docs.readme_table().splitlines()
    assert table[:2] == ["| mã | ý nghĩa | ngưỡng |", "|---|---|---|"]
    assert "| `BAOCAO_NOP_DUNG_HAN` | Tỷ lệ báo cáo nộp đúng hạn | 100 % |" in table
    assert "| `MOTCUA_SO_HOA` | Tỷ lệ hồ sơ được số hóa | ≥ 80 % |" in table
    assert "| `NHIEMVU_QUA_HAN_TON` | Số nhiệm vụ quá hạn chưa hoàn thành | 0 |" in table
    assert len(table) == 2 + 15


def test_a_changed_threshold_makes_the_docs_stale_and_only_the_table_is_rewritten(tmp_path):
    (tmp_path / "docs").mkdir()
    for name in docs.DOCUMENTS:
        (tmp_path / name).write_text((docs.ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    toy = tuple(dataclasses.replace(s, threshold=0.9) if s.code == "MOTCUA_SO_HOA" else s for s in SIGNALS)
    changed = docs.stale(tmp_path, toy)
    assert sorted(changed) == sorted(docs.DOCUMENTS)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    before, after = readme.splitlines(), changed["README.md"].splitlines()
    assert len(before) == len(after)
    assert [(b, a) for b, a in zip(before, after, strict=True) if b != a] == [
        ("| `MOTCUA_SO_HOA` | Tỷ lệ hồ sơ được số hóa | ≥ 80 % |", "| `MOTCUA_SO_HOA` | Tỷ lệ hồ sơ được số hóa | ≥ 90 % |")]


def test_a_document_without_its_markers_is_refused():
    with pytest.raises(ValueError, match=r"README.md: needs exactly one signal table .* \(found 0\)"):
        docs.rewritten("# README\n\n| mã |\n", "| mã |", "README.md")
    with pytest.raises(ValueError, match="has no"):
        docs.generated_spans(f"{docs.START}\n| mã |\n")


# --------------------------------------------------------------------------- the register

def test_the_register_template_lists_the_declared_signals(tmp_path):
    book = load_workbook(write_template(tmp_path / "mau.xlsx", []))
    assert [c.value for c in book["Danh mục"]["C"] if c.value][1:] == list(SPEC)  # the drop-down's list
    guide = [c.value for c in book["Hướng dẫn"]["A"] if c.value]
    start = guide.index("Mã chỉ tiêu") + 1
    assert guide[start:start + 15] == [f"{s.code}: {s.name_vi} (ngưỡng: {s.threshold_vi})" for s in SIGNALS]
    assert guide[start + 5] == "MOTCUA_DUNG_HAN: Tỷ lệ hồ sơ giải quyết đúng hạn (ngưỡng: ≥ 95 %)"
    # the example recommendation cites the declared code and threshold
    assert KienNghi.EXAMPLE["ma_chi_tieu"] == "MOTCUA_DUNG_HAN"
    assert KienNghi.EXAMPLE["noi_dung_kien_nghi"].endswith("bảo đảm tỷ lệ đúng hạn từ 95 % trở lên.")


# --------------------------------------------------------------------------- the simulated city's copies

def test_the_simulators_signals_and_thresholds_are_the_catalogs():
    """The simulator may not import the platform, so it names codes and thresholds itself: they must be declared."""
    declared = {s.code: s for s in SIGNALS}
    assert set(sim_register.THRESHOLDS) <= set(declared)
    assert set(sim_register.PERFORMANCE_SIGNALS) | {sim_register.ESIGN_SIGNAL} <= set(sim_register.THRESHOLDS)
    for code, threshold in sim_register.THRESHOLDS.items():
        assert threshold == declared[code].threshold, code
        percent = re.search(r"từ (\d+)% trở lên", sim_register.SIGNAL_TEXTS[code]).group(1)
        assert int(percent) / 100 == threshold, code
    assert sim_donthu.HEAD_DAYS == dict(HEAD_RECEPTION_DAYS.values)


def test_signal_is_a_frozen_value():
    with pytest.raises(dataclasses.FrozenInstanceError):
        SIGNALS[0].threshold = 0.5  # type: ignore[misc]
    assert isinstance(SIGNALS[0], Signal) and hash(SIGNALS) == hash(tuple(SIGNALS))
