"""The merge of a sync's staged records into the raw tables, on hand-built cases: of a record staged
several times the latest version wins, and of two copies of one version the later one; an older
version never replaces a newer one; the same version again changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from models.qlvb import VanBan
from sources.catalog import QLVB
from storage.state import StateStore
from tests.records import doc

TABLE = QLVB.tables[0]
T0 = datetime(2025, 3, 20, tzinfo=UTC)


def _sync(store: StateStore, *docs: dict):
    writer = store.begin_sync(QLVB.name, QLVB.tables)
    rows = [VanBan.model_validate(d).to_row() for d in docs]
    first = writer.reserve(len(rows))
    writer.stage(TABLE.name, rows, list(range(first, first + len(rows))))
    return writer.commit(cursor=T0, window=(T0, T0), started_at=T0, fetched=len(rows), identity="test")


def _raw(store: StateStore) -> dict[str, tuple]:
    rows = store.con.execute(f"SELECT id, trang_thai, cap_nhat_luc FROM raw.{TABLE.name}").fetchall()
    return {r[0]: (r[1], r[2].astimezone(UTC).hour) for r in rows}


def test_latest_version_then_latest_copy_wins(tmp_path):
    with StateStore(tmp_path / "state.duckdb") as store:
        stats = _sync(store,
                      doc("a", trang_thai="CHUA_XU_LY", cap_nhat_luc="2025-03-20T10:00:00+07:00"),
                      doc("a", trang_thai="DANG_XU_LY", cap_nhat_luc="2025-03-20T11:00:00+07:00"),
                      doc("b"),
                      doc("a", trang_thai="DA_XU_LY", cap_nhat_luc="2025-03-20T11:00:00+07:00"),
                      doc("a", trang_thai="CHUA_XU_LY", cap_nhat_luc="2025-03-20T09:00:00+07:00"))
        assert (stats.inserted, stats.replaced) == (2, 0)
        # 11:00 +07:00 is 04:00 UTC; of the two 11:00 copies the later one (DA_XU_LY)
        assert _raw(store) == {"a": ("DA_XU_LY", 4), "b": ("DA_XU_LY", 9)}
        assert store.con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'stage'").fetchall() == [(0,)]


def test_older_versions_never_replace_and_the_same_version_changes_nothing(tmp_path):
    with StateStore(tmp_path / "state.duckdb") as store:
        _sync(store, doc("a", trang_thai="DA_XU_LY", cap_nhat_luc="2025-03-20T11:00:00+07:00"), doc("b"))
        stats = _sync(store, doc("a", trang_thai="CHUA_XU_LY", cap_nhat_luc="2025-03-20T10:00:00+07:00"), doc("b"))
        assert (stats.inserted, stats.replaced) == (0, 0)
        stats = _sync(store, doc("a", trang_thai="DANG_XU_LY", cap_nhat_luc="2025-03-20T11:00:00+07:00"))
        assert (stats.inserted, stats.replaced) == (0, 1)  # same time, other content: the later read wins
        assert _raw(store)["a"] == ("DANG_XU_LY", 4)


def test_an_aborted_sync_leaves_nothing(tmp_path):
    with StateStore(tmp_path / "state.duckdb") as store:
        writer = store.begin_sync(QLVB.name, QLVB.tables)
        writer.stage(TABLE.name, [VanBan.model_validate(doc("a")).to_row()], [writer.reserve(1)])
        writer.abort()
        assert store.count(TABLE.name) == 0 and store.cursor(QLVB.name) is None
        assert store.con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'stage'").fetchall() == [(0,)]
