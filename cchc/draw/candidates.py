"""Who may be drawn: the units in force on the file's as-of date, read from the published file (read-only).

A unit is a candidate when it is in force on `D` (`marts.publication.as_of`: `valid_from <= D`, `valid_to`
null or `>= D`), of one of the asked types, and not inspected in the last K months (an inspection of
`marts.inspections` with `D − K months < started_on <= D`) — unless `marts.reinspection_candidates` lists it
(re-inspection is due), which brings it back. Its risk is `marts.inspection_priority.risk_score` (0 when the
unit has no row there).
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from brief.warehouse import BriefError, open_warehouse


class DrawError(ValueError):
    """A draw cannot be made or repeated; the message is what the operator reads (the CLI exits 2)."""


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    type: str
    risk_score: float  # 0 when the unit has no row in marts.inspection_priority
    readmitted: str | None = None  # why a recently inspected unit is back: re-inspection is due


@dataclass(frozen=True)
class Excluded:
    code: str
    name: str
    type: str
    inspection_id: str
    started_on: date

    @property
    def reason_vi(self) -> str:
        return f"đã được kiểm tra gần đây (cuộc {self.inspection_id}, bắt đầu {self.started_on:%d/%m/%Y})"


@dataclass(frozen=True)
class Publication:
    as_of: date
    data_kind: str
    simulated: bool


@dataclass
class Pool:
    """The candidates (by unit code) and the units left out, with the notes the operator must read."""

    publication: Publication
    since: date  # inspections started after this day (and on or before the as-of date) exclude a unit
    candidates: list[Candidate]
    excluded: list[Excluded]
    notes: list[str] = field(default_factory=list)


def file_digest(path: Path) -> str:
    """sha256 of the file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_published(path: Path) -> duckdb.DuckDBPyConnection:
    """The published file, read-only (the brief's way of opening it), its refusals as the draw's."""
    try:
        return open_warehouse(path)
    except BriefError as exc:
        raise DrawError(str(exc)) from None


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' "
        "UNION SELECT view_name FROM duckdb_views() WHERE schema_name = 'marts'").fetchall()}


def read_publication(con: duckdb.DuckDBPyConnection) -> Publication:
    if "publication" not in _tables(con):
        raise DrawError("tệp dữ liệu không có marts.publication (không rõ ngày tính và loại dữ liệu) — "
                        "hãy chạy `cchc refresh` để xuất lại tệp")
    row = con.execute("SELECT as_of, data_kind, simulated FROM marts.publication LIMIT 1").fetchone()
    if row is None or row[0] is None:
        raise DrawError("marts.publication không có ngày tính (as_of) — hãy chạy `cchc refresh` để xuất lại tệp")
    return Publication(row[0], row[1] or "", bool(row[2]))


def read_pool(con: duckdb.DuckDBPyConnection, unit_types: list[str], months: int) -> Pool:
    """The candidates of a draw on this file: in force on its as-of date, of `unit_types` (all when empty),
    not inspected in the last `months` months unless re-inspection is due."""
    if months < 0:
        raise DrawError(f"--recent-months phải là số nguyên không âm (đang là {months})")
    publication = read_publication(con)
    day, tables, notes = publication.as_of, _tables(con), []
    present = sorted(t for (t,) in con.execute("SELECT DISTINCT unit_type FROM marts.units "
                                               "WHERE unit_type IS NOT NULL").fetchall())
    unknown = [t for t in unit_types if t not in present]
    if unknown:
        raise DrawError(f"loại đơn vị không có trong danh mục: {', '.join(unknown)} "
                        f"(các loại có: {', '.join(present)})")
    types = sorted(set(unit_types)) or present
    risk = {}
    if "inspection_priority" in tables:
        risk = dict(con.execute("SELECT unit_code, risk_score FROM marts.inspection_priority").fetchall())
    else:
        notes.append("tệp không có marts.inspection_priority: mọi đơn vị có điểm rủi ro 0 (bốc đều)")
    units = con.execute(
        "SELECT unit_code, unit_name, unit_type FROM marts.units WHERE unit_type IN (SELECT unnest(?)) "
        "AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?) ORDER BY unit_code",
        [types, day, day]).fetchall()
    since = months_before(day, months)
    recent: dict[str, tuple[str, date]] = {}
    if "inspections" in tables:
        for code, inspection, started in con.execute(
                "SELECT unit_code, inspection_id, started_on FROM marts.inspections "
                "WHERE started_on > ? AND started_on <= ? ORDER BY started_on, inspection_id", [since, day]).fetchall():
            recent[code] = (inspection, started)  # the latest one
    else:
        notes.append("CẢNH BÁO: tệp không có marts.inspections (sổ kiểm tra): không loại đơn vị nào "
                     "vì mới được kiểm tra")
    due: set[str] = set()
    if "reinspection_candidates" in tables:
        due = {code for (code,) in con.execute("SELECT unit_code FROM marts.reinspection_candidates").fetchall()}
    else:
        notes.append("tệp không có marts.reinspection_candidates: không đơn vị nào được bốc lại vì cần tái kiểm tra")
    candidates, excluded = [], []
    for code, name, unit_type in units:
        score = float(risk.get(code) or 0.0)
        if code not in recent:
            candidates.append(Candidate(code, name, unit_type, score))
        elif code in due:
            candidates.append(Candidate(code, name, unit_type, score, "cần tái kiểm tra "
                                        f"(đã kiểm tra: cuộc {recent[code][0]}, bắt đầu {recent[code][1]:%d/%m/%Y})"))
        else:
            excluded.append(Excluded(code, name, unit_type, *recent[code]))
    return Pool(publication, since, candidates, excluded, notes)
