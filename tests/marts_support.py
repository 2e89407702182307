"""Hand-built source records → raw tables → every SQL model, for rule-by-rule tests of the signals.

    con = build(as_of=date(2025, 3, 10), qlvb_van_ban=[doc(...), ...], donthu_don_thu=[...])

Records are raw source dicts (as the systems serve them); they are validated with the models exactly as
the connectors do, so a test also proves the record would pass the pipeline. A small directory is
loaded unless `directory_don_vi` is given.
"""

from __future__ import annotations

import itertools
from datetime import date

import duckdb
import pyarrow as pa

from core.workdays import WorkingCalendar
from models import validate_record
from models.signals import SIGNALS, Signal
from sources import raw_tables
from storage.schema import arrow_schema
from storage.sqlmodels import build_all
from storage.state import StateStore

RAW_TABLES = raw_tables()

# A tiny Hanoi: the City PC, two departments (one merged away in 2025), a district and its commune
# (both ended 2025-06-30), a new ward, a public service unit.
DIRECTORY = [
    {"ma_dinh_danh": "000.00.00.H26", "ten": "Ủy ban nhân dân thành phố Hà Nội", "loai": "UBND_TP", "ma_cha": None,
     "ten_khac": ["UBND TP Hà Nội"], "hieu_luc_tu": "2008-08-01", "hieu_luc_den": None},
    {"ma_dinh_danh": "000.00.01.H26", "ten": "Sở Nội vụ", "loai": "SO", "ma_cha": "000.00.00.H26",
     "ten_khac": ["Sở NV"], "hieu_luc_tu": "2008-08-01", "hieu_luc_den": None},
    {"ma_dinh_danh": "000.00.02.H26", "ten": "Sở Giao thông vận tải", "loai": "SO", "ma_cha": "000.00.00.H26",
     "ten_khac": ["Sở GTVT"], "hieu_luc_tu": "2008-08-01", "hieu_luc_den": "2025-02-28"},
    {"ma_dinh_danh": "000.00.12.H26", "ten": "Ủy ban nhân dân quận Ba Đình", "loai": "UBND_HUYEN",
     "ma_cha": "000.00.00.H26", "ten_khac": ["UBND quận Ba Đình", "UBND Q. Ba Đình"], "hieu_luc_tu": "2008-08-01",
     "hieu_luc_den": "2025-06-30"},
    {"ma_dinh_danh": "000.01.12.H26", "ten": "Ủy ban nhân dân phường Phúc Xá", "loai": "UBND_XA",
     "ma_cha": "000.00.12.H26", "ten_khac": ["UBND phường Phúc Xá"], "hieu_luc_tu": "2008-08-01",
     "hieu_luc_den": "2025-06-30"},
    {"ma_dinh_danh": "000.01.70.H26", "ten": "Ủy ban nhân dân phường Ba Đình", "loai": "UBND_XA",
     "ma_cha": "000.00.00.H26", "ten_khac": ["UBND phường Ba Đình"], "hieu_luc_tu": "2025-07-01",
     "hieu_luc_den": None},
    {"ma_dinh_danh": "000.00.60.H26", "ten": "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "loai": "DVSN",
     "ma_cha": "000.00.00.H26", "ten_khac": [], "hieu_luc_tu": "2025-03-01", "hieu_luc_den": None},
]


def load_raw(con: duckdb.DuckDBPyConnection, table: str, records: list[dict]) -> None:
    spec = RAW_TABLES[table]
    rows = []
    for raw in records:
        record, reason = validate_record(spec.model, raw)
        assert reason is None, f"test record rejected by {spec.model.__name__}: {reason}"
        rows.append(record.to_row())
    batch = pa.Table.from_pylist(rows, schema=arrow_schema(spec))
    con.register("_batch", batch)
    con.execute(f"INSERT INTO raw.{table} BY NAME SELECT *, now() AS _synced_at FROM _batch")
    con.unregister("_batch")


_FILES = itertools.count()  # a new state file for each build


def build(tmp_path, as_of: date, calendar: WorkingCalendar | None = None, signals: tuple[Signal, ...] = SIGNALS,
          **tables: list[dict]) -> duckdb.DuckDBPyConnection:
    """Load the given raw tables (and the small directory), build every model with the working-day calendar
    (None: the built-in one) and the signal catalog; returns an open connection."""
    tables.setdefault("directory_don_vi", DIRECTORY)
    store = StateStore(tmp_path / f"marts-{next(_FILES)}.duckdb").__enter__()
    for table, records in tables.items():
        load_raw(store.con, table, records)
    build_all(store.con, as_of, calendar=calendar, signals=signals)
    return store.con


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    rel = con.sql(sql)
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]
