"""A folder that cannot be written — a full disk, a read-only file system — is one line naming the folder and
what to do, leaves nothing behind, and changes nothing that was there: the file lock, the state store, the
publish, the users file, the draw log, the inspections template. Each test mounts a small file system of its
own (`disk_support`); the pipeline end to end is in `test_disk_pipeline.py`."""

from __future__ import annotations

import errno
import io
import json
import os
from pathlib import Path

import duckdb
import pytest
from disk_support import MB, digest, fill, free, listing, read_only, resize, tmpfs

import storage.publish
from cchc.cli import main
from cchc.draw import audit
from core.errors import FolderNotWritable, NotEnoughSpace, not_writable
from pipelines.instance import PROJECT
from storage.filelock import FileLock
from storage.publish import MARGIN, publish
from storage.state import StateStore

READ_ONLY = "the file system is read-only. Remount it read-write, then run again."


@pytest.fixture
def small_disk(tmp_path):
    with tmpfs(tmp_path / "disk", 8) as folder:
        yield folder


@pytest.fixture
def cli(monkeypatch, tmp_path, capsys):
    """`cchc ARGS` in process with CCHC_WAREHOUSE in `folder`: (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def run(folder: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setenv("CCHC_WAREHOUSE", str(folder / "cchc.duckdb"))
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _marts(path: Path, rows: int) -> duckdb.DuckDBPyConnection:
    """A state file (on the big disk) with one marts table of `rows` rows of random-ish text."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute(f"CREATE OR REPLACE TABLE marts.units AS SELECT 'U' || i AS unit_code, md5(i::VARCHAR) AS unit_name "
                f"FROM range({rows}) t(i)")
    return con


# --- the message --------------------------------------------------------------------------------------------


def test_a_read_only_folder_and_a_full_disk_are_recognised_from_the_systems_own_errors(tmp_path, small_disk):
    folder = tmp_path / "ro"
    folder.mkdir()
    with read_only(folder), pytest.raises(OSError) as refused:
        os.open(folder / "x", os.O_WRONLY | os.O_CREAT)
    assert str(not_writable(refused.value)) == f"cannot write in {folder}: {READ_ONLY}"

    fill(small_disk)
    with pytest.raises(OSError) as full, open(small_disk / "more", "wb") as f:
        f.write(b"x" * MB)
        f.flush()
    assert full.value.filename is None and not_writable(full.value) is None, "a write's error names no file"
    error = not_writable(full.value, small_disk, what="the draw log", setting="CCHC_DRAW_LOG")
    assert error.code == errno.ENOSPC and error.folder == small_disk
    assert str(error) == (f"cannot write the draw log in {small_disk}: no space is left on the disk (0.0 MB free "
                          "now). Free space there (or set CCHC_DRAW_LOG to a path on another disk), then run again.")


def test_duckdbs_io_error_on_a_full_disk_names_the_folder_of_the_file_it_could_not_write(small_disk):
    con = duckdb.connect(str(small_disk / "x.duckdb"))
    with pytest.raises(duckdb.Error) as full:
        con.execute("CREATE TABLE t AS SELECT md5(i::VARCHAR) AS a FROM range(1000000) t(i)")
        con.execute("CHECKPOINT")
    con.close()
    error = not_writable(full.value)
    assert (error.folder, error.code) == (small_disk, errno.ENOSPC), str(full.value)
    assert not_writable(duckdb.Error("Binder Error: column x not found")) is None
    assert not_writable(ValueError("no space left on device")) is None, "not the system's text, and no file"


# --- the lock and the state store ---------------------------------------------------------------------------


def test_the_lock_and_the_state_store_in_a_read_only_folder_say_so(tmp_path):
    folder = tmp_path / "warehouse"
    with StateStore(folder / "cchc-state.duckdb"):
        pass
    with read_only(folder):
        with pytest.raises(FolderNotWritable, match=f"^cannot write in {folder}: {READ_ONLY}$"):
            FileLock(folder / ".refresh.lock").acquire(1)
        with pytest.raises(FolderNotWritable, match=f"^cannot write in {folder}: {READ_ONLY}$"):
            StateStore(folder / "cchc-state.duckdb").__enter__()


def test_a_full_disk_under_the_state_store_is_one_line_and_the_data_stay(tmp_path):
    from sources import system_named

    qlvb = system_named("qlvb")
    table = qlvb.tables[0].name
    with tmpfs(tmp_path / "disk", 16) as disk:
        path = disk / "cchc-state.duckdb"
        with StateStore(path) as state:
            state.con.execute(f"INSERT INTO raw.{table} (id) SELECT 'VB' || i FROM range(20000) t(i)")
        ballast = fill(disk)
        with pytest.raises(FolderNotWritable) as full, StateStore(path) as state:
            state.reset(qlvb)  # deletes every row: the commit cannot be written
        assert str(full.value).startswith(f"cannot write the pipeline state in {disk}: no space is left on the disk")
        ballast.unlink()
        with StateStore(path) as state:
            assert state.count(table) == 20000, "the failed reset changed nothing"


# --- publishing ---------------------------------------------------------------------------------------------


def test_a_publish_without_the_space_it_needs_is_refused_before_writing(tmp_path, small_disk):
    target = small_disk / "cchc.duckdb"
    publish(_marts(tmp_path / "old.duckdb", 1000), target)
    published = digest(target)
    con = _marts(tmp_path / "state.duckdb", 200_000)
    # the truth the estimate must cover: the size of the same marts published on a large disk
    assert publish(con, tmp_path / "elsewhere" / "cchc.duckdb") == {"units": 200_000}
    actual = (tmp_path / "elsewhere" / "cchc.duckdb").stat().st_size
    fill(small_disk, leave=2 * MB)
    before = listing(small_disk)

    with pytest.raises(NotEnoughSpace) as refused:
        publish(con, target)
    error = refused.value
    assert error.needed >= actual > error.free, (error.needed, actual, error.free)
    assert error.needed <= 1.25 * 2 * actual + MARGIN, "an honest estimate, not a wild one"
    assert str(error).startswith(f"not enough space in {small_disk} for the new published file: it needs about "
                                 f"{error.needed / MB:.1f} MB (the marts' ")
    assert f"{error.free / MB:.1f} MB are free; nothing was written. Free space there, then run again." in str(error)
    assert listing(small_disk) == before, "nothing written, nothing left behind"
    assert digest(target) == published


def test_a_publish_that_fills_the_disk_midway_leaves_no_new_file_and_the_next_one_succeeds(tmp_path, small_disk,
                                                                                           monkeypatch):
    target = small_disk / "cchc.duckdb"
    publish(_marts(tmp_path / "old.duckdb", 1000), target)
    published = digest(target)
    con = _marts(tmp_path / "state.duckdb", 400_000)
    # the space is taken between the check and the write: the check is made to pass
    monkeypatch.setattr(storage.publish, "check_space", lambda con, target: None)

    with pytest.raises(FolderNotWritable) as full:
        publish(con, target)
    assert str(full.value).startswith(f"cannot write the published file in {small_disk}: no space is left on the disk")
    assert sorted(listing(small_disk)) == ["cchc.duckdb"], "no .new, no .wal"
    assert digest(target) == published
    attached = [name for (name,) in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()]
    assert "publish_target" not in attached, "the new file was detached although its checkpoint failed"
    assert con.execute("SELECT count(*) FROM marts.units").fetchall() == [(400_000,)], "the state works on"

    resize(small_disk, 64)
    monkeypatch.undo()
    assert publish(con, target) == {"units": 400_000}
    assert sorted(listing(small_disk)) == ["cchc.duckdb"]


# --- the commands' own files --------------------------------------------------------------------------------


def test_users_add_in_a_read_only_folder(tmp_path, cli):
    folder = tmp_path / "warehouse"
    assert cli(folder, "users", "add", "ana", stdin="mat-khau-dai-du\n")[0] == 0
    users = digest(folder / "web-users.json")
    with read_only(folder):
        code, out, err = cli(folder, "users", "add", "binh", stdin="mat-khau-dai-du\n")
    assert (code, out) == (1, "")
    assert err == (f"cchc: cannot write the users file in {folder}: the file system is read-only. Remount it "
                   "read-write (or set CCHC_WEB_USERS to a path in a writable folder), then run again.\n")
    assert digest(folder / "web-users.json") == users


def test_reset_in_a_read_only_folder(tmp_path, cli):
    folder = tmp_path / "warehouse"
    with StateStore(folder / "cchc-state.duckdb"):
        pass
    with read_only(folder):
        assert cli(folder, "reset", "qlvb", "--yes") == (1, "", f"cchc: cannot write in {folder}: {READ_ONLY}\n")


def test_a_draw_log_that_cannot_take_the_entry_keeps_no_half_line(small_disk):
    log = small_disk / "draws.jsonl"
    audit.append(log, {"id": "D-1"})
    before = log.read_bytes()
    fill(small_disk, leave=16 * 1024)
    with pytest.raises(FolderNotWritable) as full:
        audit.append(log, {"id": "D-2", "notes": "x" * 200_000})  # more than is free: written in part, then undone
    assert log.read_bytes() == before
    assert [json.loads(line)["id"] for line in log.read_text().splitlines()] == ["D-1"]
    assert str(full.value).startswith(f"không ghi được nhật ký bốc thăm {log} (thư mục {small_disk}): ổ đĩa đã đầy; "
                                      "chưa bốc thăm — hãy giải phóng dung lượng ở đó (hoặc đặt CCHC_DRAW_LOG")
    assert "(cannot write the draw log in" in str(full.value)


def test_the_inspections_template_into_a_read_only_or_full_folder(tmp_path, cli, small_disk):
    folder = tmp_path / "so-theo-doi"
    folder.mkdir()
    with read_only(folder):
        code, out, err = cli(tmp_path / "warehouse", "inspections", "template", str(folder / "mau.xlsx"))
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == f"cchc: cannot write the template in {folder}: {READ_ONLY}"

    existing = small_disk / "mau.xlsx"
    existing.write_bytes(b"the inspectors' own workbook")
    fill(small_disk, leave=4 * 1024)
    code, _, err = cli(tmp_path / "warehouse", "inspections", "template", str(existing))
    assert code == 1
    assert err.splitlines()[-1].startswith(f"cchc: cannot write the template in {small_disk}: no space is left")
    assert existing.read_bytes() == b"the inspectors' own workbook", "a failed save leaves the file as it was"
    assert sorted(listing(small_disk)) == ["ballast", "mau.xlsx"], "and no half workbook beside it"
    assert free(small_disk) < 8 * 1024


# --- what the messages say for the reasons root cannot be made to meet ------------------------------------


@pytest.mark.parametrize(("code", "says"), [
    (errno.EACCES, "user {user} may not write there. Give {user} write access to it (or set CCHC_WEB_USERS to a "
                   "path in a writable folder), then run again."),
    (errno.EPERM, "user {user} may not write there. Give {user} write access to it (or set CCHC_WEB_USERS to a "
                  "path in a writable folder), then run again."),
    (errno.EDQUOT, "the disk quota of user {user} is used up. Free space there or raise the quota (or set "
                   "CCHC_WEB_USERS to a path on another disk), then run again."),
])
def test_permission_and_quota(code, says, tmp_path):
    import getpass

    error = not_writable(OSError(code, os.strerror(code), str(tmp_path / "web-users.json")), what="the users file",
                         setting="CCHC_WEB_USERS")
    assert str(error) == f"cannot write the users file in {tmp_path}: " + says.format(user=getpass.getuser())
    # DuckDB's text of the same
    duck = duckdb.IOException(f'IO Error: Cannot open file "{tmp_path}/x.duckdb": {os.strerror(code)}')
    assert (not_writable(duck).folder, not_writable(duck).code) == (tmp_path, code)


def test_a_step_of_a_run_that_met_a_full_disk_reads_as_one_line_naming_the_folder():
    from dagster._utils.error import SerializableErrorInfo

    from pipelines.failures import readable_error, run_failures_from_events

    duck = SerializableErrorInfo('_duckdb.TransactionException: TransactionContext Error: Failed to commit: Could '
                                 'not write file "/srv/kho/cchc-state.duckdb.wal": No space left on device\n', [],
                                 "TransactionException")
    wrapped = SerializableErrorInfo("dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while "
                                    'executing op "marts__units"\n', [], "DagsterExecutionStepExecutionError",
                                    cause=duck)
    line = readable_error(wrapped)
    assert line.startswith("cannot write in /srv/kho: no space is left on the disk") and line.endswith(
        "Free space there, then run again."), line

    class Event:
        event_type_value = "STEP_FAILURE"

        def __init__(self, step, error):
            self.step_key, self.event_specific_data = step, type("Data", (), {"error": error})()

    other = SerializableErrorInfo("core.errors.SourceError: qlvb /api/van-ban: HTTP 404\n", [], "SourceError")
    failures = run_failures_from_events([Event("raw__qlvb", wrapped), Event("marts__units", wrapped),
                                         Event("raw__baocao", other), Event("marts__findings", wrapped)])
    assert failures == {"baocao": "qlvb /api/van-ban: HTTP 404", "qlvb (and 2 more steps)": line}


def test_a_read_only_dagster_home_is_one_line_before_any_run(tmp_path, cli, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((PROJECT / "dagster_home" / "dagster.yaml").read_text())
    for name, value in {"CCHC_LGSP_URL": "http://127.0.0.1:9", "CCHC_LGSP_CLIENT_ID": "a",
                        "CCHC_LGSP_CLIENT_SECRET": "b", "CCHC_DONTHU_DB_URL": "sqlite:///none.sqlite"}.items():
        monkeypatch.setenv(name, value)  # sources configured: nothing but the instance is opened first
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    folder = tmp_path / "warehouse"
    with read_only(home):
        code, _out, err = cli(folder, "refresh")
    assert code == 1
    assert err == (f"cchc: cannot write the Dagster instance's run history in {home}: the file system is "
                   "read-only. Remount it read-write (or set DAGSTER_HOME to a path in a writable folder), then "
                   "run again.\n")
    assert not folder.exists(), "nothing was written"
