"""Bad input and broken sources: each ends in one clear error, and nothing of that system is written."""

from __future__ import annotations

import socket

import duckdb
import orjson
import pytest

from pipeline_support import SECRET, cursors, held_rows, live_config, refresh, start_city
from pipelines.failures import run_failures
from simulator.server import Gateway

pytestmark = pytest.mark.e2e


def _failures(result) -> dict[str, str]:
    return run_failures(result)


def _state(city) -> tuple[dict, dict]:
    if not city.state_path.exists():
        return {}, {}
    with duckdb.connect(str(city.state_path), read_only=True) as con:
        counts = dict(con.sql("SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall())
        staging = con.sql("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'stage'").fetchall()[0][0]
    assert staging == 0, "no staging table is left behind"
    return counts, cursors(city.state_path)


class Broken(Gateway):
    """The simulator's gateway with one endpoint spoiled by `spoil(path, query, answer)`."""

    spoil = None

    def handle(self, method, target, headers, body, host):
        answer = super().handle(method, target, headers, body, host)
        if answer is not None and self.spoil is not None and answer[0] == 200:
            return type(self).spoil(target, answer)
        return answer


def _broken(spoil):
    return type("Spoilt", (Broken,), {"spoil": staticmethod(spoil)})


def malformed_json(target, answer):
    return (200, answer[1], answer[2][: len(answer[2]) // 2]) if "/van-ban" in target else answer


def lying_total(target, answer):
    if "/ho-so" not in target:
        return answer
    body = orjson.loads(answer[2])
    body["total"] = body["total"] + 5000
    return 200, answer[1], orjson.dumps(body)


def repeating_cursor(target, answer):
    if "/ky-bao-cao" not in target:
        return answer
    body = orjson.loads(answer[2])
    body["next_cursor"] = "eyJ1IjoxLCJpZCI6MX0"
    return 200, answer[1], orjson.dumps(body)


@pytest.mark.parametrize(("spoil", "system", "words"), [
    (malformed_json, "qlvb", "JSON"),
    (lying_total, "motcua", "total"),
    (repeating_cursor, "baocao", "cursor"),
])
def test_a_spoilt_endpoint_fails_its_system_only_and_writes_nothing(tmp_path, monkeypatch, spoil, system, words):
    city = start_city(tmp_path, live_config(tmp_path, days=8), gateway_class=_broken(spoil))
    try:
        result = refresh(city, monkeypatch, max_attempts=3)
        failures = _failures(result)
        assert set(failures) == {system}, failures
        assert words.lower() in failures[system].lower() and system in failures[system]
        assert "\n" not in failures[system] and SECRET not in failures[system]
        counts, cursor = _state(city)
        table = {"qlvb": "qlvb_van_ban", "motcua": "motcua_ho_so", "baocao": "baocao_ky_bao_cao"}[system]
        assert counts[table] == 0 and system not in cursor
        assert len(held_rows(city.state_path, "directory_don_vi")) > 700, "other systems still loaded"
    finally:
        city.close()


def test_wrong_credentials_fail_at_once_without_writing(tmp_path, monkeypatch):
    city = start_city(tmp_path, live_config(tmp_path, days=5))
    try:
        monkeypatch.setenv("CCHC_LGSP_CLIENT_SECRET", "not-the-secret")
        env = city.env
        env["CCHC_LGSP_CLIENT_SECRET"] = "not-the-secret"
        monkeypatch.setattr(type(city), "env", property(lambda self: env))
        result = refresh(city, monkeypatch)
        failures = _failures(result)
        assert set(failures) == {"directory", "qlvb", "baocao", "motcua", "nhiemvu"}
        assert all("CCHC_LGSP_CLIENT" in m and "not-the-secret" not in m for m in failures.values())
        _counts, cursor = _state(city)
        assert set(cursor) == {"donthu"}
    finally:
        city.close()


def test_unreachable_gateway_is_one_clear_error(tmp_path, monkeypatch):
    city = start_city(tmp_path, live_config(tmp_path, days=5))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    try:
        env = {**city.env, "CCHC_LGSP_URL": f"http://127.0.0.1:{closed_port}/gw"}
        monkeypatch.setattr(type(city), "env", property(lambda self: env))
        result = refresh(city, monkeypatch, max_attempts=2)
        failures = _failures(result)
        assert set(failures) == {"directory", "qlvb", "baocao", "motcua", "nhiemvu"}
        assert all("CCHC_LGSP_URL" in m for m in failures.values()), failures
    finally:
        city.close()


def test_configuration_errors_name_the_variable_not_the_value(tmp_path, monkeypatch):
    city = start_city(tmp_path, live_config(tmp_path, days=3))
    try:
        env = {**city.env, "CCHC_LOOKBACK_DAYS": "three-days-SECRETISH"}
        monkeypatch.setattr(type(city), "env", property(lambda self: env))
        result = refresh(city, monkeypatch)
        messages = set(_failures(result).values())
        assert not result.success and messages
        assert all("CCHC_LOOKBACK_DAYS" in m and "SECRETISH" not in m for m in messages), messages
    finally:
        city.close()
