"""The register as a source of the pipeline: read after the directory, stored whole every run, its bad rows
kept as rejects with their reasons (and dropped once fixed), its folder kept as the source's identity."""

from __future__ import annotations

import io
from argparse import Namespace
from datetime import datetime

import duckdb
import pytest
from openpyxl import Workbook

from cchc.rejects import run_rejects
from models.register import REGISTER_ROWS, BaoCaoKhacPhuc, CuocKiemTra, KienNghi
from pipeline_support import live_config, refresh, start_city

pytestmark = pytest.mark.e2e


def write_register(folder, inspections, recommendations=(), reports=()):
    folder.mkdir(exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for model, rows in ((CuocKiemTra, inspections), (KienNghi, recommendations), (BaoCaoKhacPhuc, reports)):
        sheet = book.create_sheet(model.SHEET)
        sheet.append(list(model.columns().values()))
        for row in rows:
            sheet.append(list(row))
    book.save(folder / "so-theo-doi.xlsx")


def register_at(city, monkeypatch, folder):
    """The city's environment with the register read from `folder` (None: the variable unset)."""
    env = {k: v for k, v in city.env.items() if k != "CCHC_INSPECTIONS_DIR"}
    if folder is not None:
        env["CCHC_INSPECTIONS_DIR"] = str(folder)
    else:
        monkeypatch.delenv("CCHC_INSPECTIONS_DIR", raising=False)
    monkeypatch.setattr(type(city), "env", property(lambda self: env))


def held(state_path, table):
    with duckdb.connect(str(state_path), read_only=True) as con:
        return con.sql(f"SELECT count(*) FROM raw.{table}").fetchall()[0][0]


def test_the_register_loads_after_the_directory_and_its_rejects_follow_the_workbook(tmp_path, monkeypatch):
    assert [m.SHEET for m in REGISTER_ROWS] == ["Cuộc kiểm tra", "Kiến nghị", "Báo cáo khắc phục"]
    city = start_city(tmp_path, live_config(tmp_path, days=5, scale=0.002))
    try:
        units = [u for u in city.world.directory.json if u["hieu_luc_den"] is None]
        first, second = units[1], units[2]
        folder = tmp_path / "so-theo-doi"
        start = datetime(2025, 8, 4)
        write_register(folder, [
            ["KT-1", first["ma_dinh_danh"], None, "Đột xuất", start, None, None, "1/KL", datetime(2025, 8, 20)],
            ["KT-2", None, second["ten"], "Theo kế hoạch có báo trước", start, None, None, None, None],
            ["KT-3", None, "Ủy ban không tồn tại", "Đột xuất", start, None, None, None, None],
        ], [["KN-1", "KT-1", "Chấn chỉnh", "MOTCUA_DUNG_HAN", datetime(2025, 11, 20)],
            ["KN-2", "KT-3", "Chấn chỉnh", None, None]],
           [["KT-1", "KN-1", datetime(2025, 11, 1), "Đã khắc phục", "15/BC"]])
        register_at(city, monkeypatch, folder)
        result = refresh(city, monkeypatch)
        assert result.success
        assert (held(city.state_path, "kiemtra_cuoc_kiem_tra"), held(city.state_path, "kiemtra_kien_nghi"),
                held(city.state_path, "kiemtra_bao_cao_khac_phuc")) == (2, 1, 1)
        with duckdb.connect(str(city.state_path), read_only=True) as con:
            rejects = con.sql("SELECT source_table, record_id, reason FROM meta.rejects WHERE system = 'kiemtra' "
                              "ORDER BY record_id").fetchall()
            identity, rejected = con.sql("SELECT source_identity, rejected FROM meta.sync_state "
                                         "WHERE system = 'kiemtra'").fetchall()[0]
        assert identity == f"workbooks {folder.resolve()}" and rejected == 2
        assert [r[1] for r in rejects] == ["so-theo-doi.xlsx › Cuộc kiểm tra › dòng 4",
                                           "so-theo-doi.xlsx › Kiến nghị › dòng 3"]
        assert "cột 'Tên đơn vị': không có đơn vị tên 'Ủy ban không tồn tại'" in rejects[0][2]
        assert "cuộc kiểm tra 'KT-3' bị loại" in rejects[1][2]
        out, err = io.StringIO(), io.StringIO()
        args = Namespace(system="kiemtra", since=None, until=None, limit=None, csv=None, summary=False, full=True)
        assert run_rejects(args, out=out, err=err) == 0, err.getvalue()
        assert f"    {rejects[0][2]}\n" in out.getvalue() and f"    {rejects[1][2]}\n" in out.getvalue()

        # the inspectors fix the workbook: the rejects go, the register is replaced whole
        write_register(folder, [
            ["KT-1", first["ma_dinh_danh"], None, "Đột xuất", start, None, None, "1/KL", datetime(2025, 8, 20)],
            ["KT-3", first["ma_dinh_danh"], None, "Đột xuất", start, None, None, None, None],
        ])
        assert refresh(city, monkeypatch).success
        assert held(city.state_path, "kiemtra_cuoc_kiem_tra") == 2
        assert held(city.state_path, "kiemtra_kien_nghi") == 0
        with duckdb.connect(str(city.state_path), read_only=True) as con:
            assert con.sql("SELECT count(*) FROM meta.rejects WHERE system = 'kiemtra'").fetchall() == [(0,)]

        # another folder is another source: refused, nothing changes, until `cchc reset kiemtra`
        other = tmp_path / "other"
        write_register(other, [])
        register_at(city, monkeypatch, other)
        assert not refresh(city, monkeypatch).success
        assert held(city.state_path, "kiemtra_cuoc_kiem_tra") == 2
    finally:
        city.close()


def test_without_the_folder_variable_the_register_is_not_read_and_nothing_fails(tmp_path, monkeypatch):
    city = start_city(tmp_path, live_config(tmp_path, days=3, scale=0.002))
    try:
        register_at(city, monkeypatch, None)
        result = refresh(city, monkeypatch)
        assert result.success
        kiemtra = [e for e in result.get_asset_materialization_events()
                   if e.asset_key.path == ["raw", "kiemtra"]]
        assert kiemtra[0].materialization.metadata["source"].value == "not configured"
        with duckdb.connect(str(city.state_path), read_only=True) as con:
            assert con.sql("SELECT count(*) FROM meta.sync_state WHERE system = 'kiemtra'").fetchall() == [(0,)]
    finally:
        city.close()
