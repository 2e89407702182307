"""The Inspectorate's petition database (system 5), written with SQLAlchemy Core.

Portable types only, so the same schema loads into SQLite (the default) and PostgreSQL. The
simulator fills it from the world and mirrors every later change (advance, touch) into it.
"""

from __future__ import annotations

from datetime import date, datetime

import orjson
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    delete,
    insert,
)
from sqlalchemy.engine import Engine

from simulator.personal import donthu_columns
from simulator.world import World

metadata = MetaData()

dm_co_quan = Table(
    "dm_co_quan", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("ten", Text, nullable=False),
    Column("ma_dinh_danh", Text, nullable=True),
)

don_thu = Table(
    "don_thu", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("so_vao_so", Text),
    Column("ngay_nhan", Date, nullable=False),
    Column("nguon", Text),
    Column("loai_don", Text),
    Column("ho_ten_nguoi_gui", Text),
    Column("cccd_nguoi_gui", Text),
    Column("dia_chi_nguoi_gui", Text),
    Column("noi_dung", Text),
    Column("co_quan_tiep_nhan_id", Integer),
    Column("co_quan_giai_quyet_id", Integer, nullable=True),
    Column("ngay_xu_ly_don", Date, nullable=True),
    Column("huong_xu_ly", Text, nullable=True),
    Column("ngay_thu_ly", Date, nullable=True),
    Column("lan_giai_quyet", Integer, nullable=True),
    Column("phuc_tap", Boolean, nullable=False),
    Column("vung_kho_khan", Boolean, nullable=False),
    Column("so_lan_gia_han", Integer, nullable=False),
    Column("ngay_giai_quyet", Date, nullable=True),
    Column("trang_thai", Text),
    Column("updated_at", DateTime, nullable=False, index=True),
    Column("da_xoa", Boolean, nullable=False),
)

tiep_cong_dan = Table(
    "tiep_cong_dan", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("co_quan_id", Integer),
    Column("ngay_tiep", Date, nullable=False),
    Column("vai_tro_chu_tri", Text),
    Column("hinh_thuc", Text),
    Column("so_luot", Integer),
    Column("updated_at", DateTime, nullable=False, index=True),
    Column("da_xoa", Boolean, nullable=False),
)

TABLES = {"don_thu": don_thu, "tiep_cong_dan": tiep_cong_dan}
_DATES = {c.name for t in TABLES.values() for c in t.columns if isinstance(c.type, Date)}
BATCH = 5_000


def database_url(target: str) -> str:
    """A SQLAlchemy URL, or a plain file path taken as a SQLite database."""
    return target if "://" in target else f"sqlite:///{target}"


def _row(table: str, doc: bytes) -> dict:
    record = orjson.loads(doc)
    for name in _DATES:
        if record.get(name):
            record[name] = date.fromisoformat(record[name])
    record["updated_at"] = datetime.fromisoformat(record["updated_at"])
    if table == "don_thu":
        record.update(donthu_columns(record["id"]))
    return record


class DonThuDatabase:
    """Owns the source database: creates it from the world, then keeps it in step with the world."""

    def __init__(self, world: World, target: str):
        self.world = world
        self.url = database_url(target)
        self.engine: Engine = create_engine(self.url)

    def create(self) -> dict[str, int]:
        metadata.drop_all(self.engine)
        metadata.create_all(self.engine)
        counts = {"dm_co_quan": len(self.world.donthu.agencies)}
        with self.engine.begin() as conn:
            conn.execute(insert(dm_co_quan), [a.row() for a in self.world.donthu.agencies])
        for name, table in TABLES.items():
            counts[name] = 0
            batch = []
            for _key, _upd, _bad, doc in self.world.store.iter_current(name):
                batch.append(_row(name, doc))
                if len(batch) >= BATCH:
                    counts[name] += self._insert(table, batch)
                    batch = []
            counts[name] += self._insert(table, batch)
        return counts

    def _insert(self, table: Table, rows: list[dict]) -> int:
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(table), rows)
        return len(rows)

    def follow(self) -> None:
        """Mirror the world's later changes into the database."""
        self.world.on_change(self._apply)

    def _apply(self, changed: dict[str, list]) -> None:
        for name, table in TABLES.items():
            keys = list(dict.fromkeys(changed.get(name, [])))
            if not keys:
                continue
            rows = []
            for key in keys:
                found = self.world.store.get(name, key)
                if found is not None:
                    rows.append(_row(name, found[2]))
            with self.engine.begin() as conn:
                for i in range(0, len(keys), 500):
                    conn.execute(delete(table).where(table.c.id.in_(keys[i:i + 500])))
                if rows:
                    conn.execute(insert(table), rows)

    def close(self) -> None:
        self.engine.dispose()
