"""The Dagster definitions load, name their assets exactly, and `cchc refresh` says plainly what is wrong."""

from __future__ import annotations

import io

import dagster as dg

from pipelines.definitions import defs
from pipelines.run import refresh
from sources import SYSTEMS


def test_definitions_load_with_the_expected_assets_and_job():
    dg.Definitions.validate_loadable(defs)
    from storage.sqlmodels import discover

    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    raw = {"raw/directory", "raw/qlvb", "raw/baocao", "raw/motcua", "raw/nhiemvu", "raw/donthu", "raw/kiemtra"}
    models = {ref.replace(".", "/") for ref in discover()}
    assert keys == raw | models | {"published/warehouse"}
    assert {"marts/unit_signals_monthly", "marts/findings", "marts/inspection_priority", "marts/units",
            "marts/signal_catalog", "marts/unresolved_units", "marts/source_health"} <= keys
    assert defs.resolve_job_def("refresh").executor_def is dg.in_process_executor


def test_model_dependencies_are_read_from_the_sql():
    graph = defs.resolve_asset_graph()
    parents = {k.to_user_string() for k in graph.get(dg.AssetKey(["marts", "unit_signals_monthly"])).parent_keys}
    assert parents == {"intermediate/int_signal_records", "marts/signal_catalog", "intermediate/int_head_reception"}
    raw_parents = {k.to_user_string() for k in graph.get(dg.AssetKey(["staging", "stg_motcua_dossiers"])).parent_keys}
    assert raw_parents == {"raw/motcua"}
    published = {k.to_user_string() for k in graph.get(dg.AssetKey(["published", "warehouse"])).parent_keys}
    assert published == {k for k in (k.to_user_string() for k in graph.get_all_asset_keys()) if k.startswith("marts/")}


def test_blocking_checks_guard_the_marts():
    checks = {(c.asset_key.to_user_string(), c.name) for c in defs.resolve_asset_graph().asset_check_keys}
    assert ("marts/findings", "identity_with_monthly") in checks
    assert ("marts/inspection_priority", "ranks_1_to_n") in checks
    assert ("marts/unit_signals_monthly", "ratios_within_0_1") in checks
    assert ("marts/unit_signals_pooled", "key_unique") in checks
    assert {c for c in checks if c[0].startswith("raw/")} == {(f"raw/{s.name}", "reject_rate") for s in SYSTEMS}
    assert ("marts/priority_signals", "contributions_add_up_to_the_score") in checks
    assert ("marts/priority_history", "ranks_1_to_n_each_month") in checks
    assert len(checks) == 35  # 28 on the marts, a reject rate on each of the 7 raw assets


def test_every_raw_asset_writes_through_the_single_writer_pool():
    for key in defs.resolve_asset_graph().get_all_asset_keys():
        assert defs.resolve_assets_def(key).op.pool == "duckdb_writer", key


def test_refresh_with_a_bad_variable_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_SYNC_START", "01/01/2023")
    out, err = io.StringIO(), io.StringIO()
    assert refresh(out=out, err=err) == 2
    assert err.getvalue().strip() == "cchc refresh: configuration CCHC_SYNC_START: is not a date in the form YYYY-MM-DD"
    assert out.getvalue() == ""
    assert not (tmp_path / "warehouse").exists()


def test_refresh_requires_credentials_with_a_real_gateway(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_LGSP_URL", "https://lgsp.example/gw")
    for name in ("CCHC_LGSP_CLIENT_ID", "CCHC_LGSP_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    err = io.StringIO()
    assert refresh(err=err) == 2
    assert "CCHC_LGSP_CLIENT_ID" in err.getvalue()


def test_dotenv_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    from core.settings import Settings

    (tmp_path / ".env").write_text("CCHC_LOOKBACK_DAYS=5\nCCHC_AS_OF=2025-06-30\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_LOOKBACK_DAYS", "7")
    monkeypatch.delenv("CCHC_AS_OF", raising=False)
    for name, value in {"CCHC_LGSP_URL": "https://lgsp.example/gw", "CCHC_LGSP_CLIENT_ID": "team",
                        "CCHC_LGSP_CLIENT_SECRET": "marker-client-secret-61",
                        "CCHC_DONTHU_DB_URL": "postgresql+psycopg://ro:marker-db-password-61@db/donthu"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert settings.lookback_days == 7 and str(settings.as_of) == "2025-06-30"
    shown = repr(settings) + str(settings) + settings.gateway_identity + settings.database_identity
    assert "marker-client-secret-61" not in shown and "marker-db-password-61" not in shown
    assert settings.client_secret.reveal() == "marker-client-secret-61"


def test_models_say_how_they_are_materialized():
    from storage.sqlmodels import discover

    models = discover()
    assert models["staging.stg_motcua_dossiers"].materialized == "VIEW"
    assert models["intermediate.int_signal_records"].materialized == "VIEW"  # read once: computed lazily
    assert models["intermediate.int_unit_name_keys"].materialized == "TABLE"
    assert all(m.materialized == "TABLE" for ref, m in models.items() if ref.startswith("marts."))
