"""The inspectors' register as the marts hold it: each unit's inspections, recommendations and remediation
(`Cycle`, the brief's sheet and the unit page), its last inspection, and the rule that leaves recently
inspected units out of a surprise draw — the one rule the draw (`cchc draw`), the priority list's filter and
the overview's "inspect first" list share.

A file published before the register existed has none of these tables: each read says what it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from reader.months import months_before
from reader.sql import has_table, has_tables, marts_tables

TABLES = ("inspections", "recommendations", "remediation_reports", "remediation", "reinspection_candidates")
RECENT_MONTHS = 12
"""K, the months after an inspection during which a unit is left out of a surprise draw (`cchc draw
--recent-months`, default) and of the overview's "inspect first" list."""


@dataclass
class Cycle:
    """The unit's part of the inspection cycle, as the marts hold it (None: the file has no register)."""

    inspections: list[tuple] = field(default_factory=list)
    recommendations: list[dict] = field(default_factory=list)
    reports: list[tuple] = field(default_factory=list)
    reinspection_reasons: list[str] | None = None  # None: no re-inspection due


def read_cycle(con: duckdb.DuckDBPyConnection, unit_code: str) -> Cycle | None:
    if not has_tables(con, *TABLES):
        return None
    inspections = con.execute(
        "SELECT inspection_id, kind_vi, started_on, ended_on, team_lead, conclusion_no, conclusion_date "
        "FROM marts.inspections WHERE unit_code = ? ORDER BY started_on DESC, inspection_id", [unit_code]).fetchall()
    rel = con.execute(
        "SELECT r.recommendation_id, r.inspection_id, r.text_vi, r.signal_code, "
        "       coalesce(m.deadline, r.deadline) AS deadline, m.kind, m.baseline_value, m.after_value, m.status_vi, "
        "       m.status, m.overdue, m.claim_contradicted, m.explanation_vi, "
        "       coalesce(m.claim_vi, c.claim_vi) AS claim_vi, coalesce(m.claimed_on, c.reported_on) AS claimed_on "
        "FROM marts.recommendations r "
        "LEFT JOIN marts.remediation m USING (recommendation_id) "
        # a recommendation without a signal has no remediation row: its claim is the latest report naming it
        # or covering its whole inspection (the rule of marts.remediation)
        "LEFT JOIN (SELECT k.recommendation_id, p.claim_vi, p.reported_on FROM marts.recommendations k "
        "           JOIN marts.remediation_reports p ON p.recommendation_id = k.recommendation_id "
        "                OR (p.recommendation_id IS NULL AND p.inspection_id = k.inspection_id) "
        "           QUALIFY row_number() OVER (PARTITION BY k.recommendation_id ORDER BY p.reported_on DESC, "
        "                                      p.recommendation_id IS NOT NULL DESC, p.report_key DESC) = 1) c "
        "       USING (recommendation_id) "
        "JOIN marts.inspections i ON i.inspection_id = r.inspection_id "
        "WHERE r.unit_code = ? ORDER BY i.started_on DESC, r.recommendation_id", [unit_code])
    columns = [d[0] for d in rel.description]
    recommendations = [dict(zip(columns, row, strict=True)) for row in rel.fetchall()]
    reports = con.execute(
        "SELECT inspection_id, coalesce(recommendation_id, 'mọi kiến nghị'), reported_on, claim_vi, document_no "
        "FROM marts.remediation_reports WHERE unit_code = ? ORDER BY reported_on DESC, inspection_id",
        [unit_code]).fetchall()
    due = con.execute("SELECT reasons_vi FROM marts.reinspection_candidates WHERE unit_code = ?",
                      [unit_code]).fetchall()
    return Cycle(inspections, recommendations, reports, list(due[0][0] or []) if due else None)




# --- the recently inspected ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recency:
    """Who was inspected in the `months` months before `as_of`, and whose re-inspection is due: a recently
    inspected unit is left out of a surprise draw unless its re-inspection is due (docs/draw.md, section 1)."""

    as_of: date
    months: int
    since: date  # an inspection started after this day, and on or before `as_of`, is recent
    recent: dict[str, tuple[str, date]]  # unit → its latest recent inspection (id, start date)
    due: dict[str, list[str]]  # unit → why its re-inspection is due (marts.reinspection_candidates)
    notes: list[str] = field(default_factory=list)  # what the file lacks, in the operator's words

    def left_out(self, code: str) -> bool:
        """Inspected recently, and its re-inspection is not due."""
        return code in self.recent and code not in self.due

    @property
    def left_out_codes(self) -> list[str]:
        return sorted(code for code in self.recent if code not in self.due)


def recency(con: duckdb.DuckDBPyConnection, as_of: date, months: int = RECENT_MONTHS) -> Recency:
    """The rule on this file: inspections of `marts.inspections` with `as_of − months` < started_on ≤ `as_of`
    (the same day `months` earlier; the month's last day when it is shorter), brought back by
    `marts.reinspection_candidates`."""
    tables, notes = marts_tables(con), []
    since = months_before(as_of, months)
    recent: dict[str, tuple[str, date]] = {}
    if "inspections" in tables:
        for code, inspection, started in con.execute(
                "SELECT unit_code, inspection_id, started_on FROM marts.inspections "
                "WHERE started_on > ? AND started_on <= ? ORDER BY started_on, inspection_id",
                [since, as_of]).fetchall():
            recent[code] = (inspection, started)  # the latest one
    else:
        notes.append("CẢNH BÁO: tệp không có marts.inspections (sổ kiểm tra): không loại đơn vị nào "
                     "vì mới được kiểm tra")
    due: dict[str, list[str]] = {}
    if "reinspection_candidates" in tables:
        due = {code: list(reasons or []) for code, reasons in con.execute(
            "SELECT unit_code, reasons_vi FROM marts.reinspection_candidates").fetchall()}
    else:
        notes.append("tệp không có marts.reinspection_candidates: không đơn vị nào được bốc lại vì cần tái kiểm tra")
    return Recency(as_of, months, since, recent, due, notes)


@dataclass(frozen=True)
class LastInspection:
    """A unit's latest inspection started on or before the as-of date (marts.inspections)."""

    inspection_id: str
    kind_vi: str | None
    started_on: date
    ended_on: date | None
    conclusion_no: str | None
    conclusion_date: date | None


def last_inspections(con: duckdb.DuckDBPyConnection, as_of: date,
                     codes: list[str] | None = None) -> dict[str, LastInspection]:
    """unit → its latest inspection started on or before `as_of` (of `codes` only, when given); empty for a
    file without the register."""
    if not has_table(con, "inspections"):
        return {}
    found = con.execute(
        "SELECT unit_code, inspection_id, kind_vi, started_on, ended_on, conclusion_no, conclusion_date "
        "FROM marts.inspections WHERE started_on <= ? AND unit_code IS NOT NULL "
        "AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], unit_code)) "
        "QUALIFY row_number() OVER (PARTITION BY unit_code ORDER BY started_on DESC, inspection_id DESC) = 1",
        [as_of, codes, codes]).fetchall()
    return {code: LastInspection(*rest) for code, *rest in found}
