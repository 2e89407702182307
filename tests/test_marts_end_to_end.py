"""The whole job on the simulated city: every blocking check passes, the published file holds the
spec's marts exactly, and two signals recomputed independently in Python agree with the SQL."""

from __future__ import annotations

import io

import dagster as dg
import duckdb
import pytest

from conftest import current_clock
from pipeline_support import (
    Reader,
    ask_new_process,
    motcua_on_time_truth,
    refreshed_city,
    reporting_on_time_truth,
    signal_cells,
)
from pipelines.run import refresh

pytestmark = pytest.mark.e2e

SPEC_COLUMNS = {
    "units": ["unit_code", "unit_name", "unit_type", "parent_unit_code", "valid_from", "valid_to"],
    "signal_catalog": ["signal_code", "system", "kind", "name_vi", "description_vi", "threshold", "legal_basis"],
    "unit_signals_monthly": ["unit_code", "period", "signal_code", "numerator", "denominator", "value", "threshold",
                             "meets_threshold"],
    "findings": ["unit_code", "period", "signal_code", "system", "source_record_id", "event_date", "detail_vi"],
    "inspection_priority": ["unit_code", "unit_name", "unit_type", "risk_score", "rank", "signals_evaluated",
                            "top_reasons"],
    "unresolved_units": ["system", "source_value", "records"],
    "source_health": ["system", "last_success_at", "records_loaded", "records_rejected"],
}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    with refreshed_city(tmp_path_factory.mktemp("e2e"), days=45, scale=0.02) as result:
        yield result


def test_refresh_publishes_and_every_check_passes(published):
    _city, code, output, path = published
    assert code == 0, output
    assert path.exists() and "published" in output


def test_published_marts_have_the_spec_columns(published):
    *_, path = published
    with duckdb.connect(str(path), read_only=True) as con:
        for table, columns in SPEC_COLUMNS.items():
            got = [c for (c,) in con.sql(f"SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                         f"AND table_name = '{table}' ORDER BY column_index").fetchall()]
            assert got[:len(columns)] == columns, table
        uncommented = con.sql("SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                              "AND comment IS NULL").fetchall()
        assert uncommented == []
        counts = {t: con.sql(f"SELECT count(*) FROM marts.{t}").fetchall()[0][0] for t in SPEC_COLUMNS}
    assert counts["signal_catalog"] == 15 and counts["source_health"] == 6  # five systems and the register
    assert all(counts[t] > 0 for t in ("units", "unit_signals_monthly", "findings", "inspection_priority",
                                       "unresolved_units")), counts


def test_motcua_on_time_agrees_with_an_independent_computation(published):
    city, _code, _out, path = published
    expected = motcua_on_time_truth(city.world, current_clock().today())
    assert expected, "the city has finished dossiers"
    assert signal_cells(path, "MOTCUA_DUNG_HAN") == expected


def test_reporting_on_time_agrees_with_an_independent_computation(published):
    city, _code, _out, path = published
    expected = reporting_on_time_truth(city.world, current_clock().today())
    assert expected
    assert signal_cells(path, "BAOCAO_NOP_DUNG_HAN") == expected


HELD = "SELECT sum(records_loaded) FROM marts.source_health"


def test_a_refresh_while_an_inspector_reads_succeeds_and_the_reader_keeps_its_snapshot(published):
    from simulator.timeutil import DAY

    city, _code, _out, path = published
    reader = Reader(path, HELD)
    try:
        before = int(reader.first)
        city.advance(DAY)  # new records, so the new file differs
        mp = pytest.MonkeyPatch()
        for name, value in city.env.items():
            mp.setenv(name, value)
        mp.chdir(city.workdir)
        out = io.StringIO()
        assert refresh(out=out, instance=dg.DagsterInstance.ephemeral()) == 0, out.getvalue()
        mp.undo()
        assert int(ask_new_process(path, HELD)) > before, "a new connection sees the new data"
        assert int(reader.again()) == before, "the open reader keeps its consistent snapshot"
    finally:
        reader.close()


def test_a_failing_blocking_check_stops_publishing(published, monkeypatch):
    from pipelines.checks import MartCheck, mart_check
    from pipelines.definitions import defs
    from pipelines.failures import run_failures
    from pipelines.resources import CitySources

    city, _code, _out, path = published
    for name, value in city.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(city.workdir)
    stamp = path.stat().st_mtime_ns
    wrong = mart_check(MartCheck("units", "always_wrong", "A check that finds a problem.", "SELECT 1 AS problem"))
    result = dg.materialize([*defs.assets, wrong],
                            resources={"city": CitySources()}, instance=dg.DagsterInstance.ephemeral(),
                            raise_on_error=False)
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "marts/units" in materialized and "published/warehouse" not in materialized
    assert path.stat().st_mtime_ns == stamp, "the published file was not touched"
    assert any("always_wrong" in label for label in run_failures(result))
