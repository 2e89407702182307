"""The Dagster definitions load, name their assets exactly, and `cchc refresh` says plainly what is wrong."""

from __future__ import annotations

import io

import dagster as dg

from pipelines.definitions import defs
from pipelines.run import refresh


def test_definitions_load_with_the_expected_assets_and_job():
    dg.Definitions.validate_loadable(defs)
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {"raw/directory", "raw/qlvb", "raw/baocao", "raw/motcua", "raw/nhiemvu", "raw/donthu"}
    assert defs.resolve_job_def("refresh").executor_def is dg.in_process_executor


def test_every_raw_asset_writes_through_the_single_writer_pool():
    for key in defs.resolve_asset_graph().get_all_asset_keys():
        assert defs.resolve_assets_def(key).op.pool == "duckdb_writer", key


def test_refresh_with_a_bad_variable_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_SYNC_START", "01/01/2023")
    out = io.StringIO()
    assert refresh(out=out) == 2
    assert out.getvalue().strip() == "cchc refresh: configuration CCHC_SYNC_START: is not a date in the form YYYY-MM-DD"
    assert not (tmp_path / "warehouse").exists()


def test_refresh_requires_credentials_with_a_real_gateway(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_LGSP_URL", "https://lgsp.example/gw")
    for name in ("CCHC_LGSP_CLIENT_ID", "CCHC_LGSP_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    out = io.StringIO()
    assert refresh(out=out) == 2
    assert "CCHC_LGSP_CLIENT_ID" in out.getvalue()


def test_dotenv_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    from connectors.settings import Settings

    (tmp_path / ".env").write_text("CCHC_LOOKBACK_DAYS=5\nCCHC_AS_OF=2025-06-30\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_LOOKBACK_DAYS", "7")
    monkeypatch.delenv("CCHC_AS_OF", raising=False)
    settings = Settings.from_env()
    assert settings.lookback_days == 7 and str(settings.as_of) == "2025-06-30"
    assert "secret" not in repr(settings).lower() or "********" in repr(settings)
