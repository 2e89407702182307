"""Who may be drawn: the units in force on the file's as-of date, read from the published file (read-only).

A unit is a candidate when it is in force on `D` (`marts.publication.as_of`: `valid_from <= D`, `valid_to`
null or `>= D`), of one of the asked types, and not inspected in the last K months (an inspection of
`marts.inspections` with `D − K months < started_on <= D`) — unless `marts.reinspection_candidates` lists it
(re-inspection is due), which brings it back (the one rule of who was just inspected: `reader.register`). Its
risk is `marts.inspection_priority.risk_score` (0 when the unit has no row there): the evidence-weighted score
(rule version 2) in a file with `marts.priority_signals`, the raw one (version 1) in a file published before it.
Each candidate's reasons, with their numbers, come from `marts.priority_signals` (`reader.reasons`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from cchc.draw.sampling import RULE_VERSION
from reader.file import open_read_only
from reader.reasons import explain, read_reasons
from reader.register import recency
from reader.sql import marts_tables

OLD_SCORE_VERSION = 1  # the rule version of a file whose risk score is the raw one (no marts.priority_signals)


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
    rule_version: int = RULE_VERSION  # which risk score the weights follow (cchc.draw.sampling.RISK_SCORES)
    reasons: dict[str, list[str]] = field(default_factory=dict)  # unit → its top reasons, with their numbers


def file_digest(path: Path) -> str:
    """sha256 of the file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_published(path: Path) -> duckdb.DuckDBPyConnection:
    """The published file, read-only (the reader's refusals: no file yet, a file that does not open)."""
    return open_read_only(path)


def read_publication(con: duckdb.DuckDBPyConnection) -> Publication:
    if "publication" not in marts_tables(con):
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
    day, tables, notes = publication.as_of, marts_tables(con), []
    present = sorted(t for (t,) in con.execute("SELECT DISTINCT unit_type FROM marts.units "
                                               "WHERE unit_type IS NOT NULL").fetchall())
    unknown = [t for t in unit_types if t not in present]
    if unknown:
        raise DrawError(f"loại đơn vị không có trong danh mục: {', '.join(unknown)} "
                        f"(các loại có: {', '.join(present)})")
    types = sorted(set(unit_types)) or present
    risk, top = {}, {}
    if "inspection_priority" in tables:
        for code, score, top_reasons in con.execute(
                "SELECT unit_code, risk_score, top_reasons FROM marts.inspection_priority").fetchall():
            risk[code], top[code] = score, list(top_reasons or [])
    else:
        notes.append("tệp không có marts.inspection_priority: mọi đơn vị có điểm rủi ro 0 (bốc đều)")
    version = RULE_VERSION if "priority_signals" in tables else OLD_SCORE_VERSION
    if version == OLD_SCORE_VERSION and risk:
        notes.append("tệp được công bố trước khi điểm rủi ro xét đến số trường hợp (không có "
                     "marts.priority_signals): trọng số theo điểm rủi ro cũ, quy tắc v1 — chạy `cchc refresh` để bốc "
                     "theo điểm mới")
    reasons = {code: [r.full_text for r in explain(found, top.get(code, [])).reasons]
               for code, found in read_reasons(con).items()}
    units = con.execute(
        "SELECT unit_code, unit_name, unit_type FROM marts.units WHERE unit_type IN (SELECT unnest(?)) "
        "AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?) ORDER BY unit_code",
        [types, day, day]).fetchall()
    rule = recency(con, day, months)  # the one rule of who was just inspected (reader.register)
    notes += rule.notes
    candidates, excluded = [], []
    for code, name, unit_type in units:
        score = float(risk.get(code) or 0.0)
        if code not in rule.recent:
            candidates.append(Candidate(code, name, unit_type, score))
        elif not rule.left_out(code):
            inspection, started = rule.recent[code]
            candidates.append(Candidate(code, name, unit_type, score, "cần tái kiểm tra "
                                        f"(đã kiểm tra: cuộc {inspection}, bắt đầu {started:%d/%m/%Y})"))
        else:
            excluded.append(Excluded(code, name, unit_type, *rule.recent[code]))
    return Pool(publication, rule.since, candidates, excluded, notes, version, reasons)
