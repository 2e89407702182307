"""The production instance config, `dagster_home/dagster.postgres.yaml`, as documented: the refresh job runs on
an instance built from that file alone, and its run and every asset materialisation are stored in PostgreSQL."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pipeline_support import live_config, start_city
from pipelines.definitions import defs
from pipelines.run import refresh

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("CCHC_TEST_POSTGRES_URL")
DB = "dagster_test"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not PG_URL, reason="set CCHC_TEST_POSTGRES_URL to a throwaway PostgreSQL server "
                                          "(`source .ci/postgres.sh` does; CI sets it)"),
]


@pytest.fixture
def postgres_home(tmp_path, monkeypatch):
    """A DAGSTER_HOME holding only the production config, and its own database on the test server."""
    server = make_url(PG_URL)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
        con.execute(text(f"CREATE DATABASE {DB}"))
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.postgres.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name, value in {"HOST": server.host, "PORT": str(server.port or 5432), "DB": DB,
                        "USER": server.username, "PASSWORD": server.password}.items():
        monkeypatch.setenv(f"DAGSTER_PG_{name}", value)
    yield create_engine(server.set(database=DB))
    with admin.connect() as con:
        con.execute(text(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
    admin.dispose()


def test_refresh_on_the_postgresql_instance_records_the_run_and_its_materialisations(postgres_home, tmp_path,
                                                                                     monkeypatch):
    instance = dg.DagsterInstance.get()
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    city = start_city(tmp_path, live_config(tmp_path, days=10, scale=0.005))
    try:
        for name, value in city.env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)
        out = io.StringIO()
        code = refresh(out=out, instance=instance)
    finally:
        city.close()
    assert code == 0, out.getvalue()
    assert (tmp_path / "warehouse" / "cchc.duckdb").exists()

    every_asset = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    with dg.DagsterInstance.get() as again:  # a new instance: only what PostgreSQL kept
        runs = again.get_runs()
        assert [(r.job_name, r.status) for r in runs] == [("refresh", dg.DagsterRunStatus.SUCCESS)]
        run_id = runs[0].run_id
        assert run_id[:8] in out.getvalue()
        records = again.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION,
                                            limit=1000).records
        materialised = {r.event_log_entry.dagster_event.asset_key.to_user_string() for r in records}
        assert materialised == every_asset
        checks = again.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION,
                                           limit=1000).records
        assert len(checks) == len(defs.resolve_asset_graph().asset_check_keys)

    with postgres_home.connect() as con:  # and it is there in the tables, not in a file beside DAGSTER_HOME
        assert con.execute(text("SELECT run_id, status FROM runs")).fetchall() == [(run_id, "SUCCESS")]
        stored = con.execute(text("SELECT count(DISTINCT asset_key) FROM event_logs WHERE run_id = :r "
                                  "AND dagster_event_type = 'ASSET_MATERIALIZATION'"), {"r": run_id}).scalar()
        assert stored == len(every_asset)
    postgres_home.dispose()
    assert not any(p.suffix == ".db" for p in (tmp_path / "dagster_home").rglob("*"))
