"""A sixth system declared only here is fetched, stored, materialised as an asset and listed in
source_health: a system is one declaration, and nothing else in the project names it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

import dagster as dg
import duckdb
import pytest
from extra_system import configure, serve_items

from models import SourceRecord
from pipelines.definitions import build_definitions
from pipelines.resources import CitySources
from sources import SYSTEMS, CursorPages, GatewayEndpoint, RawTable, System

pytestmark = pytest.mark.e2e


class ToyItem(SourceRecord):
    """A record of the toy system: an id, a title, an update time with its offset."""

    ID_FIELD: ClassVar[str] = "ma"
    ma: str
    tieu_de: str | None = None
    cap_nhat: datetime


TOY = System(
    name="toy", title_vi="Hệ thống thử nghiệm", owner="team:kiem-thu", order=6,
    access=GatewayEndpoint("/toy/v1/items", CursorPages(since_param="since", size_param="limit", cursor_param="after",
                                                        next_cursor_key="next"),
                           records_key="items", max_page_size=2, time_style="utc_z"),
    tables=(RawTable("toy_items", ToyItem, updated="cap_nhat"),),
)

ITEMS = [{"ma": f"T{i}", "tieu_de": f"Việc {i}", "cap_nhat": f"2025-01-0{i}T10:00:00+07:00",
          "so_dien_thoai": "0912345678"} for i in range(1, 6)]


@pytest.fixture
def toy_gateway():
    with serve_items("/toy/v1/items", ITEMS) as url:
        yield url


def test_a_system_declared_once_is_fetched_stored_materialised_and_listed(toy_gateway, tmp_path, monkeypatch):
    configure(monkeypatch, tmp_path, toy_gateway)
    defs = build_definitions((*SYSTEMS, TOY))
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert "raw/toy" in keys
    health = dg.AssetKey(["marts", "source_health"])
    assert dg.AssetKey(["raw", "toy"]) in defs.resolve_asset_graph().get(health).parent_keys

    result = dg.materialize(list(defs.assets), selection=[dg.AssetKey(["raw", "toy"]), health],
                            resources={"city": CitySources()}, instance=dg.DagsterInstance.ephemeral())
    assert result.success

    with duckdb.connect(str(tmp_path / "warehouse" / "cchc-state.duckdb"), read_only=True) as con:
        rows = con.sql("SELECT ma, tieu_de, cap_nhat FROM raw.toy_items ORDER BY ma").fetchall()
        columns = [c for (c,) in con.sql("SELECT column_name FROM duckdb_columns() WHERE table_name = 'toy_items'")
                   .fetchall()]
        listed = con.sql("SELECT system, records_loaded, records_rejected, source_identity FROM marts.source_health "
                         "ORDER BY system").fetchall()
    assert [r[0] for r in rows] == ["T1", "T2", "T3", "T4", "T5"]
    assert rows[0][1] == "Việc 1"
    assert rows[0][2] == datetime(2025, 1, 1, 3, 0, tzinfo=UTC)  # 10:00 ICT
    assert "so_dien_thoai" not in columns, "an undeclared field never reaches the raw table"
    assert ("toy", 5, 0, f"gateway {toy_gateway}") in listed
    assert {r[0] for r in listed} == {"qlvb", "baocao", "motcua", "nhiemvu", "donthu", "kiemtra", "toy"}
