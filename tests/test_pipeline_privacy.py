"""No personal data, classified subject, secret or token reaches any file the run wrote, or its logs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline_support import SECRET, live_config, refresh, start_city
from simulator.personal import GIVEN, MIDDLE, SURNAMES, donthu_columns, fake_person

pytestmark = pytest.mark.e2e

# Shapes no legitimate field has: any match is then checked against the city's actual secrets.
PATTERNS = [
    re.compile(rf"(?:{'|'.join(SURNAMES)}) (?:{'|'.join(MIDDLE)}) (?:{'|'.join(GIVEN)})"),
    re.compile(r"(?<![0-9])0[0-9]{11}(?![0-9])"),  # ID numbers
    re.compile(r"(?<![0-9])09[0-9]{8}(?![0-9])"),  # phones
    re.compile(r"nguoidan[0-9]{6}@example\.vn"),
    re.compile(r"Số [0-9]+ phố [^,\"]+, Hà Nội"),
    re.compile(r"Đề nghị xem xét [^\"]+"),
    re.compile(r"(?:Phương án bảo đảm an ninh mục tiêu|Kế hoạch bảo vệ bí mật nhà nước đợt|"
               r"Báo cáo tình hình an ninh chính trị nội bộ số) [0-9]{6}"),
]


def _secrets_of(city) -> set[str]:
    values = {SECRET, *city.server.gateway._tokens}
    for key, *_ in city.world.store.iter_current("motcua"):
        person = fake_person(key)
        values |= {person["name"], person["id_number"], person["phone"], person["email"], person["address"]}
    for key, *_ in city.world.store.iter_current("don_thu"):
        values |= set(donthu_columns(key).values())
    for doc in city.world.truth("qlvb", include_malformed=True):
        if doc["do_mat"] != "THUONG":
            values.add(doc["trich_yeu"])
    return values


def _leaks(text: str, secrets: set[str]) -> set[str]:
    found = {m for p in PATTERNS for m in p.findall(text) if m in secrets}
    found |= {s for s in (SECRET,) if s in text}
    return found


def _duckdb_text(path: Path) -> str:
    """Every value of every table, decompressed: a byte scan alone can miss compressed strings."""
    parts = []
    with duckdb.connect(str(path), read_only=True) as con:
        for schema, table in con.sql("SELECT schema_name, table_name FROM duckdb_tables()").fetchall():
            for (row,) in con.sql(f'SELECT to_json(t)::VARCHAR FROM "{schema}"."{table}" t').fetchall():
                parts.append(row)
    return "\n".join(parts)


def test_nothing_personal_secret_or_classified_is_written(tmp_path, monkeypatch, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    city = start_city(tmp_path, live_config(tmp_path, days=10))
    home = tmp_path / "dagster_home"
    home.mkdir()
    try:
        with dg.DagsterInstance.local_temp(tempdir=str(home)) as instance:
            assert refresh(city, monkeypatch, instance=instance).success
        secrets = _secrets_of(city)
        assert len(secrets) > 1000
        sources = {city.database.url.split("///")[-1], city.world.store.path}
        written = [p for p in tmp_path.rglob("*") if p.is_file() and str(p) not in sources]
        assert any(p.suffix == ".duckdb" for p in written) and any(home in p.parents for p in written)
        leaks = {}
        for path in written:
            text = path.read_bytes().decode("utf-8", errors="replace")
            if path.suffix == ".duckdb":
                text += _duckdb_text(path)
            if found := _leaks(text, secrets):
                leaks[str(path)] = found
        logs = caplog.text + "".join(capfd.readouterr())
        if found := _leaks(logs, secrets):
            leaks["logs"] = found
        assert not leaks, leaks
    finally:
        city.close()


def test_classified_documents_keep_no_subject_or_number(tmp_path, monkeypatch):
    city = start_city(tmp_path, live_config(tmp_path, days=10))
    try:
        assert refresh(city, monkeypatch).success
        with duckdb.connect(str(city.state_path), read_only=True) as con:
            rows = con.sql("SELECT count(*), count(trich_yeu), count(so_ky_hieu) FROM raw.qlvb_van_ban "
                           "WHERE do_mat <> 'THUONG'").fetchall()[0]
            personal = [c for (c,) in con.sql("SELECT column_name FROM duckdb_columns()").fetchall()
                        if c in {"ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai", "Email", "DiaChi", "ho_ten_nguoi_gui",
                                 "cccd_nguoi_gui", "dia_chi_nguoi_gui", "noi_dung"}]
        assert rows[0] > 0 and rows[1] == 0 and rows[2] == 0
        assert personal == []
    finally:
        city.close()


def test_the_database_password_never_appears_in_outputs(tmp_path, monkeypatch, caplog, capfd):
    from pipelines.failures import run_failures

    caplog.set_level(logging.DEBUG)
    marker = "DbPassword-Marker-4711"
    city = start_city(tmp_path, live_config(tmp_path, days=3))
    home = tmp_path / "dagster_home"
    home.mkdir()
    try:
        env = {**city.env, "CCHC_DONTHU_DB_URL": f"postgresql+psycopg://inspector:{marker}@127.0.0.1:1/donthu"}
        monkeypatch.setattr(type(city), "env", property(lambda self: env))
        with dg.DagsterInstance.local_temp(tempdir=str(home)) as instance:
            result = refresh(city, monkeypatch, instance=instance)
        failures = run_failures(result)
        assert set(failures) == {"donthu"} and "cannot connect" in failures["donthu"]
        texts = [p.read_bytes().decode("utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
        texts += [caplog.text, "".join(capfd.readouterr()), *failures.values()]
        assert not [t for t in texts if marker in t]
        assert "inspector:***@" in failures["donthu"] or marker not in failures["donthu"]
    finally:
        city.close()
