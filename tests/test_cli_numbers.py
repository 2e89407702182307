"""How output writes numbers: the Vietnamese way for inspectors (decimal comma, thousands dot, "4,5 %"),
English counts in the right number for operators ("1 system", "2 systems"). Expected strings by hand."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from test_draw import build_published

import web.format
from cchc.cli import main
from cchc.doctor import _size
from cchc.rejects import SummaryRow, _print_summary
from core import vietnamese
from core.english import counted
from core.vietnamese import day, moment, month, number, percent


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (1234567, 0, "1.234.567"),
    (17.3, 2, "17,30"),
    (0.0, 2, "0,00"),
    (-1234.5, 1, "-1.234,5"),
    (999, 0, "999"),
    (10.5, None, "10,5"),  # the decimals the value has
    (10.0, None, "10"),
    (1234.125, None, "1.234,125"),
    (None, 0, "—"),
])
def test_numbers_the_vietnamese_way(value, decimals, text):
    assert number(value, decimals) == text


def test_percent_dates_and_months():
    assert percent(0.045) == "4,5 %"
    assert percent(2 / 3) == "66,7 %"
    assert percent(1.0) == "100,0 %"
    assert percent(0.95, 0) == "95 %"
    assert percent(None) == "—"
    assert day(date(2026, 12, 2)) == "02/12/2026"
    assert month(date(2026, 12, 1)) == "12/2026"
    assert moment(datetime(2026, 12, 2, 2, 14)) == "02:14 02/12/2026"


def test_the_web_app_formats_with_the_same_functions():
    # moved to core/ for the brief and the CLI; web/format.py keeps the names its pages and charts import
    for name in ("number", "percent", "day", "moment", "month"):
        assert getattr(web.format, name) is getattr(vietnamese, name)
        assert web.format.FILTERS[name] is getattr(vietnamese, name)


@pytest.mark.parametrize(("count", "words", "text"), [
    (1, ("system",), "1 system"),
    (0, ("system",), "0 systems"),
    (2, ("system",), "2 systems"),
    (1234, ("record",), "1,234 records"),  # English output keeps the English thousands comma
    (1, ("rejected record",), "1 rejected record"),
    (3, ("entry", "entries"), "3 entries"),
])
def test_english_counts(count, words, text):
    assert counted(count, *words) == text


def test_doctor_sizes_and_rejects_summary_count_in_the_right_number():
    assert [_size(n) for n in (1, 2, 1536)] == ["1 byte", "2 bytes", "1.5 KiB"]
    out = io.StringIO()
    _print_summary([SummaryRow("qlvb", "ngay_ky", 1, 1, datetime(2026, 12, 2, 2, 14))], out)
    assert out.getvalue().splitlines()[-1] == "1 reject in 1 system, by the field their reason names first"


# --- cchc draw: the terminal (the city of tests/test_draw.py) ------------------------------------------------
# Departments only, n = 1: SO_A risk 50, SO_C 0, SO_END 10. Floor 10: weights 60, 10, 20 (Σ 90), π = 2/3, 1/9,
# 2/9. Floor 12,5: weights 62,5, 12,5, 22,5 (Σ 97,5), π = 0,641…, 0,128…, 0,230….

DRAWN = re.compile(r"^ +1\. (SO_A|SO_C|SO_END) +.*  rủi ro (\S+)  xác suất (\S+ %)$", re.MULTILINE)


@pytest.fixture
def city(tmp_path, monkeypatch):
    published = build_published(tmp_path / "warehouse" / "cchc.duckdb")
    monkeypatch.setenv("CCHC_WAREHOUSE", str(published))
    monkeypatch.delenv("CCHC_DRAW_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    return published


@pytest.mark.parametrize(("floor", "floor_text", "shown"), [
    ("10", "10", {"SO_A": ("50,00", "66,7 %"), "SO_C": ("0,00", "11,1 %"), "SO_END": ("10,00", "22,2 %")}),
    ("12.5", "12,5", {"SO_A": ("50,00", "64,1 %"), "SO_C": ("0,00", "12,8 %"), "SO_END": ("10,00", "23,1 %")}),
])
def test_a_draw_prints_risk_and_probability_the_vietnamese_way(city, capsys, floor, floor_text, shown):
    assert main(["draw", "--n", "1", "--unit-type", "SO", "--floor", floor, "--seed", "7"]) == 0
    out = capsys.readouterr().out
    (drawn,) = DRAWN.findall(out)
    assert drawn[1:] == shown[drawn[0]]
    assert f"trọng số = {floor_text} + điểm rủi ro có xét số trường hợp; xác suất = 1 × trọng số" in out
    assert "Ứng viên: 3 đơn vị đang hoạt động (SO); loại 1 đơn vị" in out
    assert "hạt giống 7." in out
