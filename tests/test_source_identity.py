"""Simulated records reach the warehouse only by explicit choice, and never mix with real ones.

- some sources configured and others not: `cchc refresh` refuses, naming every missing variable,
  and writes nothing;
- each system's source identity is kept with its cursor; a run reading another source refuses that
  system, writes nothing of it, and says how to start it over (`cchc reset SYSTEM`).
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from cchc.cli import main
from conftest import current_clock
from core.settings import SOURCE_VARIABLES
from pipeline_support import live_config, refresh, start_city
from pipelines.failures import run_failures_from_events

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("configured", [("CCHC_DONTHU_DB_URL",), ("CCHC_LGSP_URL", "CCHC_LGSP_CLIENT_ID",
                                                                  "CCHC_LGSP_CLIENT_SECRET")])
def test_some_sources_configured_refuses_and_writes_nothing(configured, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in SOURCE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    values = {"CCHC_DONTHU_DB_URL": "postgresql+psycopg://inspect:pw@db.example/donthu",
              "CCHC_LGSP_URL": "https://lgsp.example/gw", "CCHC_LGSP_CLIENT_ID": "team",
              "CCHC_LGSP_CLIENT_SECRET": "secret-value-61"}
    for name in configured:
        monkeypatch.setenv(name, values[name])
    assert main(["refresh"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    missing = [n for n in SOURCE_VARIABLES if n not in configured]
    assert err[0].startswith(f"cchc: configuration {', '.join(missing)}: ")
    assert "never mixed" in err[0] and "secret-value-61" not in err[0] and "pw@" not in err[0]
    assert list(tmp_path.iterdir()) == [], "nothing was written"


def _sync_state(path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.sql("SELECT system, source_identity FROM meta.sync_state").fetchall())


def _held(path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.sql(f"SELECT count(*) FROM raw.{t}").fetchall()[0][0]
                for (t,) in con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall()}


def test_a_changed_source_is_refused_until_the_system_is_started_over(tmp_path, monkeypatch, capsys):
    city = start_city(tmp_path, live_config(tmp_path, days=5, scale=0.005))
    try:
        assert refresh(city, monkeypatch).success
        identities = _sync_state(city.state_path)
        assert identities["qlvb"] == f"gateway {city.server.url}"
        assert identities["donthu"] == f"database sqlite:///{city.workdir / 'source-donthu.sqlite'}"
        before = _held(city.state_path)

        # the same state, now read as the demo city: every system refuses, nothing of theirs is written
        monkeypatch.setenv("CCHC_SIMULATED_CITY", "seed 61, scale 0.01")
        result = refresh(city, monkeypatch)
        assert not result.success
        failed = run_failures_from_events(result.all_events)
        assert set(failed) == {"directory", "qlvb", "baocao", "motcua", "nhiemvu", "donthu"}
        message = failed["qlvb"]
        assert message.startswith(f"qlvb: the pipeline state holds records from «gateway {city.server.url}»")
        assert "never merged" in message and "cchc reset" in message and "simulated city (seed 61, scale 0.01)" in message
        assert _held(city.state_path) == before
        assert _sync_state(city.state_path) == identities

        # the operator starts qlvb over: its records go, the others stay; the next run reads it anew
        assert main(["reset", "qlvb", "--yes"]) == 0
        assert "qlvb: started over" in capsys.readouterr().out
        after_reset = _held(city.state_path)
        assert after_reset["qlvb_van_ban"] == 0 and after_reset["motcua_ho_so"] == before["motcua_ho_so"]
        assert "qlvb" not in _sync_state(city.state_path)
        result = refresh(city, monkeypatch)
        ok = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SUCCESS"}
        assert ok == {"raw__qlvb"}
        assert _sync_state(city.state_path)["qlvb"] == "simulated city (seed 61, scale 0.01)"
        assert _held(city.state_path)["qlvb_van_ban"] == before["qlvb_van_ban"]
    finally:
        city.close()


def test_reset_without_confirmation_changes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", open("/dev/null"))  # noqa: SIM115 - not a terminal
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "cchc-state.duckdb").write_bytes(b"")
    assert main(["reset", "qlvb"]) == 2
    assert "--yes" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # argparse knows the declared systems (cchc reset --help lists them)
        main(["reset", "nosuch", "--yes"])
    assert exit_.value.code == 2
    assert "cchc reset: argument SYSTEM: invalid choice: 'nosuch'" in capsys.readouterr().err


def test_the_demo_says_so_and_marks_everything_it_publishes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in (*SOURCE_VARIABLES, "CCHC_SIMULATED_CITY", "CCHC_WAREHOUSE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CCHC_SYNC_START", (current_clock().today() - timedelta(days=4)).isoformat())
    monkeypatch.setenv("CCHC_SIM_SCALE", "0.002")
    assert main(["refresh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No source is configured: this refresh runs on the built-in simulated city "
                          "(seed 61, scale 0.002). Everything it publishes is marked DỮ LIỆU MÔ PHỎNG.\n"
                          "Generating the city from ")
    with duckdb.connect(str(tmp_path / "warehouse" / "cchc.duckdb"), read_only=True) as con:
        assert con.sql("SELECT data_kind, simulated, source_identities FROM marts.publication").fetchall() == [
            ("DỮ LIỆU MÔ PHỎNG", True, ["simulated city (seed 61, scale 0.002)"])]
        assert con.sql("SELECT bool_and(simulated), count(*) FROM marts.source_health").fetchall() == [(True, 6)]  # the demo register too
        comments = [c for (c,) in con.sql("SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()]
    assert len(comments) >= 8 and all(c.startswith("DỮ LIỆU MÔ PHỎNG — ") for c in comments)
    assert not list(tmp_path.glob("cchc-demo-*")), "the demo city's files are gone"
