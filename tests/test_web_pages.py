"""The inspectors' pages (Ưu tiên kiểm tra, Đơn vị, Chỉ số) served by uvicorn on a hand-built published file,
read through `requests` after logging in. Every number is worked out by hand below.

The city is tests/test_remediation.py's (as-of date D = 15/08/2025; the priority window is 09/2024 … 08/2025),
with U12 a public service unit (DVSN) and U13 both under U1 (Sở Tư pháp), plus U18 "Ủy ban nhân dân phường Đống
Đa" (UBND_XA) with outgoing documents 03/2025 0 of 60 signed and 05/2025 7 of 10 signed.

Risk score = 100 × (0.95 − u) / 0.95, u the upper end of the pooled rate's 95 % Wilson interval (each unit has
one ratio signal in the window; u = (p + z²/2n + z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.96):
  U18 7/70 = 0.1, u = 0.1923 → 79.75;  U14 incoming on time 0/8, u = 0.3244 → 65.85;  U13 0/4, u = 0.4899 →
  48.43;  U12 1/7, u = 0.5131 → 45.99;  U11 30/50, u = 0.7239 → 23.80;  U5 15/20, u = 0.8881 → 6.51;
  U1 09/2024 3/5 + 02/2025 2/5 + 05 10/10 + 06 9/10 + 08 1/1 = 25/31, u = 0.9081 → 4.41;  U2 33/40, u = 0.9125
  → 3.94;  U3 27/33, u = 0.9139 → 3.80;  U4 26/30, u = 0.9469 → 0.33;  U7 and U17 3/4 (u = 0.9544) and U6 4/5
  (u = 0.9638): below 95 % but not surely so → 0, as U8, U9, U10 (by code: U6, U7, U8, U9, U10, U17). 16 units
  ranked (U15 has no ratio signal, U16 was dissolved).
U18's findings: 60 in 03/2025 and 3 in 05/2025 (QLVB_DI_KY_SO), 63 in all: page 1 has 50, page 2 has 13.
Its trend window is 09/2024 … 08/2025 (the file's latest month is 08/2025, the month of D): the signing chart has
two points (03 and 05/2025), the threshold 95 % at y = TOP + PLOT_H × 0.05; the head-of-unit reception chart
(a commune: 4 days a month) has 11 points (09/2024 … 07/2025, value 0) and its threshold at 4 on an axis up to
6 (the even number above 4 × 1.1).
"""

from __future__ import annotations

import io
import re
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
import test_remediation as city
import uvicorn
from marts_support import build
from openpyxl import load_workbook

from brief.workbook import SHEETS
from cchc.web import server_config
from storage.publish import publish
from web import charts
from web.app import create_app
from web.users import UsersFile

D = city.D
U = dict(city.U) | {18: "000.18.70.H26"}
LOGIN, PASSWORD = "thanhtra", "mat-khau-kiem-tra"
DONG_DA = {"ma_dinh_danh": U[18], "ten": "Ủy ban nhân dân phường Đống Đa", "loai": "UBND_XA", "ma_cha": None,
           "ten_khac": ["UBND phường Đống Đa"], "hieu_luc_tu": "2008-08-01", "hieu_luc_den": None}


def directory() -> list[dict]:
    out = []
    for entry in city.DIRECTORY:
        if entry["ma_dinh_danh"] == U[12]:
            entry = entry | {"loai": "DVSN", "ma_cha": U[1]}
        elif entry["ma_dinh_danh"] == U[13]:
            entry = entry | {"ma_cha": U[1]}
        out.append(entry)
    return [*out, DONG_DA]


def dong_da_outgoing(month: str, good: int, total: int) -> list[dict]:
    return [d | {"ma_don_vi": U[18], "id": d["id"].replace("di-1-", "di-18-")}
            for d in city.outgoing(1, month, good, total)]


def publish_city(folder: Path) -> Path:
    """The hand-built city, built into marts and published as `folder/cchc.duckdb`."""
    con = build(folder, D, directory_don_vi=directory(),
                qlvb_van_ban=[*city.DOCUMENTS, *dong_da_outgoing("2025-03", 0, 60), *dong_da_outgoing("2025-05", 7, 10)],
                donthu_dm_co_quan=city.AGENCIES, donthu_tiep_cong_dan=city.SESSIONS,
                kiemtra_cuoc_kiem_tra=city.INSPECTIONS, kiemtra_kien_nghi=city.RECOMMENDATIONS,
                kiemtra_bao_cao_khac_phuc=city.REPORTS)
    target = folder / "cchc.duckdb"
    publish(con, target)
    con.close()
    return target


class Served:
    """The app on a free localhost port in a background thread."""

    def __init__(self, published: Path, users: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(server_config(create_app(published, users), "127.0.0.1", self.port))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


def make_users(path: Path) -> Path:
    UsersFile(path).add(LOGIN, "thanh-tra", PASSWORD)
    return path


def logged_in(base: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/dang-nhap", timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)[1]
    answer = session.post(f"{base}/dang-nhap", data={"username": LOGIN, "password": PASSWORD, "csrf": csrf,
                                                     "tiep": "/"}, timeout=10)
    assert answer.status_code == 200 and answer.url.rstrip("/") == base, answer.text[:500]
    return session


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web-pages")
    served = Served(publish_city(folder), make_users(folder / "users.json"))
    yield served, logged_in(served.base)
    served.stop()


def get(site, path: str, status: int = 200) -> str:
    served, session = site
    answer = session.get(served.base + path, timeout=10)
    assert answer.status_code == status, (path, answer.status_code, answer.text[:500])
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    return answer.text


def ranked_codes(html: str) -> list[str]:
    table = re.split(r'<table class="priority[^"]*">', html, maxsplit=1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/don-vi/([^"]+)">', table)


def section(html: str, ident: str) -> str:
    return html.split(f'<section id="{ident}">', 1)[1].split("</section>", 1)[0]


# --------------------------------------------------------------------------- Ưu tiên kiểm tra


def test_priority_ranks_the_units_by_risk(site):
    html = get(site, "/uu-tien")
    assert ranked_codes(html) == [U[18], U[14], U[13], U[12], U[11], U[5], U[1], U[2], U[3], U[4], U[6], U[7],
                                  U[8], U[9], U[10], U[17]]
    assert "<strong>16</strong> đơn vị" in html
    row = html.split(f'href="/don-vi/{U[18]}"', 1)[1].split("</tr>", 1)[0]
    assert "79,75" in row and "Ủy ban nhân dân phường Đống Đa" in row
    assert "Tỷ lệ văn bản đi được ký số" in row and "QLVB_DI_KY_SO" not in row  # the reason in words
    assert "45,99" in html.split(f'href="/don-vi/{U[12]}"', 1)[1].split("</tr>", 1)[0]
    assert "Mọi chỉ số tỷ lệ đạt ngưỡng" in html.split(f'href="/don-vi/{U[8]}"', 1)[1].split("</tr>", 1)[0]


def test_priority_finds_a_unit_by_its_name_without_tones(site):
    assert ranked_codes(get(site, "/uu-tien?q=dong+da")) == [U[18]]
    assert ranked_codes(get(site, "/uu-tien?q=S%E1%BB%9F+T%C6%B0+ph%C3%A1p")) == [U[1]]  # "Sở Tư pháp"
    assert ranked_codes(get(site, "/uu-tien?q=++SO+TU+PHAP+")) == [U[1]]
    html = get(site, "/uu-tien?q=%27%3B+DROP+TABLE+x%3B--")  # just text that matches nothing
    assert "Không có đơn vị nào phù hợp" in html


def test_priority_filters_by_type_and_parent(site):
    assert ranked_codes(get(site, "/uu-tien?loai=DVSN")) == [U[12]]
    assert ranked_codes(get(site, "/uu-tien?loai=UBND_XA")) == [U[18]]
    html = get(site, f"/uu-tien?cap_tren={U[1]}")
    assert ranked_codes(html) == [U[13], U[12]]
    assert f'<option value="{U[1]}" selected>Sở Tư pháp (2)</option>' in html
    assert ranked_codes(get(site, f"/uu-tien?cap_tren={U[1]}&loai=SO")) == [U[13]]
    assert ranked_codes(get(site, "/uu-tien?loai=KHONG_CO")) == ranked_codes(get(site, "/uu-tien"))  # ignored


def test_priority_pages_hold_fifty(site):
    html = get(site, "/uu-tien?trang=2")  # 16 units: one page; a page past the end shows the last one, and says so
    assert len(ranked_codes(html)) == 16 and "<strong>16</strong> đơn vị." in html
    assert "Không có trang 2: danh sách chỉ có 1 trang, đây là trang cuối." in html
    assert "Về trang 1" not in html  # it is page 1
    assert 'class="pager"' not in get(site, "/uu-tien")  # no pager when everything fits


# --------------------------------------------------------------------------- Đơn vị


def test_unit_profile_and_validity(site):
    html = get(site, f"/don-vi/{U[18]}")
    assert "<h1>Ủy ban nhân dân phường Đống Đa</h1>" in html
    assert "UBND cấp xã" in html and "Hoạt động từ 01/08/2008, đang hoạt động" in html
    assert "Hạng <strong>1</strong>/16" in html and "79,75" in html
    assert f'href="/don-vi/{U[18]}/bao-cao.xlsx"' in html and f'href="/don-vi/{U[18]}/in"' in html
    child = get(site, f"/don-vi/{U[12]}")
    assert f'<a href="/don-vi/{U[1]}">Sở Tư pháp</a>' in child and "Đơn vị sự nghiệp" in child
    gone = get(site, f"/don-vi/{U[16]}")
    assert "đến hết ngày 30/06/2025 (đã giải thể hoặc sáp nhập)" in gone and "Không được xếp hạng" in gone


def test_unit_charts_have_a_point_per_month_and_the_threshold(site):
    html = section(get(site, f"/don-vi/{U[18]}"), "xu-huong")
    charts_by_id = dict(re.findall(r'<figure class="chart" id="bieu-do-([A-Z_]+)">(.*?)</figure>', html, re.S))
    assert set(charts_by_id) == {"QLVB_DI_KY_SO", "DONTHU_TIEP_DAN_THU_TRUONG"}
    signing = charts_by_id["QLVB_DI_KY_SO"]
    assert signing.count('<circle class="point"') == 2
    ratio_y = round(charts.TOP + charts.PLOT_H * 0.05, 1)  # 95 % on an axis from 0 to 100 %
    assert ratio_y == 20.9
    assert '<line class="threshold" x1="46" x2="368" y1="20.9" y2="20.9"' in signing
    assert "Tháng 03/2025: 0,0 % (0/60), không đạt ngưỡng" in signing
    assert "Tháng 05/2025: 70,0 % (7/10), không đạt ngưỡng" in signing
    assert ">T9</text>" in signing and ">2024</text>" in signing and ">2025</text>" in signing  # month labels
    assert "style=" not in html and "<script" not in html
    reception = charts_by_id["DONTHU_TIEP_DAN_THU_TRUONG"]
    assert reception.count('<circle class="point"') == 11
    days_y = round(charts.TOP + charts.PLOT_H * (1 - 4 / 6), 1)  # 4 days on an axis from 0 to 6
    assert days_y == 60.0 and ">6</text>" in reception and ">3</text>" in reception
    assert f'y1="{days_y}" y2="{days_y}"' in reception and "Ngưỡng: tối thiểu 4 ngày" in reception


def test_chart_escapes_its_labels():
    from datetime import date

    svg = charts.line_chart("<b>&", "count", [date(2025, 1, 1)], [charts.Point(date(2025, 1, 1), 3, False)], 0)
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
    assert svg.count("<circle") == 1 and 'class="threshold"' in svg


def test_unit_findings_are_paged_and_filtered(site):
    first = section(get(site, f"/don-vi/{U[18]}"), "bang-chung")
    assert "Tổng cộng <strong>63</strong> bản ghi" in first
    assert first.count('<tr class="finding">') == 50 and "hiện 1–50" in first and "Trang 1/2" in first
    assert "di-18-2025-05-10-7" in first and "ký số" in first  # newest month first; its detail sentence
    second = section(get(site, f"/don-vi/{U[18]}?trang=2"), "bang-chung")
    assert second.count('<tr class="finding">') == 13 and "hiện 51–63" in second
    may = section(get(site, f"/don-vi/{U[18]}?thang=2025-05"), "bang-chung")
    assert may.count('<tr class="finding">') == 3 and "tháng 05/2025: <strong>3</strong> bản ghi" in may
    assert "15/05/2025" not in may and "10/05/2025" in may  # event date
    march = section(get(site, f"/don-vi/{U[18]}?chi_so=QLVB_DI_KY_SO&thang=2025-03&trang=2"), "bang-chung")
    assert march.count('<tr class="finding">') == 10 and "<strong>60</strong> bản ghi" in march
    none = section(get(site, f"/don-vi/{U[18]}?chi_so=QLVB_DEN_DUNG_HAN"), "bang-chung")
    assert "<strong>0</strong> bản ghi" in none
    bad = section(get(site, f"/don-vi/{U[18]}?thang=2025-13&chi_so=X'--"), "bang-chung")
    assert bad.count('<tr class="finding">') == 50  # unreadable filters are no filter


def test_unit_register_shows_a_contradicted_claim(site):
    html = section(get(site, f"/don-vi/{U[2]}"), "kiem-tra")
    assert "KT-02" in html and "Theo kế hoạch có báo trước" in html and "2/KL-SNV" not in html  # KT-02 is row 3
    row = html.split('<tr class="row-contradicted">', 1)[1].split("</tr>", 1)[0]
    assert "KN-02" in row and "có cải thiện" in row and "Quá hạn" in row
    assert "Đã khắc phục (12/06/2025)" in row and "Mâu thuẫn với số liệu" in row
    agreed = section(get(site, f"/don-vi/{U[1]}"), "kiem-tra")
    assert 'contradicted' not in agreed and "đã khắc phục" in agreed
    assert "Không gắn chỉ số" in agreed  # KN-01B names no signal
    assert "Sổ theo dõi chưa ghi cuộc kiểm tra nào" in section(get(site, f"/don-vi/{U[18]}"), "kiem-tra")


def test_unit_brief_downloads_as_xlsx(site):
    served, session = site
    answer = session.get(f"{served.base}/don-vi/{U[18]}/bao-cao.xlsx", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert answer.headers["content-disposition"] == f'attachment; filename="bao-cao-kiem-tra-{U[18]}-2025-08-15.xlsx"'
    workbook = load_workbook(io.BytesIO(answer.content))
    assert tuple(workbook.sheetnames) == SHEETS
    assert session.get(f"{served.base}/don-vi/khong-co/bao-cao.xlsx", timeout=10).status_code == 404


def test_unknown_unit_is_a_vietnamese_404(site):
    html = get(site, "/don-vi/000.99.99.H26", status=404)
    assert "Không tìm thấy đơn vị" in html and "000.99.99.H26" in html and '<nav>' in html


def test_unit_findings_page_past_the_last_shows_the_last(site):
    # U18: 63 findings, 2 pages of 50
    late = section(get(site, f"/don-vi/{U[18]}?trang=5"), "bang-chung")
    assert late.count('<tr class="finding">') == 13 and "hiện 51–63" in late and "Trang 2/2" in late
    assert "Không có trang 5: danh sách chỉ có 2 trang, đây là trang cuối." in late
    assert f'<a href="/don-vi/{U[18]}#bang-chung">Về trang 1</a>' in late
    huge = section(get(site, f"/don-vi/{U[18]}?trang=99999999999999999999999"), "bang-chung")
    assert "hiện 51–63" in huge and "Không có trang 999999999999…: danh sách chỉ có 2 trang" in huge
    for asked in ("0", "-3", "abc", "1e3"):
        first = section(get(site, f"/don-vi/{U[18]}?trang={asked}"), "bang-chung")
        assert first.count('<tr class="finding">') == 50 and "hiện 1–50" in first, asked
        assert f"Không có trang “{asked}”: đây là trang 1." in first, asked
    for plain in ("2", "02", " 2"):
        second = section(get(site, f"/don-vi/{U[18]}?trang={plain}"), "bang-chung")
        assert "hiện 51–63" in second and 'class="notice"' not in second, plain
    filtered = section(get(site, f"/don-vi/{U[18]}?thang=2025-05&trang=2"), "bang-chung")  # 3 findings: 1 page
    assert filtered.count('<tr class="finding">') == 3 and "Không có trang 2: danh sách chỉ có 1 trang" in filtered


def test_print_page_summarises_the_findings(site):
    html = get(site, f"/don-vi/{U[18]}/in")
    assert "<nav" not in html and "Đăng xuất" not in html and 'class="print"' in html
    assert '<form class="filters"' not in html
    evidence = section(html, "bang-chung")
    # the 12 months 09/2024 … 08/2025: 60 findings in 03/2025 and 3 in 05/2025, all of outgoing signing
    assert "Trong 12 tháng 09/2024 – 08/2025: <strong>63</strong> bản ghi không đạt ở 1 chỉ số." in evidence
    assert "sheet “Bằng chứng” của báo cáo kiểm tra Excel" in evidence
    table = evidence.split('<table class="by-month">', 1)[1].split("</table>", 1)[0]
    heads = re.findall(r'<th class="num">([^<]+)</th>', table)
    assert heads == ["09/24", "10/24", "11/24", "12/24", "01/25", "02/25", "03/25", "04/25", "05/25", "06/25",
                     "07/25", "08/25", "Tổng"]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert re.findall(r'<th scope="row">([^<]+)</th>', body) == ["Tỷ lệ văn bản đi được ký số"]
    assert re.findall(r'<td class="num">(?:<strong>)?([^<]*)', body) == ["", "", "", "", "", "", "60", "", "3", "", "",
                                                                         "", "63"]
    # one example per signal: the newest of May (three unsigned documents of 10/05, the first by id)
    assert evidence.count('<tr class="finding">') == 1 and "di-18-2025-05-10-7" in evidence
    assert "di-18-2025-05-10-8" not in evidence
    assert html.count('<circle class="point"') == 13
    assert "<details" not in html  # no per-month tables under the charts
    assert "Ủy ban nhân dân phường Đống Đa" in html


def test_pages_need_a_session(site):
    served, _ = site
    answer = requests.get(f"{served.base}/don-vi/{U[18]}", timeout=10, allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/dang-nhap?tiep=")


# --------------------------------------------------------------------------- Chỉ số


def test_signal_list_names_kind_threshold_and_legal_basis(site):
    html = get(site, "/chi-so")
    assert html.count('<a href="/chi-so/') == 15
    row = html.split('href="/chi-so/QLVB_DI_KY_SO"', 1)[1].split("</tr>", 1)[0]
    assert "Tỷ lệ văn bản đi được ký số" in row and "tối thiểu 95 %" in row and "Nghị định 30/2020/NĐ-CP" in row
    assert "08/2025" in row and ">0/1<" in row  # 08/2025: only U1's document of 05/08, signed
    row = html.split('href="/chi-so/DONTHU_TIEP_DAN_THU_TRUONG"', 1)[1].split("</tr>", 1)[0]
    assert "cấp xã 4 ngày" in row and "Số ngày" in row


def test_signal_page_spread_and_units_short(site):
    # 05/2025 signing: U1 10/10, U5 3/5, U11 5/5, U16 0/5, U18 7/10 → 5 units, 2 met, 25/35 = 71,4 %;
    # values 0, 0.6, 0.7, 1, 1 → quartiles 0.6 and 1, median 0.7
    html = get(site, "/chi-so/QLVB_DI_KY_SO?thang=2025-05")
    assert "Tỷ lệ văn bản đi (không mật" in html and "Quyết định 942/QĐ-TTg" in html
    spread = section(html, "phan-bo")
    assert "<strong>5</strong> đơn vị có số liệu" in spread and '<strong class="met">2</strong>' in spread
    assert "<strong>71,4 %</strong> tỷ lệ chung (25/35)" in spread
    cells = re.findall(r'<td class="num" data-label="[^"]+">([^<]+)</td>', spread.split('<table class="spread', 1)[1])[:5]
    assert cells == ["0,0 %", "60,0 %", "70,0 %", "100,0 %", "100,0 %"]
    assert spread.count('<rect class="bar"') == 10
    short = section(html, "khong-dat")
    assert re.findall(r'<a href="/don-vi/([^"]+)">', short) == [U[16], U[5], U[18]]  # furthest first
    assert '<td class="num" data-label="Tử số">3</td><td class="num" data-label="Mẫu số">5</td>' in short  # U5: 3/5
    default = get(site, "/chi-so/QLVB_DI_KY_SO")
    # the latest month ended by D (15/08/2025) with data: 07/2025 (08/2025 has data but is not over)
    assert '<option value="2025-07" selected>' in default


def test_signal_page_past_the_last_shows_the_last(site):
    html = get(site, "/chi-so/QLVB_DI_KY_SO?thang=2025-05&trang=4")  # 3 units short: one page
    short = section(html, "khong-dat")
    assert re.findall(r'<a href="/don-vi/([^"]+)">', short) == [U[16], U[5], U[18]]
    assert "Không có trang 4: danh sách chỉ có 1 trang, đây là trang cuối." in short
    assert "Mọi đơn vị có số liệu đều đạt ngưỡng" not in short


def test_signal_count_and_unknown(site):
    html = get(site, "/chi-so/QLVB_DEN_QUA_HAN_TON?thang=2025-06")  # U12 2, U13 2, U14 3 overdue
    short = section(html, "khong-dat")
    assert re.findall(r'<a href="/don-vi/([^"]+)">', short) == [U[14], U[12], U[13]]  # most first, then by code
    assert "Không tìm thấy chỉ số" in get(site, "/chi-so/KHONG_CO", status=404)


# --------------------------------------------------------------------------- reasons, history, inspections, funnel
# The register (tests/test_remediation.py): with K = 12 an inspection is recent when it started after 15/08/2024 and
# by D. Recent: U1 … U16 (KT-01 … KT-16 from 06/01/2025, KT-04B 05/05/2025, KT-05 13/01, KT-06 06/01, KT-07 10/01,
# KT-11 03/09/2024; KT-04C starts 20/08/2025, after D). Re-inspection due: U2, U3, U4, U5, U6, U12, U13, U14, U15.
# So the draw's rule leaves out U1, U7, U8, U9, U10, U11 (and U16, not ranked).


def row_of(html: str, code: str) -> str:
    return html.split(f'href="/don-vi/{code}"', 1)[1].split("</tr>", 1)[0]


def test_priority_reasons_carry_their_numbers_standing_and_few_cases_mark(site):
    html = get(site, "/uu-tien")
    assert "dưới 10 trường hợp" in html  # the rule of the mark, stated on the page
    u18 = row_of(html, U[18])
    assert "Tỷ lệ văn bản đi được ký số: 7/70 (10,0 %), ngưỡng 95 %" in u18
    assert "UBND cấp xã duy nhất có số liệu" in u18 and 'class="few"' not in u18
    u14 = row_of(html, U[14])  # incoming on time 0/8, tied lowest with U13's 0/4 among the two departments with data
    assert "Tỷ lệ văn bản đến xử lý đúng hạn: 0/8 (0,0 %), ngưỡng 95 %" in u14
    assert '<span class="few">ít trường hợp: 8 (dưới 10)</span>' in u14
    assert "thấp nhất (đồng hạng) trong 2 Sở, ban, ngành" in u14
    u7 = row_of(html, U[7])  # 3/4: below 95 %, not surely so: score 0, and the page does not say "all met"
    assert "Không chỉ số nào chắc chắn dưới ngưỡng" in u7 and "Mọi chỉ số tỷ lệ đạt ngưỡng" not in u7
    assert "Tỷ lệ văn bản đi được ký số: 3/4 (75,0 %), ngưỡng 95 %" in u7 and "ít trường hợp: 4 (dưới 10)" in u7
    assert "Mọi chỉ số tỷ lệ đạt ngưỡng" in row_of(html, U[8])  # 10/10


def test_priority_shows_the_last_inspection_and_hides_the_recently_inspected(site):
    html = get(site, "/uu-tien")
    u14 = row_of(html, U[14])
    assert "KT-14 (theo kế hoạch có báo trước), bắt đầu 06/01/2025, kết luận 10/01/2025" in u14
    assert "Đã kiểm tra trong 12 tháng gần đây" in u14 and "Nên tái kiểm tra" in u14
    assert "Chưa kiểm tra (theo sổ theo dõi)" in row_of(html, U[18])
    u4 = row_of(html, U[4])  # re-inspected from 05/05/2025; KT-04C starts after D
    assert "KT-04B (tái kiểm tra), bắt đầu 05/05/2025" in u4 and "KT-04C" not in u4
    assert "Nên tái kiểm tra" not in row_of(html, U[1])
    hidden = get(site, "/uu-tien?an_da_kiem_tra=12")
    assert ranked_codes(hidden) == [U[18], U[14], U[13], U[12], U[5], U[2], U[3], U[4], U[6], U[17]]
    assert "<strong>10</strong> đơn vị phù hợp" in hidden and "Đã ẩn 6 đơn vị đã được kiểm tra trong 12 tháng" in hidden
    assert '<option value="12" selected>' in hidden
    # six months: after 15/02/2025 only U4's KT-04B, whose re-inspection is due: nobody hidden
    assert len(ranked_codes(get(site, "/uu-tien?an_da_kiem_tra=6"))) == 16
    assert "Đã ẩn" not in get(site, "/uu-tien?an_da_kiem_tra=7")  # not one of the choices: no filter


def test_overview_leaves_out_the_recently_inspected_and_says_so(site):
    html = section(get(site, "/"), "kiem-tra-truoc")
    listed = re.findall(r'<li><a href="/don-vi/([^"]+)">', html)
    assert listed == [U[18], U[14], U[13], U[12], U[5]]  # U11 (rank 5) was inspected 03/09/2024, not due again
    assert "Đã bỏ qua 1 đơn vị xếp hạng cao hơn" in html
    assert f'<a href="/don-vi/{U[11]}">Sở Quy hoạch - Kiến trúc</a> (hạng 5, KT-11 bắt đầu 03/09/2024)' in html
    assert "Tỷ lệ văn bản đi được ký số: 7/70 (10,0 %), ngưỡng 95 %" in html
    assert "như khi bốc thăm" in html


def test_unit_page_shows_how_the_ranking_moved(site):
    """U18 (0/60 in 03/2025, 7/10 in 05/2025): ranked at the month-ends 03/2025 on (0/60: upper bound 0.0602 →
    93.67), 79.75 from 05/2025 and now, first throughout. U1: 24/30 at the end of 07/2025 (upper bound 0.90495 →
    4.74, rank 7), 25/31 now with its document of 05/08 (0.90813 → 4.41, rank 7): −0.33, all of it signing."""
    html = get(site, f"/don-vi/{U[18]}")
    moved = section(html, "dien-bien")
    assert "So với cuối tháng 07/2025, điểm rủi ro không đổi (79,75), giữ hạng 1." in moved
    assert moved.count('<circle class="standing') == 6
    assert "Cuối tháng 03/2025: hạng 1/" in moved and "điểm rủi ro 93,67" in moved
    assert "Nay (đến 15/08/2025): hạng 1/16, điểm rủi ro 79,75" in moved
    assert ">Nay</text>" in moved and "style=" not in moved
    one = get(site, f"/don-vi/{U[1]}")
    assert ("So với cuối tháng 07/2025, điểm rủi ro giảm 0,33 (từ 4,74 xuống 4,41), giữ hạng 7: Tỷ lệ văn bản đi "
            "được ký số −0,33.") in section(one, "dien-bien")
    profile = one.split('<dl class="profile">', 1)[1].split("</dl>", 1)[0]
    assert "KT-01 (theo kế hoạch có báo trước), bắt đầu 06/01/2025, kết luận 10/01/2025" in profile
    assert "Đã kiểm tra trong 12 tháng gần đây" in profile and "Nên tái kiểm tra" not in profile
    assert "Tỷ lệ văn bản đi được ký số: 25/31 (80,6 %), ngưỡng 95 %" in profile
    composition = get(site, f"/don-vi/{U[14]}").split('<table class="compact composition">', 1)[1].split("</table>")[0]
    assert "0/8" in composition and "65,85" in composition
    printed = section(get(site, f"/don-vi/{U[18]}/in"), "dien-bien")
    assert "giữ hạng 1" in printed and "<details" not in printed


def lower_998(n: int, p0: float) -> float:
    """Spiegelhalter's interpolated lower 99.8 % limit, from the exact binomial (independent of reader.funnel)."""
    from math import comb

    def cdf(x: int) -> float:
        return sum(comb(n, k) * p0 ** k * (1 - p0) ** (n - k) for k in range(x + 1))

    y = next(y for y in range(n + 1) if cdf(y) >= 0.001)
    alpha = (cdf(y) - 0.001) / (cdf(y) - cdf(y - 1))
    return max(0.0, (y - alpha) / n)


def test_signal_page_funnel_marks_and_lists_the_units_below_the_limit(site):
    """QLVB_DI_KY_SO over 09/2024 … 08/2025, the 13 ranked units with outgoing documents. P(Y ≤ x) at 95 % by the
    exact binomial: U18 7/70 9e−74 and U11 30/50 1e−13 (below 0.1 %: below the 99.8 % limit); U5 15/20 0.0026,
    U2 33/40 0.0034, U1 25/31 0.0039, U3 27/33 0.0054 (below 2.5 %); U4 26/30 0.061, U6 4/5 0.23, U7 and U17 3/4
    0.19, U8, U9, U10 10/10 within."""
    funnel = section(get(site, "/chi-so/QLVB_DI_KY_SO"), "pheu")
    assert "13 đơn vị được xếp hạng ưu tiên có số liệu" in funnel
    assert '<strong class="not-met">2</strong> đơn vị nằm dưới giới hạn 99,8 %' in funnel
    assert "4 đơn vị nằm giữa giới hạn 95 % và 99,8 %" in funnel
    svg = funnel.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert svg.count('<circle class="unit') == 13
    assert svg.count('class="unit below_998"') == 2 and svg.count('class="unit below_95"') == 4
    table = funnel.split('<table class="funnel-below', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<a href="/don-vi/([^"]+)">', table) == [U[18], U[11]]  # the least likely first
    assert f'data-label="Giới hạn dưới 99,8 %">{web_percent(lower_998(70, 0.95))}</td>' in table
    assert "Spiegelhalter" in funnel and "style=" not in funnel and "<script" not in funnel
    assert 'id="pheu"' not in get(site, "/chi-so/QLVB_DEN_QUA_HAN_TON")  # a count signal has no funnel


def web_percent(value: float) -> str:
    return f"{100 * value:.1f} %".replace(".", ",")


def brief_overview(site, code: str) -> dict[str, list[str]]:
    """The brief's "Tổng quan": each label of column A with the column-B lines under it."""
    served, session = site
    answer = session.get(f"{served.base}/don-vi/{code}/bao-cao.xlsx", timeout=30)
    ws = load_workbook(io.BytesIO(answer.content))["Tổng quan"]
    found, label = {}, None
    for r in range(1, ws.max_row + 1):
        label = ws.cell(r, 1).value or label
        if ws.cell(r, 2).value is not None and label:
            found.setdefault(label, []).append(ws.cell(r, 2).value)
    return found


def test_the_brief_states_each_reason_with_its_numbers(site):
    """U14: 0/8 incoming on time, tied lowest of the 2 departments, few; unchanged since 07/2025 (65.85, 2nd).
    U7: 3/4 signed, below 95 % but not surely: the brief says so, with its standing among the 12 departments with
    outgoing documents (U11 0.6 first, U5, U7, U17 0.75 tied 2nd)."""
    u14 = brief_overview(site, U[14])
    assert u14["Lý do chính"] == ["1. Tỷ lệ văn bản đến xử lý đúng hạn: 0/8 (0,0 %), ngưỡng 95 % — thấp nhất (đồng hạng) "
                                  "trong 2 Sở, ban, ngành [ít trường hợp: 8 (dưới 10)]"]
    assert u14["Diễn biến thứ hạng"] == ["So với cuối tháng 07/2025, điểm rủi ro không đổi (65,85), giữ hạng 2."]
    assert brief_overview(site, U[7])["Lý do chính"] == [
        "Không chỉ số nào chắc chắn dưới ngưỡng; dưới ngưỡng nhưng chưa đủ chắc chắn với số trường hợp hiện có "
        "(không tính điểm):",
        "– Tỷ lệ văn bản đi được ký số: 3/4 (75,0 %), ngưỡng 95 % — thấp thứ 2 (đồng hạng) trong 12 Sở, ban, ngành "
        "[ít trường hợp: 4 (dưới 10)]"]
