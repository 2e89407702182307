"""The simulated city: deterministic, realistic in the ways inspectors care about, alive over time."""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from datetime import date, timedelta

import orjson
import pytest

from models.names import name_key
from simulator.naming import UNRESOLVABLE
from simulator.personal import fake_person
from simulator.store import SYSTEMS
from simulator.timeutil import DAY, is_working_day, local_date
from simulator.world import World, WorldConfig

pytestmark = pytest.mark.e2e


def _fingerprint(world: World) -> dict[str, str]:
    out = {}
    for system in SYSTEMS:
        h = hashlib.sha256()
        for key, upd, bad, doc in world.store.iter_current(system):
            h.update(f"{key}|{upd}|{bad}|".encode() + doc)
        out[system] = h.hexdigest()
    return out


def test_same_seed_same_city_other_seed_other_city(tmp_path):
    config = dict(scale=0.02, start=date(2024, 3, 1), end=date(2024, 3, 31), store_dir=str(tmp_path))
    worlds = [World(WorldConfig(seed=s, **config)) for s in (5, 5, 6)]
    try:
        prints = [_fingerprint(w) for w in worlds]
        assert prints[0] == prints[1]
        assert all(worlds[0].store.stats()[s]["current"] > 0 for s in SYSTEMS)
        assert all(prints[0][s] != prints[2][s] for s in SYSTEMS)
    finally:
        for w in worlds:
            w.close()


def test_a_day_is_the_same_whatever_the_end(tmp_path):
    """Records of a day do not depend on how long the city runs: a longer run only adds history."""
    short = World(WorldConfig(seed=9, scale=0.01, start=date(2024, 5, 6), end=date(2024, 5, 6), store_dir=str(tmp_path)))
    long = World(WorldConfig(seed=9, scale=0.01, start=date(2024, 5, 6), end=date(2024, 5, 8), store_dir=str(tmp_path)))
    try:
        ids_short = {orjson.loads(d)["id"] for _k, _u, _b, d in short.store.iter_current("qlvb")}
        ids_long = {orjson.loads(d)["id"] for _k, _u, _b, d in long.store.iter_current("qlvb")}
        assert ids_short and ids_short < ids_long
    finally:
        short.close()
        long.close()


def test_advance_releases_later_versions_and_new_days(small_world):
    before = dict((k, upd) for k, upd, _b, _d in small_world.store.iter_current("motcua"))
    changed = small_world.advance(DAY)
    assert changed["motcua"] > 0 and changed["qlvb"] > 0
    after = {k: upd for k, upd, _b, _d in small_world.store.iter_current("motcua")}
    new_day = local_date(small_world.clock)
    assert any(k.split("-")[-2] == f"{new_day:%y%m%d}" for k in after.keys() - before.keys()) or not is_working_day(new_day)
    updated = [k for k in before if after[k] != before[k]]
    assert updated, "records created before moved on (finished, returned)"
    assert all(after[k] > before[k] for k in updated)
    assert all(upd <= small_world.clock for upd in after.values())


def test_late_arriving_updates_carry_update_times_already_past(small_world):
    clock = small_world.clock
    before = {k: upd for k, upd, _b, _d in small_world.store.iter_current("qlvb")}
    small_world.advance(2 * DAY)
    late = [upd for k, upd, _b, _d in small_world.store.iter_current("qlvb")
            if upd <= clock and before.get(k) != upd]
    assert late, "some updates become visible after their update time"
    assert all(clock - upd <= 2 * DAY for upd in late), "but always inside a 3-day lookback"


def test_volumes_follow_scale_and_working_days(city):
    created = Counter()
    for _k, _u, bad, d in city.store.iter_current("motcua"):
        rec = orjson.loads(d)
        if rec["NgayTiepNhan"] and not bad:
            created[date(int(rec["NgayTiepNhan"][:4]), int(rec["NgayTiepNhan"][4:6]), int(rec["NgayTiepNhan"][6:8]))] += 1
    assert all(is_working_day(d) for d in created), "dossiers are received on working days only"
    months = 8
    dossiers = sum(created.values())
    assert 0.7 * 3_000_000 * 0.01 * months / 12 < dossiers < 1.2 * 3_000_000 * 0.01 * months / 12
    tet = sum(created[date(2025, 1, 27) + timedelta(days=i)] for i in range(-14, 0) if is_working_day(date(2025, 1, 27) + timedelta(days=i)))
    normal = sum(created[date(2025, 3, 10) + timedelta(days=i)] for i in range(14))
    assert tet < 0.8 * normal, "fewer dossiers around Tết"


def _rate(world, system, predicate):
    rows = [orjson.loads(world.served_doc(system, k, d)) for k, _u, bad, d in world.store.iter_current(system) if not bad]
    return sum(1 for r in rows if predicate(r)) / len(rows), rows


def test_quirks_appear_at_measurable_rates(city):
    classified, docs = _rate(city, "qlvb", lambda r: r["do_mat"] != "THUONG")
    assert 0.004 < classified < 0.02
    deleted, _ = _rate(city, "qlvb", lambda r: r["da_xoa"])
    assert 0.0005 < deleted < 0.01
    unknown_code, _ = _rate(city, "qlvb", lambda r: r["ma_don_vi"] not in city.directory.by_code)
    assert 0.0005 < unknown_code < 0.006
    no_deadline, _ = _rate(city, "motcua", lambda r: r["TrangThaiHoSo"] in ("9", "10") and r["NgayKetThucXuLy"] == "")
    assert 0 < no_deadline < 0.01
    apologies, _ = _rate(city, "motcua", lambda r: bool(r["DanhSachXinLoi"]))
    assert 0.005 < apologies < 0.1
    malformed = sum(len(city.malformed_keys(s)) for s in SYSTEMS)
    total = sum(city.store.stats()[s]["current"] for s in SYSTEMS)
    assert 0.0003 < malformed / total < 0.003


def test_task_units_are_typed_as_clerks_type_them(city):
    names = [orjson.loads(d)["don_vi_chu_tri"] for _k, _u, bad, d in city.store.iter_current("nhiemvu") if not bad]
    styles = Counter()
    for n in names:
        if n in UNRESOLVABLE:
            styles["unresolvable"] += 1
        elif unicodedata.normalize("NFC", n) != n:
            styles["nfd"] += 1
        elif n.startswith("UBND"):
            styles["abbreviated"] += 1
        elif "oà" in n or "uỷ" in n.lower() or "Uỷ" in n:
            styles["old tones"] += 1
    assert {"nfd", "abbreviated", "old tones"} <= set(styles)
    resolvable = {name_key(u.name) for u in city.directory.units} | {name_key(a) for u in city.directory.units for a in u.aliases}
    assert sum(1 for n in names if name_key(n) not in resolvable) >= styles["unresolvable"]


def test_units_perform_differently(city):
    on_time = defaultdict(lambda: [0, 0])
    for _k, _u, bad, d in city.store.iter_current("motcua"):
        r = orjson.loads(d)
        if not bad and r["TrangThaiHoSo"] in ("9", "10") and r["NgayKetThucXuLy"] and r["NgayHenTra"]:
            on_time[r["MaDonVi"]][0] += r["NgayKetThucXuLy"] <= r["NgayHenTra"]
            on_time[r["MaDonVi"]][1] += 1
    ratios = [a / b for a, b in on_time.values() if b >= 20]
    assert sum(r >= 0.95 for r in ratios) > 0.5 * len(ratios), "most units are good"
    assert sum(r < 0.88 for r in ratios) >= 0.1 * len(ratios), "some are clearly bad"


def test_personal_data_is_served_but_never_stored(city):
    key, _upd, _bad, doc = next(city.store.iter_current("motcua"))
    served = orjson.loads(city.served_doc("motcua", key, doc))
    person = fake_person(key)
    assert served["ChuHoSo"] == person["name"] and served["SoGiayToChuHoSo"] == person["id_number"]
    with open(city.store.path, "rb") as fh:
        blob = fh.read()
    assert person["name"].encode() not in blob or person["id_number"].encode() not in blob
    assert person["id_number"].encode() not in blob
