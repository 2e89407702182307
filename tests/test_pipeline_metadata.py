"""What the Dagster UI shows beyond success: each marts table's row count, columns with their DuckDB
types and Vietnamese comments, its comment as the asset's description; and on each raw asset a
reject-rate check that warns, never fails a run."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import dagster as dg
import pytest
from extra_system import configure, serve_items
from sample_city import AS_OF, build_state

from core.settings import SOURCE_VARIABLES
from models import SourceRecord
from pipelines.checks import REJECT_RATE_WARN, reject_rate_result
from pipelines.definitions import build_definitions, defs
from pipelines.failures import run_failures
from pipelines.resources import WRITER_POOL, CitySources
from pipelines.transform import model_assets
from sources import SYSTEMS, CursorPages, GatewayEndpoint, RawTable, System
from storage.publish import mart_comments
from storage.state import StateStore

COMMENTS = mart_comments()


def test_every_raw_asset_carries_a_non_blocking_reject_rate_check_in_the_writer_pool():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    for system in SYSTEMS:
        key = dg.AssetKey(["raw", system.name])
        assert dg.AssetCheckKey(key, "reject_rate") in graph.asset_check_keys
        asset = defs.resolve_assets_def(key)
        (spec,) = asset.check_specs
        assert spec.name == "reject_rate" and not spec.blocking
        assert asset.op.pool == WRITER_POOL


def test_marts_assets_are_described_by_their_table_comment():
    for name, notes in COMMENTS.items():
        key = dg.AssetKey(["marts", name])
        assert defs.resolve_assets_def(key).descriptions_by_key[key] == notes["table"]


def test_marts_materialisations_carry_row_count_and_column_schema(tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse" / "cchc.duckdb"
    built = build_state(warehouse.with_name("cchc-state.duckdb"))
    monkeypatch.chdir(tmp_path)
    for name in SOURCE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CCHC_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("CCHC_AS_OF", AS_OF.isoformat())
    picked = ["inspection_priority", "source_health", "units"]
    result = dg.materialize(model_assets(SYSTEMS), selection=[dg.AssetKey(["marts", n]) for n in picked],
                            resources={"city": CitySources()}, instance=dg.DagsterInstance.ephemeral())
    assert result.success
    with StateStore(warehouse.with_name("cchc-state.duckdb")) as state:
        columns = {t: [(c, d) for t2, c, d in state.con.sql(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'marts' "
            "ORDER BY table_name, column_index").fetchall() if t2 == t] for t in picked}
    seen = set()
    for event in result.get_asset_materialization_events():
        name = event.asset_key.path[-1]
        seen.add(name)
        metadata = event.materialization.metadata
        assert metadata["dagster/row_count"].value == built[f"marts.{name}"] > 0
        schema = metadata["dagster/column_schema"].value
        assert isinstance(schema, dg.TableSchema)
        assert [(c.name, c.type) for c in schema.columns] == columns[name]
        assert [c.description for c in schema.columns] == [COMMENTS[name][c] for c, _ in columns[name]]
    assert seen == set(picked)
    assert ("top_reasons", "VARCHAR[]") in columns["inspection_priority"]


# --------------------------------------------------------------------------- reject rate


def _rate(tmp_path, fetched: int | None, rejected: int | None, system: System = SYSTEMS[1]) -> dg.AssetCheckResult:
    """The check evaluated on a state whose meta.sync_state holds one hand-built row (none when fetched is None)."""
    with StateStore(tmp_path / "cchc-state.duckdb") as state:
        state.con.execute("DELETE FROM meta.sync_state")
        if fetched is not None:
            state.con.execute("INSERT INTO meta.sync_state (system, fetched, rejected) VALUES (?, ?, ?)",
                              [system.name, fetched, rejected])
        return reject_rate_result(state.con, system)


def _figures(result: dg.AssetCheckResult) -> tuple[int, int, float]:
    return tuple(result.metadata[k].value for k in ("fetched", "rejected", "reject_rate"))


@pytest.mark.parametrize("system", SYSTEMS, ids=lambda s: s.name)
def test_reject_rate_above_the_threshold_warns(tmp_path, system):
    result = _rate(tmp_path, 1000, 25, system)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert _figures(result) == (1000, 25, 0.025)
    assert result.asset_key == dg.AssetKey(["raw", system.name]) and result.check_name == "reject_rate"
    assert "25 of 1,000 records rejected (2.50%" in result.description


@pytest.mark.parametrize(("fetched", "rejected"), [(1000, 1), (100, 1), (1000, 0), (0, 0), (None, None)],
                         ids=["0.1%", "exactly-1%", "none", "nothing-fetched", "never-synced"])
def test_reject_rate_at_or_below_the_threshold_passes_with_its_figures(tmp_path, fetched, rejected):
    result = _rate(tmp_path, fetched, rejected)
    assert result.passed and result.severity == dg.AssetCheckSeverity.WARN  # never ERROR
    assert _figures(result) == (fetched or 0, rejected or 0, (rejected / fetched) if fetched else 0.0)
    assert result.metadata["threshold"].value == REJECT_RATE_WARN == 0.01
    assert result.metadata["synced"].value is (fetched is not None)


class Item(SourceRecord):
    ID_FIELD: ClassVar[str] = "ma"
    ma: str
    cap_nhat: datetime


PROBE = System(
    name="probe", title_vi="Hệ thống thử", owner="team:kiem-thu", order=7,
    access=GatewayEndpoint("/probe/v1/items", CursorPages(since_param="since", size_param="limit",
                                                          cursor_param="after", next_cursor_key="next"),
                           records_key="items", max_page_size=50, time_style="utc_z"),
    tables=(RawTable("probe_items", Item, updated="cap_nhat"),),
)
# 2 of 40 records have a date that is no date: 5 % rejected
ITEMS = [{"ma": f"P{i}", "cap_nhat": "hôm qua" if i in (7, 19) else f"2025-01-{1 + i % 28:02d}T10:00:00+07:00"}
         for i in range(40)]


@pytest.mark.e2e
def test_a_sync_rejecting_five_percent_succeeds_and_its_check_warns(tmp_path, monkeypatch):
    with serve_items("/probe/v1/items", ITEMS) as url:
        configure(monkeypatch, tmp_path, url)
        probe = build_definitions((*SYSTEMS, PROBE))
        result = dg.materialize(list(probe.assets), selection=[dg.AssetKey(["raw", "probe"])],
                                resources={"city": CitySources()}, instance=dg.DagsterInstance.ephemeral())
    assert result.success, "rejects never stop a run"
    assert run_failures(result) == {}, "nor make `cchc refresh` report a failure"
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.asset_check_key == dg.AssetCheckKey(dg.AssetKey(["raw", "probe"]), "reject_rate")
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert {k: evaluation.metadata[k].value for k in ("fetched", "rejected", "reject_rate")} == \
        {"fetched": 40, "rejected": 2, "reject_rate": 0.05}
