"""The state file survives upgrades: a file of the first layout (a fixture written by the version
before identities existed) opens, is upgraded in place, and takes a sync after a model gained a field.
Destructive changes are refused with a way out."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from core.errors import StateSchemaError
from ingest.sync import run_sync
from models import VanBan
from sources import RawTable
from sources.catalog import QLVB
from storage.migrations import SCHEMA_VERSION
from storage.state import StateStore

FIXTURE = Path(__file__).parent / "fixtures" / "state-layout-1.duckdb"
# What the fixture holds (counted when it was written, by the layout-1 code, 2025-03-04..10 at scale 0.002)
LAYOUT_1_ROWS = {"directory_don_vi": 766, "qlvb_van_ban": 246, "baocao_ky_bao_cao": 0, "motcua_ho_so": 124,
                 "nhiemvu_nhiem_vu": 1, "donthu_dm_co_quan": 763, "donthu_don_thu": 2, "donthu_tiep_cong_dan": 502}


class VanBanWithPages(VanBan):
    """The document model of a later version: it gained the number of pages."""

    so_trang: int | None = None


QLVB_LATER = dataclasses.replace(QLVB, tables=(RawTable("qlvb_van_ban", VanBanWithPages, updated="cap_nhat_luc"),))


@pytest.fixture
def old_state(tmp_path) -> Path:
    path = tmp_path / "cchc-state.duckdb"
    shutil.copyfile(FIXTURE, path)
    return path


def _counts(con) -> dict[str, int]:
    return {t: con.sql(f"SELECT count(*) FROM raw.{t}").fetchall()[0][0] for t in LAYOUT_1_ROWS}


def test_a_layout_1_file_is_upgraded_in_place_and_keeps_every_row(old_state):
    with duckdb.connect(str(old_state), read_only=True) as con:
        assert "schema_version" not in {t for (t,) in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert _counts(con) == LAYOUT_1_ROWS
        cursors = dict(con.sql("SELECT system, cursor FROM meta.sync_state").fetchall())
    with StateStore(old_state) as state:
        con = state.con
        assert con.sql("SELECT version FROM meta.schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert _counts(con) == LAYOUT_1_ROWS
        assert dict(con.sql("SELECT system, cursor FROM meta.sync_state").fetchall()) == cursors
        held = dict(con.sql("SELECT system, held FROM meta.sync_state").fetchall())
        assert held["donthu"] == 763 + 2 + 502 and held["qlvb"] == 246
        assert con.sql("SELECT count(*) FROM meta.sync_state WHERE source_identity IS NOT NULL").fetchall() == [(0,)]
        assert {s for (s,) in con.sql("SELECT system FROM meta.systems WHERE in_source_health").fetchall()} == \
            {"qlvb", "baocao", "motcua", "nhiemvu", "donthu", "kiemtra"}
    with StateStore(old_state) as state:  # opening again changes nothing
        assert _counts(state.con) == LAYOUT_1_ROWS


def _document(doc_id: str, updated: str, pages: int | None) -> dict:
    raw = {"id": doc_id, "chieu": "DI", "so_ky_hieu": "12/UBND-VP", "ma_loai": "CV", "trich_yeu": "V/v thử",
           "ma_don_vi": "000.00.12.H26", "ma_don_vi_lien_quan": None, "ngay_ky": "2025-03-10",
           "thoi_diem": "2025-03-10T08:00:00+07:00", "do_mat": "THUONG", "do_khan": "THUONG", "hinh_thuc": "DIEN_TU",
           "ky_so": True, "han_xu_ly": None, "trang_thai": "DA_XU_LY", "ngay_hoan_thanh": None,
           "cap_nhat_luc": updated, "da_xoa": False}
    if pages is not None:
        raw["so_trang"] = pages
    return raw


def test_a_sync_after_a_model_gained_a_field_adds_the_column_and_keeps_old_rows(old_state):
    with duckdb.connect(str(old_state), read_only=True) as con:
        existing = con.sql("SELECT id FROM raw.qlvb_van_ban ORDER BY id LIMIT 1").fetchall()[0][0]
    updated, new = _document(existing, "2025-03-12T09:00:00+07:00", 12), _document("new-doc-1", "2025-03-12T09:30:00+07:00", 3)

    def fetch(lo, hi):
        yield "qlvb_van_ban", [updated, new]

    now = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
    with StateStore(old_state) as state:
        result = run_sync(state, QLVB_LATER, fetch, identity="gateway https://lgsp.example/gw",
                          start_day=date(2025, 3, 4), lookback_days=3, now=now)
        con = state.con
        assert (result.stats.inserted, result.stats.replaced) == (1, 1)
        pages = dict(con.sql("SELECT id, so_trang FROM raw.qlvb_van_ban").fetchall())
        assert pages[existing] == 12 and pages["new-doc-1"] == 3
        assert sum(1 for v in pages.values() if v is None) == 246 - 1, "older rows hold NULL until read again"
        assert con.sql("SELECT cursor, source_identity FROM meta.sync_state WHERE system = 'qlvb'").fetchall() == \
            [(now, "gateway https://lgsp.example/gw")]


def test_a_changed_column_type_is_refused_with_a_way_out(old_state):
    class VanBanPagesAsText(VanBan):
        ky_so: str  # was a boolean

    changed = dataclasses.replace(QLVB, tables=(RawTable("qlvb_van_ban", VanBanPagesAsText, "cap_nhat_luc"),))
    with StateStore(old_state) as state, pytest.raises(StateSchemaError) as caught:
        state.register(changed)
    message = str(caught.value)
    assert "raw.qlvb_van_ban.ky_so is stored as BOOLEAN" in message and "cchc reset qlvb" in message
    with StateStore(old_state) as state:  # refused without a trace: the file opens as before
        assert _counts(state.con) == LAYOUT_1_ROWS


def test_a_file_from_a_newer_version_is_not_touched(old_state):
    with StateStore(old_state) as state:
        state.con.execute("UPDATE meta.schema_version SET version = ?", [SCHEMA_VERSION + 1])
    with pytest.raises(StateSchemaError, match="newer cchc"):
        StateStore(old_state).__enter__()
