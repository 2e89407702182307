"""Which unit `cchc brief --unit` means: a code, a name by the spec's key, or a toneless piece of a name.

The directory (about a thousand units) is read once and matched in Python. The tiers, first match wins:

1. the unit code, exactly;
2. the name's `name_key` (spec/sources.md, "Unit names"): "UBND phường Ba Đình" is
   "Ủy ban nhân dân phường Ba Đình";
3. the name's `search_key` (no diacritics): "uy ban nhan dan phuong ba dinh";
4. the same, without the leading "Ủy ban nhân dân" of a people's committee: "phuong ba dinh";
5. a piece of the name's search key, whole words first: "ba dinh"; then any piece: "ba đìn".

A tier with one unit gives it. With several, nothing is picked for the operator — not even the one unit in
force ("Thanh Xuân" is the new ward, the former district and six former wards; a brief's months may be the
district's): the candidates are listed with code, name, type and whether they are in force or dissolved, in
force first, and the operator names one by its code. With none anywhere, the closest names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from functools import cached_property

from brief.errors import BriefError
from core.vietnamese import day, number
from models.names import name_key, search_key
from reader.model import Unit, UnitRow

MAX_LISTED = 10
MAX_CLOSEST = 5
COMMITTEE = search_key("ủy ban nhân dân") + " "


@dataclass(frozen=True)
class _Entry:
    unit: Unit
    name_key: str | None
    search_key: str | None

    @property
    def short_key(self) -> str | None:
        """The search key without a leading "uy ban nhan dan ", or None when the name has none."""
        key = self.search_key
        return key[len(COMMITTEE):] if key and key.startswith(COMMITTEE) else None


def _status_text(unit: Unit, as_of: date) -> str:
    """In force, dissolved (or merged) or not yet in force on `as_of`, with the unit's dates."""
    since = f"từ {day(unit.valid_from)}" if unit.valid_from else "không rõ ngày bắt đầu"
    if unit.valid_from and unit.valid_from > as_of:
        return f"chưa hoạt động, {since}"
    if unit.valid_to and unit.valid_to < as_of:
        return f"đã giải thể hoặc sáp nhập, hoạt động {since} đến hết {day(unit.valid_to)}"
    return f"đang hoạt động, {since}" + (f" đến hết {day(unit.valid_to)}" if unit.valid_to else "")


def _candidate_line(unit: Unit, as_of: date) -> str:
    return f"  {unit.code} — {unit.name}  ({unit.type_vi}; {_status_text(unit, as_of)})"


class UnitDirectory:
    """The units of `marts.units`, found by code or by name."""

    def __init__(self, rows: list[UnitRow]):
        names = {code: name for code, name, *_ in rows}
        self.by_code = {code: Unit(code, name, unit_type, parent, names.get(parent) if parent else None, start, end)
                        for code, name, unit_type, parent, start, end in rows}

    @cached_property
    def _entries(self) -> list[_Entry]:
        """Keys computed on first use: a lookup by code (`--top`) never needs them."""
        return [_Entry(u, name_key(u.name), search_key(u.name)) for u in self.by_code.values()]

    def find(self, query: str, as_of: date) -> Unit:
        """The unit `query` means on `as_of`; a `BriefError` naming the candidates or the closest names."""
        code = query.strip()
        if code in self.by_code:
            return self.by_code[code]
        key, toneless = name_key(query), search_key(query)
        if toneless is None:
            raise BriefError("--unit cần mã định danh hoặc tên đơn vị")
        whole_words = re.compile(rf"(?<!\w){re.escape(toneless)}(?!\w)")  # "ba dinh" in "..., quan ba dinh"
        tiers = (
            ("cùng tên", lambda e: e.name_key == key),
            ("trùng tên (không kể dấu) với", lambda e: e.search_key == toneless),
            ("trùng tên (không kể dấu và chữ \"Ủy ban nhân dân\") với", lambda e: e.short_key == toneless),
            ("có tên chứa", lambda e: whole_words.search(e.search_key) is not None),
            ("có tên chứa", lambda e: toneless in e.search_key),
        )
        for how, matches in tiers:
            found = [e for e in self._entries if e.search_key and matches(e)]
            if found:
                return _one_of(found, query, how, as_of)
        raise BriefError(self._not_found(query, toneless))

    def _not_found(self, query: str, toneless: str) -> str:
        """One line: not found, and the closest names (by the toneless key, against whole names and word runs)."""
        closest = sorted(((_similarity(toneless, e.search_key), e.unit.code, e.unit) for e in self._entries
                          if e.search_key), key=lambda t: (-t[0], t[1]))
        close = [u for score, _code, u in closest[:MAX_CLOSEST] if score >= 0.6]
        hint = "; ".join(f"{u.name} ({u.code})" for u in close) if close else "không có tên nào gần giống"
        return f"không tìm thấy đơn vị '{query}' theo mã định danh hoặc tên trong marts.units; tên gần nhất: {hint}"


def _one_of(found: list[_Entry], query: str, how: str, as_of: date) -> Unit:
    """The unit a tier found when it found one; else every candidate (in force on `as_of` first) to choose from."""
    if len(found) == 1:
        return found[0].unit
    shown = sorted(found, key=lambda e: (not e.unit.in_force(as_of), e.search_key, e.unit.code))
    in_force = sum(1 for e in found if e.unit.in_force(as_of))
    lines = [f"có {number(len(found))} đơn vị {how} '{query}' ({number(in_force)} đơn vị đang hoạt động ngày "
             f"{day(as_of)}); hãy chọn một đơn vị theo mã định danh (--unit <mã>):",
             *(_candidate_line(e.unit, as_of) for e in shown[:MAX_LISTED])]
    if len(shown) > MAX_LISTED:
        lines.append(f"  … và {number(len(shown) - MAX_LISTED)} đơn vị khác: hãy gõ tên đầy đủ hơn")
    raise BriefError("\n".join(lines))


def _similarity(query: str, name: str) -> float:
    """How close a typed name is to a unit's name: the best ratio against the whole name or any run of as
    many words as were typed ("ba dnh" is close to "uy ban nhan dan quan ba dinh" through "ba dinh")."""
    words, width = name.split(), len(query.split())
    runs = {name, *(" ".join(words[i:i + width]) for i in range(max(1, len(words) - width + 1)))}
    return max(SequenceMatcher(None, query, run, autojunk=False).ratio() for run in runs)
