"""`cchc rejects`: the rejected records of a small hand-made state file, filtered, as a table, as CSV,
summarised; a missing state file and one a refresh holds are each one clear line."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime

import pytest

from cchc.cli import main
from cchc.rejects import LOCKED, reading_state, reason_field
from core.errors import StateLocked
from core.settings import SOURCE_VARIABLES
from core.timezone import ICT
from sources import SYSTEMS
from storage.state import StateStore

GATEWAY_A, GATEWAY_B, DATABASE = SYSTEMS[1], SYSTEMS[3], SYSTEMS[-1]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ICT)


# (system, table, key, id, reason, first seen, last seen (local), times seen)
ROWS = [
    (GATEWAY_A, "k1", "A-1", "ngay_ky: impossible date", "2025-02-20 09:00", "2025-03-01 23:30", 4),
    (GATEWAY_A, "k2", "A-2", "trang_thai: Input should be 'CHUA_XU_LY'; ngay_ky: impossible date",
     "2025-03-02 00:30", "2025-03-02 00:30", 1),
    (GATEWAY_A, "sha256:" + "ab" * 32, None, "id: missing value", "2025-03-03 08:00", "2025-03-05 08:00", 2),
    (GATEWAY_B, "k4", "B-1", "DanhSachXinLoi[0].NgayXinLoi: impossible date or time", "2025-03-04 10:00",
     "2025-03-04 10:00", 1),
    (GATEWAY_B, "k5", "B-2", "DanhSachXinLoi[3].NgayXinLoi: impossible date or time", "2025-03-06 10:00",
     "2025-03-06 10:00", 3),
    (DATABASE, "k6", "6", "vai_tro_chu_tri: Input should be 'THU_TRUONG'", "2025-01-10 07:00", "2025-01-10 07:00", 1),
]


@pytest.fixture
def state(tmp_path, monkeypatch):
    """A state file with six rejects, and the environment pointing at it (no source configured)."""
    monkeypatch.chdir(tmp_path)
    for name in (*SOURCE_VARIABLES, "CCHC_SIMULATED_CITY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CCHC_WAREHOUSE", str(tmp_path / "warehouse" / "cchc.duckdb"))
    path = tmp_path / "warehouse" / "cchc-state.duckdb"
    with StateStore(path) as store:
        for system, key, record_id, reason, first, last, times in ROWS:
            store.con.execute("INSERT INTO meta.rejects (system, source_table, record_key, record_id, reason, first_seen_at, "
                              "last_seen_at, times_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              [system.name, system.tables[0].name, key, record_id, reason, _at(first), _at(last),
                               times])
    return path


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["rejects", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _ids(out: str) -> list[str]:
    """The record-id column of the table, in order."""
    lines = out.splitlines()
    start = lines[0].index("record id")
    return [line[start:].split("  ")[0].strip() for line in lines[2:] if line and not line.startswith(" ")
            and " shown of " not in line]


def test_table_newest_first_with_local_times_and_a_count(state, capsys):
    code, out, err = _run(capsys)
    assert code == 0 and not err
    assert out.splitlines()[0].split() == ["system", "table", "record", "id", "reason", "first", "seen", "last",
                                           "seen", "times", "seen"]
    assert _ids(out) == ["B-2", f"(no id) sha256:{'ab' * 6}…", "B-1", "A-2", "A-1", "6"]
    assert "2025-03-01 23:30" in out  # stored as 16:30 UTC, shown in Hanoi time
    assert out.rstrip().endswith("6 rejects shown of 6 (times in Asia/Ho_Chi_Minh, newest first)")


def test_filters_by_system_and_local_days_both_ends_included(state, capsys):
    _code, out, _err = _run(capsys, "--system", GATEWAY_A.name)
    assert _ids(out) == [f"(no id) sha256:{'ab' * 6}…", "A-2", "A-1"]
    assert "3 rejects shown of 3" in out
    # days are Hanoi days: 00:30 on the 2nd in Hanoi is still the 1st in UTC, and counts on the 2nd
    _code, out, _err = _run(capsys, "--since", "2025-03-02", "--until", "2025-03-04")
    assert _ids(out) == ["B-1", "A-2"]
    _code, out, _err = _run(capsys, "--until", "2025-03-01")
    assert _ids(out) == ["A-1", "6"]
    _code, out, _err = _run(capsys, "--system", GATEWAY_B.name, "--since", "2025-03-05")
    assert _ids(out) == ["B-2"] and "1 reject shown of 1" in out


def test_limit_shows_the_newest_and_counts_all_that_match(state, capsys):
    _code, out, _err = _run(capsys, "--limit", "2")
    assert _ids(out) == ["B-2", f"(no id) sha256:{'ab' * 6}…"]
    assert "2 rejects shown of 6" in out


def test_csv_to_standard_output_has_every_field_and_local_times(state, capsys):
    code, out, _err = _run(capsys, "--csv", "-", "--system", GATEWAY_A.name)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["record_id"] for r in rows] == ["", "A-2", "A-1"]
    assert rows[0]["record_key"] == "sha256:" + "ab" * 32
    assert rows[1]["reason"] == ROWS[1][3]  # whole, with its '; ' and quotes
    assert rows[2]["first_seen"] == "2025-02-20T09:00:00+07:00" and rows[2]["last_seen"] == "2025-03-01T23:30:00+07:00"
    assert rows[2]["times_seen"] == "4" and rows[2]["source_table"] == GATEWAY_A.tables[0].name


def test_csv_to_a_file_has_every_row_without_a_limit(state, capsys, tmp_path):
    target = tmp_path / "rejects.csv"
    code, out, _err = _run(capsys, "--csv", str(target))
    assert code == 0 and out.strip() == f"6 rejects of 6 written to {target}"
    with target.open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 6


def test_summary_counts_by_system_and_the_field_a_reason_names_first(state, capsys):
    code, out, _err = _run(capsys, "--summary")
    assert code == 0
    rows = [line.split() for line in out.splitlines()[2:] if line.strip() and "rejects in" not in line]
    assert rows == [
        [GATEWAY_A.name, "id", "1", "2", "2025-03-05", "08:00"],
        [GATEWAY_A.name, "ngay_ky", "1", "4", "2025-03-01", "23:30"],
        [GATEWAY_A.name, "trang_thai", "1", "1", "2025-03-02", "00:30"],
        [GATEWAY_B.name, "DanhSachXinLoi[].NgayXinLoi", "2", "4", "2025-03-06", "10:00"],
        [DATABASE.name, "vai_tro_chu_tri", "1", "1", "2025-01-10", "07:00"],
    ]
    assert out.rstrip().endswith("6 rejects in 3 systems, by the field their reason names first")
    _code, out, _err = _run(capsys, "--summary", "--csv", "-", "--system", GATEWAY_B.name)
    assert list(csv.reader(io.StringIO(out))) == [
        ["system", "field", "rejects", "times seen", "last seen"],
        [GATEWAY_B.name, "DanhSachXinLoi[].NgayXinLoi", "2", "4", "2025-03-06T10:00:00+07:00"]]


def test_reason_field():
    assert reason_field("ngay_ky: impossible date") == "ngay_ky"
    assert reason_field("a[12].b[0]: x; c: y") == "a[].b[]"
    assert reason_field("record: unexpected KeyError during validation") == "record"
    assert reason_field("") == reason_field(None) == "(no field)"


def test_no_rejects_matching(state, capsys):
    code, out, _err = _run(capsys, "--since", "2030-01-01")
    assert code == 0 and out.strip() == "0 rejects shown of 0 (times in Asia/Ho_Chi_Minh, newest first)"


def test_a_missing_state_file_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_WAREHOUSE", str(tmp_path / "nowhere" / "cchc.duckdb"))
    for name in SOURCE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    code, out, err = _run(capsys)
    assert code == 2 and not out
    assert err.count("\n") == 1 and err.startswith("cchc rejects: there is no pipeline state at ")
    assert "the first `cchc refresh` creates it" in err


HOLDERS = {
    "duckdb": "import sys, duckdb; con = duckdb.connect(sys.argv[1])",
    "refresh lock": "import sys; from storage.state import StateStore; store = StateStore(sys.argv[1]).__enter__()",
}


@pytest.mark.parametrize("holder", HOLDERS)
def test_a_state_file_held_by_a_refresh_is_one_line(state, capsys, holder):
    process = subprocess.Popen([sys.executable, "-c", HOLDERS[holder] + "; print('holding', flush=True); "
                                "sys.stdin.readline()", str(state)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().strip() == "holding"
        code, out, err = _run(capsys)
        assert code == 2 and not out
        assert err == f"cchc rejects: {LOCKED}\n"
    finally:
        process.kill()
        process.wait()


def test_a_refresh_starting_while_rejects_are_read_waits_for_them(state):
    """The read holds the refresh's lock file shared: a refresh waits on it instead of failing on DuckDB's lock."""
    with reading_state(state) as con:
        assert con.execute("SELECT count(*) FROM meta.rejects").fetchall()[0][0] == len(ROWS)
        with pytest.raises(StateLocked):
            StateStore(state, lock_timeout=0.3).__enter__()
    with StateStore(state, lock_timeout=0.3) as store:  # free again once the read is done
        assert store.con is not None


@pytest.mark.parametrize("args, message", [
    (["--since", "01/03/2025"], "--since must be a local day YYYY-MM-DD"),
    (["--since", "2025-03-05", "--until", "2025-03-01"], "--until 2025-03-01 is before --since 2025-03-05"),
    (["--limit", "0"], "--limit must be at least 1"),
])
def test_wrong_options_are_one_line(state, capsys, args, message):
    code, out, err = _run(capsys, *args)
    assert code == 2 and not out
    assert err.startswith("cchc rejects: ") and message in err and err.count("\n") == 1


def test_a_register_row_with_several_problems_shows_each_one(state, capsys):
    reason = ("Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 2: cột 'Ngày bắt đầu' là ngày không có thật\n"
              "Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 2, cột 'Tên đơn vị': không có đơn vị tên 'Sở Nội vũ'\n"
              "Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 2, cột 'Ngày kết luận': 20/12/2025 ở sau ngày đánh giá")
    with StateStore(state) as store:
        store.con.execute("INSERT INTO meta.rejects (system, source_table, record_key, record_id, reason, first_seen_at, "
                          "last_seen_at, times_seen) VALUES ('kiemtra', 'kiemtra_cuoc_kiem_tra', 'r', 'r', ?, ?, ?, 1)",
                          [reason, _at("2025-03-07 08:00"), _at("2025-03-07 08:00")])
    code, out, _err = _run(capsys, "kiemtra", "--full")
    assert code == 0
    assert "\n    Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 2: cột 'Ngày bắt đầu' là ngày không có thật\n    Tệp so.xlsx, " \
           "trang 'Cuộc kiểm tra', dòng 2, cột 'Tên đơn vị': không có đơn vị tên 'Sở Nội vũ'\n    Tệp so.xlsx, trang " \
           "'Cuộc kiểm tra', dòng 2, cột 'Ngày kết luận': 20/12/2025 ở sau ngày đánh giá\n" in out
    code, out, _err = _run(capsys, "kiemtra")
    row = next(line for line in out.splitlines() if "kiemtra_cuoc_kiem_tra" in line)
    assert "Tệp so.xlsx, trang 'Cuộc kiểm tra', dòng 2: cột 'Ngày bắt đầu… (+2 more)" in row
