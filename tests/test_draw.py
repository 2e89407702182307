"""`cchc draw` on small published files built by hand; the expected figures are worked out by hand below.

The city (as-of date 1 December 2026, so the last 12 months are inspections started after 1/12/2025):

| unit | type | in force | risk | last inspection | |
|---|---|---|---|---|---|
| SO_A | SO | yes | 50 | — | candidate, weight 60 |
| SO_B | SO | yes | 20 | KT-1, 15/06/2026 | excluded (recent) |
| SO_C | SO | yes | — (0) | KT-3, 01/12/2025 | candidate (exactly 12 months: not recent), weight 10 |
| SO_END | SO | ends 01/12/2026 | 10 | — | candidate (in force on its last day), weight 20 |
| SO_NEW | SO | from 2027 | 70 | — | not in force |
| HUYEN_OLD | UBND_HUYEN | ended 30/06/2025 | — | — | not in force |
| XA_1 | UBND_XA | yes | 90 | KT-2, 01/03/2026 | recent, but re-inspection due: candidate, weight 100 |
| XA_2 | UBND_XA | yes | 0 | KT-4, 02/12/2026 | after the as-of date: candidate, weight 10 |
| XA_3 | UBND_XA | yes | 30 | KT-5, 02/12/2025 | excluded (recent) |

All types, n = 2: weights 60, 10, 20, 100, 10 (Σ 200) → 2w/200 = .6, .1, .2, 1.0, .1; XA_1 reaches 1 and is
certain; the one other place: 60/100, 10/100, 20/100, 10/100. So π = SO_A .6, SO_C .1, SO_END .2, XA_1 1, XA_2 .1.

The file holds marts.priority_signals, so its scores are the evidence-weighted ones (rule version 2); the reasons
of SO_A (outgoing documents signed 2/40, the lowest of its 4 departments) and XA_1 (fee-bearing dossiers paid
online 2/24, 2nd of 3 communes) are printed and logged with the units drawn. A variant without it is a file
published before issue 20: its scores are the raw ones, and the draw says it weighs them by rule version 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import duckdb
import pytest

from cchc.cli import main

ALL_TYPES = {"SO_A": 0.6, "SO_C": 0.1, "SO_END": 0.2, "XA_1": 1.0, "XA_2": 0.1}
EXCLUDED = {"SO_B": "KT-1", "XA_3": "KT-5"}


def build_published(path: Path, *, simulated: bool = False, register: bool = True, reinspection: bool = True,
                    scored: bool = True) -> Path:
    """The city above as a published file; each variant is built once and copied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = (simulated, register, reinspection, scored)
    template = path.with_name("template-" + "-".join(str(k) for k in key) + ".duckdb")
    if key not in BUILT:
        BUILT[key] = _build(template, *key).read_bytes()
        template.unlink()
    path.write_bytes(BUILT[key])
    return path


BUILT: dict[tuple[bool, bool, bool, bool], bytes] = {}


def _build(path: Path, simulated: bool, register: bool, reinspection: bool, scored: bool) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(f"CREATE TABLE marts.publication AS SELECT "
                    f"'{'DỮ LIỆU MÔ PHỎNG' if simulated else 'DỮ LIỆU THẬT'}' AS data_kind, {simulated} AS simulated, "
                    "DATE '2026-12-01' AS as_of, TIMESTAMP '2026-12-01 02:14:00' AS built_at")
        con.execute("CREATE TABLE marts.units (unit_code TEXT PRIMARY KEY, unit_name TEXT, unit_type TEXT, "
                    "parent_unit_code TEXT, valid_from DATE, valid_to DATE)")
        con.execute("""INSERT INTO marts.units VALUES
            ('SO_A', 'Sở Nội vụ', 'SO', NULL, '2020-01-01', NULL),
            ('SO_B', 'Sở Tài chính', 'SO', NULL, '2020-01-01', NULL),
            ('SO_C', 'Sở Y tế', 'SO', NULL, NULL, NULL),
            ('SO_END', 'Sở Giao thông vận tải', 'SO', NULL, '2020-01-01', '2026-12-01'),
            ('SO_NEW', 'Sở Xây dựng mới', 'SO', NULL, '2027-01-01', NULL),
            ('HUYEN_OLD', 'UBND huyện Đông Anh', 'UBND_HUYEN', NULL, '2020-01-01', '2025-06-30'),
            ('XA_1', 'UBND xã Bát Tràng', 'UBND_XA', NULL, '2025-07-01', NULL),
            ('XA_2', 'UBND xã Đa Tốn', 'UBND_XA', NULL, '2025-07-01', NULL),
            ('XA_3', 'UBND xã Phù Đổng', 'UBND_XA', NULL, '2025-07-01', NULL)""")
        con.execute("CREATE TABLE marts.inspection_priority (unit_code TEXT, unit_name TEXT, unit_type TEXT, "
                    "risk_score DOUBLE, rank INTEGER, signals_evaluated INTEGER, top_reasons VARCHAR[])")
        con.execute("""INSERT INTO marts.inspection_priority VALUES
            ('XA_1', 'UBND xã Bát Tràng', 'UBND_XA', 90, 1, 3, []), ('SO_NEW', 'Sở Xây dựng mới', 'SO', 70, 2, 3, []),
            ('SO_A', 'Sở Nội vụ', 'SO', 50, 3, 3, []), ('XA_3', 'UBND xã Phù Đổng', 'UBND_XA', 30, 4, 3, []),
            ('SO_B', 'Sở Tài chính', 'SO', 20, 5, 3, []), ('SO_END', 'Sở Giao thông vận tải', 'SO', 10, 6, 3, []),
            ('XA_2', 'UBND xã Đa Tốn', 'UBND_XA', 0, 7, 3, [])""")
        if scored:
            con.execute("UPDATE marts.inspection_priority SET top_reasons = ['QLVB_DI_KY_SO'] WHERE unit_code = 'SO_A'")
            con.execute("UPDATE marts.inspection_priority SET top_reasons = ['MOTCUA_THANH_TOAN_TRUC_TUYEN'] "
                        "WHERE unit_code = 'XA_1'")
            con.execute("CREATE TABLE marts.signal_catalog (signal_code TEXT, name_vi TEXT)")
            con.execute("INSERT INTO marts.signal_catalog VALUES ('QLVB_DI_KY_SO', 'Tỷ lệ văn bản đi được ký số'), "
                        "('MOTCUA_THANH_TOAN_TRUC_TUYEN', 'Tỷ lệ hồ sơ thanh toán trực tuyến')")
            con.execute("CREATE TABLE marts.priority_signals (unit_code TEXT, signal_code TEXT, numerator BIGINT, "
                        "denominator BIGINT, value DOUBLE, upper_bound DOUBLE, threshold DOUBLE, shortfall_raw DOUBLE, "
                        "shortfall DOUBLE, contribution DOUBLE, peer_rank INTEGER, peers INTEGER)")
            con.execute("""INSERT INTO marts.priority_signals VALUES
                ('SO_A', 'QLVB_DI_KY_SO', 2, 40, 0.05, 0.166, 0.95, 0.947, 0.825, 50, 1, 4),
                ('XA_1', 'MOTCUA_THANH_TOAN_TRUC_TUYEN', 2, 24, 0.0833, 0.258, 0.5, 0.833, 0.484, 90, 2, 3)""")
        if register:
            con.execute("CREATE TABLE marts.inspections (inspection_id TEXT PRIMARY KEY, unit_code TEXT, "
                        "unit_name TEXT, unit_type TEXT, kind TEXT, kind_vi TEXT, started_on DATE, ended_on DATE, "
                        "team_lead TEXT, conclusion_no TEXT, conclusion_date DATE, reference_date DATE, "
                        "source_file TEXT, source_row INTEGER)")
            for inspection, unit, started in [("KT-1", "SO_B", "2026-06-15"), ("KT-2", "XA_1", "2026-03-01"),
                                              ("KT-3", "SO_C", "2025-12-01"), ("KT-4", "XA_2", "2026-12-02"),
                                              ("KT-5", "XA_3", "2025-12-02")]:
                con.execute("INSERT INTO marts.inspections (inspection_id, unit_code, kind, started_on, "
                            "reference_date) VALUES (?, ?, 'DOT_XUAT', ?, ?)", [inspection, unit, started, started])
        if reinspection:
            con.execute("CREATE TABLE marts.reinspection_candidates (unit_code TEXT, unit_name TEXT, unit_type TEXT, "
                        "overdue_recommendations INTEGER, contradicted_claims INTEGER, last_inspection_id TEXT, "
                        "last_inspection_started DATE, reasons_vi VARCHAR[])")
            con.execute("INSERT INTO marts.reinspection_candidates VALUES ('XA_1', 'UBND xã Bát Tràng', 'UBND_XA', "
                        "2, 0, 'KT-2', '2026-03-01', ['2 kiến nghị quá hạn chưa khắc phục'])")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def city(tmp_path, monkeypatch):
    """An operator's shell: the published file configured, the log at its default place, an empty folder."""
    published = build_published(tmp_path / "warehouse" / "cchc.duckdb")
    monkeypatch.setenv("CCHC_WAREHOUSE", str(published))
    monkeypatch.delenv("CCHC_DRAW_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    return published


def draw(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["draw", *args])
    out, err = capsys.readouterr()
    return code, out, err


def entries(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_draw_is_printed_logged_0600_and_leaves_the_published_file_untouched(city, capsys):
    before = digest(city)
    code, out, err = draw(capsys, "--n", "2", "--seed", "42")
    assert code == 0, err
    log = city.parent / "draws.jsonl"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert sorted(p.name for p in city.parent.iterdir()) == ["cchc.duckdb", "draws.jsonl"]
    assert digest(city) == before
    (entry,) = entries(log)
    assert entry["sha256"] == before and entry["as_of"] == "2026-12-01" and entry["data_kind"] == "DỮ LIỆU THẬT"
    assert entry["parameters"] == {"n": 2, "unit_types": [], "recent_months": 12, "inspected_after": "2025-12-01",
                                        "floor": 10.0, "seed": 42, "rule": "pps-systematic", "rule_version": 2}
    assert {c["code"]: c["probability"] for c in entry["candidates"]} == ALL_TYPES
    assert {c["code"]: c["weight"] for c in entry["candidates"]} == {"SO_A": 60, "SO_C": 10, "SO_END": 20,
                                                                      "XA_1": 100, "XA_2": 10}
    assert [c["code"] for c in entry["candidates"] if c["readmitted"]] == ["XA_1"]
    assert {e["code"]: e["inspection_id"] for e in entry["excluded"]} == EXCLUDED
    drawn = [d["code"] for d in entry["drawn"]]
    assert len(set(drawn)) == 2 and "XA_1" in drawn  # XA_1 is certain
    assert entry["operator"] and entry["id"].startswith("D-") and entry["warehouse"] == str(city.resolve())
    for d in entry["drawn"]:
        assert d["code"] in out and d["name"] in out
    assert f"cchc draw --replay {entry['id']}" in out and "hạt giống 42" in out
    assert "Ứng viên: 5 đơn vị" in out and "loại 2 đơn vị" in out and "DỮ LIỆU MÔ PHỎNG" not in out
    with duckdb.connect(str(city), read_only=True) as con:  # nothing of the draw reached the published file
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert not any("draw" in t for t in tables)


def test_unit_types_narrow_the_candidates(city, capsys, tmp_path, monkeypatch):
    """--unit-type SO: SO_A, SO_C, SO_END (weights 60, 10, 20; Σ 90), n = 1 → 60/90, 10/90, 20/90."""
    log = tmp_path / "elsewhere" / "nhat-ky.jsonl"
    monkeypatch.setenv("CCHC_DRAW_LOG", str(log))
    code, _out, err = draw(capsys, "--n", "1", "--unit-type", "SO", "--seed", "1")
    assert code == 0, err
    (entry,) = entries(log)
    assert {c["code"]: c["probability"] for c in entry["candidates"]} == {"SO_A": 60 / 90, "SO_C": 10 / 90,
                                                                           "SO_END": 20 / 90}
    assert {c["code"]: c["probability_exact"] for c in entry["candidates"]} == {"SO_A": "2/3", "SO_C": "1/9",
                                                                                 "SO_END": "2/9"}
    assert stat.S_IMODE(log.stat().st_mode) == 0o600 and not (city.parent / "draws.jsonl").exists()
    code, _out, err = draw(capsys, "--n", "2", "--unit-type", "UBND_XA", "--unit-type", "SO", "--seed", "1")
    assert code == 0, err
    assert {c["code"] for c in entries(log)[1]["candidates"]} == set(ALL_TYPES)


def test_a_larger_floor_flattens_the_probabilities(city, capsys):
    """--floor 90: weights 140, 90, 100, 180, 90 (Σ 600), n = 1 → 140/600, 90/600, 100/600, 180/600, 90/600."""
    assert draw(capsys, "--n", "1", "--floor", "90", "--seed", "3")[0] == 0
    (entry,) = entries(city.parent / "draws.jsonl")
    assert {c["code"]: c["probability_exact"] for c in entry["candidates"]} == {
        "SO_A": "7/30", "SO_C": "3/20", "SO_END": "1/6", "XA_1": "3/10", "XA_2": "3/20"}


def test_the_recent_window_is_configurable(city, capsys):
    """--recent-months 6: inspections started after 1/6/2026 exclude: only SO_B (KT-1, 15/06/2026)."""
    assert draw(capsys, "--n", "1", "--recent-months", "6", "--seed", "3")[0] == 0
    (entry,) = entries(city.parent / "draws.jsonl")
    assert [e["code"] for e in entry["excluded"]] == ["SO_B"]
    assert [c["code"] for c in entry["candidates"] if c["readmitted"]] == []  # XA_1's KT-2 is older


def test_replay_gives_the_same_list_from_the_file_and_after_it_changed(city, capsys):
    lists = {}
    for seed in ("7", "8", "9"):
        code, _out, err = draw(capsys, "--n", "3", "--seed", seed)
        assert code == 0, err
    logged = entries(city.parent / "draws.jsonl")
    for entry in logged:
        lists[entry["id"]] = [d["code"] for d in entry["drawn"]]
        code, out, err = draw(capsys, "--replay", entry["id"])
        assert code == 0, err
        assert "giống hệt lúc bốc" in out and "trùng khớp" in out
        assert [line.split()[1] for line in out.splitlines() if line.strip()[:3].strip(". ").isdigit()] == \
            lists[entry["id"]]
    with duckdb.connect(str(city)) as con:  # a refresh later: risks changed, a unit added
        con.execute("UPDATE marts.inspection_priority SET risk_score = 0")
        con.execute("INSERT INTO marts.units VALUES ('SO_Z', 'Sở Mới', 'SO', NULL, '2020-01-01', NULL)")
    for draw_id, codes in lists.items():
        code, out, err = draw(capsys, "--replay", draw_id)
        assert code == 0, err
        assert "TỆP DỮ LIỆU ĐÃ KHÁC LÚC BỐC" in out and "trùng khớp" in out
        assert [line.split()[1] for line in out.splitlines() if line.strip()[:3].strip(". ").isdigit()] == codes
    assert len(entries(city.parent / "draws.jsonl")) == 3  # a replay is not a new draw


def test_without_a_seed_one_is_chosen_logged_and_replays(city, capsys):
    code, out, _err = draw(capsys, "--n", "2")
    assert code == 0
    (entry,) = entries(city.parent / "draws.jsonl")
    assert isinstance(entry["parameters"]["seed"], int) and f"hạt giống {entry['parameters']['seed']}" in out
    code, out, _err = draw(capsys, "--replay", entry["id"])
    assert code == 0 and "trùng khớp" in out


def test_a_tampered_log_is_caught_on_replay(city, capsys):
    """n = 1 on SO only (π 2/3, 1/9, 2/9): the logged unit swapped for another one is not what the seed draws."""
    assert draw(capsys, "--n", "1", "--unit-type", "SO", "--seed", "5")[0] == 0
    log = city.parent / "draws.jsonl"
    (entry,) = entries(log)
    other = next(code for code in ("SO_A", "SO_C") if code != entry["drawn"][0]["code"])
    entry["drawn"] = [{"code": other, "name": "?"}]
    log.write_text(json.dumps(entry, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, err = draw(capsys, "--replay", entry["id"])
    assert code == 2 and "không khớp" in err and out == ""


def test_the_list_shows_draws_without_their_units(city, capsys):
    assert draw(capsys, "--n", "2", "--seed", "11")[0] == 0
    (entry,) = entries(city.parent / "draws.jsonl")
    code, out, _err = draw(capsys, "--list")
    assert code == 0 and entry["id"] in out and "bốc 2/5" in out
    assert not any(d["code"] in out or d["name"] in out for d in entry["drawn"])


def test_a_log_others_can_read_is_refused_and_left_alone(city, capsys):
    log = city.parent / "draws.jsonl"
    log.write_text("")
    os.chmod(log, 0o644)
    code, out, err = draw(capsys, "--n", "1", "--seed", "1")
    assert code == 2 and f"chmod 600 {log}" in err and out == ""  # nothing drawn is shown
    assert log.read_text() == "" and stat.S_IMODE(log.stat().st_mode) == 0o644
    assert draw(capsys, "--list")[0] == 2
    os.chmod(log, 0o600)
    assert draw(capsys, "--n", "1", "--seed", "1")[0] == 0


def test_a_simulated_file_says_so_loudly(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CCHC_WAREHOUSE", str(build_published(tmp_path / "w" / "cchc.duckdb", simulated=True)))
    monkeypatch.delenv("CCHC_DRAW_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, _err = draw(capsys, "--n", "1", "--seed", "1")
    assert code == 0 and out.startswith("⚠ DỮ LIỆU MÔ PHỎNG") and out.rstrip().endswith("để đi kiểm tra thật.")
    (entry,) = entries(tmp_path / "w" / "draws.jsonl")
    assert entry["simulated"] is True and entry["data_kind"] == "DỮ LIỆU MÔ PHỎNG"


def test_an_older_file_without_the_register(tmp_path, capsys, monkeypatch):
    """No marts.inspections: nobody is excluded (a warning says so); no reinspection_candidates: one line."""
    monkeypatch.setenv("CCHC_WAREHOUSE", str(build_published(tmp_path / "w" / "cchc.duckdb", register=False,
                                                              reinspection=False)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CCHC_DRAW_LOG", raising=False)
    code, out, _err = draw(capsys, "--n", "1", "--seed", "1")
    assert code == 0
    assert "CẢNH BÁO: tệp không có marts.inspections" in out and "không có marts.reinspection_candidates" in out
    (entry,) = entries(tmp_path / "w" / "draws.jsonl")
    assert {c["code"] for c in entry["candidates"]} == set(ALL_TYPES) | set(EXCLUDED) and entry["excluded"] == []


def test_without_reinspection_candidates_a_recent_unit_stays_out(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CCHC_WAREHOUSE", str(build_published(tmp_path / "w" / "cchc.duckdb", reinspection=False)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CCHC_DRAW_LOG", raising=False)
    assert draw(capsys, "--n", "1", "--seed", "1")[0] == 0
    (entry,) = entries(tmp_path / "w" / "draws.jsonl")
    assert {e["code"] for e in entry["excluded"]} == set(EXCLUDED) | {"XA_1"}


@pytest.mark.parametrize("args, message", [
    (["--n", "6"], "cần bốc 6 đơn vị nhưng chỉ có 5 đơn vị đủ điều kiện"),
    (["--n", "0"], "từ 1 trở lên"),
    (["--n", "1", "--unit-type", "PHUONG"], "loại đơn vị không có trong danh mục: PHUONG (các loại có: SO, "
                                            "UBND_HUYEN, UBND_XA)"),
    (["--n", "1", "--floor", "0"], "--floor phải lớn hơn 0"),
    (["--n", "1", "--seed", "-1"], "--seed phải là số nguyên không âm"),
    (["--replay", "D-20990101-0000"], "không có lần bốc thăm D-20990101-0000"),
    (["--replay", "D-20990101-0000", "--seed", "3"], "--seed và --unit-type chỉ dùng khi bốc"),
])
def test_errors_are_one_line_and_log_nothing(city, capsys, args, message):
    code, out, err = draw(capsys, *args)
    assert code == 2 and message in err and out == "" and len(err.strip().splitlines()) == 1
    assert not (city.parent / "draws.jsonl").exists()


def test_one_of_n_replay_or_list_is_required(city, capsys):
    for args in ([], ["--n", "1", "--replay", "D-20261202-0000"], ["--list", "--n", "2"]):
        with pytest.raises(SystemExit) as exit_:
            main(["draw", *args])
        assert exit_.value.code == 2 and "--n" in capsys.readouterr().err
    assert not (city.parent / "draws.jsonl").exists()


def test_no_published_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CCHC_WAREHOUSE", str(tmp_path / "nowhere" / "cchc.duckdb"))
    monkeypatch.chdir(tmp_path)
    code, _out, err = draw(capsys, "--n", "1")
    assert code == 2 and "chưa có tệp dữ liệu" in err and "cchc refresh" in err


def test_the_drawn_units_reasons_are_printed_and_logged_with_their_numbers(city, capsys):
    """XA_1 is certain (π 1): its reason 2/24 = 8,3 % against 50 %, 2nd lowest of the 3 communes ranked."""
    code, out, err = draw(capsys, "--n", "2", "--seed", "42")
    assert code == 0, err
    reason = "Tỷ lệ hồ sơ thanh toán trực tuyến: 2/24 (8,3 %), ngưỡng 50 % — thấp thứ 2 trong 3 UBND cấp xã"
    assert f"        lý do: {reason}\n" in out
    assert "Quy tắc pps-systematic v2: trọng số = 10 + điểm rủi ro có xét số trường hợp" in out
    (entry,) = entries(city.parent / "draws.jsonl")
    drawn = {d["code"]: d for d in entry["drawn"]}
    assert drawn["XA_1"]["reasons"] == [reason]
    if "SO_A" in drawn:
        assert drawn["SO_A"]["reasons"] == ["Tỷ lệ văn bản đi được ký số: 2/40 (5,0 %), ngưỡng 95 % — thấp nhất "
                                            "trong 4 Sở, ban, ngành"]


def test_a_file_published_before_the_evidence_weighted_score_draws_by_rule_1(tmp_path, capsys, monkeypatch):
    """No marts.priority_signals: the scores are the raw ones; the draw says so, logs version 1, and replays
    from the unchanged file."""
    monkeypatch.setenv("CCHC_WAREHOUSE", str(build_published(tmp_path / "w" / "cchc.duckdb", scored=False)))
    monkeypatch.delenv("CCHC_DRAW_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, err = draw(capsys, "--n", "2", "--seed", "42")
    assert code == 0, err
    assert "không có marts.priority_signals" in out and "quy tắc v1" in out and "lý do:" not in out
    assert "Quy tắc pps-systematic v1: trọng số = 10 + điểm rủi ro theo tỷ lệ thô" in out
    (entry,) = entries(tmp_path / "w" / "draws.jsonl")
    assert entry["parameters"]["rule_version"] == 1
    assert {c["code"]: c["probability"] for c in entry["candidates"]} == ALL_TYPES  # the same weights
    code, out, err = draw(capsys, "--replay", entry["id"])
    assert code == 0, err
    assert "giống hệt lúc bốc" in out and "trùng khớp" in out


def test_draws_logged_by_the_previous_version_replay_exactly(city, capsys):
    """tests/fixtures/draws-v1.jsonl: two draws (n = 2, seeds 2026 and 7) logged by `cchc draw` before rule
    version 2, on this city (another copy of it: the file has changed since, so they replay from the log)."""
    log = city.parent / "draws.jsonl"
    log.write_bytes((Path(__file__).parent / "fixtures" / "draws-v1.jsonl").read_bytes())
    os.chmod(log, 0o600)
    logged = entries(log)
    assert [e["parameters"]["rule_version"] for e in logged] == [1, 1]
    for entry in logged:
        code, out, err = draw(capsys, "--replay", entry["id"])
        assert code == 0, err
        assert "Quy tắc pps-systematic v1" in out and "TỆP DỮ LIỆU ĐÃ KHÁC LÚC BỐC" in out and "trùng khớp" in out
        assert [line.split()[1] for line in out.splitlines() if line.strip()[:3].strip(". ").isdigit()] == \
            [d["code"] for d in entry["drawn"]]
    assert [[d["code"] for d in e["drawn"]] for e in logged] == [["XA_1", "SO_A"], ["XA_2", "XA_1"]]


def test_a_rule_this_version_does_not_know_is_refused_on_replay(city, capsys):
    assert draw(capsys, "--n", "1", "--seed", "5")[0] == 0
    log = city.parent / "draws.jsonl"
    (entry,) = entries(log)
    entry["parameters"]["rule_version"] = 3
    log.write_text(json.dumps(entry, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, err = draw(capsys, "--replay", entry["id"])
    assert code == 2 and "quy tắc pps-systematic v3 không có trong phiên bản này" in err and out == ""
