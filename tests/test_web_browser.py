"""The web app in a real browser: the distribution's Chromium, headless, driven by Selenium.

Logs in, finds a unit on Ưu tiên kiểm tra by its name typed without tones, opens its page, sees its chart (an
SVG with the threshold line), its reasons with their numbers, how its ranking moved and its findings, downloads
its xlsx brief; visits the print version, the highest-ranked unit with an inspection in the register (its last
inspection shown), and a signal with its funnel plot.
Every page of the app (each GET route of `web.pages.ROUTES`, so a page added later is measured too; a signal's
page both for the signal with the most findings and for a ratio signal, which has a funnel) fits a 390 px phone
screen; the print view of the unit with the most findings prints on at most 4 A4 pages
(Chromium's own PDF, its pages counted).
Screenshots of each page go to docs/screens/web-*.png when CCHC_SCREENSHOTS=1, else to a temporary folder
(web-phone-*.png: at the phone's width).

The file served is the hand-built city of test_web_pages.py, or the published file named by CCHC_WEB_FILE
(copied to a temporary folder first: the test never writes beside it).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from test_web_pages import LOGIN, PASSWORD, Served, make_users, publish_city
from test_web_security import get_routes, sample_path

from brief.workbook import SHEETS
from models.names import search_key

pytestmark = pytest.mark.e2e

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SCREENS = Path(__file__).resolve().parents[1] / "docs" / "screens"
COMMITTEE = "uy ban nhan dan "
PHONE_WIDTH, PHONE_HEIGHT = 390, 844  # a phone's screen in CSS px (iPhone 12 to 15)
PHONE_SHOTS = {"/uu-tien": "priority", "/chi-so": "signals", "/don-vi/{code}": "unit", "/don-vi/{code}/in": "unit-print"}
MAX_PRINT_PAGES = 4
A4_POINTS = (595.3, 841.9)  # 210 × 297 mm


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.skip(f"the distribution's Chromium is not installed ({', '.join(missing)} missing; "
                    f"CI installs it with .ci/chromium.sh)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                 "--lang=vi-VN"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "safebrowsing.enabled": True})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.downloads = downloads
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web-browser")
    given = os.environ.get("CCHC_WEB_FILE")
    if given:
        published = folder / "cchc.duckdb"
        shutil.copyfile(given, published)
    else:
        published = publish_city(folder)
    server = Served(published, make_users(folder / "users.json"))
    yield server, published
    server.stop()


@pytest.fixture(scope="module")
def screens(tmp_path_factory) -> Path:
    if os.environ.get("CCHC_SCREENSHOTS") == "1":
        SCREENS.mkdir(parents=True, exist_ok=True)
        return SCREENS
    return tmp_path_factory.mktemp("screens")


def shoot(driver, folder: Path, name: str) -> None:
    """A full-page screenshot: the window stretched to the page's height first."""
    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    driver.set_window_size(1280, min(max(int(height), 600), 6000))
    driver.save_screenshot(str(folder / f"web-{name}.png"))
    driver.set_window_size(1280, 900)


def shoot_phone(driver, folder: Path, name: str, max_height: int = 6000) -> None:
    """A screenshot at the phone's width, as tall as the page (at most `max_height`)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    set_viewport(driver, PHONE_WIDTH, min(max(int(height), PHONE_HEIGHT), max_height))
    driver.save_screenshot(str(folder / f"web-phone-{name}.png"))
    set_viewport(driver, PHONE_WIDTH, PHONE_HEIGHT)


def set_viewport(driver, width: int, height: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                                  "deviceScaleFactor": 1, "mobile": True})


@contextmanager
def phone(driver):
    """The browser as a phone: a 390 px wide viewport (the device-width of the pages' viewport meta)."""
    set_viewport(driver, PHONE_WIDTH, PHONE_HEIGHT)
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def log_in(driver, base: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/dang-nhap")
    driver.find_element(By.ID, "username").send_keys(LOGIN)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    arrive(driver, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Tổng quan")


def most_findings(published: Path) -> dict:
    """The unit with the most findings and its signal with the most: the longest pages of the file; and the ratio
    signal of the most ranked units (the fullest funnel)."""
    with duckdb.connect(str(published), read_only=True) as con:
        unit = con.execute("SELECT unit_code FROM marts.findings GROUP BY unit_code "
                           "ORDER BY count(*) DESC, unit_code LIMIT 1").fetchone()[0]
        signal = con.execute("SELECT signal_code FROM marts.findings WHERE unit_code = ? GROUP BY signal_code "
                             "ORDER BY count(*) DESC, signal_code LIMIT 1", [unit]).fetchone()[0]
        ratio = con.execute("SELECT signal_code FROM marts.priority_signals GROUP BY signal_code "
                            "ORDER BY count(*) DESC, signal_code LIMIT 1").fetchone()[0]
    return {"unit": unit, "signal": signal, "ratio_signal": ratio}


def inspected_unit(published: Path) -> str | None:
    """The highest-ranked unit with an inspection in the register (None without one)."""
    with duckdb.connect(str(published), read_only=True) as con:
        found = con.execute("SELECT p.unit_code FROM marts.inspection_priority p JOIN marts.inspections i "
                            "USING (unit_code) ORDER BY p.rank LIMIT 1").fetchall()
    return found[0][0] if found else None


def page_paths(samples: dict) -> list[tuple[str, str]]:
    """(route, path) of every page: each GET route of the app filled with the samples, also asked for a page past
    its last one and, with a path parameter, for a code that does not exist (its "not found" page). A route
    naming a file (the .xlsx brief) is a download, not a page."""
    out = []
    for route in get_routes():
        if re.search(r"\.[a-z]+$", route.path):
            continue
        path = sample_path(route.path, samples)
        out += [(route.path, path), (route.path, f"{path}?trang=999")]
        if "{" in route.path:
            out.append((route.path, sample_path(route.path, samples, "000.99.99.H99")))
        if route.path.startswith("/chi-so/"):
            out.append((route.path, sample_path(route.path, samples, samples["ratio_signal"])))
    return out


def pdf_pages(pdf: bytes) -> tuple[int, list[tuple[float, float]]]:
    """A PDF's page count (its /Type /Page objects; the page tree's /Count must agree) and page sizes (points).
    Chromium writes no compressed object streams, so the page objects are plain text."""
    pages = len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))
    counted = [int(n) for n in re.findall(rb"/Count\s+(\d+)", pdf)]
    assert counted and max(counted) == pages, (pages, counted)
    boxes = [tuple(float(v) for v in box.split()[2:4])
             for box in re.findall(rb"/MediaBox\s*\[\s*([-\d.\s]+?)\s*\]", pdf)]
    return pages, boxes


def toneless_query(published: Path) -> tuple[str, str]:
    """The top-ranked unit and its name without tones (and without a leading "Ủy ban nhân dân")."""
    with duckdb.connect(str(published), read_only=True) as con:
        code, name = con.execute("SELECT unit_code, unit_name FROM marts.inspection_priority "
                                 "ORDER BY rank LIMIT 1").fetchall()[0]
    key = search_key(name)
    return code, key[len(COMMITTEE):] if key.startswith(COMMITTEE) else key


def arrive(driver, arrived, seconds: float = 15) -> None:
    """Wait for the page a click or a submit leads to: the old page may still be there for a moment."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,)).until(arrived)


def test_an_inspector_finds_a_unit_and_downloads_its_brief(browser, served, screens):
    from selenium.webdriver.common.by import By

    began = time.monotonic()
    server, published = served
    base = server.base
    browser.get(f"{base}/")  # no session: the login form
    assert "/dang-nhap" in browser.current_url
    shoot(browser, screens, "login")
    browser.find_element(By.ID, "username").send_keys(LOGIN)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    arrive(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Tổng quan")
    shoot(browser, screens, "overview")

    code, query = toneless_query(published)
    browser.find_element(By.LINK_TEXT, "Ưu tiên kiểm tra").click()
    arrive(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Ưu tiên kiểm tra")
    shoot(browser, screens, "priority")
    box = browser.find_element(By.NAME, "q")
    box.send_keys(query)
    box.submit()
    arrive(browser, lambda d: "q=" in d.current_url)
    links = browser.find_elements(By.CSS_SELECTOR, "table.priority a")
    assert code in [a.get_attribute("href").rsplit("/", 1)[1] for a in links], (query, browser.current_url)
    next(a for a in links if a.get_attribute("href").endswith(code)).click()

    arrive(browser, lambda d: d.current_url.endswith(f"/don-vi/{code}"))
    charts = browser.find_elements(By.CSS_SELECTOR, "#xu-huong svg")
    assert charts and all(c.find_elements(By.CSS_SELECTOR, "line.threshold") for c in charts)
    assert browser.find_elements(By.CSS_SELECTOR, "#xu-huong svg circle.point")
    assert browser.find_elements(By.CSS_SELECTOR, "#bang-chung table.findings tbody tr")
    assert browser.find_elements(By.CSS_SELECTOR, "dl.profile ul.reasons li")  # the reasons, with their numbers
    assert browser.find_elements(By.CSS_SELECTOR, "#dien-bien svg circle.standing.now")  # how the ranking moved
    shoot(browser, screens, "unit")

    browser.find_element(By.PARTIAL_LINK_TEXT, "Tải báo cáo").click()
    deadline = time.monotonic() + 30
    done: list[Path] = []
    while time.monotonic() < deadline and not done:
        done = [p for p in browser.downloads.glob("*.xlsx")]
        time.sleep(0.2)
    assert done and done[0].name.startswith(f"bao-cao-kiem-tra-{code}-"), list(browser.downloads.iterdir())
    from openpyxl import load_workbook
    assert tuple(load_workbook(done[0]).sheetnames) == SHEETS

    browser.find_element(By.LINK_TEXT, "Bản in").click()
    arrive(browser, lambda d: d.current_url.endswith(f"/don-vi/{code}/in"))
    assert not browser.find_elements(By.TAG_NAME, "nav") and not browser.find_elements(By.CSS_SELECTOR, "header.top")

    inspected = inspected_unit(published)
    if inspected:
        browser.get(f"{base}/don-vi/{inspected}")
        assert "Kiểm tra gần nhất" in browser.find_element(By.CSS_SELECTOR, "dl.profile").text
        shoot(browser, screens, "unit-inspected")
        with phone(browser):
            browser.get(f"{base}/don-vi/{inspected}")
            shoot_phone(browser, screens, "unit-inspected")

    browser.get(f"{base}/chi-so")
    shoot(browser, screens, "signals")
    browser.find_element(By.PARTIAL_LINK_TEXT, "văn bản đi được ký số").click()
    arrive(browser, lambda d: "/chi-so/QLVB_DI_KY_SO" in d.current_url)
    assert browser.find_elements(By.CSS_SELECTOR, "#phan-bo svg rect.bar")
    assert browser.find_elements(By.CSS_SELECTOR, "#pheu svg circle.unit")  # the funnel
    shoot(browser, screens, "signal")
    with phone(browser):
        browser.get(browser.current_url)
        shoot_phone(browser, screens, "signal")
    print(f"browser walk-through: {time.monotonic() - began:.1f} s")


def test_every_page_fits_a_phone(browser, served, screens):
    """No page is wider than a 390 px screen: `document.documentElement.scrollWidth` ≤ 390 (a table may
    scroll inside its own box, the page never)."""
    from selenium.webdriver.common.by import By

    server, published = served
    samples = most_findings(published)
    log_in(browser, server.base)
    widths = {}
    with phone(browser):
        for route, path in page_paths(samples):
            browser.get(f"{server.base}{path}")
            assert route == "/dang-nhap" or "/dang-nhap" not in browser.current_url, path  # still logged in
            assert browser.find_elements(By.TAG_NAME, "h1"), path
            widths[path] = browser.execute_script("return document.documentElement.scrollWidth")
            if route in PHONE_SHOTS and path == sample_path(route, samples):
                shoot_phone(browser, screens, PHONE_SHOTS[route])
    print("scrollWidth at 390 px:", widths)
    assert {route for route, _ in page_paths(samples)} >= set(PHONE_SHOTS)
    assert {path: width for path, width in widths.items() if width > PHONE_WIDTH} == {}


def test_the_print_view_fits_on_a_few_a4_pages(browser, served, screens):
    """The unit with the most findings prints (Chromium's PDF, the page's own A4 size) on at most 4 pages."""
    from selenium.webdriver.common.by import By

    server, published = served
    code = most_findings(published)["unit"]
    log_in(browser, server.base)
    browser.get(f"{server.base}/don-vi/{code}/in")
    assert browser.find_elements(By.CSS_SELECTOR, "#bang-chung table.by-month")
    assert "sheet “Bằng chứng” của báo cáo kiểm tra Excel" in browser.find_element(By.ID, "bang-chung").text
    printed = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    pages, boxes = pdf_pages(base64.b64decode(printed["data"]))
    print(f"print view of {code}: {pages} A4 pages")
    assert boxes and all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in boxes), boxes
    assert 1 <= pages <= MAX_PRINT_PAGES
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        height = browser.execute_script("return document.documentElement.scrollHeight")
        set_viewport(browser, 794, min(int(height), 6000))  # 210 mm at 96 px an inch: the paper's width
        browser.save_screenshot(str(screens / "web-unit-print.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
