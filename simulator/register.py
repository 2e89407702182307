"""The inspectors' register of the simulated city: inspections, recommendations, remediation reports.

The Department of Home Affairs keeps its register (sổ theo dõi kiểm tra) in Excel workbooks, in the
format of `docs/inspection-cycle.md` §1. Here the register is planned once per seed, when the
directory is built and before any record is generated, and the plan changes the behaviour of the
inspected units (`Unit.changes`): after its remediation deadline a unit remedies its weak signals,
improves partly, stays as it was or gets worse. The workbooks are written from the same plan, so
what the register says (recommendations on the unit's weak signals, the units' claims) and what
the systems' records show tell one consistent story — including units that claim to have remedied
what their data contradict.

The simulator imports nothing of the platform: the sheet names, column headers and drop-down labels
below are the simulator's own copy of `models/register.py` (a test keeps them equal).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from simulator.directory import Change, Directory, Unit
from simulator.naming import old_style_tones
from simulator.rng import FastRandom, stream
from simulator.timeutil import add_working_days, is_working_day

# --------------------------------------------------------------------------- the workbook's contract

INSPECTIONS, RECOMMENDATIONS, REPORTS = "Cuộc kiểm tra", "Kiến nghị", "Báo cáo khắc phục"
HEADERS: dict[str, tuple[str, ...]] = {
    INSPECTIONS: ("Mã cuộc kiểm tra", "Mã đơn vị", "Tên đơn vị", "Hình thức", "Ngày bắt đầu", "Ngày kết thúc",
                  "Trưởng đoàn", "Số kết luận", "Ngày kết luận"),
    RECOMMENDATIONS: ("Mã kiến nghị", "Mã cuộc kiểm tra", "Nội dung kiến nghị", "Mã chỉ tiêu", "Hạn khắc phục"),
    REPORTS: ("Mã cuộc kiểm tra", "Mã kiến nghị", "Ngày báo cáo", "Kết quả đơn vị báo cáo", "Số văn bản"),
}
"""Sheet → its column headers, in order (the same as `models/register.py`)."""

KINDS: dict[str, str] = {
    "KE_HOACH": "Theo kế hoạch có báo trước",
    "DOT_XUAT": "Đột xuất",
    "TAI_KIEM_TRA": "Tái kiểm tra",
}
CLAIMS: dict[str, str] = {
    "DA_KHAC_PHUC": "Đã khắc phục",
    "DANG_KHAC_PHUC": "Đang khắc phục",
}
DATE_FORMAT = "DD/MM/YYYY"

# --------------------------------------------------------------------------- what is recommended

THRESHOLDS: dict[str, float] = {
    "MOTCUA_DUNG_HAN": 0.95, "QLVB_DEN_DUNG_HAN": 0.95, "NHIEMVU_DUNG_HAN": 0.95, "QLVB_DI_KY_SO": 0.95,
}
"""The signals recommendations are about (ratios, by the signal catalogue's thresholds)."""

PERFORMANCE_SIGNALS = ("MOTCUA_DUNG_HAN", "QLVB_DEN_DUNG_HAN", "NHIEMVU_DUNG_HAN")  # driven by performance(d)
ESIGN_SIGNAL = "QLVB_DI_KY_SO"  # driven by the trait `esign`
_SIGNALS_OF = {
    "SO": PERFORMANCE_SIGNALS, "UBND_HUYEN": PERFORMANCE_SIGNALS,
    "UBND_XA": ("MOTCUA_DUNG_HAN", "QLVB_DEN_DUNG_HAN"),  # communes have next to no City PC tasks
}

SIGNAL_TEXTS = {
    "MOTCUA_DUNG_HAN": "Chấn chỉnh việc giải quyết hồ sơ thủ tục hành chính quá hạn; bảo đảm tỷ lệ hồ sơ "
                       "giải quyết đúng hạn từ 95% trở lên.",
    "QLVB_DEN_DUNG_HAN": "Chấn chỉnh việc xử lý văn bản đến quá hạn trên Hệ thống quản lý văn bản và điều hành; "
                         "bảo đảm tỷ lệ văn bản đến xử lý đúng hạn từ 95% trở lên.",
    "NHIEMVU_DUNG_HAN": "Tập trung hoàn thành các nhiệm vụ UBND Thành phố giao đúng thời hạn; bảo đảm tỷ lệ "
                        "nhiệm vụ hoàn thành đúng hạn từ 95% trở lên.",
    "QLVB_DI_KY_SO": "Phát hành văn bản đi dưới dạng điện tử có chữ ký số theo Nghị định 30/2020/NĐ-CP; bảo đảm "
                     "tỷ lệ văn bản đi được ký số từ 95% trở lên.",
}
OTHER_TEXTS = (
    "Niêm yết, công khai đầy đủ, kịp thời thủ tục hành chính tại Bộ phận Một cửa và trên Cổng thông tin điện tử "
    "của đơn vị.",
    "Cập nhật đầy đủ quy trình nội bộ giải quyết thủ tục hành chính; công khai kết quả giải quyết hồ sơ trên "
    "Cổng Dịch vụ công của Thành phố.",
    "Kiện toàn Bộ phận Một cửa; bố trí công chức đủ năng lực, phẩm chất làm nhiệm vụ tiếp nhận, trả kết quả.",
    "Ban hành Kế hoạch cải cách hành chính và Kế hoạch tự kiểm tra hằng năm đúng thời hạn, bám sát Kế hoạch "
    "của UBND Thành phố.",
    "Công khai số điện thoại đường dây nóng, hộp thư góp ý; tiếp nhận, xử lý kịp thời phản ánh, kiến nghị của "
    "người dân, doanh nghiệp.",
    "Lập, quản lý hồ sơ công việc và nộp lưu hồ sơ, tài liệu vào Lưu trữ cơ quan theo quy định.",
)
RECHECK_TEXT = ("Tiếp tục khắc phục dứt điểm các tồn tại, hạn chế đã nêu tại Kết luận kiểm tra năm trước; "
                "báo cáo kết quả bằng văn bản.")

TEAM_LEADS_SENIOR = ("Giám đốc Sở Nội vụ", "Phó Giám đốc Sở Nội vụ", "Phó Giám đốc Sở Nội vụ",
                     "Phó Chánh Văn phòng UBND Thành phố")
TEAM_LEADS = ("Trưởng phòng Cải cách hành chính, Sở Nội vụ", "Phó Trưởng phòng Cải cách hành chính, Sở Nội vụ",
              "Phó Giám đốc Sở Nội vụ")

# --------------------------------------------------------------------------- how inspections are planned

YEARS = (2024, 2025)
# Of the units eligible each year: a quarter of the departments and district PCs; of the communes (many,
# small) fewer, busier ones first — the 126 communes of 2025 are larger than the 579 before them.
INSPECTED_SHARE = {2024: {"SO": 0.25, "UBND_HUYEN": 0.25, "UBND_XA": 0.06},
                   2025: {"SO": 0.25, "UBND_HUYEN": 0.25, "UBND_XA": 0.12}}
SEASON = {2024: (date(2024, 3, 4), date(2024, 10, 31)), 2025: (date(2025, 4, 1), date(2025, 11, 20))}
FOLLOW_UP_DAYS = 240  # a unit is inspected only if it exists this long after the start (deadline + months)
REINSPECTIONS = 4  # at most, in 2025, of units inspected in 2024 whose remediation fell short

REMEDY, PARTIAL, STAY, WORSE = "REMEDY", "PARTIAL", "STAY", "WORSE"
PARTIAL_CAP = 0.93  # a partial improvement stays this far below the thresholds
OUTCOMES = ((REMEDY, 0.45), (PARTIAL, 0.20), (STAY, 0.22), (WORSE, 0.13))
# What a unit reports, by what it really did: (claim or None for no report, probability).
REPORTING = {
    REMEDY: (("DA_KHAC_PHUC", 0.85), ("DANG_KHAC_PHUC", 0.05), (None, 0.10)),
    PARTIAL: (("DANG_KHAC_PHUC", 0.50), ("DA_KHAC_PHUC", 0.30), (None, 0.20)),
    STAY: (("DA_KHAC_PHUC", 0.40), ("DANG_KHAC_PHUC", 0.30), (None, 0.30)),
    WORSE: (("DA_KHAC_PHUC", 0.50), ("DANG_KHAC_PHUC", 0.20), (None, 0.30)),
    None: (("DA_KHAC_PHUC", 0.70), ("DANG_KHAC_PHUC", 0.15), (None, 0.15)),
}


def ky_so_ratio(esign: float) -> float:
    """The share of outgoing documents issued electronically and signed, for the trait `esign` (see qlvb)."""
    return esign * (esign + (1 - esign) * 0.3)


def esign_for(ratio: float) -> float:
    """The `esign` whose signed share is `ratio` (the inverse of `ky_so_ratio`)."""
    return (-0.3 + (0.09 + 2.8 * ratio) ** 0.5) / 1.4


@dataclass
class Recommendation:
    id: str
    text: str
    signal: str | None
    deadline: date


@dataclass
class Report:
    on: date
    claim: str
    document_no: str
    recommendation: Recommendation | None  # None: the report covers all of the inspection's


@dataclass
class Inspection:
    id: str
    unit: Unit
    kind: str
    start: date
    end: date
    team_lead: str
    conclusion_no: str
    conclusion_date: date
    written_code: bool  # the row gives the unit's code
    written_name: str | None  # ... and/or a name as the inspectors typed it
    recommendations: list[Recommendation] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    outcome: str | None = None  # for the signal recommendations: REMEDY | PARTIAL | STAY | WORSE
    change: Change | None = None  # the unit's change of behaviour it caused
    before: dict[str, float] = field(default_factory=dict)  # expected signal values, 12 months before
    after: dict[str, float] = field(default_factory=dict)  # ... once the change holds

    @property
    def signals(self) -> list[str]:
        return [r.signal for r in self.recommendations if r.signal]

    @property
    def deadline(self) -> date:
        """The remediation deadline of its signal recommendations (of all of them when none has a signal)."""
        return max([r.deadline for r in self.recommendations if r.signal]
                   or [r.deadline for r in self.recommendations])

    @property
    def claims_remedied(self) -> bool:
        return any(r.claim == "DA_KHAC_PHUC" for r in self.reports)


# --------------------------------------------------------------------------- small helpers

def _pick(rng: FastRandom, table):
    r, acc = rng.random(), 0.0
    for value, p in table:
        acc += p
        if r < acc:
            return value
    return table[-1][0]


def _working_day_from(d: date) -> date:
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _months_before(d: date, n: int = 12) -> list[date]:
    """The 15th of each of the `n` whole months before the month of `d`."""
    out, y, m = [], d.year, d.month
    for _ in range(n):
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        out.append(date(y, m, 15))
    return out


def _initials(unit: Unit) -> str:
    """The sign of a unit's documents: `UBND` for the people's committees, `SNV` for Sở Nội vụ, ..."""
    if unit.loai.startswith("UBND"):
        return "UBND"
    words = [w for w in unit.name.replace("-", " ").split() if w not in ("và", "thành", "phố")]
    return "".join(w[0].upper() for w in words)[:6]


def _typed_name(unit: Unit, rng: FastRandom) -> str:
    """The unit as an inspector types it: its name, with old-style tone marks (`Uỷ ban`), or an alias."""
    aliases = [a for a in unit.aliases if a != "Sở Nông nghiệp"]  # that one is ambiguous on purpose
    old_tones = old_style_tones(unit.name)
    r = rng.random()
    if r < 0.3 or (old_tones == unit.name and not aliases):
        return unit.name
    if (r < 0.65 and old_tones != unit.name) or not aliases:
        return old_tones
    return rng.choice(aliases)


# --------------------------------------------------------------------------- the plan


class Register:
    """The register of a seed: every inspection of 2024 and 2025, whatever the world's date range."""

    def __init__(self, inspections: list[Inspection]):
        self.inspections = inspections
        self.by_id = {i.id: i for i in inspections}

    def rows(self, first: date, last: date) -> dict[str, dict[int, list[list]]]:
        """The rows of each sheet, by workbook year, for a world from `first` to `last` (its as-of day).

        Inspections that start before `first` or after `last` are left out; conclusions, and with them
        recommendations, only once they are dated by `last`; reports only once filed by `last`. An
        inspection and its recommendations go to the workbook of the year it started; a report to
        the workbook of the year it was filed (the latest one, once inspections stop).
        """
        out: dict[str, dict[int, list[list]]] = {sheet: {} for sheet in HEADERS}
        books = sorted({i.start.year for i in self.inspections if first <= i.start <= last})
        for i in self.inspections:
            if not first <= i.start <= last:
                continue
            concluded = i.conclusion_date <= last
            out[INSPECTIONS].setdefault(i.start.year, []).append([
                i.id, i.unit.code if i.written_code else None, i.written_name, KINDS[i.kind], i.start,
                i.end if i.end <= last else None, i.team_lead, i.conclusion_no if concluded else None,
                i.conclusion_date if concluded else None])
            if not concluded:
                continue
            for r in i.recommendations:
                out[RECOMMENDATIONS].setdefault(i.start.year, []).append(
                    [r.id, i.id, r.text, r.signal, r.deadline])
            for rep in i.reports:
                if rep.on <= last:
                    book = max(y for y in books if y <= max(rep.on.year, i.start.year))
                    out[REPORTS].setdefault(book, []).append([
                        i.id, rep.recommendation.id if rep.recommendation else None, rep.on, CLAIMS[rep.claim],
                        rep.document_no])
        for rows in out[REPORTS].values():
            rows.sort(key=lambda row: (row[2], row[0], row[1] or ""))  # in the order they were filed
        return out

    def write(self, folder: str | Path, first: date, last: date) -> list[Path]:
        """Write one workbook per year (`so-theo-doi-2024.xlsx`, ...) into `folder`; their paths."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        rows = self.rows(first, last)
        years = sorted({y for sheet in rows.values() for y in sheet})
        paths = []
        for year in years:
            book = Workbook()
            book.remove(book.active)
            for sheet, headers in HEADERS.items():
                ws = book.create_sheet(sheet)
                ws.append(list(headers))
                for cell in ws[1]:
                    cell.font = Font(bold=True)
                for row in rows[sheet].get(year, []):
                    ws.append(row)
                for column in ws.iter_cols(min_row=2):
                    for cell in column:
                        if isinstance(cell.value, date):
                            cell.number_format = DATE_FORMAT
                for letter, width in zip("ABCDEFGHI", (16, 16, 40, 28, 14, 14, 40, 14, 14), strict=False):
                    ws.column_dimensions[letter].width = width
                ws.freeze_panes = "A2"
            notes = book.create_sheet("Hướng dẫn")
            notes.append([f"Sổ theo dõi kiểm tra công tác cải cách hành chính năm {year} (dữ liệu mô phỏng)."])
            notes.append(["Mỗi trang một loại dòng; dòng 1 là tiêu đề cột; ngày ghi dạng dd/mm/yyyy."])
            path = folder / f"so-theo-doi-{year}.xlsx"
            book.save(path)
            paths.append(path)
        return paths


def plan_register(directory: Directory) -> Register:
    """Plan the register of `directory.seed` and change the inspected units' behaviour accordingly."""
    return _Planner(directory).plan()


class _Planner:
    def __init__(self, directory: Directory):
        self.directory = directory
        self.seed = directory.seed
        self.inspections: list[Inspection] = []
        self.conclusion_numbers: dict[int, int] = {}

    def plan(self) -> Register:
        for year in YEARS:
            rng = stream(self.seed, "register", year)
            drafts = self._planned(rng, year)
            if year == 2025:
                drafts += self._reinspections(rng)
            drafts.sort(key=lambda d: (d[0], d[1].index))
            concluded = []
            for seq, (start, unit, kind, signals_allowed) in enumerate(drafts, 1):
                concluded.append(self._inspect(rng, f"KT-{year}-{seq:03d}", unit, kind, start, signals_allowed))
            self._number_conclusions(rng, concluded)
        self._ensure_the_story()
        return Register(self.inspections)

    # --- who is inspected, when

    def _window(self, unit: Unit, year: int, days_after: int = FOLLOW_UP_DAYS) -> tuple[date, date] | None:
        lo, hi = SEASON[year]
        lo = max(lo, unit.valid_from + timedelta(days=30))
        if unit.valid_to is not None:
            hi = min(hi, unit.valid_to - timedelta(days=days_after))
        return (lo, hi) if lo + timedelta(days=14) <= hi else None

    def _planned(self, rng: FastRandom, year: int) -> list[tuple]:
        drafts = []
        for loai, share in INSPECTED_SHARE[year].items():
            eligible = [(u, w) for u in self.directory.units if u.loai == loai and (w := self._window(u, year))]
            n = int(share * len(eligible) + rng.random())
            for unit, (lo, hi) in self._sample(rng, eligible, n):
                start = _working_day_from(lo + timedelta(days=int(rng.random() * (hi - lo).days)))
                risky = unit.quality != "good"
                kind = "DOT_XUAT" if rng.random() < (0.25 if risky else 0.06) else "KE_HOACH"
                drafts.append((start, unit, kind, True))
        return drafts

    @staticmethod
    def _sample(rng: FastRandom, eligible: list, n: int) -> list:
        """`n` of `eligible` without replacement, busier units more likely (inspectors go where the work is)."""
        keyed = sorted(eligible, key=lambda e: rng.random() ** (1 / e[0].size ** 2), reverse=True)
        return keyed[:n]

    def _reinspections(self, rng: FastRandom) -> list[tuple]:
        """Units inspected in 2024 whose remediation fell short (or whose claim is doubtful), again in 2025."""
        candidates = [i for i in self.inspections if i.start.year == 2024 and i.outcome in (PARTIAL, STAY, WORSE)]
        rank = {"SO": 0, "UBND_HUYEN": 1}  # departments and districts first, then communes
        candidates.sort(key=lambda i: (rank.get(i.unit.loai, 2), rng.random()))
        drafts, seen = [], set()
        for i in candidates:
            if len(drafts) >= REINSPECTIONS or i.unit.code in seen:
                continue
            lo = max(SEASON[2025][0] - timedelta(days=60), i.deadline + timedelta(days=75))
            hi = SEASON[2025][1]
            if i.unit.valid_to is not None:
                hi = min(hi, i.unit.valid_to - timedelta(days=45))
            if lo + timedelta(days=7) > hi:
                continue
            start = _working_day_from(lo + timedelta(days=int(rng.random() * min(120, (hi - lo).days))))
            long_lived = i.unit.valid_to is None or i.unit.valid_to >= start + timedelta(days=FOLLOW_UP_DAYS)
            drafts.append((start, i.unit, "TAI_KIEM_TRA", long_lived))
            seen.add(i.unit.code)
        return drafts

    # --- one inspection

    def _inspect(self, rng: FastRandom, ident: str, unit: Unit, kind: str, start: date,
                 signals_allowed: bool) -> Inspection:
        big = unit.loai != "UBND_XA"
        days = {"KE_HOACH": (3, 5) if big else (1, 2), "DOT_XUAT": (1, 2), "TAI_KIEM_TRA": (1, 3)}[kind]
        end = add_working_days(start, rng.randint(*days) - 1)
        conclusion = _working_day_from(end + timedelta(days=rng.randint(14, 35)))
        lead = rng.choice(TEAM_LEADS_SENIOR if big or kind == "TAI_KIEM_TRA" else TEAM_LEADS)
        r = rng.random()
        written_code, written_name = (True, None) if r < 0.70 else (
            (False, _typed_name(unit, rng)) if r < 0.88 else (True, _typed_name(unit, rng)))
        insp = Inspection(ident, unit, kind, start, end, lead, "", conclusion, written_code, written_name)

        deadline = _month_end(conclusion + timedelta(days=rng.randint(80, 100)))
        signals = self._weak_signals(rng, unit, conclusion) if signals_allowed else []
        texts: list[tuple[str, str | None, date]] = [(SIGNAL_TEXTS[s], s, deadline) for s in signals]
        if kind == "TAI_KIEM_TRA":
            texts.append((RECHECK_TEXT, None, deadline))
        others = list(OTHER_TEXTS)
        for _ in range(rng.choice((1, 1, 2, 2, 3)) if texts else rng.choice((1, 2, 2, 3))):
            text = others.pop(int(rng.random() * len(others)))
            texts.append((text, None, _month_end(conclusion + timedelta(days=rng.randint(30, 95)))))
        insp.recommendations = [Recommendation(f"{ident}/KN-{k:02d}", text, signal, due)
                                for k, (text, signal, due) in enumerate(texts, 1)]
        if signals:
            self._change_behaviour(rng, insp)
        self._reports(rng, insp)
        self.inspections.append(insp)
        return insp

    def _expected(self, unit: Unit, signal: str, months: list[date]) -> float:
        months = [m for m in months if unit.in_force(m)] or months
        if signal == ESIGN_SIGNAL:
            return sum(ky_so_ratio(unit.trait("esign", m)) for m in months) / len(months)
        return sum(unit.performance(m) for m in months) / len(months)

    def _weak_signals(self, rng: FastRandom, unit: Unit, conclusion: date) -> list[str]:
        """The signals the unit's behaviour in the 12 months before the conclusion leaves below threshold."""
        months = _months_before(conclusion)
        chosen: list[str] = []
        candidates = _SIGNALS_OF.get(unit.loai, ())
        if candidates and self._expected(unit, candidates[0], months) < THRESHOLDS[candidates[0]]:
            chosen = [s for s in candidates if rng.random() < 0.65] or [candidates[0]]
        if self._expected(unit, ESIGN_SIGNAL, months) < THRESHOLDS[ESIGN_SIGNAL] - 0.02 and rng.random() < 0.6:
            chosen.append(ESIGN_SIGNAL)
        return chosen

    def _change_behaviour(self, rng: FastRandom, insp: Inspection) -> None:
        """How the unit answers the recommendations: the outcome, and the change of behaviour it makes."""
        unit, months = insp.unit, _months_before(insp.conclusion_date)
        outcome = _pick(rng, OUTCOMES)
        perf_weak = any(s in PERFORMANCE_SIGNALS for s in insp.signals)
        esign_weak = ESIGN_SIGNAL in insp.signals
        perf = self._expected(unit, "MOTCUA_DUNG_HAN", months)
        signed = self._expected(unit, ESIGN_SIGNAL, months)
        step = 0.08 + 0.04 * rng.random()
        if outcome == PARTIAL and max(perf if perf_weak else 0, signed if esign_weak else 0) + 0.06 > PARTIAL_CAP:
            outcome = REMEDY  # too close to the threshold to improve by 5 points without reaching it
        new_perf = new_signed = None
        if outcome == REMEDY:
            new_perf, new_signed = 0.975 + 0.015 * rng.random(), 0.985 + 0.01 * rng.random()
        elif outcome == PARTIAL:
            new_perf, new_signed = min(perf + step, PARTIAL_CAP), min(signed + step, PARTIAL_CAP)
        elif outcome == STAY:
            new_perf, new_signed = perf, signed  # steady at its level (an erratic unit settles at its mean)
        else:
            new_perf, new_signed = max(perf - step, 0.5), max(signed - step, 0.5)
        deadline = insp.deadline
        if outcome in (REMEDY, PARTIAL):  # in place a little before the deadline
            since = insp.conclusion_date + (deadline - insp.conclusion_date) * (0.3 + 0.5 * rng.random())
            since = min(since, deadline - timedelta(days=7))
        else:
            since = insp.conclusion_date + timedelta(days=rng.randint(7, 45))
        change = Change(since, new_perf if perf_weak else None,
                        (("esign", esign_for(new_signed)),) if esign_weak else ())
        unit.add_change(change)
        insp.outcome, insp.change = outcome, change
        insp.before = {s: self._expected(unit, s, months) for s in insp.signals}
        after = deadline + timedelta(days=60)
        insp.after = {s: (ky_so_ratio(unit.trait("esign", after)) if s == ESIGN_SIGNAL else unit.performance(after))
                      for s in insp.signals}

    def _reports(self, rng: FastRandom, insp: Inspection, claim: str | None = None) -> None:
        """The unit's remediation reports, by what it really did (and what it would like it to have done)."""
        claim = claim or _pick(rng, REPORTING[insp.outcome])
        insp.reports = []
        if claim is None:
            return
        deadline = insp.deadline
        earliest = insp.conclusion_date + timedelta(days=10)
        if insp.change is not None and insp.outcome in (REMEDY, PARTIAL):
            earliest = max(earliest, insp.change.since + timedelta(days=14))
        on = max(earliest, _working_day_from(deadline + timedelta(days=rng.randint(-25, 12))))
        number = f"{rng.randint(120, 4800)}/BC-{_initials(insp.unit)}"
        if claim == "DA_KHAC_PHUC" and rng.random() < 0.3:  # a progress report first
            midway = _working_day_from(insp.conclusion_date + (on - insp.conclusion_date) / 2)
            insp.reports.append(Report(midway, "DANG_KHAC_PHUC", f"{rng.randint(120, 4800)}/BC-{_initials(insp.unit)}",
                                       None))
        if rng.random() < 0.5:
            insp.reports.append(Report(on, claim, number, None))
        else:
            insp.reports += [Report(on, claim, number, r) for r in insp.recommendations]

    def _number_conclusions(self, rng: FastRandom, inspections: list[Inspection]) -> None:
        """Conclusion numbers run through the department's year, other conclusions in between."""
        for insp in sorted(inspections, key=lambda i: (i.conclusion_date, i.id)):
            year = insp.conclusion_date.year
            n = self.conclusion_numbers.get(year, 20 + int(rng.random() * 40)) + rng.randint(2, 14)
            self.conclusion_numbers[year] = n
            insp.conclusion_no = f"{n}/KL-SNV"

    def _ensure_the_story(self) -> None:
        """At least a few units claiming remedies their data contradict (the point of checking claims)."""
        with_signals = [i for i in self.inspections if i.outcome]
        contradicting = [i for i in with_signals if i.outcome != REMEDY and i.claims_remedied]
        rng = stream(self.seed, "register", "story")
        for i in [i for i in with_signals if i.outcome != REMEDY and not i.claims_remedied]:
            if len(contradicting) >= 3:
                break
            self._reports(rng, i, "DA_KHAC_PHUC")
            contradicting.append(i)
