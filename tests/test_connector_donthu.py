"""System 5 connector: streams the Inspectorate's database read-only, without the personal columns."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import datetime, timedelta

import orjson
import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from conftest import make_small_world
from connectors.database import DatabaseReader, selected_columns
from core.errors import SourceError
from core.settings import Secret
from core.timezone import ICT, UTC
from models import validate_record
from models.donthu import PERSONAL_FIELDS
from simulator.donthu_db import DonThuDatabase
from sources.catalog import DONTHU

TABLES = ("don_thu", "tiep_cong_dan")  # read by update-time window; dm_co_quan is read whole
MODELS = {t.source_table: t.model for t in DONTHU.tables}
COLUMNS = {t.source_table: selected_columns(t) for t in DONTHU.tables}


def DonThuSource(url, **kwargs) -> DatabaseReader:  # noqa: N802 - reads like the reader it builds
    return DatabaseReader(DONTHU, url, **kwargs)

PG_URL = os.environ.get("CCHC_TEST_POSTGRES_URL")
needs_pg = pytest.mark.skipif(not PG_URL, reason="set CCHC_TEST_POSTGRES_URL to a throwaway PostgreSQL database")

BOOLS = {"phuc_tap", "vung_kho_khan", "da_xoa"}
DATES = {"ngay_nhan", "ngay_xu_ly_don", "ngay_thu_ly", "ngay_giai_quyet", "ngay_tiep"}


@pytest.fixture(scope="module")
def small_world(tmp_path_factory):
    """One world for the module: these tests only read the database made from it."""
    world = make_small_world(tmp_path_factory.mktemp("donthu-world"))
    yield world
    world.close()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=needs_pg)])
def db_url(request, small_world, tmp_path_factory) -> str:
    """The simulated Inspectorate database, on SQLite (always) and PostgreSQL (when configured)."""
    if request.param == "sqlite":
        target = str(tmp_path_factory.mktemp("donthu-db") / "d.sqlite")
        url = f"sqlite:///{target}"
    else:
        target = url = PG_URL
    db = DonThuDatabase(small_world, target)
    db.create()
    db.close()
    return url


@pytest.fixture(scope="module")
def sqlite_path(small_world, tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("donthu-sqlite") / "d.sqlite")
    db = DonThuDatabase(small_world, path)
    db.create()
    db.close()
    return path


def _truth(world, table: str) -> dict[int, dict]:
    return {key: orjson.loads(doc) for key, _upd, _bad, doc in world.store.iter_current(table)}


def _ts(value) -> datetime:
    """updated_at as naive local time, whichever way the driver or the store spells it."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _norm(name: str, value):
    if value is None:
        return None
    if name in BOOLS:
        return bool(value)
    if name in DATES:
        return str(value)[:10]
    if name == "updated_at":
        return _ts(value)
    return value


def _read(url: str, table: str, lo=None, hi=None, **kwargs) -> list[dict]:
    with DonThuSource(url, **kwargs) as source:
        return [row for batch in source.iter_batches(table, lo, hi) for row in batch]


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- reads


@pytest.mark.parametrize("table", TABLES)
def test_full_read_is_the_database_minus_personal_columns(small_world, db_url, table):
    truth = _truth(small_world, table)
    rows = _read(db_url, table)
    assert [r["id"] for r in rows if r["id"] in truth] == [r["id"] for r in rows]
    assert sorted(r["id"] for r in rows) == sorted(truth)
    declared = set(MODELS[table].model_fields)
    for row in rows:
        assert set(row) == declared == set(COLUMNS[table])
        assert not set(row) & PERSONAL_FIELDS
        doc = truth[row["id"]]
        assert {k: _norm(k, v) for k, v in row.items()} == {k: _norm(k, doc[k]) for k in row}
    order = [(_ts(r["updated_at"]), r["id"]) for r in rows]
    assert order == sorted(order)


def test_agencies_are_read_whole(small_world, db_url):
    with DonThuSource(db_url) as source:
        agencies = source.read_all("dm_co_quan")
    assert len(agencies) == len(small_world.donthu.agencies)
    assert {a["id"] for a in agencies} == {a.row()["id"] for a in small_world.donthu.agencies}
    assert all(set(a) == set(COLUMNS["dm_co_quan"]) for a in agencies)


def test_window_includes_both_ends_in_local_time(small_world, db_url):
    table = "tiep_cong_dan"
    truth = {key: _ts(doc["updated_at"]) for key, doc in _truth(small_world, table).items()}
    stamps = sorted(set(truth.values()))
    lo, hi = stamps[len(stamps) // 4], stamps[3 * len(stamps) // 4]
    expected = {key for key, u in truth.items() if lo <= u <= hi}
    assert 0 < len(expected) < len(truth)

    local = _read(db_url, table, lo.replace(tzinfo=ICT), hi.replace(tzinfo=ICT), batch_size=40)
    ids = [r["id"] for r in local]
    assert set(ids) == expected and len(ids) == len(expected)
    got = {_ts(r["updated_at"]) for r in local}
    assert lo in got and hi in got  # both ends included

    # The same instants in UTC select the same rows: bounds are compared as local time.
    utc = _read(db_url, table, lo.replace(tzinfo=ICT).astimezone(UTC), hi.replace(tzinfo=ICT).astimezone(UTC))
    assert [r["id"] for r in utc] == ids

    # Exact, not lenient: one microsecond inside excludes the rows at the ends.
    tick = timedelta(microseconds=1)
    inner = _read(db_url, table, (lo + tick).replace(tzinfo=ICT), (hi - tick).replace(tzinfo=ICT))
    assert {r["id"] for r in inner} == {key for key, u in truth.items() if lo < u < hi}

    # lo=None reads from the beginning.
    head = _read(db_url, table, None, hi.replace(tzinfo=ICT))
    assert {r["id"] for r in head} == {key for key, u in truth.items() if u <= hi}


def test_bounds_must_be_aware_and_tables_known(sqlite_path):
    with DonThuSource(f"sqlite:///{sqlite_path}") as source:
        with pytest.raises(ValueError, match="aware"):
            next(source.iter_batches("don_thu", datetime(2025, 9, 1), None))
        with pytest.raises(ValueError, match="unknown table"):
            next(source.iter_batches("don_thu_archive", None, None))
        with pytest.raises(ValueError, match="snapshot"):
            next(source.iter_batches("dm_co_quan", None, None))


def test_batches_are_bounded_and_several(db_url):
    with DonThuSource(db_url, batch_size=50) as source:
        batches = list(source.iter_batches("tiep_cong_dan", None, None))
        assert source.engine.pool.checkedout() == 0
        abandoned = source.iter_batches("tiep_cong_dan", None, None)
        assert len(next(abandoned)) == 50
        assert source.engine.pool.checkedout() == 1  # a stream holds one connection ...
        abandoned.close()
        assert source.engine.pool.checkedout() == 0  # ... and gives it back when abandoned
    assert len(batches) > 3
    assert all(0 < len(b) <= 50 for b in batches)
    assert all(len(b) == 50 for b in batches[:-1])
    assert [r for b in batches for r in b] == _read(db_url, "tiep_cong_dan")


def test_personal_columns_are_never_selected(db_url):
    statements, streamed, cursors = [], [], []

    with DonThuSource(db_url, batch_size=100) as source:
        @event.listens_for(source.engine, "before_cursor_execute")
        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)
            if context is not None and context.execution_options.get("stream_results"):
                streamed.append(statement)
                cursors.append(type(cursor).__name__)

        for table in TABLES:
            assert sum(len(b) for b in source.iter_batches(table, None, None)) > 0
        assert source.read_all("dm_co_quan")

    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert {t for t in (*TABLES, "dm_co_quan") if any(t in s for s in selects)} == {*TABLES, "dm_co_quan"}
    for statement in statements:
        assert not [name for name in PERSONAL_FIELDS if name in statement], statement
        assert "*" not in statement
    assert len(streamed) == len(TABLES)  # the incremental reads stream
    if db_url.startswith("postgresql"):
        assert set(cursors) == {"ServerCursor"}


def test_rows_validate_except_the_malformed(small_world, db_url):
    with DonThuSource(db_url) as source:
        for agency in source.read_all("dm_co_quan"):
            assert validate_record(MODELS["dm_co_quan"], agency)[1] is None
        for table in TABLES:
            bad = small_world.malformed_keys(table)
            for batch in source.iter_batches(table, None, None):
                for row in batch:
                    record, reason = validate_record(MODELS[table], row)
                    if row["id"] in bad:
                        assert record is None and reason
                    else:
                        assert reason is None, f"{table} {row['id']}: {reason}"
                        assert record.updated_at.tzinfo is not None


# --------------------------------------------------------------------------- read-only


def test_a_write_through_the_connector_fails(db_url):
    before = _count(db_url, "don_thu")
    with DonThuSource(db_url) as source:
        with pytest.raises(DBAPIError) as caught, source._connect() as conn:
            conn.execute(text("DELETE FROM don_thu"))
    if db_url.startswith("sqlite"):
        assert isinstance(caught.value.orig, sqlite3.OperationalError)
        assert "readonly database" in str(caught.value.orig)
    else:
        assert type(caught.value.orig).__name__ == "ReadOnlySqlTransaction"
    assert _count(db_url, "don_thu") == before


def test_sqlite_query_only_holds_without_mode_ro(sqlite_path):
    """An operator's URI-form URL is kept as given; the connection is still read-only."""
    url = f"sqlite:///file:{sqlite_path}?uri=true"
    assert _read(url, "don_thu")
    with DonThuSource(url) as source:
        with pytest.raises(DBAPIError, match="readonly database"), source._connect() as conn:
            conn.execute(text("UPDATE tiep_cong_dan SET so_luot = 0"))


def test_a_missing_sqlite_file_is_not_created(tmp_path):
    path = tmp_path / "missing.sqlite"
    with DonThuSource(f"sqlite:///{path}") as source, pytest.raises(SourceError, match="cannot connect"):
        list(source.iter_batches("don_thu", None, None))
    assert not path.exists()


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("as_secret", [False, True])
def test_unreachable_postgresql_is_one_clean_error(as_secret):
    url = "postgresql+psycopg://u:SECRETPW@127.0.0.1:1/x"
    started = time.monotonic()
    with DonThuSource(Secret(url) if as_secret else url, connect_timeout=2) as source:
        assert "SECRETPW" not in repr(source)
        with pytest.raises(SourceError) as caught:
            list(source.iter_batches("don_thu", None, None))
    assert time.monotonic() - started < 5
    error = caught.value
    message = str(error)
    assert "SECRETPW" not in message
    assert message.startswith("donthu: cannot connect to the database at")
    assert "127.0.0.1" in message and "OperationalError" in message and "CCHC_DONTHU_DB_URL" in message
    assert error.system == "donthu"
    assert error.__cause__ is None and error.__suppress_context__


def test_an_unusable_url_does_not_echo_it():
    with pytest.raises(SourceError, match="not a usable database URL") as caught:
        DonThuSource("nosuchdb://u:SECRETPW@host/x")
    assert "SECRETPW" not in str(caught.value)


@needs_pg
def test_wrong_password_is_one_clean_error():
    url = make_url(PG_URL).set(password="WRONG-PW-4711").render_as_string(hide_password=False)
    with DonThuSource(url, connect_timeout=3) as source, pytest.raises(SourceError) as caught:
        source.read_all("dm_co_quan")
    assert "cannot connect" in str(caught.value) and "WRONG-PW-4711" not in str(caught.value)


def test_missing_table_and_column_are_named(tmp_path):
    path = tmp_path / "partial.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE tiep_cong_dan (id INTEGER, co_quan_id INTEGER, ngay_tiep DATE, "
                     "vai_tro_chu_tri TEXT, hinh_thuc TEXT, updated_at TIMESTAMP, da_xoa BOOLEAN)")
    conn.close()
    with DonThuSource(f"sqlite:///{path}") as source:
        with pytest.raises(SourceError, match="table don_thu is missing") as caught:
            list(source.iter_batches("don_thu", None, None))
        assert str(caught.value).startswith("donthu: ") and "SELECT" not in str(caught.value)
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
        with pytest.raises(SourceError, match="table dm_co_quan is missing"):
            source.read_all("dm_co_quan")
        with pytest.raises(SourceError, match=r"table tiep_cong_dan lacks column so_luot"):
            list(source.iter_batches("tiep_cong_dan", None, None))
