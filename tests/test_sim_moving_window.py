"""Offset paging over a moving dataset (sources.md): an update during a walk shifts later rows back
one place and changes the total, so a naive walk skips rows for good; cursor paging does not."""

from __future__ import annotations

import orjson
import pytest
from test_sim_contract import compact, iso, walk_motcua, walk_qlvb

from conftest import GatewayClient, serve
from simulator.faults import FaultConfig

pytestmark = pytest.mark.e2e  # live worlds, walked while they change


def _window(world, system):
    upds = sorted(upd for _k, upd, _b, _d in world.store.iter_current(system))
    return upds[len(upds) // 4], upds[-1]


def _ids(records, field):
    return {r[field] for r in records}


def test_naive_offset_walk_skips_one_row_per_shift_and_the_total_drops(small_world):
    lo, hi = _window(small_world, "qlvb")
    before = {k for k, upd, _b, _d in small_world.store.iter_current("qlvb") if lo <= upd <= hi}
    server = serve(small_world, FaultConfig(shift=1.0))
    try:
        records, totals = walk_qlvb(GatewayClient(server.url), lo, hi, size=700)
        shifts = server.gateway.faults.injected["shift"]
    finally:
        server.stop()
    pages = len(totals)
    assert pages >= 3 and shifts == pages  # one record updated after every page
    assert totals == [len(before) - i for i in range(pages)], "each shift lowers the total by one"
    after = {k: d for k, upd, _b, d in small_world.store.iter_current("qlvb") if lo <= upd <= hi}
    assert len(before - after.keys()) == shifts, "every shifted record left the window"
    skipped = set(after.values()) - {orjson.dumps(r) for r in records}
    assert len(skipped) == pages - 1, "each shift but the last made the walk skip one row"


def test_rereading_the_window_when_the_total_moved_closes_the_gap(small_world):
    lo, hi = _window(small_world, "motcua")
    server = serve(small_world, FaultConfig(shift=0.5))
    try:
        client = GatewayClient(server.url)
        records, first_totals = walk_motcua(client, lo, hi, size=400)
        seen = _ids(records, "MaHoSo")
        assert len(set(first_totals)) > 1, "the total moved during the walk"
        server.gateway.faults.config = FaultConfig()  # the clerks stop; the walk is read again
        records, totals = walk_motcua(client, lo, hi, size=400)
        seen |= _ids(records, "MaHoSo")
        final = {orjson.loads(small_world.served_doc("motcua", k, d))["MaHoSo"]
                 for k, upd, _b, d in small_world.store.iter_current("motcua") if lo <= upd <= hi}
    finally:
        server.stop()
    assert len(set(totals)) == 1
    assert final <= seen


def test_cursor_paging_never_skips_under_updates(small_world):
    lo, _hi = _window(small_world, "baocao")
    server = serve(small_world)
    try:
        client = GatewayClient(server.url)
        records, params = [], {"updated_since": iso(lo), "limit": 200}
        while True:
            body = client.get("/baocao/v1/ky-bao-cao", **params).json()
            records += body["data"]
            small_world.touch("baocao", 3)  # clerks keep saving while we page
            if body["next_cursor"] is None:
                break
            params["cursor"] = body["next_cursor"]
        final = {r["id"] for r in small_world.truth("baocao", include_malformed=True)
                 if r["updated_at"] >= records[0]["updated_at"]}
    finally:
        server.stop()
    assert final - {r["id"] for r in records} == set()


def test_late_update_inside_the_lookback_is_served_by_a_rereading_window(small_world):
    server = serve(small_world)
    try:
        client = GatewayClient(server.url)
        now = small_world.now()
        [key] = small_world.touch("motcua", 1, late_seconds=2 * 86_400)
        body = client.get("/motcua/v1/ho-so", TuNgay=compact(now - 3 * 86_400), DenNgay=compact(now + 60),
                          SoLuong=1000).json()
    finally:
        server.stop()
    assert key in {r["MaHoSo"] for r in body["result"]}
    stamped = [r["NgayCapNhat"] for r in body["result"] if r["MaHoSo"] == key][0]
    assert stamped < compact(now - 86_400), "a late update carries an update time in the past"


def test_walks_unaffected_without_updates(small_world):
    lo, hi = _window(small_world, "qlvb")
    server = serve(small_world)
    try:
        _records, totals = walk_qlvb(GatewayClient(server.url), lo, hi, size=700)
    finally:
        server.stop()
    assert len(set(totals)) == 1
