"""The whole job on the simulated city: every blocking check passes, the published file holds the
spec's marts exactly, and two signals recomputed independently in Python agree with the SQL."""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime

import dagster as dg
import duckdb
import orjson
import pytest

from models.common import ICT
from pipeline_support import live_config, start_city
from pipelines.run import refresh

SPEC_COLUMNS = {
    "units": ["unit_code", "unit_name", "unit_type", "parent_unit_code", "valid_from", "valid_to"],
    "signal_catalog": ["signal_code", "system", "kind", "name_vi", "description_vi", "threshold", "legal_basis"],
    "unit_signals_monthly": ["unit_code", "period", "signal_code", "numerator", "denominator", "value", "threshold",
                             "meets_threshold"],
    "findings": ["unit_code", "period", "signal_code", "system", "source_record_id", "event_date", "detail_vi"],
    "inspection_priority": ["unit_code", "unit_name", "unit_type", "risk_score", "rank", "signals_evaluated",
                            "top_reasons"],
    "unresolved_units": ["system", "source_value", "records"],
    "source_health": ["system", "last_success_at", "records_loaded", "records_rejected"],
}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    city = start_city(tmp, live_config(tmp, days=45, scale=0.02))
    mp = pytest.MonkeyPatch()
    for name, value in city.env.items():
        mp.setenv(name, value)
    mp.chdir(tmp)
    out = io.StringIO()
    code = refresh(out=out, instance=dg.DagsterInstance.ephemeral())
    yield city, code, out.getvalue(), tmp / "warehouse" / "cchc.duckdb"
    mp.undo()
    city.close()


def test_refresh_publishes_and_every_check_passes(published):
    _city, code, output, path = published
    assert code == 0, output
    assert path.exists() and "published" in output


def test_published_marts_have_the_spec_columns(published):
    *_, path = published
    with duckdb.connect(str(path), read_only=True) as con:
        for table, columns in SPEC_COLUMNS.items():
            got = [c for (c,) in con.sql(f"SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                         f"AND table_name = '{table}' ORDER BY column_index").fetchall()]
            assert got[:len(columns)] == columns, table
        uncommented = con.sql("SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                              "AND comment IS NULL").fetchall()
        assert uncommented == []
        counts = {t: con.sql(f"SELECT count(*) FROM marts.{t}").fetchall()[0][0] for t in SPEC_COLUMNS}
    assert counts["signal_catalog"] == 15 and counts["source_health"] == 5
    assert all(counts[t] > 0 for t in ("units", "unit_signals_monthly", "findings", "inspection_priority",
                                       "unresolved_units")), counts


def _marts(path, signal):
    with duckdb.connect(str(path), read_only=True) as con:
        return {(u, p): (n, d) for u, p, n, d in con.sql(
            "SELECT unit_code, period, numerator, denominator FROM marts.unit_signals_monthly WHERE signal_code = ?",
            params=[signal]).fetchall()}


def _compact(text):
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=ICT) if text else None


def test_motcua_on_time_agrees_with_an_independent_computation(published):
    city, _code, _out, path = published
    as_of = datetime.now(ICT).date()
    units = city.world.directory.by_code
    num, den = Counter(), Counter()
    for _key, _u, bad, doc in city.world.store.iter_current("motcua"):
        r = orjson.loads(doc)
        finished, due = _compact(r["NgayKetThucXuLy"]), _compact(r["NgayHenTra"])
        if bad or r["TrangThaiHoSo"] not in ("9", "10") or not finished or not due or r["MaDonVi"] not in units:
            continue
        if finished.date() > as_of:
            continue
        cell = (r["MaDonVi"], finished.date().replace(day=1))
        den[cell] += 1
        num[cell] += finished <= due
    assert den, "the city has finished dossiers"
    assert _marts(path, "MOTCUA_DUNG_HAN") == {c: (num[c], den[c]) for c in den}


def test_reporting_on_time_agrees_with_an_independent_computation(published):
    city, _code, _out, path = published
    as_of = datetime.now(ICT).date()
    midnight = datetime(as_of.year, as_of.month, as_of.day, tzinfo=ICT)
    units = city.world.directory.by_code
    num, den = Counter(), Counter()
    for _key, _u, bad, doc in city.world.store.iter_current("baocao"):
        r = orjson.loads(doc)
        due = datetime.fromisoformat(r["han_nop"].replace("Z", "+00:00"))
        if bad or r["ma_don_vi"] not in units or due >= midnight:
            continue
        first = r["nop_lan_dau_luc"] and datetime.fromisoformat(r["nop_lan_dau_luc"].replace("Z", "+00:00"))
        cell = (r["ma_don_vi"], due.astimezone(ICT).date().replace(day=1))
        den[cell] += 1
        num[cell] += bool(first) and first <= due
    assert den
    assert _marts(path, "BAOCAO_NOP_DUNG_HAN") == {c: (num[c], den[c]) for c in den}
