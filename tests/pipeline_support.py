"""Helpers for pipeline tests: a live simulated city, refresh runs, and the truth to compare with."""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import orjson
import pytest
from openpyxl import load_workbook

from conftest import current_clock
from core.timezone import ICT
from models import validate_record
from pipelines.assets import raw_asset
from pipelines.resources import CitySources
from pipelines.run import refresh as run_refresh
from simulator.donthu_db import DonThuDatabase
from simulator.faults import FaultConfig
from simulator.server import Credentials, Gateway, SimulatorServer
from simulator.world import World, WorldConfig
from sources import SYSTEMS, Workbooks, raw_tables

RAW_TABLES = raw_tables()
REGISTER_TABLES = {t.name for s in SYSTEMS if isinstance(s.access, Workbooks) for t in s.tables}
RAW_ASSETS = [raw_asset(s) for s in SYSTEMS]
SECRET = "S3cret-Marker-61-do-not-leak"
CLIENT = "inspection-team-test"
FAST = dict(backoff_initial=0.01, backoff_max=0.05, max_retry_after=0.05)
WORLD_TABLE = {"qlvb_van_ban": "qlvb", "baocao_ky_bao_cao": "baocao", "motcua_ho_so": "motcua",
               "nhiemvu_nhiem_vu": "nhiemvu", "donthu_don_thu": "don_thu", "donthu_tiep_cong_dan": "tiep_cong_dan"}


def live_config(tmp: Path, days: int = 20, scale: float = 0.01, seed: int = 11) -> WorldConfig:
    """A city of the last `days` days whose clock is the test's (`conftest.current_clock`): it holds what
    was saved up to now; a day of its life (`LiveCity.advance`) is a day of the pipeline's clock too."""
    moment = current_clock().epoch()
    end = datetime.fromtimestamp(moment, ICT).date()
    return WorldConfig(seed=seed, scale=scale, start=end - timedelta(days=days), end=end, store_dir=str(tmp),
                       clock_at=int(moment))


@dataclass
class LiveCity:
    world: World
    server: SimulatorServer
    database: DonThuDatabase
    workdir: Path

    @property
    def register_dir(self) -> Path:
        """The inspectors' register of the city, written when it starts."""
        return self.workdir / "so-theo-doi"

    @property
    def env(self) -> dict[str, str]:
        return {
            "CCHC_LGSP_URL": self.server.url, "CCHC_LGSP_CLIENT_ID": CLIENT, "CCHC_LGSP_CLIENT_SECRET": SECRET,
            "CCHC_DONTHU_DB_URL": self.database.url, "CCHC_SYNC_START": self.world.config.start.isoformat(),
            "CCHC_WAREHOUSE": str(self.workdir / "warehouse" / "cchc.duckdb"),
            "CCHC_INSPECTIONS_DIR": str(self.register_dir),
        }

    @property
    def state_path(self) -> Path:
        return self.workdir / "warehouse" / "cchc-state.duckdb"

    def advance(self, seconds: int) -> dict[str, int]:
        """`seconds` of city life, and as much time on the pipeline's clock: what became visible is before
        the next refresh's now, as a night's saving is before the morning's sync."""
        changed = self.world.advance(seconds)
        current_clock().advance(seconds)
        return changed

    def set_faults(self, faults: FaultConfig) -> None:
        self.server.gateway.faults.config = faults

    def close(self) -> None:
        self.server.stop()
        self.database.close()
        self.world.close()


def start_city(workdir: Path, config: WorldConfig, faults: FaultConfig | None = None,
               gateway_class=Gateway) -> LiveCity:
    world = World(config, wall=current_clock().epoch)
    server = SimulatorServer(gateway_class(world, Credentials(CLIENT, SECRET), faults or FaultConfig())).start()
    database = DonThuDatabase(world, str(workdir / "source-donthu.sqlite"))
    database.create()
    database.follow()
    city = LiveCity(world, server, database, workdir)
    world.write_register(city.register_dir)
    return city


def refresh(city: LiveCity, monkeypatch, instance: dg.DagsterInstance | None = None, **options):
    """Run every raw asset once, as the refresh job does, with fast retries."""
    for name, value in city.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(city.workdir)
    return dg.materialize(RAW_ASSETS, resources={"city": CitySources(**{**FAST, **options})},
                          instance=instance or dg.DagsterInstance.ephemeral(), raise_on_error=False)


def register_rows(folder: Path, table: str) -> list[dict]:
    """The rows of one sheet of every workbook in `folder`, read cell by cell with where they were read."""
    sheet, rows = RAW_TABLES[table].source_table, []
    for path in sorted(folder.glob("*.xlsx")):
        book = load_workbook(path, read_only=True)
        if sheet in book.sheetnames:
            cells = list(book[sheet].iter_rows(values_only=True))
            field_of = {title: name for name, title in RAW_TABLES[table].model.columns().items()}
            for number, row in enumerate(cells[1:], start=2):
                rows.append({field_of[h]: v for h, v in zip(cells[0], row, strict=True) if h in field_of}
                            | {"tep": path.name, "dong": number, "vi_tri": f"{path.name} › {sheet} › dòng {number}"})
        book.close()
    return rows


def expected_rows(world: World, table: str, register: Path | None = None) -> dict:
    """What the raw table must hold: every valid record the source holds now, minimised by its model."""
    spec = RAW_TABLES[table]
    if table in REGISTER_TABLES:
        raws = register_rows(register, table) if register else []
    elif table == "directory_don_vi":
        raws = world.directory.json
    elif table == "donthu_dm_co_quan":
        raws = [a.row() for a in world.donthu.agencies]
    else:
        system = WORLD_TABLE[table]
        raws = (orjson.loads(world.served_doc(system, k, d)) for k, _u, bad, d in world.store.iter_current(system)
                if not bad)
    out = {}
    for raw in raws:
        record, reason = validate_record(spec.model, raw)
        assert reason is None, reason
        row = record.to_row()
        out[row[spec.key]] = row
    return out


def held_rows(state_path: Path, table: str) -> dict:
    spec = RAW_TABLES[table]
    cols = ", ".join(f'"{c}"' for c in spec.fields)
    with duckdb.connect(str(state_path), read_only=True) as con:
        rows = con.sql(f"SELECT {cols} FROM raw.{table}").fetchall()
    return {r[0] if spec.fields[0] == spec.key else r[spec.fields.index(spec.key)]: dict(zip(spec.fields, r, strict=True))
            for r in rows}


def cursors(state_path: Path) -> dict:
    with duckdb.connect(str(state_path), read_only=True) as con:
        return dict(con.sql("SELECT system, cursor FROM meta.sync_state").fetchall())


def moved_since(city: LiveCity, epoch: int) -> set:
    """Keys of records updated at or after `epoch` (during a run): a run ending earlier holds an older version."""
    return {k for s in WORLD_TABLE.values() for k, upd, _b, _d in city.world.store.iter_current(s) if upd >= epoch}


def assert_equal_to_truth(city: LiveCity, moved: set = frozenset()) -> dict[str, int]:
    """Raw tables hold exactly the valid records of the sources: no key missing, none extra, none doubled,
    every field equal. Records in `moved` were saved during the run, after its window ended: the run may
    hold an older version or none; the next run brings them."""
    counts = {}
    for table in RAW_TABLES:
        expected, held = expected_rows(city.world, table, city.register_dir), held_rows(city.state_path, table)
        missing, extra = expected.keys() - held.keys() - moved, held.keys() - expected.keys()
        assert not missing and not extra, f"{table}: {len(missing)} missing, {len(extra)} extra"
        with duckdb.connect(str(city.state_path), read_only=True) as con:
            total = con.sql(f"SELECT count(*) FROM raw.{table}").fetchall()[0][0]
        assert total == len(held), f"{table}: {total - len(held)} keys doubled"
        differ = [k for k in expected if k not in moved and expected[k] != held[k]]
        assert not differ, f"{table}: {len(differ)} rows differ, e.g. {differ[0]}: {expected[differ[0]]} != {held[differ[0]]}"
        counts[table] = len(held)
    return counts


def today_local() -> date:
    return current_clock().today()


def clock_epoch() -> int:
    """Now on the test's clock, as the simulated city stamps it."""
    return int(current_clock().epoch())


@contextmanager
def refreshed_city(tmp: Path, days: int, scale: float):
    """A live city, the environment pointing at it, one `cchc refresh` done: (city, exit code, output, file)."""
    city = start_city(tmp, live_config(tmp, days=days, scale=scale))
    patch = pytest.MonkeyPatch()
    for name, value in city.env.items():
        patch.setenv(name, value)
    patch.chdir(tmp)
    out = io.StringIO()
    try:
        code = run_refresh(out=out, err=out, instance=dg.DagsterInstance.ephemeral())
        yield city, code, out.getvalue(), tmp / "warehouse" / "cchc.duckdb"
    finally:
        patch.undo()
        city.close()


_READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
ask = lambda: con.sql(sys.argv[2]).fetchall()[0][0]
print(ask(), flush=True)
sys.stdin.readline()
print(ask(), flush=True)
"""


class Reader:
    """An inspector's tool in another process, holding a read-only connection to the published file."""

    def __init__(self, path: Path, sql: str):
        self.proc = subprocess.Popen([sys.executable, "-c", _READER, str(path), sql], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.first = self.proc.stdout.readline().strip()

    def again(self) -> str:
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def ask_new_process(path: Path, sql: str) -> str:
    """The answer a freshly started process gets from the published file."""
    code = "import sys, duckdb; print(duckdb.connect(sys.argv[1], read_only=True).sql(sys.argv[2]).fetchall()[0][0])"
    return subprocess.run([sys.executable, "-c", code, str(path), sql], capture_output=True, text=True,
                          check=True).stdout.strip()


# --- signals recomputed from the city's own records, independently of the SQL ----------------------

def signal_cells(path: Path, signal: str) -> dict:
    """{(unit, period): (numerator, denominator)} of one signal in a published file."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {(u, p): (n, d) for u, p, n, d in con.sql(
            "SELECT unit_code, period, numerator, denominator FROM marts.unit_signals_monthly WHERE signal_code = ?",
            params=[signal]).fetchall()}


def _compact(text):
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=ICT) if text else None


def motcua_on_time_truth(world: World, as_of: date) -> dict:
    """MOTCUA_DUNG_HAN by the spec: finished dossiers (9/10 with both times) by the local month they finished in."""
    units = world.directory.by_code
    num, den = Counter(), Counter()
    for _key, _u, bad, doc in world.store.iter_current("motcua"):
        r = orjson.loads(doc)
        finished, due = _compact(r["NgayKetThucXuLy"]), _compact(r["NgayHenTra"])
        if bad or r["TrangThaiHoSo"] not in ("9", "10") or not finished or not due or r["MaDonVi"] not in units:
            continue
        if finished.date() > as_of:
            continue
        cell = (r["MaDonVi"], finished.date().replace(day=1))
        den[cell] += 1
        num[cell] += finished <= due
    return {c: (num[c], den[c]) for c in den}


def reporting_on_time_truth(world: World, as_of: date) -> dict:
    """BAOCAO_NOP_DUNG_HAN by the spec: obligations due before `as_of` began (Vietnam time), by the local month due."""
    midnight = datetime(as_of.year, as_of.month, as_of.day, tzinfo=ICT)
    units = world.directory.by_code
    num, den = Counter(), Counter()
    for _key, _u, bad, doc in world.store.iter_current("baocao"):
        r = orjson.loads(doc)
        due = datetime.fromisoformat(r["han_nop"].replace("Z", "+00:00"))
        if bad or r["ma_don_vi"] not in units or due >= midnight:
            continue
        first = r["nop_lan_dau_luc"] and datetime.fromisoformat(r["nop_lan_dau_luc"].replace("Z", "+00:00"))
        cell = (r["ma_don_vi"], due.astimezone(ICT).date().replace(day=1))
        den[cell] += 1
        num[cell] += bool(first) and first <= due
    return {c: (num[c], den[c]) for c in den}
