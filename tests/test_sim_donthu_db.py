"""System 5: the Inspectorate's database, written by the simulator to SQLite (and PostgreSQL's dialect)."""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from cchc.cli import main
from models import CoQuan, DonThu, TiepCongDan, validate_record
from simulator.donthu_db import DonThuDatabase, metadata
from simulator.personal import donthu_columns
from simulator.timeutil import DAY

pytestmark = pytest.mark.e2e  # the simulated city served and walked whole

MODELS = {"dm_co_quan": CoQuan, "don_thu": DonThu, "tiep_cong_dan": TiepCongDan}


@pytest.fixture
def database(small_world, tmp_path):
    db = DonThuDatabase(small_world, str(tmp_path / "donthu.sqlite"))
    db.create()
    yield db
    db.close()


def _rows(db, table):
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(metadata.tables[table]))]


def test_database_holds_exactly_the_worlds_records(small_world, database):
    for table in ("don_thu", "tiep_cong_dan"):
        expected = {key for key, *_ in small_world.store.iter_current(table)}
        assert {r["id"] for r in _rows(database, table)} == expected
    assert len(_rows(database, "dm_co_quan")) == len(small_world.donthu.agencies)


def test_rows_validate_except_the_malformed(small_world, database):
    bad = {t: small_world.malformed_keys(t) for t in ("don_thu", "tiep_cong_dan")}
    for table, model in MODELS.items():
        for row in _rows(database, table):
            record, reason = validate_record(model, row)
            if row["id"] in bad.get(table, ()):
                assert record is None and reason
            else:
                assert reason is None, f"{table} {row['id']}: {reason}"


def test_agency_list_has_codes_names_and_gaps(small_world, database):
    agencies = _rows(database, "dm_co_quan")
    with_code = [a for a in agencies if a["ma_dinh_danh"]]
    assert 0.7 < len(with_code) / len(agencies) < 0.9
    assert any(a["ma_dinh_danh"] and a["ma_dinh_danh"] not in small_world.directory.by_code for a in agencies)
    petitions = _rows(database, "don_thu")
    ids = {a["id"] for a in agencies}
    assert all(p["co_quan_tiep_nhan_id"] in ids or p["co_quan_tiep_nhan_id"] == 99_999 for p in petitions)


def test_personal_columns_exist_in_the_source(database):
    row = _rows(database, "don_thu")[0]
    assert row["ho_ten_nguoi_gui"] == donthu_columns(row["id"])["ho_ten_nguoi_gui"]
    assert row["noi_dung"]


def test_the_database_follows_the_world(small_world, database):
    database.follow()
    small_world.advance(3 * DAY)
    small_world.touch("tiep_cong_dan", 2)
    for table in ("don_thu", "tiep_cong_dan"):
        truth = {key: upd for key, upd, *_ in small_world.store.iter_current(table)}
        held = {r["id"] for r in _rows(database, table)}
        assert held == set(truth)
    with database.engine.connect() as conn:
        latest = conn.execute(text("SELECT max(updated_at) FROM tiep_cong_dan")).scalar_one()
    assert str(latest) > str(date(2025, 10, 1))


def test_schema_compiles_for_postgresql():
    dialect = postgresql.dialect()
    ddl = [str(CreateTable(t).compile(dialect=dialect)) for t in metadata.sorted_tables]
    ddl += [str(CreateIndex(i).compile(dialect=dialect)) for t in metadata.sorted_tables for i in t.indexes]
    joined = "\n".join(ddl)
    assert "BIGINT" in joined and "BOOLEAN" in joined and "TIMESTAMP WITHOUT TIME ZONE" in joined
    assert "CREATE INDEX" in joined


def test_cli_writes_the_database(tmp_path):
    path = tmp_path / "inspectorate.sqlite"
    assert main(["simulate", "db", str(path), "--scale", "0.01", "--start", "2025-03-01", "--end", "2025-03-15",
                 "--store-dir", str(tmp_path)]) == 0
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("dm_co_quan", "don_thu", "tiep_cong_dan")}
    engine.dispose()
    assert all(counts.values())


@pytest.mark.skipif(not os.environ.get("CCHC_TEST_POSTGRES_URL"),
                    reason="set CCHC_TEST_POSTGRES_URL to a throwaway PostgreSQL database to run")
def test_schema_and_data_load_into_postgresql(small_world):
    db = DonThuDatabase(small_world, os.environ["CCHC_TEST_POSTGRES_URL"])
    try:
        counts = db.create()
        assert counts["tiep_cong_dan"] == sum(1 for _ in small_world.store.iter_current("tiep_cong_dan"))
        for row in _rows(db, "don_thu")[:200]:
            record, reason = validate_record(DonThu, row)
            assert reason is None or row["id"] in small_world.malformed_keys("don_thu")
    finally:
        db.close()
