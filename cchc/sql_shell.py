"""`cchc sql`: a read-only SQL shell on the published warehouse, for inspectors and operators."""

from __future__ import annotations

import sys

import duckdb

from core.settings import Settings

HELP = """Lệnh: .tables (các bảng), .help, .quit — câu lệnh SQL kết thúc bằng dấu chấm phẩy (;).
Ví dụ: SELECT rank, unit_name, risk_score FROM marts.inspection_priority ORDER BY rank LIMIT 10;"""


def open_readonly() -> duckdb.DuckDBPyConnection | None:
    path = Settings.from_env().warehouse
    if not path.exists():
        print(f"cchc sql: {path} does not exist yet; run `cchc refresh` first", file=sys.stderr)
        return None
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    return con


def _run(con: duckdb.DuckDBPyConnection, sql: str, out) -> bool:
    try:
        rel = con.sql(sql)
        if rel is not None:
            print(rel.__str__() if rel.columns else "", file=out)
        return True
    except duckdb.Error as exc:
        print(f"Lỗi: {str(exc).splitlines()[0]}", file=out)
        return False


def run_sql(command: str | None = None, stdin=None, out=None) -> int:
    out = out or sys.stdout
    con = open_readonly()
    if con is None:
        return 2
    with con:
        if command is not None:
            return 0 if _run(con, command, out) else 1
        stdin = stdin or sys.stdin
        interactive = stdin.isatty()
        if interactive:
            print(f"Kho dữ liệu kiểm tra CCHC (chỉ đọc). {HELP}", file=out)
        buffer = []
        while True:
            if interactive:
                print("cchc> " if not buffer else "  ... ", end="", file=out, flush=True)
            line = stdin.readline()
            if not line:
                break
            text = line.strip()
            if not buffer and text in (".quit", ".exit"):
                break
            if not buffer and text == ".help":
                print(HELP, file=out)
                continue
            if not buffer and text == ".tables":
                _run(con, "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1", out)
                continue
            buffer.append(line)
            if text.endswith(";"):
                _run(con, "".join(buffer), out)
                buffer = []
        return 0
