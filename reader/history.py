"""How a unit's ranking moved: its rank and score at each month-end of marts.priority_history and now
(marts.inspection_priority), and the sentence that says which signals moved its score since the previous
month-end and by how much — the change of each signal's contribution (priority_history_signals → priority_signals;
a unit's contributions add up to its score)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from core.vietnamese import month, number
from reader.sql import has_table

SHOWN_MOVES = 3  # the sentence names the signals that moved the score most; the rest are summed


@dataclass(frozen=True)
class Standing:
    """A unit's place in the ranking at one month-end (`month`, its first day), or now (`current`)."""

    month: date
    rank: int
    risk_score: float
    ranked: int  # how many units were ranked then
    current: bool = False


def read_standings(con: duckdb.DuckDBPyConnection, code: str, as_of_month: date | None) -> list[Standing]:
    """The unit's standings, oldest first: each month-end of the history it was ranked at, then now (when ranked
    now; `as_of_month` is the month of the file's as-of date). Empty for a file without the history."""
    if not has_table(con, "priority_history"):
        return []
    past = [Standing(*row) for row in con.execute("""
        SELECT h.as_of_month, h.rank, h.risk_score, n.ranked FROM marts.priority_history h
        JOIN (SELECT as_of_month, count(*) AS ranked FROM marts.priority_history GROUP BY as_of_month) n
             USING (as_of_month)
        WHERE h.unit_code = ? ORDER BY h.as_of_month""", [code]).fetchall()]
    now = con.execute("SELECT rank, risk_score, (SELECT count(*) FROM marts.inspection_priority) "
                      "FROM marts.inspection_priority WHERE unit_code = ?", [code]).fetchall()
    if now and as_of_month is not None:
        past.append(Standing(as_of_month, *now[0], current=True))
    return past


def history_months(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The month-ends of the history, oldest first."""
    if not has_table(con, "priority_history"):
        return []
    return [m for (m,) in con.execute("SELECT DISTINCT as_of_month FROM marts.priority_history ORDER BY 1").fetchall()]


def read_contributions(con: duckdb.DuckDBPyConnection, code: str,
                       as_of_month: date | None) -> dict[str, float] | None:
    """signal → its contribution to the unit's score at the month-end `as_of_month`, or now (None); None when the
    file does not hold them (published before marts.priority_history_signals, or priority_signals)."""
    if as_of_month is None:
        return dict(con.execute("SELECT signal_code, contribution FROM marts.priority_signals WHERE unit_code = ?",
                                [code]).fetchall()) if has_table(con, "priority_signals") else None
    if not has_table(con, "priority_history_signals"):
        return None
    return dict(con.execute("SELECT signal_code, contribution FROM marts.priority_history_signals "
                            "WHERE unit_code = ? AND as_of_month = ?", [code, as_of_month]).fetchall())


def signed(value: float) -> str:
    """+1,80 or −0,11 (a real minus sign), two decimals."""
    return f"{'+' if value >= 0 else '−'}{number(abs(value), 2)}"


def rank_move(before: int, after: int) -> str:
    if after < before:
        return f"hạng từ {number(before)} lên {number(after)}"
    if after > before:
        return f"hạng từ {number(before)} xuống {number(after)}"
    return f"giữ hạng {number(after)}"


def movement(previous_month: date, before: Standing | None, now: Standing | None, was: dict[str, float] | None,
             is_: dict[str, float] | None, names: dict[str, str]) -> str | None:
    """One sentence: how the unit's score and rank moved from the end of `previous_month` to now, and the
    signals that moved it (the change of each one's contribution, largest first; at most SHOWN_MOVES named, the
    rest summed; not named when either side's contributions are unknown, None). None when the unit is not ranked
    now."""
    if now is None:
        return None
    then = f"cuối tháng {month(previous_month)}"
    if before is None:
        return (f"Đơn vị chưa được xếp hạng ở {then} (chưa hoạt động hoặc chưa có chỉ số tỷ lệ nào có số liệu); "
                f"nay hạng {number(now.rank)}, điểm rủi ro {number(now.risk_score, 2)}.")
    if was is None or is_ is None:
        was = is_ = {}
    changes = sorted(((is_.get(c, 0.0) - was.get(c, 0.0), c) for c in set(was) | set(is_)),
                     key=lambda t: (-abs(t[0]), t[1]))
    changes = [(d, c) for d, c in changes if round(abs(d), 2) >= 0.01]  # what shows as at least 0,01
    delta = round(now.risk_score - before.risk_score, 2)
    if delta == 0:
        head = f"So với {then}, điểm rủi ro không đổi ({number(now.risk_score, 2)})"
    else:
        head = (f"So với {then}, điểm rủi ro {'tăng' if delta > 0 else 'giảm'} {number(abs(delta), 2)} "
                f"(từ {number(before.risk_score, 2)} {'lên' if delta > 0 else 'xuống'} {number(now.risk_score, 2)})")
    head += f", {rank_move(before.rank, now.rank)}"

    def named(d: float, c: str) -> str:
        note = " (mới có số liệu)" if c not in was else " (không còn số liệu)" if c not in is_ else ""
        return f"{names.get(c, c)}{note} {signed(d)}"

    parts = [named(d, c) for d, c in changes[:SHOWN_MOVES]]
    rest = changes[SHOWN_MOVES:]
    if rest:
        parts.append(f"{number(len(rest))} chỉ số khác {signed(sum(d for d, _ in rest))}")
    return f"{head}: {'; '.join(parts)}." if parts else f"{head}."
