"""The simulated city's inspection register: the contract's workbooks, and a story its data bear out."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook

from models.names import name_key
from models.register import (
    CLAIMS,
    INSPECTION_KINDS,
    REGISTER_ROWS,
    BaoCaoKhacPhuc,
    CuocKiemTra,
    KienNghi,
)
from models.signals import SIGNAL_CODES
from simulator import register as sim
from simulator.directory import Directory

FIRST, LAST = date(2023, 1, 1), date(2026, 11, 30)


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory(seed=61)


@pytest.fixture(scope="module")
def books(directory, tmp_path_factory):
    folder = tmp_path_factory.mktemp("so-theo-doi")
    paths = directory.register.write(folder, FIRST, LAST)
    return {p.name: load_workbook(p) for p in paths}


def _records(books) -> dict[str, list]:
    """Every row of the workbooks validated by the platform's models, as the reader will."""
    out: dict[str, list] = defaultdict(list)
    for file, book in books.items():
        for model in REGISTER_ROWS:
            ws = book[model.SHEET]
            headers = [c.value for c in ws[1]]
            field_of = {title: name for name, title in model.columns().items()}
            for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), 2):
                values = {field_of[h]: v for h, v in zip(headers, row, strict=True)}
                out[model.SHEET].append(model.model_validate(
                    {**values, "tep": file, "dong": n, "vi_tri": f"{file} › {model.SHEET} › dòng {n}"}))
    return out


def test_the_simulators_copy_of_the_contract_is_the_contract():
    assert sim.HEADERS == {m.SHEET: tuple(m.columns().values()) for m in REGISTER_ROWS}
    assert sim.KINDS == INSPECTION_KINDS and sim.CLAIMS == CLAIMS
    assert set(sim.THRESHOLDS) <= set(SIGNAL_CODES)
    assert set(sim.SIGNAL_TEXTS) == set(sim.THRESHOLDS)


def test_the_register_is_deterministic_for_a_seed(directory, tmp_path):
    again = Directory(seed=61).register
    assert again.rows(FIRST, LAST) == directory.register.rows(FIRST, LAST)
    assert [(u.code, u.changes) for u in Directory(seed=61).units] == [(u.code, u.changes) for u in directory.units]
    assert Directory(seed=7).register.rows(FIRST, LAST) != directory.register.rows(FIRST, LAST)


def test_workbooks_have_the_contracts_sheets_headers_and_date_cells(books):
    assert sorted(books) == ["so-theo-doi-2024.xlsx", "so-theo-doi-2025.xlsx"]
    for book in books.values():
        for sheet, headers in sim.HEADERS.items():
            ws = book[sheet]
            assert tuple(c.value for c in ws[1]) == headers
            assert ws.max_row > 1
        starts = [row[4] for row in book[sim.INSPECTIONS].iter_rows(min_row=2, values_only=True)]
        assert all(isinstance(d, datetime) and d.time() == time() for d in starts)  # real date cells


def test_every_row_is_valid_and_references_hold(books, directory):
    rows = _records(books)
    inspections: list[CuocKiemTra] = rows[CuocKiemTra.SHEET]
    recommendations: list[KienNghi] = rows[KienNghi.SHEET]
    reports: list[BaoCaoKhacPhuc] = rows[BaoCaoKhacPhuc.SHEET]
    ids = [i.ma_cuoc_kiem_tra for i in inspections]
    assert len(ids) == len(set(ids)) and all(i.startswith(("KT-2024-", "KT-2025-")) for i in ids)
    assert len({r.ma_kien_nghi for r in recommendations}) == len(recommendations)
    by_id = {i.ma_cuoc_kiem_tra: i for i in inspections}
    for r in recommendations:
        insp = by_id[r.ma_cuoc_kiem_tra]
        assert insp.ngay_ket_luan is not None and r.han_khac_phuc >= insp.ngay_ket_luan
        assert r.ma_kien_nghi.startswith(r.ma_cuoc_kiem_tra + "/KN-")
    recs_of = defaultdict(set)
    for r in recommendations:
        recs_of[r.ma_cuoc_kiem_tra].add(r.ma_kien_nghi)
    for rep in reports:
        insp = by_id[rep.ma_cuoc_kiem_tra]
        assert insp.ngay_ket_luan <= rep.ngay_bao_cao <= LAST
        assert rep.ma_kien_nghi is None or rep.ma_kien_nghi in recs_of[rep.ma_cuoc_kiem_tra]
    assert Counter(i.hinh_thuc for i in inspections).keys() == {"KE_HOACH", "DOT_XUAT", "TAI_KIEM_TRA"}
    assert {rep.ket_qua for rep in reports} == {"DA_KHAC_PHUC", "DANG_KHAC_PHUC"}
    assert any(r.ma_chi_tieu for r in recommendations) and any(not r.ma_chi_tieu for r in recommendations)
    # reports filed in 2025 on inspections of 2024 sit in the 2025 workbook: references across workbooks
    assert any(rep.tep.endswith("2025.xlsx") and rep.ma_cuoc_kiem_tra.startswith("KT-2024-") for rep in reports)
    # the City PC's inspections of departments, district and commune PCs
    types = {directory.by_code[i.unit.code].loai for i in directory.register.inspections}
    assert {"SO", "UBND_HUYEN", "UBND_XA"} <= types


def test_units_are_named_by_code_or_by_names_that_resolve(books, directory):
    inspections = _records(books)[CuocKiemTra.SHEET]
    owners = defaultdict(set)
    for u in directory.units:
        for name in (u.name, *u.aliases):
            owners[name_key(name)].add(u.code)
    truth = {i.id: i.unit.code for i in directory.register.inspections}
    named_only = [i for i in inspections if i.ma_don_vi is None]
    assert len(named_only) >= 5
    assert any(i.ten_don_vi.startswith("Uỷ ban") for i in inspections if i.ten_don_vi)
    assert any(i.ten_don_vi.startswith("UBND") for i in inspections if i.ten_don_vi)
    for i in inspections:
        if i.ma_don_vi is not None:
            assert i.ma_don_vi == truth[i.ma_cuoc_kiem_tra]
        if i.ten_don_vi is not None:
            assert owners[name_key(i.ten_don_vi)] == {truth[i.ma_cuoc_kiem_tra]}, i.ten_don_vi


def test_inspected_units_exist_when_inspected_and_recommendations_follow_weak_signals(directory):
    for i in directory.register.inspections:
        assert i.unit.in_force(i.start) and i.unit.in_force(i.conclusion_date)
        assert i.start <= i.end < i.conclusion_date
        for signal in i.signals:
            assert i.before[signal] < sim.THRESHOLDS[signal], (i.id, signal)


def _after(unit, signal: str, day: date) -> float:
    return sim.ky_so_ratio(unit.trait("esign", day)) if signal == sim.ESIGN_SIGNAL else unit.performance(day)


def test_the_units_behaviour_changes_after_the_deadline_as_planned(directory):
    register = directory.register
    with_signals = [i for i in register.inspections if i.outcome]
    assert {i.outcome for i in with_signals} == {sim.REMEDY, sim.PARTIAL, sim.STAY, sim.WORSE}
    for i in with_signals:
        later = [i2 for i2 in register.inspections if i2.unit is i.unit and i2.start > i.start and i2.change]
        months = [i.deadline + timedelta(days=d) for d in (15, 45, 75, 105, 135, 165)]
        if later:  # a re-inspection changes the unit again: look before it
            months = [m for m in months if m < later[0].change.since]
        for signal in i.signals:
            threshold, before = sim.THRESHOLDS[signal], i.before[signal]
            for m in months:
                value = _after(i.unit, signal, m)
                if i.outcome == sim.REMEDY:
                    assert value >= threshold, (i.id, signal, m)
                elif i.outcome == sim.PARTIAL:
                    assert before + 0.05 <= value < threshold, (i.id, signal, m)
                elif i.outcome == sim.STAY:
                    assert value == pytest.approx(before, abs=1e-9) and value < threshold, (i.id, signal, m)
                else:
                    assert value <= before - 0.05, (i.id, signal, m)


def test_most_remedying_units_say_so_and_some_others_claim_it_too(directory):
    with_signals = [i for i in directory.register.inspections if i.outcome]
    remedied = [i for i in with_signals if i.outcome == sim.REMEDY]
    assert sum(i.claims_remedied for i in remedied) > 0.7 * len(remedied)
    contradicted = [i for i in with_signals if i.outcome != sim.REMEDY and i.claims_remedied]
    assert len(contradicted) >= 3
    for i in contradicted:  # what the data will contradict: still below the threshold after the deadline
        for signal in i.signals:
            assert _after(i.unit, signal, i.deadline + timedelta(days=45)) < sim.THRESHOLDS[signal]
    assert any(not i.reports for i in with_signals)
    assert any(r.claim == "DANG_KHAC_PHUC" for i in with_signals for r in i.reports)


def test_reinspections_revisit_units_inspected_the_year_before(directory):
    inspections = directory.register.inspections
    again = [i for i in inspections if i.kind == "TAI_KIEM_TRA"]
    assert 1 <= len(again) <= sim.REINSPECTIONS
    for i in again:
        assert i.start.year == 2025
        before = [p for p in inspections if p.unit is i.unit and p.start.year == 2024]
        assert before and i.start > before[0].deadline


def test_the_register_keeps_to_the_worlds_dates(directory):
    first, last = date(2024, 6, 1), date(2025, 3, 31)
    rows = directory.register.rows(first, last)
    inspections = [r for rows_ in rows[sim.INSPECTIONS].values() for r in rows_]
    assert inspections and all(first <= r[4] <= last for r in inspections)
    assert all(r[8] is None or r[8] <= last for r in inspections)
    concluded = {r[0] for r in inspections if r[8] is not None}
    assert all(r[1] in concluded for rows_ in rows[sim.RECOMMENDATIONS].values() for r in rows_)
    assert all(r[2] <= last and r[0] in concluded for rows_ in rows[sim.REPORTS].values() for r in rows_)
    assert directory.register.rows(date(2026, 6, 1), date(2026, 6, 30)) == {s: {} for s in sim.HEADERS}


def test_a_world_writes_the_register_as_of_its_clock(small_world, tmp_path):
    """seed 7, September 2025: only the inspections that started that month, as known on its last day."""
    paths = small_world.write_register(tmp_path / "so-theo-doi")
    expected = small_world.directory.register.rows(date(2025, 9, 1), date(2025, 9, 30))
    started = [r for rows in expected[sim.INSPECTIONS].values() for r in rows]
    assert started and [p.name for p in paths] == ["so-theo-doi-2025.xlsx"]
    sheet = load_workbook(paths[0])[sim.INSPECTIONS]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [r[0] for r in started]


def test_the_simulate_command_writes_the_register(tmp_path, capsys):
    from cchc.simulate import run_simulate

    assert run_simulate(["register", str(tmp_path), "--seed", "61", "--end", "2026-11-30"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["so-theo-doi-2024.xlsx", "so-theo-doi-2025.xlsx"]
    assert "Cuộc kiểm tra" in capsys.readouterr().out


def test_the_demo_hands_the_pipeline_its_register():
    import dataclasses
    import os

    from cchc.demo import simulated_city
    from conftest import current_clock
    from core.settings import Settings

    # the demo's city ends the day before the platform's today, which is the suite's clock's
    settings = dataclasses.replace(Settings.from_env(env={}), sync_start=current_clock().today() - timedelta(days=3))
    with simulated_city(settings) as city:
        folder = city.env["CCHC_INSPECTIONS_DIR"]
        assert os.path.isdir(folder) and os.path.basename(folder) == "so-theo-doi"
    assert not os.path.exists(folder)


def _month(stamp: str) -> date:
    return date(int(stamp[:4]), int(stamp[4:6]), 1)


@pytest.mark.e2e  # slow: a second or more; CI runs it
def test_the_one_stop_shops_records_bear_the_story_out(directory):
    """MOTCUA_DUNG_HAN from the dossiers themselves: a department that remedied is on time after its
    deadline; one that claims a remedy it did not make is not (12 months before the conclusion against
    the 6 months after the deadline, as the remediation mart compares them)."""
    from simulator.generators import motcua
    from simulator.generators.common import Context
    from simulator.timeutil import daterange

    cases = [i for i in directory.register.inspections
             if "MOTCUA_DUNG_HAN" in i.signals and i.unit.loai in ("SO", "UBND_HUYEN") and i.start.year == 2024]
    remedied = next(i for i in cases if i.outcome == sim.REMEDY)
    claimed = next(i for i in cases if i.outcome != sim.REMEDY and i.claims_remedied)
    units = {remedied.unit.code, claimed.unit.code}
    first = min(date(i.conclusion_date.year - 1, i.conclusion_date.month, 1) for i in (remedied, claimed))
    last = max(i.deadline + timedelta(days=185) for i in (remedied, claimed))
    ctx = Context(directory.seed, 0.01, directory)
    on_time: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    for day in daterange(first - timedelta(days=31), last):
        for life in motcua.generate(ctx, day):
            r = life.render(len(life.stamps) - 1)
            if r["MaDonVi"] in units and r["TrangThaiHoSo"] in ("9", "10") and r["NgayKetThucXuLy"] and r["NgayHenTra"]:
                counts = on_time[(r["MaDonVi"], _month(r["NgayKetThucXuLy"]))]
                counts[0] += r["NgayKetThucXuLy"] <= r["NgayHenTra"]
                counts[1] += 1

    def ratio(i, lo: date, hi: date) -> float:
        months = [v for (code, m), v in on_time.items() if code == i.unit.code and lo <= m < hi]
        return sum(v[0] for v in months) / sum(v[1] for v in months)

    for i in (remedied, claimed):
        conclusion_month = i.conclusion_date.replace(day=1)
        before = ratio(i, date(conclusion_month.year - 1, conclusion_month.month, 1), conclusion_month)
        after_start = (i.deadline + timedelta(days=1)).replace(day=1)
        after = ratio(i, after_start, min(last, i.unit.valid_to or last).replace(day=1))
        assert before < 0.95, (i.id, before)
        if i is remedied:
            assert after >= 0.95, (i.id, before, after)
        else:
            assert after < 0.95, (i.id, before, after)


@pytest.mark.e2e  # slow: a second or more; CI runs it
def test_the_platforms_reader_loads_the_demo_register_without_a_reject(directory, books, tmp_path_factory):
    """The whole chain the demo runs: the workbooks, read by the pipeline's reader and checked against the unit
    directory as the gateway serves it (names with old tone marks and abbreviations included)."""
    from connectors.workbooks import WorkbookFolder
    from ingest.register import Directory as UnitDirectory
    from ingest.register import DirectoryUnit, register_fetch
    from models import Rejected
    from sources.catalog import KIEMTRA

    folder = tmp_path_factory.mktemp("so-theo-doi-read")
    directory.register.write(folder, FIRST, LAST)
    units = UnitDirectory()
    for u in directory.json:
        units.add(DirectoryUnit(u["ma_dinh_danh"], u["ten"], date.fromisoformat(u["hieu_luc_tu"]),
                                date.fromisoformat(u["hieu_luc_den"]) if u["hieu_luc_den"] else None), u["ten_khac"])
    read = [row for _table, rows in register_fetch(WorkbookFolder(KIEMTRA, folder), units, LAST)(None, None)
            for row in rows]
    assert [r.reason for r in read if isinstance(r, Rejected)] == []
    assert len(read) == sum(len(rows) for rows in _records(books).values()) > 300
