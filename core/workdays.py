"""The working-day calendar of Vietnam's civil service, one for the whole platform (spec/signals.md, "Working days").

A day is a day off when it is a Saturday or a Sunday (unless it is a working Saturday), or a weekday on which
civil servants do not work. Three layers decide it, each winning over the one before:

1. the rules: weekends, and the public holidays of the Labour Code 2019 with the lunar ones, the compensatory
   days and the swaps the `holidays` package's Vietnam calendar computes;
2. the announcements of 2023-2026 (`ANNOUNCED`, the spec's table): for those years the calendar is exactly
   that table, so the rules' holidays are not consulted there;
3. the operator's file (`CCHC_CALENDAR_FILE`, CSV `date,kind,note`): each year's announced days off
   (`nghi`) and working Saturdays (`lam_bu`), added before the year starts.

The SQL models read it as a table (`storage/sqlmodels.py`); `cchc doctor` says which years are announced.
A file with any bad row is refused whole, with one line per problem (`CalendarFileError`), before a
refresh writes anything.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import holidays

from core.errors import ConfigError

VARIABLE = "CCHC_CALENDAR_FILE"
HEADER = ("date", "kind", "note")
OFF, WORKING_SATURDAY = "nghi", "lam_bu"
KINDS = {OFF: "a weekday off", WORKING_SATURDAY: "a working Saturday"}

# Where a day's status comes from (marts.calendar.source).
RULES, ANNOUNCEMENT, OPERATOR_FILE = "QUY_TAC", "THONG_BAO", "TEP_LICH"

FIRST_YEAR, LAST_YEAR = 1990, 2100
"""The years a source date may hold (models.parsers.MIN_YEAR, MAX_YEAR): the SQL calendar starts with the first."""

WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

# The spec's table for 2023-2026 (spec/signals.md, "Working days"), with the reason of each day: every weekday
# off and every working Saturday of those years, and nothing else. Written in the operator file's format.
ANNOUNCED_CSV = """date,kind,note
2023-01-02,nghi,Nghỉ bù Tết Dương lịch (01/01/2023 là Chủ nhật)
2023-01-20,nghi,Tết Nguyên đán Quý Mão
2023-01-23,nghi,Tết Nguyên đán Quý Mão
2023-01-24,nghi,Tết Nguyên đán Quý Mão
2023-01-25,nghi,Tết Nguyên đán Quý Mão
2023-01-26,nghi,Tết Nguyên đán Quý Mão
2023-05-01,nghi,Ngày Quốc tế Lao động
2023-05-02,nghi,Nghỉ bù Ngày Chiến thắng (30/04/2023 là Chủ nhật)
2023-05-03,nghi,Nghỉ bù Giỗ Tổ Hùng Vương (29/04/2023 là Thứ Bảy)
2023-09-01,nghi,Quốc khánh (ngày liền kề)
2023-09-04,nghi,Nghỉ bù Quốc khánh (02/09/2023 là Thứ Bảy)
2024-01-01,nghi,Tết Dương lịch
2024-02-08,nghi,Tết Nguyên đán Giáp Thìn
2024-02-09,nghi,Tết Nguyên đán Giáp Thìn
2024-02-12,nghi,Tết Nguyên đán Giáp Thìn
2024-02-13,nghi,Tết Nguyên đán Giáp Thìn
2024-02-14,nghi,Tết Nguyên đán Giáp Thìn
2024-04-18,nghi,Giỗ Tổ Hùng Vương
2024-04-29,nghi,Nghỉ hoán đổi (làm bù Thứ Bảy 04/05/2024)
2024-04-30,nghi,Ngày Chiến thắng
2024-05-01,nghi,Ngày Quốc tế Lao động
2024-05-04,lam_bu,Làm bù cho Thứ Hai 29/04/2024
2024-09-02,nghi,Quốc khánh
2024-09-03,nghi,Quốc khánh (ngày liền kề)
2025-01-01,nghi,Tết Dương lịch
2025-01-27,nghi,Tết Nguyên đán Ất Tỵ
2025-01-28,nghi,Tết Nguyên đán Ất Tỵ
2025-01-29,nghi,Tết Nguyên đán Ất Tỵ
2025-01-30,nghi,Tết Nguyên đán Ất Tỵ
2025-01-31,nghi,Tết Nguyên đán Ất Tỵ
2025-04-07,nghi,Giỗ Tổ Hùng Vương
2025-04-26,lam_bu,Làm bù cho Thứ Sáu 02/05/2025
2025-04-30,nghi,Ngày Chiến thắng
2025-05-01,nghi,Ngày Quốc tế Lao động
2025-05-02,nghi,Nghỉ hoán đổi (làm bù Thứ Bảy 26/04/2025)
2025-09-01,nghi,Quốc khánh (ngày liền kề)
2025-09-02,nghi,Quốc khánh
2026-01-01,nghi,Tết Dương lịch
2026-01-02,nghi,Nghỉ hoán đổi (làm bù Thứ Bảy 10/01/2026)
2026-01-10,lam_bu,Làm bù cho Thứ Sáu 02/01/2026
2026-02-16,nghi,Tết Nguyên đán Bính Ngọ
2026-02-17,nghi,Tết Nguyên đán Bính Ngọ
2026-02-18,nghi,Tết Nguyên đán Bính Ngọ
2026-02-19,nghi,Tết Nguyên đán Bính Ngọ
2026-02-20,nghi,Tết Nguyên đán Bính Ngọ
2026-04-27,nghi,Nghỉ bù Giỗ Tổ Hùng Vương (26/04/2026 là Chủ nhật)
2026-04-30,nghi,Ngày Chiến thắng
2026-05-01,nghi,Ngày Quốc tế Lao động
2026-08-22,lam_bu,Làm bù cho Thứ Hai 31/08/2026
2026-08-31,nghi,Nghỉ hoán đổi (làm bù Thứ Bảy 22/08/2026)
2026-09-01,nghi,Quốc khánh (ngày liền kề)
2026-09-02,nghi,Quốc khánh
2026-11-24,nghi,Ngày Văn hóa Việt Nam
"""
ANNOUNCED_YEARS = range(2023, 2027)
"""The years the spec's table fixes exactly."""

DEFAULT_NOTE = {OFF: "Ngày nghỉ theo tệp lịch của đơn vị vận hành",
                WORKING_SATURDAY: "Thứ Bảy làm việc theo tệp lịch của đơn vị vận hành"}


@dataclass(frozen=True)
class AnnouncedDay:
    """One row of an announcement: a weekday off (`nghi`) or a working Saturday (`lam_bu`)."""

    day: date
    kind: str
    note: str

    @property
    def working(self) -> bool:
        return self.kind == WORKING_SATURDAY


@dataclass(frozen=True)
class CalendarDay:
    day: date
    working: bool
    reason_vi: str | None  # why it is a day off, or a working Saturday; None for an ordinary working day
    source: str  # RULES, ANNOUNCEMENT or OPERATOR_FILE

    @property
    def weekday_vi(self) -> str:
        return WEEKDAYS_VI[self.day.weekday()]


class CalendarFileError(ConfigError):
    """A calendar file with bad rows: one line per problem, each naming the file and the row."""

    def __init__(self, path: Path, problems: list[str]):
        self.path, self.problems = path, tuple(problems)
        super().__init__(VARIABLE, f"{path}: {problems[0]}")
        self.args = ("\n".join(self.lines()),)

    def lines(self) -> list[str]:
        count = len(self.problems)
        return [f"configuration {VARIABLE}: {self.path} {problem}" for problem in self.problems] + [
            f"configuration {VARIABLE}: {count} problem{'s' if count != 1 else ''} in {self.path}, nothing was "
            "read or written: correct the file (CSV with the header date,kind,note; kind nghi = a weekday off, "
            "lam_bu = a working Saturday) and run again"]

    def __str__(self) -> str:
        return self.args[0]


def parse_announcements(text: str) -> tuple[tuple[AnnouncedDay, ...], list[str]]:
    """The rows of a calendar CSV, and its problems (each "row N: ..."; row 1 is the header)."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        return (), [f"is not a CSV file ({exc}): save it as CSV UTF-8 with the header date,kind,note"]
    if not rows:
        return (), ["is empty: its first row must be the header date,kind,note"]
    problems: list[str] = []
    first = 2  # the number of the first data row
    if tuple(cell.strip().lower() for cell in rows[0]) != HEADER:
        problems.append(f"row 1: the first row must be the header date,kind,note (found «{','.join(rows[0])[:60]}»)")
        if rows[0] and _looks_like_a_date(rows[0][0]):
            first = 1  # no header at all: the first row is data, and is checked as such
    data = rows[first - 1:]
    seen: dict[date, int] = {}
    days = []
    for number, row in enumerate(data, start=first):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        problem, day = _parse_row(row)
        if problem is None and day.day in seen:
            problem = f"{day.day} is already on row {seen[day.day]}: give each date once"
        if problem is not None:
            problems.append(f"row {number}: {problem}")
            continue
        seen[day.day] = number
        days.append(day)
    return tuple(sorted(days, key=lambda d: d.day)), problems


def _parse_row(row: list[str]) -> tuple[str | None, AnnouncedDay | None]:
    if len(row) != 3:
        return (f"{len(row)} field{'s' if len(row) != 1 else ''}, expected 3 (date,kind,note); put a note that "
                "holds a comma in double quotes"), None
    text, kind, note = (cell.strip() for cell in row)
    kind = kind.lower()
    if not _looks_like_a_date(text) or len(text) != 10:
        return f"«{text[:20]}» is not a date in the form YYYY-MM-DD (e.g. 2027-02-08)", None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return f"«{text}» is an impossible date", None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return f"{text}: year outside {FIRST_YEAR}-{LAST_YEAR}", None
    if kind not in KINDS:
        return f"kind «{kind[:20]}» is neither nghi (a weekday off) nor lam_bu (a working Saturday)", None
    weekday = WEEKDAYS_EN[day.weekday()]
    if kind == WORKING_SATURDAY and day.weekday() != 5:
        return f"{text} is a {weekday}: lam_bu is for a working Saturday", None
    if kind == OFF and day.weekday() >= 5:
        return (f"{text} is a {weekday}: nghi is for a weekday off (Saturdays and Sundays are days off "
                "unless a lam_bu row makes a Saturday a working day)"), None
    return None, AnnouncedDay(day, kind, note or DEFAULT_NOTE[kind])


def _looks_like_a_date(text: str) -> bool:
    text = text.strip()
    return len(text) >= 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit()


def read_calendar_file(path: Path) -> tuple[AnnouncedDay, ...]:
    """The operator's announced days; a `CalendarFileError` naming every bad row."""
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a spreadsheet's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        raise CalendarFileError(path, ["is not UTF-8 text: save it as CSV UTF-8"]) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CalendarFileError(path, [f"cannot be read ({reason}): point {VARIABLE} at the CSV of announced "
                                       "days, or unset it for the built-in calendar alone"]) from None
    days, problems = parse_announcements(text)
    if problems:
        raise CalendarFileError(path, problems)
    return days


@cache
def _announced() -> dict[date, AnnouncedDay]:
    days, problems = parse_announcements(ANNOUNCED_CSV)
    assert not problems, problems  # the built-in table is checked by the tests; a typo must not pass silently
    return {d.day: d for d in days}


@cache
def _rules_year(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """The `holidays` package's Vietnam calendar for a year: days off with their names, working Saturdays."""
    vn = holidays.country_holidays("VN", years=year, language="vi")
    names = {day: name for day, name in vn.items() if day.year == year}
    saturdays = frozenset(d for d in vn.weekend_workdays if d.year == year)
    return names, saturdays


@dataclass(frozen=True)
class WorkingCalendar:
    """The rules, the built-in announcements, and the operator's file (`file_days`, from `file_path`)."""

    file_days: tuple[AnnouncedDay, ...] = ()
    file_path: Path | None = None

    @property
    def _file(self) -> dict[date, AnnouncedDay]:
        return {d.day: d for d in self.file_days}

    def day(self, day: date) -> CalendarDay:
        return self._day(day, self._file)

    def days(self, first: date, last: date) -> list[CalendarDay]:
        """Every day from `first` to `last`, both included."""
        file = self._file
        return [self._day(first + timedelta(n), file) for n in range((last - first).days + 1)]

    def announced_years(self) -> dict[int, str]:
        """Each year with announced days, and where they come from (the built-in table, the file, or both)."""
        years = {year: ANNOUNCEMENT for year in ANNOUNCED_YEARS}
        for d in self.file_days:
            years[d.day.year] = OPERATOR_FILE if years.get(d.day.year) in (None, OPERATOR_FILE) else "both"
        return dict(sorted(years.items()))

    @staticmethod
    def _day(day: date, file: dict[date, AnnouncedDay]) -> CalendarDay:
        if day in file:
            return CalendarDay(day, file[day].working, file[day].note, OPERATOR_FILE)
        weekend = day.weekday() >= 5
        names, saturdays = _rules_year(day.year)
        if day.year in ANNOUNCED_YEARS:
            if day in _announced():
                told = _announced()[day]
                return CalendarDay(day, told.working, told.note, ANNOUNCEMENT)
        elif not weekend and day in names:
            return CalendarDay(day, False, names[day], RULES)
        elif day in saturdays:
            return CalendarDay(day, True, "Thứ Bảy làm bù (theo lịch nghỉ lễ tính theo quy tắc)", RULES)
        if weekend:  # the rules' holiday on a weekend is said, for the reader; it changes nothing
            holiday = names.get(day)
            return CalendarDay(day, False, WEEKDAYS_VI[day.weekday()] + (f", {holiday}" if holiday else ""), RULES)
        return CalendarDay(day, True, None, RULES)


def load_calendar(calendar_file: Path | None) -> WorkingCalendar:
    """The platform's calendar with the operator's file, if one is configured (its errors name every bad row)."""
    if calendar_file is None:
        return WorkingCalendar()
    return WorkingCalendar(read_calendar_file(calendar_file), calendar_file)
