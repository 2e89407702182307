"""The published file opens in older DuckDB releases, as the README and the inspectors' guide promise.

Desktop tools (DBeaver, ODBC, R) bundle their own DuckDB, often 1.4 LTS or older. Each release named
in RELEASES is installed from the package index into a virtual environment of its own, kept under
pytest's cache folder (`.pytest_cache/`, gitignored) and reused by later runs. It reads the file
published from the real marts of a tiny city (`sample_city`): every marts table, every row, every
table and column comment must come out as the project's own DuckDB reads them.

Without the package index the test is skipped, saying so; under CI (`CI=true`) it fails instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from sample_city import build_state

from storage.publish import SIMULATED_MARK, STORAGE_VERSION, mart_comments, publish
from storage.sqlmodels import discover
from storage.state import StateStore

pytestmark = pytest.mark.e2e

RELEASES = {"1.4": "duckdb==1.4.*", "1.1": "duckdb==1.1.*"}
"""The oldest 1.x the promise must hold for (1.1: storage version 64 only) and the 1.4 LTS line."""

# Run by every DuckDB under test, so the same Python code reads the file; plain API of DuckDB 1.0 onwards.
READER = r"""
import hashlib, json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
out = {"version": duckdb.__version__, "tables": {}}
for name, comment in con.execute("SELECT table_name, comment FROM duckdb_tables() "
                                 "WHERE schema_name = 'marts' ORDER BY table_name").fetchall():
    columns = con.execute("SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = 'marts' "
                          "AND table_name = ? ORDER BY column_index", [name]).fetchall()
    rows = con.execute(f"SELECT * FROM marts.{name} ORDER BY ALL").fetchall()
    out["tables"][name] = {"comment": comment, "columns": [list(c) for c in columns], "rows": len(rows),
                           "digest": hashlib.sha256(repr(rows).encode()).hexdigest()}
con.close()
print(json.dumps(out))
"""


def _pip(python: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """The pip of the environment under test (the project's own has none: uv installs it)."""
    return subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=timeout)


def _unavailable(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{why} (CI=true: this test must run in CI)")
    pytest.skip(why)


def _venv(root: Path, series: str, requirement: str) -> Path:
    """The python of a virtual environment holding `requirement`, created once and reused."""
    folder = root / f"duckdb-{series}"
    python, stamp = folder / "bin" / "python", folder / ".installed"
    if stamp.is_file() and stamp.read_text() == requirement and python.exists():
        return python
    shutil.rmtree(folder, ignore_errors=True)  # absent, or left half-built by an interrupted run
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True, timeout=300)
    installed = _pip(python, "install", "--quiet", "--retries", "2", "--timeout", "30", requirement)
    if installed.returncode != 0:
        probe = _pip(python, "index", "versions", "duckdb", "--retries", "1", "--timeout", "15", timeout=120)
        shutil.rmtree(folder, ignore_errors=True)
        if probe.returncode != 0:
            said = (probe.stderr or probe.stdout).strip().splitlines() or ["no answer"]
            _unavailable(f"the package index is unreachable, so {requirement} cannot be installed to check "
                         f"the published file ({said[-1]})")
        raise AssertionError(f"pip could not install {requirement}:\n{installed.stdout}{installed.stderr}")
    stamp.write_text(requirement)
    return python


@pytest.fixture(scope="session")
def old_duckdb(request, tmp_path_factory) -> dict[str, Path]:
    """series -> the python of a virtual environment holding that DuckDB release."""
    cache = getattr(request.config, "cache", None)
    root = cache.mkdir("duckdb-releases") if cache is not None else tmp_path_factory.mktemp("duckdb-releases")
    began = time.perf_counter()
    pythons = {series: _venv(Path(root), series, requirement) for series, requirement in RELEASES.items()}
    print(f"\nDuckDB releases ready under {root} in {time.perf_counter() - began:.1f} s")
    return pythons


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> tuple[Path, dict[str, list[tuple[str, str]]]]:
    """The file publish() writes from the real marts of the tiny city, and the marts' column types."""
    folder = tmp_path_factory.mktemp("compat")
    build_state(folder / "cchc-state.duckdb")
    with StateStore(folder / "cchc-state.duckdb") as state:
        publish(state.con, folder / "cchc.duckdb")
        types = {}
        for table, column, data_type in state.con.sql(
                "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
                "AND schema_name = 'marts' ORDER BY table_name, column_index").fetchall():
            types.setdefault(table, []).append((column, data_type))
    return folder / "cchc.duckdb", types


def _read(python: Path | str, path: Path) -> dict:
    out = subprocess.run([str(python), "-c", READER, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def _header_version(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    return int.from_bytes(header[12:20], "little")


def test_the_file_is_written_in_the_oldest_storage_format_with_every_mart(published):
    path, types = published
    assert STORAGE_VERSION == "v1.0.0"
    assert _header_version(path) == 64, "DuckDB 1.1 reads storage version 64 only, 1.4 LTS 64 to 67"
    with duckdb.connect(str(path), read_only=True) as con:
        tags = con.sql("SELECT tags FROM duckdb_databases() WHERE database_name = current_database()").fetchall()[0][0]
    assert tags.get("storage_version") == "v1.0.0+"
    marts = {m.name for m in discover().values() if m.schema == "marts"}
    assert set(types) == marts, "the tiny city builds every marts table the pipeline publishes"
    assert ("top_reasons", "VARCHAR[]") in types["inspection_priority"]
    mine = _read(sys.executable, path)
    assert {t: [tuple(c[:2]) for c in v["columns"]] for t, v in mine["tables"].items()} == types
    assert all(v["rows"] > 0 for v in mine["tables"].values()), "every marts table holds rows"


@pytest.mark.parametrize("series", sorted(RELEASES))
def test_an_older_duckdb_reads_every_table_row_and_comment(series, old_duckdb, published):
    path, _types = published
    mine, theirs = _read(sys.executable, path), _read(old_duckdb[series], path)
    assert theirs["version"].startswith(series + "."), theirs["version"]
    assert theirs["tables"].keys() == mine["tables"].keys()
    comments = mart_comments()
    for table, expected in mine["tables"].items():
        got = theirs["tables"][table]
        assert (got["rows"], got["digest"]) == (expected["rows"], expected["digest"]), f"{table}: rows differ"
        assert got["columns"] == expected["columns"], f"{table}: columns, types or comments differ"
        assert got["comment"] in (comments[table]["table"], SIMULATED_MARK + comments[table]["table"]), table
        assert [c[2] for c in got["columns"]] == [comments[table].get(c[0]) for c in got["columns"]], \
            f"{table}: every column carries its comment from comments.toml"
    tables = theirs["tables"]
    counts = ", ".join(f"{t} {v['rows']}" for t, v in tables.items())
    print(f"\nDuckDB {theirs['version']} read {len(tables)} marts tables ({counts}), "
          f"{sum(bool(v['comment']) for v in tables.values())} table comments, "
          f"{sum(bool(c[2]) for v in tables.values() for c in v['columns'])} column comments "
          f"of {sum(len(v['columns']) for v in tables.values())} columns")
