"""`cchc doctor`: one line per check, ✓ or ✗ with what to do, exit 1 when one failed, never a secret;
bounded in time against a dead gateway; the demo's simulated city when no source is configured."""

from __future__ import annotations

import io
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import holidays
import pytest

from cchc.cli import main
from cchc.doctor import (
    Limits,
    Line,
    Report,
    check_calendar,
    check_database,
    check_published,
    check_state,
    check_warehouse_folder,
    emit_calendar,
    failed,
    run_doctor,
)
from cchc.inspections import write_template
from connectors.database import selected_columns
from core.errors import AuthError, ConfigError, SourceError
from core.settings import SOURCE_VARIABLES, Settings
from pipeline_support import SECRET, live_config, start_city
from pipelines.run import refresh
from sources import SYSTEMS, Database, GatewayEndpoint, Workbooks
from storage.migrations import SCHEMA_VERSION
from storage.state import StateStore

PROJECT = Path(__file__).resolve().parents[1]
DATABASE = next(s for s in SYSTEMS if isinstance(s.access, Database))
GATEWAY_SYSTEMS = [s for s in SYSTEMS if isinstance(s.access, GatewayEndpoint)]
REGISTER = next(s for s in SYSTEMS if isinstance(s.access, Workbooks))
WRONG = "Wr0ng-Secret-Marker-do-not-leak"
DB_PASSWORD = "Db-Passw0rd-Marker"


@pytest.fixture
def place(tmp_path, monkeypatch) -> Path:
    """A clean working folder: no source variable, a warehouse and a Dagster instance of its own."""
    monkeypatch.chdir(tmp_path)
    for name in (*SOURCE_VARIABLES, "CCHC_SIMULATED_CITY", "CCHC_SIM_FAULTS", "CCHC_SYNC_START"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("CCHC_WAREHOUSE", str(tmp_path / "warehouse" / "cchc.duckdb"))
    return tmp_path


def source_database(path: Path, drop_table: str | None = None, drop_column: str | None = None) -> str:
    """A SQLite file with every declared table of the database system (and its model's columns)."""
    with sqlite3.connect(path) as con:
        for raw in DATABASE.tables:
            if raw.source_table == drop_table:
                continue
            columns = [c for c in selected_columns(raw) if c != drop_column]
            con.execute(f"CREATE TABLE {raw.source_table} ({', '.join(columns)})")
    return f"sqlite:///{path}"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


TODAY = date(2026, 6, 15)  # doctor's calendar check judges by this date, never the clock's: a year announced


def doctor(limits: Limits | None = None) -> tuple[int, str, float]:
    out = io.StringIO()
    began = time.monotonic()
    code = run_doctor(out, limits, today=TODAY)
    return code, out.getvalue(), time.monotonic() - began


def line(output: str, what: str) -> str:
    """The line of one check (its label after the mark)."""
    found = [text for text in output.splitlines() if text[2:].split("  ")[0].strip() == what]
    assert len(found) == 1, f"{what}: {found}\n{output}"
    return found[0]


def configure(monkeypatch, url: str, db_url: str, secret: str = SECRET) -> None:
    for name, value in {"CCHC_LGSP_URL": url, "CCHC_LGSP_CLIENT_ID": "inspection-team-test",
                        "CCHC_LGSP_CLIENT_SECRET": secret, "CCHC_DONTHU_DB_URL": db_url}.items():
        monkeypatch.setenv(name, value)


# --- fast: no live city ------------------------------------------------------------------------

def test_a_dead_gateway_is_a_cross_on_the_token_line_within_seconds(place, monkeypatch):
    configure(monkeypatch, f"http://127.0.0.1:{closed_port()}/gw", source_database(place / "donthu.sqlite"))
    code, out, took = doctor()
    assert code == 1 and took < 30, out
    token = line(out, "gateway token")
    assert token.startswith("✗ ") and "refused the connection" in token and "CCHC_LGSP_URL" in token and "→ " in token
    for system in GATEWAY_SYSTEMS:
        assert line(out, system.name).startswith("– ") and "not asked (no token)" in line(out, system.name)
    for what in (f"{DATABASE.name} database", "warehouse folder", "published file", "pipeline state",
                 "dagster instance", REGISTER.name):
        assert line(out, what).startswith("✓ "), out
    assert "CCHC_INSPECTIONS_DIR is not set" in line(out, REGISTER.name)
    # configuration, calendar, token, database, register, warehouse folder, published file, state, identity, dagster
    assert out.rstrip().splitlines()[-1].startswith(f"1 of 10 checks failed, {len(GATEWAY_SYSTEMS)} not run")
    assert SECRET not in out


def test_a_partial_configuration_is_a_cross_naming_what_is_missing(place, monkeypatch):
    monkeypatch.setenv("CCHC_LGSP_URL", "https://lgsp.example/gw")
    monkeypatch.setenv("CCHC_LGSP_CLIENT_SECRET", SECRET)
    code, out, _took = doctor()
    assert code == 1
    config = line(out, "configuration")
    assert config.startswith("✗ configuration") and "CCHC_LGSP_CLIENT_ID, CCHC_DONTHU_DB_URL: are not set while" in config
    assert line(out, "dagster instance").startswith("✓ ")
    assert line(out, "gateway token").startswith("– ")
    assert SECRET not in out


def test_a_missing_table_or_column_is_named(place):
    victim = DATABASE.tables[-1]
    url = source_database(place / "no-table.sqlite", drop_table=victim.source_table)
    settings = Settings.from_env(env={"CCHC_LGSP_URL": "http://x", "CCHC_LGSP_CLIENT_ID": "a",
                                      "CCHC_LGSP_CLIENT_SECRET": SECRET, "CCHC_DONTHU_DB_URL": url})
    (result,) = check_database(DATABASE, settings, Limits())
    assert result.status == "fail" and f"table {victim.source_table} is missing" in result.detail
    assert DATABASE.access.url_variable in result.todo
    column = selected_columns(DATABASE.tables[0])[-1]
    url = source_database(place / "no-column.sqlite", drop_column=column)
    settings = Settings.from_env(env={**{k: "x" for k in SOURCE_VARIABLES}, "CCHC_LGSP_URL": "http://x",
                                      "CCHC_DONTHU_DB_URL": url})
    (result,) = check_database(DATABASE, settings, Limits())
    assert result.status == "fail" and f"lacks column {column}" in result.detail


def test_a_database_that_cannot_be_opened_is_one_line_without_its_password(place, monkeypatch):
    url = f"postgresql+psycopg://reader:{DB_PASSWORD}@127.0.0.1:{closed_port()}/donthu"
    configure(monkeypatch, f"http://127.0.0.1:{closed_port()}", url)
    code, out, _took = doctor()
    assert code == 1
    database = line(out, f"{DATABASE.name} database")
    assert database.startswith("✗ ") and "cannot connect to the database at" in database
    assert DB_PASSWORD not in out and SECRET not in out


def _settings(place: Path, **env: str) -> Settings:
    return Settings.from_env(env={"CCHC_WAREHOUSE": str(place / "warehouse" / "cchc.duckdb"), **env})


def test_the_warehouse_folder_is_created_later_or_written_now(place):
    (result,) = check_warehouse_folder(_settings(place), Limits())
    assert result.status == "ok" and "does not exist yet, the first refresh creates it in" in result.detail
    (place / "warehouse").mkdir()
    (result,) = check_warehouse_folder(_settings(place), Limits())
    assert result.status == "ok" and ": exists; writable" in result.detail
    assert not [p for p in (place / "warehouse").iterdir()]  # the probe file is gone
    (result,) = check_warehouse_folder(_settings(place), Limits(low_space=2**62))
    assert result.status == "warn" and "free" in result.todo


def test_an_unwritable_warehouse_folder_is_a_cross(place, monkeypatch):
    (place / "blocked").write_text("a file where the folder should be")
    monkeypatch.setenv("CCHC_WAREHOUSE", str(place / "blocked" / "warehouse" / "cchc.duckdb"))
    code, out, _took = doctor()
    assert code == 1
    folder = line(out, "warehouse folder")
    assert folder.startswith("✗ ") and f"{place / 'blocked'} is a file" in folder and "CCHC_WAREHOUSE" in folder


@pytest.mark.skipif(os.geteuid() == 0,
                    reason="permissions do not stop root")
def test_a_read_only_warehouse_folder_is_a_cross(place):
    folder = place / "warehouse"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (result,) = check_warehouse_folder(_settings(place), Limits())
    finally:
        folder.chmod(0o755)
    assert result.status == "fail" and "is not writable" in result.detail


def test_the_state_layout_and_where_its_records_came_from(place):
    gateway = {"CCHC_LGSP_URL": "https://lgsp.example/gw", "CCHC_LGSP_CLIENT_ID": "a",
               "CCHC_LGSP_CLIENT_SECRET": SECRET, "CCHC_DONTHU_DB_URL": "sqlite:///donthu.sqlite"}
    settings = _settings(place, **gateway)
    assert [r.status for r in check_state(settings)] == ["ok", "ok"]  # none yet
    system = GATEWAY_SYSTEMS[0]
    with StateStore(settings.state_path) as store:
        store.con.execute("INSERT INTO meta.sync_state (system, source_identity, last_success_at) "
                          "VALUES (?, 'simulated city (seed 61, scale 0.01)', now())", [system.name])
    state, identity, reconcile = check_state(settings)
    assert state.status == "ok" and f"layout {SCHEMA_VERSION}; 1 system synced" in state.detail
    assert reconcile.status == "warn" and reconcile.detail.startswith("never yet for ")
    assert identity.status == "fail" and identity.detail.startswith(f"{system.name}: the state holds records from "
                                                                    "«simulated city (seed 61, scale 0.01)»")
    assert f"`cchc reset {system.name} --yes`" in identity.todo
    with duckdb.connect(str(settings.state_path)) as con:
        con.execute("UPDATE meta.schema_version SET version = ?", [SCHEMA_VERSION + 1])
    state, *_others = check_state(settings)
    assert state.status == "fail" and "written by a newer cchc" in state.detail


def test_a_state_of_the_first_layout_is_read_without_upgrading(place):
    settings = _settings(place)
    settings.state_path.parent.mkdir()
    shutil.copy(PROJECT / "tests" / "fixtures" / "state-layout-1.duckdb", settings.state_path)
    before = settings.state_path.read_bytes()
    state, *_others = check_state(settings)
    assert state.status == "ok" and f"layout 1 (the next refresh upgrades it in place to {SCHEMA_VERSION})" in \
        state.detail
    assert settings.state_path.read_bytes() == before


def test_a_state_held_by_a_refresh_is_said_so(place):
    settings = _settings(place)
    with StateStore(settings.state_path):
        pass
    holder = subprocess.Popen([sys.executable, "-c", "import sys, duckdb; con = duckdb.connect(sys.argv[1]); "
                               "print('holding', flush=True); sys.stdin.readline()", str(settings.state_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        (state,) = check_state(settings)
        assert state.status == "ok" and "a refresh is running" in state.detail
    finally:
        holder.kill()
        holder.wait()


def test_a_published_file_of_the_demo_is_a_warning_when_real_sources_are_configured(place):
    settings = _settings(place, CCHC_LGSP_URL="https://lgsp.example", CCHC_LGSP_CLIENT_ID="a",
                         CCHC_LGSP_CLIENT_SECRET=SECRET, CCHC_DONTHU_DB_URL="sqlite:///x.sqlite")
    settings.warehouse.parent.mkdir()
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.publication AS SELECT 'DỮ LIỆU MÔ PHỎNG' AS data_kind, true AS simulated, "
                    "TIMESTAMP '2025-03-01 02:10:00' AS built_at, DATE '2025-03-01' AS as_of")
    (result,) = check_published(settings)
    assert result.status == "warn" and "built 2025-03-01 02:10 for 2025-03-01, DỮ LIỆU MÔ PHỎNG" in result.detail


def test_a_dagster_home_without_its_config_is_a_cross(place, monkeypatch):
    (place / "dagster_home" / "dagster.yaml").unlink()
    configure(monkeypatch, f"http://127.0.0.1:{closed_port()}", source_database(place / "donthu.sqlite"))
    _code, out, _took = doctor()
    assert line(out, "dagster instance").startswith("✗ ") and "has no dagster.yaml" in out
    monkeypatch.setenv("DAGSTER_HOME", str(place / "nowhere"))
    _code, out, _took = doctor()
    assert "nowhere does not exist" in line(out, "dagster instance")
    assert not (place / "nowhere").exists()


def test_the_calendar_line_names_the_announced_years(place, tmp_path):
    settings = _settings(place)
    ok, _ = check_calendar(settings, date(2026, 11, 30))  # 2026 is in the built-in table; not December yet
    assert ok == Line("ok", "calendar", "announced days of 2023–2026 built in; CCHC_CALENDAR_FILE not set; other "
                                        f"years by the rules (holidays {holidays.__version__}, lunar holidays included)")
    announced = tmp_path / "lich-2027.csv"
    announced.write_text("date,kind,note\n2027-02-03,nghi,Nghỉ hoán đổi\n2027-02-20,lam_bu,Làm bù\n", encoding="utf-8")
    ok, _ = check_calendar(_settings(place, CCHC_CALENDAR_FILE=str(announced)), date(2026, 12, 1))
    assert ok.status == "ok" and f"{announced}: 2 days for 2027;" in ok.detail


def test_from_1_december_next_years_missing_announcement_is_a_warning(place, tmp_path):
    settings = _settings(place)
    warn, _ = check_calendar(settings, date(2026, 12, 1))
    assert warn.status == "warn" and warn.detail.endswith(
        "; 2027's announced days are not in the calendar yet, so deadlines in 2027 are counted by the rules alone")
    assert warn.todo == ("When the Government announces 2027's days off and working Saturdays, write them to a CSV "
                         "file (date,kind,note) and set CCHC_CALENDAR_FILE to it")
    warn, _ = check_calendar(settings, date(2027, 3, 1))  # and all the year it is missing
    assert warn.status == "warn" and "2027's announced days are not in the calendar yet" in warn.detail
    only_2027 = tmp_path / "lich.csv"
    only_2027.write_text("date,kind,note\n2027-02-03,nghi,x\n", encoding="utf-8")
    warn, _ = check_calendar(_settings(place, CCHC_CALENDAR_FILE=str(only_2027)), date(2027, 12, 2))
    assert warn.todo == f"When the Government announces 2028's days off and working Saturdays, add them to {only_2027}"


def test_a_bad_calendar_file_is_a_cross_with_a_line_per_row(place, tmp_path):
    bad = tmp_path / "lich.csv"
    bad.write_text("date,kind,note\n2027-02-30,nghi,\n2027-03-01,lam_bu,\n", encoding="utf-8")
    out = io.StringIO()
    report = Report(out)
    emit_calendar(report, _settings(place, CCHC_CALENDAR_FILE=str(bad)), date(2026, 12, 8))
    assert out.getvalue().splitlines() == [
        f"✗ {'calendar':<{report.width}}  {bad}: 2 problems, each below; a refresh refuses the file whole → Correct "
        "the file (CSV with the header date,kind,note; kind nghi = a weekday off, lam_bu = a working Saturday)",
        "    row 2: «2027-02-30» is an impossible date",
        "    row 3: 2027-03-01 is a Monday: lam_bu is for a working Saturday"]
    assert report.counts["fail"] == 1  # one check failed, however many rows


def test_failures_read_as_one_line_with_what_to_do():
    refused = AuthError("gateway", "the client credentials were refused (invalid_client)", "check the credentials",
                        path="/token")
    assert failed("gateway token", refused) == Line("fail", "gateway token", "credentials refused (invalid_client)",
                                                    "Check the credentials")
    gave_up = SourceError("qlvb", "no good answer after 1 attempts (last: HTTP 503 gateway fault)",
                          "run again later", path="/qlvb/v1/van-ban")
    assert failed("qlvb", gave_up) == Line("fail", "qlvb", "HTTP 503 gateway fault", "Run again later")
    config = ConfigError("CCHC_AS_OF", "is not a date in the form YYYY-MM-DD")
    assert failed("configuration", config).detail == "CCHC_AS_OF: is not a date in the form YYYY-MM-DD"
    assert failed("x", RuntimeError("boom\nsecond line")).detail == "RuntimeError: boom"


def test_the_report_never_prints_a_secret():
    out = io.StringIO()
    report = Report(out, [SECRET, "ab"])
    report.emit([Line("fail", "gateway token", f"refused {SECRET}", "short ab stays")])
    assert SECRET not in out.getvalue() and "********" in out.getvalue() and "short ab stays" in out.getvalue()


def test_check_sources_is_an_alias_of_doctor(monkeypatch, capsys):
    monkeypatch.setattr("cchc.doctor.run_doctor", lambda: 0)
    assert main(["check-sources"]) == 0
    assert "replaced by `cchc doctor`" in capsys.readouterr().err


# --- end to end: a live simulated city ---------------------------------------------------------

@pytest.fixture
def city(place, monkeypatch):
    live = start_city(place, live_config(place))
    write_template(live.register_dir / "so-theo-doi.xlsx", [])  # the city's register has no row these days
    for name, value in live.env.items():
        monkeypatch.setenv(name, value)
    yield live
    live.close()


@pytest.mark.e2e
def test_every_check_passes_on_a_live_city_before_and_after_a_refresh(city, place):
    code, out, took = doctor()
    assert code == 0 and took < 30, out
    lines = out.splitlines()
    assert lines[0].startswith("cchc doctor: checking the configured sources (gateway http://127.0.0.1:")
    checks = [text for text in lines[1:] if text and text[0] in "✓!✗–"]
    assert len(checks) == 8 + len(SYSTEMS) and all(text.startswith("✓ ") for text in checks), out
    assert "announced days of 2023–2026 built in; CCHC_CALENDAR_FILE not set" in line(out, "calendar")
    for system in GATEWAY_SYSTEMS:
        assert f"GET {system.access.path}" in line(out, system.name)
    for raw in DATABASE.tables:
        assert f"{raw.source_table} " in line(out, f"{DATABASE.name} database")
    assert "1 workbook: so-theo-doi.xlsx" in line(out, REGISTER.name)
    assert lines[-1].startswith(f"All {len(checks)} checks passed")
    assert SECRET not in out
    assert refresh(out=io.StringIO(), instance=dg.DagsterInstance.ephemeral()) == 0
    code, out, _took = doctor()
    assert code == 0, out
    assert f"layout {SCHEMA_VERSION}; {len(SYSTEMS)} systems synced" in line(out, "pipeline state")
    assert "every synced system's records came from the sources configured now" in line(out, "source identity")
    assert "DỮ LIỆU THẬT" in line(out, "published file")


@pytest.mark.e2e
def test_a_wrong_secret_is_refused_on_the_token_line_and_never_shown(city, monkeypatch):
    monkeypatch.setenv("CCHC_LGSP_CLIENT_SECRET", WRONG)
    code, out, _took = doctor()
    assert code == 1
    assert line(out, "gateway token").startswith("✗ gateway token") and \
        "credentials refused (invalid_client) → Check CCHC_LGSP_CLIENT_ID / CCHC_LGSP_CLIENT_SECRET" in out
    assert WRONG not in out and SECRET not in out


@pytest.mark.e2e
def test_a_missing_table_of_the_live_database_is_named(city, place, monkeypatch):
    victim = DATABASE.tables[-1].source_table
    copy = place / "broken-donthu.sqlite"
    shutil.copy(city.database.url.removeprefix("sqlite:///"), copy)
    with sqlite3.connect(copy) as con:
        con.execute(f"DROP TABLE {victim}")
    monkeypatch.setenv("CCHC_DONTHU_DB_URL", f"sqlite:///{copy}")
    code, out, _took = doctor()
    assert code == 1
    database = line(out, f"{DATABASE.name} database")
    assert database.startswith("✗ ") and f"table {victim} is missing" in database
    assert all(line(out, s.name).startswith("✓ ") for s in GATEWAY_SYSTEMS)


@pytest.mark.e2e
def test_a_silent_gateway_costs_seconds_not_minutes(place, monkeypatch):
    """A gateway that accepts connections and never answers: every check stays inside its deadline."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        configure(monkeypatch, f"http://127.0.0.1:{silent.getsockname()[1]}", source_database(place / "d.sqlite"))
        code, out, took = doctor()
    assert code == 1 and took < 30, out
    token = line(out, "gateway token")
    assert token.startswith("✗ ") and ("no answer within" in token or "no answer in time" in token)


@pytest.mark.e2e
def test_with_no_source_doctor_checks_the_simulated_city_and_says_so(place):
    code, out, _took = doctor()
    assert code == 0, out
    assert out.startswith("No source is configured: doctor checks the built-in simulated city instead (seed 61")
    assert "the simulated city (seed 61, scale 0.01) stands in for all four" in line(out, "configuration")
    assert all(line(out, s.name).startswith("✓ ") for s in GATEWAY_SYSTEMS)
