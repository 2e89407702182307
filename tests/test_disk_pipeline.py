"""The pipeline on a disk of its own: a warehouse folder made read-only, a disk that fills during a sync, a
disk without the space a new published file needs. Every command says it in one line naming the folder (exit
1, as a failed refresh), nothing is left behind, the data, cursors and published file stay as they were, and
the next refresh once space is freed succeeds. A small live city (`pipeline_support`)."""

from __future__ import annotations

import io
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests
import uvicorn
from disk_support import MB, digest, fill, listing, read_only, tmpfs

import core.failpoints
import pipelines.publish
from cchc.cli import main
from core.settings import Settings
from pipeline_support import RAW_TABLES, assert_equal_to_truth, cursors, held_rows, refreshed_city
from pipelines.run import refresh as run_refresh
from sources import SYSTEMS
from web.app import create_app
from web.users import users_path

pytestmark = pytest.mark.e2e

PASSWORD = "mat-khau-dai-du"
READ_ONLY = "the file system is read-only. Remount it read-write, then run again."


def _refresh() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_refresh(out=out, err=err, instance=dg.DagsterInstance.ephemeral())
    return code, out.getvalue(), err.getvalue()


def _cchc(capsys, *args: str, stdin: str = "", monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serving(app):
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _snapshot(state: Path) -> tuple[dict, dict]:
    return {t: held_rows(state, t) for t in RAW_TABLES}, cursors(state)


def test_a_read_only_warehouse_folder_is_one_line_in_every_command_and_the_web_app_still_serves(
        tmp_path, capsys, monkeypatch):
    with refreshed_city(tmp_path, days=5, scale=0.01) as (city, code, output, published):
        assert code == 0, output
        folder = published.parent
        assert _cchc(capsys, "users", "add", "ana", "--role", "quan-tri", stdin=f"{PASSWORD}\n",
                     monkeypatch=monkeypatch)[0] == 0
        with duckdb.connect(str(published), read_only=True) as con:
            unit = con.execute("SELECT unit_code FROM marts.units ORDER BY unit_code LIMIT 1").fetchall()[0][0]
        before = {name: digest(folder / name) for name in listing(folder)}
        one_line = f"cannot write in {folder}: {READ_ONLY}"
        with read_only(folder):
            code, out, err = _refresh()
            assert (code, err) == (1, f"  resources: {one_line}\n"), out + err
            assert "Refresh FAILED" in out

            assert _cchc(capsys, "reset", "qlvb", "--yes", monkeypatch=monkeypatch) == (1, "", f"cchc: {one_line}\n")

            code, out, err = _cchc(capsys, "users", "add", "binh", stdin=f"{PASSWORD}\n", monkeypatch=monkeypatch)
            assert (code, out) == (1, "")
            assert err == (f"cchc: cannot write the users file in {folder}: the file system is read-only. Remount "
                           "it read-write (or set CCHC_WEB_USERS to a path in a writable folder), then run again.\n")

            code, out, err = _cchc(capsys, "draw", "--n", "2", monkeypatch=monkeypatch)
            assert (code, out) == (1, ""), "nothing of the draw is shown when it cannot be logged"
            assert err.count("\n") == 1 and err.startswith(
                f"cchc: không ghi được nhật ký bốc thăm {folder / 'draws.jsonl'} (thư mục {folder}): hệ thống tệp "
                "chỉ cho phép đọc; chưa bốc thăm — hãy gắn lại (remount) ổ đĩa ở chế độ ghi được")

            template = folder / "mau-so-theo-doi.xlsx"
            assert _cchc(capsys, "inspections", "template", str(template), monkeypatch=monkeypatch) == (
                1, "", f"cchc: cannot write the template in {folder}: {READ_ONLY}\n")

            # `cchc web` writes nothing in the folder: sessions live in memory, the users file is only read,
            # a downloaded brief is written in the system's temporary folder
            settings = Settings.from_env()
            with _serving(create_app(settings.warehouse, users_path(settings.state_path))) as base:
                session = requests.Session()
                form = session.get(f"{base}/dang-nhap")
                token = re.search(r'name="csrf" value="([^"]*)"', form.text).group(1)
                login = session.post(f"{base}/dang-nhap", data={"csrf": token, "username": "ana",
                                                               "password": PASSWORD, "tiep": "/"})
                assert login.status_code == 200 and "Tổng quan" in login.text
                brief = session.get(f"{base}/don-vi/{unit}/bao-cao.xlsx")
                assert brief.status_code == 200 and brief.content[:2] == b"PK"
        assert {name: digest(folder / name) for name in listing(folder)} == before, "nothing changed"


def test_a_disk_that_fills_during_a_sync_keeps_data_and_cursors_and_the_next_refresh_succeeds(tmp_path, monkeypatch):
    with tmpfs(tmp_path / "warehouse", 48) as disk, refreshed_city(tmp_path, days=20, scale=0.01) as (
            city, code, output, published):
        assert code == 0, output
        state = city.state_path
        rows, cursors_before = _snapshot(state)
        files = digest(published)
        for system in ("qlvb", "motcua", "baocao", "nhiemvu", "don_thu", "tiep_cong_dan"):
            city.world.touch(system, 50)  # saved again now: the next sync has something to write
        reached = core.failpoints.reached

        def fill_the_disk(point: str) -> None:
            if point == "sync.qlvb.first_page":  # the state is open, qlvb's staging under way
                fill(disk)
            reached(point)

        monkeypatch.setattr(core.failpoints, "reached", fill_the_disk)
        code, out, err = _refresh()
        monkeypatch.undo()
        assert code == 1, out + err
        # one line, however many steps the full disk failed after qlvb's sync
        assert re.fullmatch(rf"  qlvb( \(and \d+ more steps?\))?: cannot write (the pipeline state )?in "
                            rf"{re.escape(str(disk))}: no space is left on the disk \(\d+\.\d MB free now\)\. "
                            r"Free space there, then run again\.\n", err), err
        synced = set(re.findall(r"^  raw/(\w+) ", out, re.MULTILINE))  # the systems that synced before it filled
        assert "qlvb" not in synced
        after, cursors_after = _snapshot(state)
        for system in SYSTEMS:
            if system.name not in synced:
                for table in system.tables:
                    assert after[table.name] == rows[table.name], f"{table.name}: the failed sync changed the data"
                assert cursors_after.get(system.name) == cursors_before.get(system.name), f"{system.name}: cursor"
        assert digest(published) == files
        assert not [name for name in listing(disk) if ".new" in name], listing(disk)

        (disk / "ballast").unlink()
        code, out, err = _refresh()
        assert (code, err) == (0, ""), out + err
        assert_equal_to_truth(city)
        assert sorted(listing(disk)) == [".refresh.lock", "cchc-state.duckdb", "cchc-state.duckdb.lock",
                                         "cchc.duckdb"]


def test_a_refresh_without_the_space_to_publish_is_refused_and_the_next_one_succeeds(tmp_path, monkeypatch):
    with tmpfs(tmp_path / "warehouse", 48) as disk, refreshed_city(tmp_path, days=20, scale=0.01) as (
            city, code, output, published):
        assert code == 0, output
        files = digest(published)
        publish = pipelines.publish.publish

        def taking_the_space_first(con, target, sources=None):  # the marts are built; then the disk fills up
            fill(disk, leave=2 * MB)
            return publish(con, target, sources)

        monkeypatch.setattr(pipelines.publish, "publish", taking_the_space_first)
        code, out, err = _refresh()
        monkeypatch.undo()
        assert code == 1, out + err
        assert re.fullmatch(rf"  published__warehouse: not enough space in {re.escape(str(disk))} for the new "
                            r"published file: it needs about \d+\.\d MB \(the marts' \d+\.\d MB, a quarter more and "
                            r"4\.0 MB\), \d\.\d MB are free; nothing was written\. Free space there, then run again\.\n",
                            err), err
        assert digest(published) == files
        # the state's own log may stay (too little space to checkpoint it on close): it is replayed next time
        assert not [name for name in listing(disk) if "cchc.duckdb." in name], listing(disk)

        (disk / "ballast").unlink()
        code, out, err = _refresh()
        assert (code, err) == (0, ""), out + err
        assert digest(published) != files
        assert sorted(listing(disk)) == [".refresh.lock", "cchc-state.duckdb", "cchc-state.duckdb.lock",
                                         "cchc.duckdb"]
