"""Deadlines as the law counts them (spec/signals.md, "Working days", "Handling deadline", "Legal deadline").

Every expected date is worked out by hand from the spec's table of 2023-2026, in the comment beside it.
Counting "the 10th working day after d" starts the day after d (the day of receipt is not counted) and
skips Saturdays, Sundays and the table's weekdays off, but not its working Saturdays.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from marts_support import build, rows
from test_signals_nhiemvu_donthu import AGENCIES, NV, PETITIONS_TABLE, details, petition, signal

from core.errors import ConfigError
from core.workdays import (
    ANNOUNCEMENT,
    OPERATOR_FILE,
    RULES,
    CalendarDay,
    CalendarFileError,
    WorkingCalendar,
    load_calendar,
    read_calendar_file,
)

# The spec's table, as the spec writes it ("a … b" = every day from a to b).
SPEC_TABLE = {
    2023: ("01-02; 01-20, 01-23 … 01-26; 05-01, 05-02, 05-03; 09-01, 09-04", ""),
    2024: ("01-01; 02-08, 02-09, 02-12, 02-13, 02-14; 04-18; 04-29, 04-30, 05-01; 09-02, 09-03", "05-04"),
    2025: ("01-01; 01-27 … 01-31; 04-07; 04-30, 05-01, 05-02; 09-01, 09-02", "04-26"),
    2026: ("01-01, 01-02; 02-16 … 02-20; 04-27; 04-30, 05-01; 08-31, 09-01, 09-02; 11-24", "01-10, 08-22"),
}


def spec_days(year: int, text: str) -> set[date]:
    days: set[date] = set()
    for part in (p.strip() for p in text.replace(";", ",").split(",") if p.strip()):
        first, _, last = part.partition(" … ")
        start = date.fromisoformat(f"{year}-{first}")
        end = date.fromisoformat(f"{year}-{last}") if last else start
        days.update(start + timedelta(n) for n in range((end - start).days + 1))
    return days


def exceptions(calendar: WorkingCalendar, year: int) -> tuple[set[date], set[date]]:
    """The year's weekdays off and working Saturdays (or Sundays) as the calendar has them."""
    days = calendar.days(date(year, 1, 1), date(year, 12, 31))
    return ({d.day for d in days if d.day.weekday() < 5 and not d.working},
            {d.day for d in days if d.day.weekday() >= 5 and d.working})


@pytest.mark.parametrize("year", sorted(SPEC_TABLE))
def test_2023_to_2026_are_exactly_the_spec_table(year):
    off, saturdays = SPEC_TABLE[year]
    assert exceptions(WorkingCalendar(), year) == (spec_days(year, off), spec_days(year, saturdays))
    assert all(d.weekday() < 5 for d in spec_days(year, off))
    assert all(d.weekday() == 5 for d in spec_days(year, saturdays))


def test_the_table_wins_over_the_holidays_package_in_2026():
    # holidays 0.109 misses 2026's New Year swap: Friday 2 January off, Saturday 10 January worked
    calendar = WorkingCalendar()
    assert calendar.day(date(2026, 1, 2)) == CalendarDay(
        date(2026, 1, 2), False, "Nghỉ hoán đổi (làm bù Thứ Bảy 10/01/2026)", ANNOUNCEMENT)
    assert calendar.day(date(2026, 1, 10)).working and calendar.day(date(2026, 1, 10)).source == ANNOUNCEMENT
    assert calendar.day(date(2026, 1, 17)).working is False  # an ordinary Saturday
    assert calendar.day(date(2026, 3, 2)).working and calendar.day(date(2026, 3, 2)).reason_vi is None


def test_a_later_year_follows_the_rules_with_the_lunar_holidays():
    # 2027: Tết Đinh Mùi, the 1st of the first lunar month, is Saturday 6 February 2027; the five days of Tết
    # with the compensation for its weekend days are Thu 04/02 … Wed 10/02 less the weekend. Giỗ Tổ (10/3
    # lunar) is Friday 16 April 2027. 1 May 2027 is a Saturday: compensated on Monday 3 May. 2 September is a
    # Thursday, with one day beside it. 24 November (from 2026) is a Wednesday.
    off, saturdays = exceptions(WorkingCalendar(), 2027)
    tet = {date(2027, 2, d) for d in (4, 5, 8, 9, 10)}
    assert tet <= off
    assert {date(2027, 1, 1), date(2027, 4, 16), date(2027, 4, 30), date(2027, 5, 3), date(2027, 9, 2),
            date(2027, 11, 24)} <= off
    assert len({date(2027, 9, 1), date(2027, 9, 3)} & off) == 1  # the day beside 2 September: either
    assert len(off) == 12 and saturdays == set()  # 1 + 5 + 1 + 1 + 1 + 2 + 1 weekdays, no announced swap yet
    assert {WorkingCalendar().day(d).source for d in off} == {RULES}
    assert "Tết" in WorkingCalendar().day(date(2027, 2, 8)).reason_vi


# --------------------------------------------------------------------------- the operator's file


def calendar_file(tmp_path: Path, body: str, name: str = "lich.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_a_calendar_file_adds_days_off_and_working_saturdays(tmp_path):
    path = calendar_file(tmp_path, "\ufeffdate,kind,note\n"  # a spreadsheet's BOM, a blank line, an empty note
                                   "2027-02-03,nghi,Nghỉ hoán đổi (làm bù Thứ Bảy 20/02/2027)\n\n"
                                   "2027-02-20,LAM_BU,\n")
    calendar = load_calendar(path)
    assert calendar.day(date(2027, 2, 3)) == CalendarDay(
        date(2027, 2, 3), False, "Nghỉ hoán đổi (làm bù Thứ Bảy 20/02/2027)", OPERATOR_FILE)
    assert calendar.day(date(2027, 2, 20)).working
    assert calendar.day(date(2027, 2, 20)).reason_vi == "Thứ Bảy làm việc theo tệp lịch của đơn vị vận hành"
    assert calendar.announced_years() == {2023: ANNOUNCEMENT, 2024: ANNOUNCEMENT, 2025: ANNOUNCEMENT,
                                          2026: ANNOUNCEMENT, 2027: OPERATOR_FILE}
    assert load_calendar(None) == WorkingCalendar()


BAD_ROWS = [
    ("2025-02-30,nghi,x", "row 2: «2025-02-30» is an impossible date"),
    ("30/03/2027,nghi,x", "row 2: «30/03/2027» is not a date in the form YYYY-MM-DD (e.g. 2027-02-08)"),
    ("1899-03-01,nghi,x", "row 2: 1899-03-01: year outside 1990-2100"),
    ("2027-03-01,nghỉ,x", "row 2: kind «nghỉ» is neither nghi (a weekday off) nor lam_bu (a working Saturday)"),
    ("2027-03-01,lam_bu,x", "row 2: 2027-03-01 is a Monday: lam_bu is for a working Saturday"),
    ("2027-03-06,nghi,x", "row 2: 2027-03-06 is a Saturday: nghi is for a weekday off (Saturdays and Sundays are "
                          "days off unless a lam_bu row makes a Saturday a working day)"),
    ("2027-03-01,nghi", "row 2: 2 fields, expected 3 (date,kind,note); put a note that holds a comma in double "
                        "quotes"),
]


@pytest.mark.parametrize(("row", "problem"), BAD_ROWS)
def test_each_bad_row_is_one_line_naming_the_file_and_the_row(tmp_path, row, problem):
    path = calendar_file(tmp_path, f"date,kind,note\n{row}\n")
    with pytest.raises(CalendarFileError) as caught:
        read_calendar_file(path)
    assert caught.value.problems == (problem,)
    assert str(caught.value).splitlines()[0] == f"configuration CCHC_CALENDAR_FILE: {path} {problem}"
    assert isinstance(caught.value, ConfigError)


def test_every_problem_of_a_file_is_listed_at_once(tmp_path):
    path = calendar_file(tmp_path, "date,kind,note\n2027-03-01,nghi,a\n2027-03-02,nghi,b\n2027-03-01,nghi,c\n"
                                   "2027-02-30,nghi,\n2027-03-01,lam_bu,d\n")
    with pytest.raises(CalendarFileError) as caught:
        read_calendar_file(path)
    assert caught.value.problems == ("row 4: 2027-03-01 is already on row 2: give each date once",
                                     "row 5: «2027-02-30» is an impossible date",
                                     "row 6: 2027-03-01 is a Monday: lam_bu is for a working Saturday")
    lines = str(caught.value).splitlines()
    assert len(lines) == 4 and lines[-1] == (
        f"configuration CCHC_CALENDAR_FILE: 3 problems in {path}, nothing was read or written: correct the file "
        "(CSV with the header date,kind,note; kind nghi = a weekday off, lam_bu = a working Saturday) and run again")


@pytest.mark.parametrize(("body", "problem"), [
    ("2027-03-01,nghi,x\n", "row 1: the first row must be the header date,kind,note (found «2027-03-01,nghi,x»)"),
    ("ngay,loai,ghi chu\n2027-03-01,nghi,x\n",
     "row 1: the first row must be the header date,kind,note (found «ngay,loai,ghi chu»)"),
    ("", "is empty: its first row must be the header date,kind,note"),
])
def test_a_file_without_its_header_is_refused(tmp_path, body, problem):
    with pytest.raises(CalendarFileError) as caught:
        read_calendar_file(calendar_file(tmp_path, body))
    assert caught.value.problems == (problem,)


def test_an_unreadable_or_missing_file_is_one_line(tmp_path):
    with pytest.raises(CalendarFileError) as caught:
        read_calendar_file(tmp_path / "missing.csv")
    assert caught.value.problems == ("cannot be read (No such file or directory): point CCHC_CALENDAR_FILE at the "
                                     "CSV of announced days, or unset it for the built-in calendar alone",)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("date,kind,note\n2027-03-01,nghi,Nghỉ\n".encode("utf-16"))
    with pytest.raises(CalendarFileError) as caught:
        read_calendar_file(latin)
    assert caught.value.problems == ("is not UTF-8 text: save it as CSV UTF-8",)


# --------------------------------------------------------------------------- the handling deadline

D_2026 = date(2026, 4, 15)
HANDLING = [
    # Thu 12/02/2026, the Thursday before Tết (16-20/02 off): Fri 13/02 (1); 16-22/02 off; 23, 24, 25, 26, 27/02
    # (2-6); 02, 03, 04, 05/03 (7-10) → Thu 05/03/2026. Handled on the 10th working day: on time.
    petition(301, "2026-02-12", xu_ly="2026-03-05"),
    # the same receipt, handled Fri 06/03, the 11th working day: late by 1 day
    petition(302, "2026-02-12", xu_ly="2026-03-06"),
    # Fri 13/02/2026, the Friday before Tết: 23, 24, 25, 26, 27/02 (1-5); 02, 03, 04, 05, 06/03 (6-10) → Fri
    # 06/03/2026. Handled then: on time.
    petition(303, "2026-02-13", xu_ly="2026-03-06"),
    # the same receipt, handled Mon 09/03, the 11th working day: late by 3 days (a weekend between)
    petition(304, "2026-02-13", xu_ly="2026-03-09"),
    # Fri 25/04/2025, the day before the working Saturday 26/04: Sat 26/04 (1), Mon 28, Tue 29/04 (2, 3); 30/04,
    # 01/05, 02/05 off, 03-04/05 a weekend; 05, 06, 07, 08, 09/05 (4-8), 12, 13/05 (9, 10) → Tue 13/05/2025
    petition(305, "2025-04-25", xu_ly="2025-05-13"),
    petition(306, "2025-04-25", xu_ly="2025-05-14"),  # the 11th working day: late by 1
]


@pytest.fixture(scope="module")
def handling_con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("handling"), D_2026, donthu_dm_co_quan=AGENCIES, donthu_don_thu=HANDLING)


def test_the_handling_deadline_is_the_10th_working_day_after_receipt(handling_con):
    march, may = date(2026, 3, 1), date(2025, 5, 1)
    assert signal(handling_con, PETITIONS_TABLE, "DONTHU_XU_LY_DON_DUNG_HAN") == {
        "301": (NV, march, date(2026, 3, 5), True),
        "302": (NV, march, date(2026, 3, 5), False),
        "303": (NV, march, date(2026, 3, 6), True),
        "304": (NV, march, date(2026, 3, 6), False),
        "305": (NV, may, date(2025, 5, 13), True),
        "306": (NV, may, date(2025, 5, 13), False),
    }


def test_a_handling_finding_says_the_deadline_was_counted_in_working_days(handling_con):
    text = details(handling_con, PETITIONS_TABLE, "DONTHU_XU_LY_DON_DUNG_HAN")
    assert text["304"] == ("Đơn số 304/2025 (mã 304), hạn xử lý: ngày làm việc thứ 10 sau ngày nhận 13/02/2026 là "
                           "06/03/2026, đã xử lý ngày 09/03/2026 (trễ 3 ngày).")
    findings = {r["source_record_id"] for r in rows(handling_con, "SELECT source_record_id FROM marts.findings "
                                                                  "WHERE signal_code = 'DONTHU_XU_LY_DON_DUNG_HAN'")}
    assert findings == {"302", "304", "306"}


def test_a_calendar_file_moves_the_handling_deadline(tmp_path):
    # with Mon 02/03/2026 declared off, the Friday-before-Tết receipt's 10th working day is Mon 09/03
    path = calendar_file(tmp_path, "date,kind,note\n2026-03-02,nghi,Ngày nghỉ thêm (thử)\n")
    con = build(tmp_path, D_2026, calendar=load_calendar(path), donthu_dm_co_quan=AGENCIES,
                donthu_don_thu=HANDLING[2:4])
    assert signal(con, PETITIONS_TABLE, "DONTHU_XU_LY_DON_DUNG_HAN") == {
        "303": (NV, date(2026, 3, 1), date(2026, 3, 9), True),
        "304": (NV, date(2026, 3, 1), date(2026, 3, 9), True),
    }
    published = rows(con, "SELECT * FROM marts.calendar WHERE day = DATE '2026-03-02'")
    assert published == [{"day": date(2026, 3, 2), "weekday_vi": "Thứ Hai", "working_day": False,
                          "reason_vi": "Ngày nghỉ thêm (thử)", "source": OPERATOR_FILE}]


# --------------------------------------------------------------------------- the legal deadline


def complaint(pid: int, thu_ly: str, resolved: str, **kwargs) -> dict:
    return petition(pid, thu_ly, loai="KHIEU_NAI", thu_ly=thu_ly, lan=1, giai_quyet_ngay=resolved, **kwargs)


CASES = [
    # 05/06/2025 + 30 = Sat 05/07/2025 → Mon 07/07: resolved then, on time; Tue 08/07, late by 1
    complaint(401, "2025-06-05", "2025-07-07"), complaint(402, "2025-06-05", "2025-07-08"),
    # 06/06/2025 + 30 = Sun 06/07/2025 → Mon 07/07
    complaint(403, "2025-06-06", "2025-07-07"), complaint(404, "2025-06-06", "2025-07-08"),
    # a denunciation extended once: 04/07/2025 + 60 (27 days to 31/07, 31 to 31/08, 2) = Tue 02/09/2025, National
    # Day, and 01/09 is off too → Wed 03/09/2025; Thu 04/09, late by 1
    petition(405, "2025-07-04", loai="TO_CAO", thu_ly="2025-07-04", gia_han=1, giai_quyet_ngay="2025-09-03"),
    petition(406, "2025-07-04", loai="TO_CAO", thu_ly="2025-07-04", gia_han=1, giai_quyet_ngay="2025-09-04"),
    # 03/12/2025 + 30 (28 to 31/12, 2) = Fri 02/01/2026, the swapped day off (the holidays package misses it),
    # then a weekend (Saturday 03/01 is not the working one: 10/01 is) → Mon 05/01/2026; Tue 06/01, late by 1
    complaint(407, "2025-12-03", "2026-01-05"), complaint(408, "2025-12-03", "2026-01-06"),
]


@pytest.fixture(scope="module")
def cases_con(tmp_path_factory):
    return build(tmp_path_factory.mktemp("cases"), D_2026, donthu_dm_co_quan=AGENCIES, donthu_don_thu=CASES)


def test_a_legal_deadline_on_a_day_off_moves_to_the_next_working_day(cases_con):
    july, september, january = date(2025, 7, 1), date(2025, 9, 1), date(2026, 1, 1)
    assert signal(cases_con, PETITIONS_TABLE, "DONTHU_GIAI_QUYET_DUNG_HAN") == {
        "401": (NV, july, date(2025, 7, 7), True), "402": (NV, july, date(2025, 7, 7), False),
        "403": (NV, july, date(2025, 7, 7), True), "404": (NV, july, date(2025, 7, 7), False),
        "405": (NV, september, date(2025, 9, 3), True), "406": (NV, september, date(2025, 9, 3), False),
        "407": (NV, january, date(2026, 1, 5), True), "408": (NV, january, date(2026, 1, 5), False),
    }


def test_a_moved_legal_deadline_is_said_with_its_reason(cases_con):
    text = details(cases_con, PETITIONS_TABLE, "DONTHU_GIAI_QUYET_DUNG_HAN")
    assert text["404"] == ("Vụ việc khiếu nại lần 1 mã 404 (đơn số 404/2025) thụ lý ngày 06/06/2025, thời hạn giải "
                           "quyết 30 ngày đến 06/07/2025 là ngày nghỉ (Chủ nhật) nên hạn là ngày làm việc tiếp theo "
                           "07/07/2025, đã giải quyết ngày 08/07/2025 (trễ 1 ngày).")
    assert text["406"] == ("Vụ việc tố cáo (gia hạn 1 lần) mã 406 (đơn số 406/2025) thụ lý ngày 04/07/2025, thời hạn "
                           "giải quyết 60 ngày đến 02/09/2025 là ngày nghỉ (Quốc khánh) nên hạn là ngày làm việc tiếp "
                           "theo 03/09/2025, đã giải quyết ngày 04/09/2025 (trễ 1 ngày).")
    assert "đến 02/01/2026 là ngày nghỉ (Nghỉ hoán đổi (làm bù Thứ Bảy 10/01/2026)) nên hạn là ngày làm việc tiếp " \
           "theo 05/01/2026, đã giải quyết ngày 06/01/2026 (trễ 1 ngày)." in text["408"]


# --------------------------------------------------------------------------- marts.calendar


def test_the_published_calendar_covers_the_announcements_to_the_year_after_d(cases_con):
    bounds = rows(cases_con, "SELECT min(day) AS first, max(day) AS last, count(*) AS days, "
                             "count(DISTINCT day) AS distinct_days FROM marts.calendar")
    # no petition or inspection before 2023: from 2023 (the first announced year) to the end of 2027 (D is in 2026)
    assert bounds == [{"first": date(2023, 1, 1), "last": date(2027, 12, 31), "days": 365 * 5 + 1,
                       "distinct_days": 365 * 5 + 1}]
    off_2025 = rows(cases_con, "SELECT source, count(*) AS days FROM marts.calendar WHERE year(day) = 2025 AND NOT "
                               "working_day GROUP BY ALL ORDER BY source")
    # 2025 (365 days from a Wednesday): 52 Saturdays and 52 Sundays less the working Saturday 26/04, and the
    # table's 12 weekdays off (01/01, 27-31/01, 07/04, 30/04, 01/05, 02/05, 01/09, 02/09)
    assert off_2025 == [{"source": RULES, "days": 103}, {"source": ANNOUNCEMENT, "days": 12}]
    saturday = rows(cases_con, "SELECT * FROM marts.calendar WHERE day = DATE '2025-04-26'")
    assert saturday == [{"day": date(2025, 4, 26), "weekday_vi": "Thứ Bảy", "working_day": True,
                         "reason_vi": "Làm bù cho Thứ Sáu 02/05/2025", "source": ANNOUNCEMENT}]


def test_the_calendar_has_a_vietnamese_comment_for_the_table_and_every_column(cases_con):
    from storage.publish import mart_comments

    columns = [c for (c,) in cases_con.sql("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                                           "AND table_name = 'calendar' ORDER BY column_index").fetchall()]
    assert columns == ["day", "weekday_vi", "working_day", "reason_vi", "source"]
    assert set(mart_comments()["calendar"]) == {"table", *columns}


# --------------------------------------------------------------------------- the remediation deadline


def test_a_default_remediation_deadline_on_a_day_off_moves_to_the_next_working_day(tmp_path):
    # concluded 30/01/2025, no deadline written: + 90 days (1 to 31/01, 28 in February, 31 in March, 30 in April)
    # = Wed 30/04/2025, a holiday, then 01/05, 02/05 off and a weekend → Mon 05/05/2025. The after window is the
    # complete months after 05/2025: 06 and 07/2025, 10/10 → đã khắc phục. (Unmoved, 30/04 would have put
    # 05/2025, 0 of 5, in the window: 10/15, not met.)
    from test_remediation import DIRECTORY, D, U, inspection, outgoing, recommendation

    con = build(tmp_path, D, directory_don_vi=DIRECTORY,
                qlvb_van_ban=[*outgoing(1, "2025-05", 0, 5), *outgoing(1, "2025-06", 5, 5),
                              *outgoing(1, "2025-07", 5, 5)],
                kiemtra_cuoc_kiem_tra=[inspection("KT-01", 1, 2, start="27/01/2025", end="29/01/2025",
                                                  concluded="30/01/2025")],
                kiemtra_kien_nghi=[recommendation("KN-01", "KT-01", 2, deadline=None)])
    (row,) = rows(con, "SELECT * FROM marts.remediation")
    assert (row["unit_code"], row["deadline"], row["after_from"], row["after_to"], row["status"]) == (
        U[1], date(2025, 5, 5), date(2025, 6, 1), date(2025, 7, 1), "DA_KHAC_PHUC")
    assert row["explanation_vi"] == (
        "Đã khắc phục: sau hạn khắc phục 05/05/2025 (không ghi hạn: 90 ngày sau ngày 30/01/2025 là 30/04/2025, ngày "
        "nghỉ: Ngày Chiến thắng, nên hạn là ngày làm việc tiếp theo), các tháng 06/2025–07/2025 100,0% (10/10), đạt "
        "ngưỡng 95%; 12 tháng trước kiểm tra từ tháng 01/2024 đến tháng 12/2024: không có số liệu để so sánh.")


# --------------------------------------------------------------------------- a bad file stops the refresh


def test_a_bad_calendar_file_stops_the_refresh_before_anything_is_written(tmp_path, monkeypatch):
    import io

    from pipelines.run import refresh

    bad = calendar_file(tmp_path, "date,kind,note\n2027-02-30,nghi,\n2027-03-01,lam_bu,\n")
    warehouse = tmp_path / "warehouse" / "cchc.duckdb"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("CCHC_CALENDAR_FILE", str(bad))
    out, err = io.StringIO(), io.StringIO()
    assert refresh(out=out, err=err) == 2
    assert err.getvalue().splitlines() == [
        f"cchc refresh: configuration CCHC_CALENDAR_FILE: {bad} row 2: «2027-02-30» is an impossible date",
        f"cchc refresh: configuration CCHC_CALENDAR_FILE: {bad} row 3: 2027-03-01 is a Monday: lam_bu is for a "
        "working Saturday",
        f"cchc refresh: configuration CCHC_CALENDAR_FILE: 2 problems in {bad}, nothing was read or written: correct "
        "the file (CSV with the header date,kind,note; kind nghi = a weekday off, lam_bu = a working Saturday) and "
        "run again"]
    assert out.getvalue() == "" and not warehouse.parent.exists()


def test_a_run_started_elsewhere_fails_at_its_resources_with_a_bad_file(tmp_path, monkeypatch):
    # a run from the UI or the schedule: the resource every step uses refuses the file before any step runs
    import dagster as dg

    from pipelines.resources import CitySources

    bad = calendar_file(tmp_path, "date,kind,note\n2027-03-06,nghi,x\n")
    monkeypatch.setenv("CCHC_WAREHOUSE", str(tmp_path / "warehouse" / "cchc.duckdb"))
    monkeypatch.setenv("CCHC_CALENDAR_FILE", str(bad))
    city = CitySources(dotenv_path=str(tmp_path / ".env"))
    with pytest.raises(CalendarFileError) as caught:
        city.setup_for_execution(dg.build_init_resource_context())
    assert caught.value.problems == ("row 2: 2027-03-06 is a Saturday: nghi is for a weekday off (Saturdays and "
                                     "Sundays are days off unless a lam_bu row makes a Saturday a working day)",)
    assert not (tmp_path / "warehouse" / "cchc-state.duckdb").exists()


def test_the_sql_calendar_covers_every_year_a_source_date_may_hold():
    from core.workdays import FIRST_YEAR, LAST_YEAR
    from models.parsers import MAX_YEAR, MIN_YEAR

    assert (FIRST_YEAR, LAST_YEAR) == (MIN_YEAR, MAX_YEAR)
