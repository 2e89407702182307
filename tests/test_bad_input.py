"""Bad input, record by record and page by page: each case goes to the rejects or ends in one clear
error — never a crash, never silent loss. A record stored "as sent" is found in its raw table with
exactly the value the page carried, once."""

from __future__ import annotations

import duckdb
import orjson
import pytest

from conftest import current_clock
from pipeline_support import assert_equal_to_truth, held_rows, live_config, refresh, start_city
from pipelines.failures import run_failures
from simulator.server import Gateway
from storage.sqlmodels import build_all
from storage.state import StateStore

CONTROL = "Nhiệm\x00 vụ\x01\x1f có ký tự điều khiển"
LONG = "Về việc " + "rất dài " * 50_000
SQL_NAME = "Sở X'; DROP TABLE raw.qlvb_van_ban; --"


def _spoil_records(path_part: str, list_key: str, change):
    """A gateway whose first answer on `path_part` has its records passed through `change(records)`."""
    state = {"done": False}

    def spoil(target, answer):
        if path_part not in target or state["done"]:
            return answer
        body = orjson.loads(answer[2])
        records = body[list_key] if list_key else body
        if not records:
            return answer
        state["done"] = True
        changed = change(records)
        if list_key:
            body[list_key] = changed
        else:
            body = changed
        return 200, answer[1], orjson.dumps(body)

    return spoil


def _spoil_body(path_part: str, content_type: str, payload: bytes):
    def spoil(target, answer):
        return (200, {"Content-Type": content_type}, payload) if path_part in target else answer

    return spoil


def _gateway(spoil):
    class Spoilt(Gateway):
        def handle(self, method, target, headers, body, host):
            answer = super().handle(method, target, headers, body, host)
            if answer is not None and answer[0] == 200:
                return spoil(target, answer)
            return answer

    return Spoilt


def _first(change):
    def apply(records):
        records[0] = change(dict(records[0]))
        return records

    return apply


CASES = {
    "malformed JSON": (_spoil_body("/van-ban", "application/json", b'{"trang": 1, "du_lieu": [{"id": '),
                       "error", "qlvb"),
    "wrong content type": (_spoil_body("/ky-bao-cao", "text/plain", b"OK"), "error", "baocao"),
    "HTML error page under HTTP 200": (_spoil_body("/nhiem-vu", "text/html",
                                                   b"<html><body><h1>Service Unavailable</h1></body></html>"),
                                       "error", "nhiemvu"),
    "oversized page (more records than asked)": (
        _spoil_records("/ho-so", "result", lambda rs: rs + [dict(r, MaHoSo=r["MaHoSo"] + "-x") for r in rs]),
        "error", "motcua"),
    "fewer records than promised": (_spoil_records("/van-ban", "du_lieu", lambda rs: rs[: len(rs) // 2]),
                                    "error", "qlvb"),
    "date out of range": (_spoil_records("/van-ban", "du_lieu",
                                         _first(lambda r: {**r, "thoi_diem": "1899-12-31T08:00:00+07:00"})),
                          "reject", "qlvb_van_ban"),
    "unknown code value": (_spoil_records("/ho-so", "result", _first(lambda r: {**r, "KenhThucHien": "9"})),
                           "reject", "motcua_ho_so"),
    "duplicate ids within a page": (_spoil_records("/ky-bao-cao", "data", lambda rs: rs + rs[:3]),
                                    "stored", "baocao_ky_bao_cao"),
    "NUL and control characters": (_spoil_records("/nhiem-vu", "", _first(
        lambda r: {**r, "trich_yeu": CONTROL})), "stored", "nhiemvu_nhiem_vu"),
    "very long strings": (_spoil_records("/van-ban", "du_lieu", _first(
        lambda r: {**r, "trich_yeu": LONG})), "stored", "qlvb_van_ban"),
    "SQL-special characters in names": (_spoil_records("/nhiem-vu", "", _first(
        lambda r: {**r, "don_vi_chu_tri": SQL_NAME})), "stored", "nhiemvu_nhiem_vu"),
}


pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_rejected_or_refused_never_lost(tmp_path, monkeypatch, case):
    spoil, expected, where = CASES[case]
    city = start_city(tmp_path, live_config(tmp_path, days=6), gateway_class=_gateway(spoil))
    try:
        result = refresh(city, monkeypatch, max_attempts=2)
        failures = run_failures(result)
        if expected == "error":
            assert set(failures) == {where}, failures
            message = failures[where]
            assert message.startswith(where) and "\n" not in message and "Traceback" not in message
            return
        assert not failures, failures
        with duckdb.connect(str(city.state_path), read_only=True) as con:
            rejects = con.sql("SELECT source_table, reason FROM meta.rejects").fetchall()
            raw_tables = [t for (t,) in con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'"
                                               ).fetchall()]
        assert "qlvb_van_ban" in raw_tables, "no table was dropped"
        if expected == "reject":
            spoilt = [reason for table, reason in rejects if table == where and reason.split(":")[0] in
                      ("thoi_diem", "KenhThucHien")]
            assert len(spoilt) == 1, rejects
        else:
            held = held_rows(city.state_path, where)
            with duckdb.connect(str(city.state_path), read_only=True) as con:
                total = con.sql(f"SELECT count(*) FROM raw.{where}").fetchall()[0][0]
            assert total == len(held), "every key once"
            if case.startswith("duplicate"):
                assert_equal_to_truth(city)  # the repeated records merged once, nothing lost
            field, value = {"NUL": ("trich_yeu", CONTROL), "very": ("trich_yeu", LONG),
                            "SQL": ("don_vi_chu_tri", SQL_NAME)}.get(case.split(" ")[0], (None, None))
            if field:
                assert sum(1 for r in held.values() if r[field] == value) == 1, "stored exactly as sent, once"
            if case.startswith("SQL"):
                with StateStore(city.state_path) as state:
                    build_all(state.con, current_clock().today())
                    listed = state.con.sql("SELECT records FROM marts.unresolved_units WHERE source_value = ?",
                                           params=[SQL_NAME]).fetchall()
                    assert listed == [(1,)] and state.count("qlvb_van_ban") > 0
    finally:
        city.close()
