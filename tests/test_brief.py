"""`cchc brief` on a real published warehouse: the workbook's numbers are the marts' numbers."""

from __future__ import annotations

import calendar
import re
import time
import unicodedata
from datetime import date, datetime

import duckdb
import openpyxl
import pytest

from cchc.cli import main
from conftest import current_clock
from pipeline_support import refreshed_city

pytestmark = pytest.mark.e2e

SHEETS = ["Tổng quan", "Xu hướng", "Bằng chứng", "Kết luận và khắc phục", "Giải thích"]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    with refreshed_city(tmp_path_factory.mktemp("brief"), days=40, scale=0.02) as (_city, code, output, path):
        assert code == 0, output
    return path


@pytest.fixture
def inspector(published, tmp_path, monkeypatch):
    """An inspector's shell: the published file configured, an empty working directory."""
    monkeypatch.setenv("CCHC_WAREHOUSE", str(published))
    monkeypatch.delenv("CCHC_AS_OF", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def q(path, sql, params=None):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def expected_window(path) -> tuple[date, date, date]:
    """(as-of date, first month, last month): the file's latest month; today when that is this month."""
    today = current_clock().today()
    latest = q(path, "SELECT max(period) FROM marts.unit_signals_monthly")[0][0]
    as_of = today if latest == today.replace(day=1) else latest.replace(
        day=calendar.monthrange(latest.year, latest.month)[1])
    first_index = latest.year * 12 + latest.month - 1 - 11
    return as_of, date(first_index // 12, first_index % 12 + 1, 1), latest


def same(cell_value, marts_value) -> bool:
    """Equal as the workbook can hold it: .xlsx stores 16 significant digits (Excel computes with 15)."""
    if isinstance(marts_value, float):
        return isinstance(cell_value, float | int) and cell_value == pytest.approx(marts_value, rel=1e-15, abs=0)
    return cell_value == marts_value


def as_date(value):
    return value.date() if isinstance(value, datetime) else value


def overview_table(ws) -> dict[str, tuple]:
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Mã chỉ số")
    rows = {}
    for r in range(start + 1, ws.max_row + 1):
        if ws.cell(r, 1).value is None:
            break
        rows[ws.cell(r, 1).value] = tuple(ws.cell(r, c) for c in range(1, 11))
    return rows


def overview_fact(ws, label):
    return next(ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def test_brief_of_the_top_unit_equals_the_marts(inspector, published, capsys):
    (code, name, rank, score), = q(published, "SELECT unit_code, unit_name, rank, risk_score "
                                              "FROM marts.inspection_priority WHERE rank = 1")
    as_of, first, last = expected_window(published)
    started = time.perf_counter()
    assert main(["brief", "--unit", code]) == 0
    elapsed = time.perf_counter() - started
    written = f"briefs/bao-cao-kiem-tra-{code}-{as_of.isoformat()}.xlsx"
    assert capsys.readouterr().out.strip() == written
    path = inspector / written
    assert elapsed < 10, f"one brief took {elapsed:.1f} s"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS

    # Tổng quan: the unit, its rank and every signal pooled over the twelve months
    ws = wb["Tổng quan"]
    assert overview_fact(ws, "Đơn vị") == name and overview_fact(ws, "Mã định danh") == code
    assert overview_fact(ws, "Thứ hạng ưu tiên kiểm tra") == rank == 1
    assert overview_fact(ws, "Điểm rủi ro (0–100)") == score
    assert as_date(overview_fact(ws, "Ngày số liệu")) == as_of
    catalog = {c: (kind, name_vi, threshold) for c, kind, name_vi, threshold in q(
        published, "SELECT signal_code, kind, name_vi, threshold FROM marts.signal_catalog")}
    pooled = {row[0]: row[1:] for row in q(published, """
        SELECT signal_code, count(*), sum(numerator), sum(denominator),
               CAST(sum(numerator) AS DOUBLE) / sum(denominator), count(*) FILTER (WHERE meets_threshold)
        FROM marts.unit_signals_monthly WHERE unit_code = ? AND period BETWEEN ? AND ? GROUP BY signal_code""",
        [code, first, last])}
    findings = dict(q(published, "SELECT signal_code, count(*) FROM marts.findings "
                                 "WHERE unit_code = ? AND period BETWEEN ? AND ? GROUP BY ALL", [code, first, last]))
    table = overview_table(ws)
    assert set(table) == set(catalog)
    assert any(catalog[s][0] == "ratio" for s in pooled) and any(catalog[s][0] == "count" for s in pooled)
    for signal, cells in table.items():
        kind, name_vi, threshold = catalog[signal]
        value, numerator, denominator, threshold_cell, met, months, evidence = (c.value for c in cells[3:])
        assert cells[1].value == name_vi
        assert evidence == findings.get(signal, 0), signal
        if signal not in pooled:
            assert value == "không có dữ liệu" and months == 0
            continue
        n_months, total_num, total_den, ratio, months_met = pooled[signal]
        assert months == n_months, signal
        if kind == "ratio":
            assert same(value, ratio) and (numerator, denominator) == (total_num, total_den), signal
            assert "%" in cells[3].number_format and "%" in cells[6].number_format
            assert threshold_cell == threshold and met == ("Đạt" if ratio >= threshold else "Không đạt")
            assert evidence == total_den - total_num, signal
        elif kind == "count":
            assert value == numerator == total_num == evidence, signal
            assert threshold_cell == threshold == 0 and met == ("Đạt" if total_num == 0 else "Không đạt")
        else:
            assert (numerator, denominator) == (months_met, n_months), signal
            assert value == f"{months_met}/{n_months} tháng đạt" and evidence == 0

    # Xu hướng: one row per month, each cell the month's value; one native chart per kind of signal
    ws = wb["Xu hướng"]
    months = [as_date(ws.cell(r, 1).value) for r in range(2, 14)]
    assert months[0] == first and months[-1] == last and len(set(months)) == 12 and ws.cell(14, 1).value is None
    assert all(ws.cell(r, 1).number_format == "mm/yyyy" for r in range(2, 14))
    column = {ws.cell(1, c).value: c for c in range(2, ws.max_column + 1) if ws.cell(1, c).value}
    assert set(column) == {catalog[s][1] for s in pooled}
    monthly = q(published, "SELECT period, signal_code, numerator, value FROM marts.unit_signals_monthly "
                           "WHERE unit_code = ? AND period BETWEEN ? AND ?", [code, first, last])
    seen = {}
    for period, signal, numerator, value in monthly:
        cell = ws.cell(months.index(period) + 2, column[catalog[signal][1]])
        expected = value if catalog[signal][0] == "ratio" else numerator
        assert same(cell.value, expected), (period, signal)
        seen.setdefault(signal, set()).add(period)
        if catalog[signal][0] == "ratio":
            assert "%" in cell.number_format
    assert len(seen) >= 2 and len(monthly) >= 4
    filled = sum(ws.cell(r, c).value is not None for r in range(2, 14) for c in column.values())
    assert filled == len(monthly), "no cell without a marts row"
    charts = ws._charts
    assert charts, "a native line chart"
    assert sum(len(ch.series) for ch in charts) == len(column)
    ratio_signals = sum(catalog[s][0] == "ratio" for s in pooled)
    assert max(len(ch.series) for ch in charts) == ratio_signals
    assert all(type(ch).__name__ == "LineChart" for ch in charts)

    # Bằng chứng: every finding of the window, newest month first, filterable
    ws = wb["Bằng chứng"]
    assert [c.value for c in ws[1]] == ["Tháng", "Chỉ số", "Hệ thống", "Mã bản ghi nguồn", "Ngày", "Mô tả"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:F{ws.max_row}"
    expected = q(published, "SELECT period, signal_code, source_record_id, event_date, detail_vi FROM marts.findings "
                            "WHERE unit_code = ? AND period BETWEEN ? AND ? "
                            "ORDER BY period DESC, signal_code, source_record_id", [code, first, last])
    got = [(as_date(r[0].value), r[1].value, r[3].value, as_date(r[4].value), r[5].value)
           for r in ws.iter_rows(min_row=2)]
    assert got == [(p, catalog[s][1], i, d, t) for p, s, i, d, t in expected]
    assert len(got) == sum(findings.values()) > 0
    assert ws.cell(2, 5).is_date and ws.cell(2, 5).number_format == "dd/mm/yyyy"

    # Giải thích: the catalog, with diacritics intact
    ws = wb["Giải thích"]
    glossary = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2, max_row=len(catalog) + 1)}
    assert glossary == {s: v[1] for s, v in catalog.items()}
    assert all(unicodedata.is_normalized("NFC", v) for v in glossary.values())
    assert ws.cell(1, 1).font.bold


def test_a_shorter_window_pools_its_own_months(inspector, published, capsys):
    # --months 3 is not the 12-month window of marts.unit_signals_pooled: the overview pools the 3 months
    (code,), = q(published, "SELECT unit_code FROM marts.inspection_priority WHERE rank = 1")
    _as_of, _first, last = expected_window(published)
    first = date(last.year - (last.month <= 2), (last.month - 3) % 12 + 1, 1)
    assert main(["brief", "--unit", code, "--months", "3", "--out", "three.xlsx"]) == 0
    ws = openpyxl.load_workbook(inspector / "three.xlsx")["Tổng quan"]
    assert overview_fact(ws, "Kỳ đánh giá") == f"từ tháng {first:%m/%Y} đến tháng {last:%m/%Y} (3 tháng)"
    expected = {s: (n, num, den) for s, n, num, den in q(published, """
        SELECT m.signal_code, count(*), sum(m.numerator), sum(m.denominator)
        FROM marts.unit_signals_monthly m JOIN marts.signal_catalog c USING (signal_code)
        WHERE c.kind <> 'days' AND m.unit_code = ? AND m.period BETWEEN ? AND ? GROUP BY ALL""", [code, first, last])}
    table = overview_table(ws)
    got = {s: (cells[8].value, cells[4].value, cells[5].value) for s, cells in table.items()
           if cells[8].value and cells[2].value != "Số ngày"}
    assert got == expected and expected


def test_brief_by_unit_name_ignores_case_and_diacritics(inspector, published, capsys):
    # a ranked unit whose name, without diacritics and case, is no other unit's
    (code, name), = q(published, """
        SELECT unit_code, unit_name FROM marts.inspection_priority
        WHERE replace(strip_accents(lower(unit_name)), 'đ', 'd') IN (
            SELECT replace(strip_accents(lower(unit_name)), 'đ', 'd') FROM marts.units GROUP BY ALL HAVING count(*) = 1)
        ORDER BY rank LIMIT 1""")
    typed = unicodedata.normalize("NFD", name.upper())
    assert main(["brief", "--unit", typed, "--out", "out/x.xlsx"]) == 0
    assert capsys.readouterr().out.strip() == "out/x.xlsx"
    ws = openpyxl.load_workbook(inspector / "out" / "x.xlsx")["Tổng quan"]
    assert overview_fact(ws, "Mã định danh") == code and overview_fact(ws, "Đơn vị") == name

    plain = "".join(ch for ch in unicodedata.normalize("NFD", name) if not unicodedata.combining(ch))
    assert plain != name
    assert main(["brief", "--unit", plain, "--out", "out/plain.xlsx"]) == 0
    ws = openpyxl.load_workbook(inspector / "out" / "plain.xlsx")["Tổng quan"]
    assert overview_fact(ws, "Mã định danh") == code


def test_an_unknown_unit_exits_2_with_one_line(inspector, capsys):
    assert main(["brief", "--unit", "Ủy ban nhân dân xã Không Có"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert "Không Có" in captured.err
    assert not (inspector / "briefs").exists()


def test_top_3_writes_three_briefs(inspector, published, capsys):
    codes = [c for (c,) in q(published, "SELECT unit_code FROM marts.inspection_priority ORDER BY rank LIMIT 3")]
    assert main(["brief", "--top", "3", "--out-dir", "dot"]) == 0
    printed = capsys.readouterr().out.split()
    files = sorted((inspector / "dot").glob("*.xlsx"))
    assert len(printed) == len(files) == 3
    for code, line in zip(codes, printed, strict=True):
        assert re.fullmatch(rf"dot/bao-cao-kiem-tra-{re.escape(code)}-\d{{4}}-\d\d-\d\d\.xlsx", line)
        assert openpyxl.load_workbook(inspector / line).sheetnames == SHEETS


def test_a_missing_warehouse_says_run_refresh_first(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CCHC_WAREHOUSE", str(tmp_path / "warehouse" / "cchc.duckdb"))
    monkeypatch.chdir(tmp_path)
    assert main(["brief", "--unit", "000.00.03.H26"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "cchc refresh" in err
    assert not (tmp_path / "briefs").exists()


def test_several_units_with_one_name_are_listed(tmp_path, monkeypatch, capsys):
    path = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.units (unit_code VARCHAR, unit_name VARCHAR, unit_type VARCHAR, "
                    "parent_unit_code VARCHAR, valid_from DATE, valid_to DATE)")
        # two communes of one name, both in force (one dissolved would leave the other: see test_brief_lookup.py)
        con.execute("INSERT INTO marts.units VALUES ('000.01.01.H26', 'Ủy ban nhân dân xã Hòa Bình', 'UBND_XA', NULL, "
                    "DATE '2008-08-01', NULL), ('000.02.02.H26', 'Ủy ban nhân dân xã Hòa Bình', "
                    "'UBND_XA', NULL, DATE '2025-07-01', NULL)")
        con.execute("CREATE TABLE marts.unit_signals_monthly (unit_code VARCHAR, period DATE, signal_code VARCHAR)")
    monkeypatch.setenv("CCHC_WAREHOUSE", str(path))
    monkeypatch.chdir(tmp_path)
    assert main(["brief", "--unit", "ủy ban nhân dân xã hòa bình"]) == 2
    err = capsys.readouterr().err
    assert "000.01.01.H26" in err and "000.02.02.H26" in err
    assert not (tmp_path / "briefs").exists()
