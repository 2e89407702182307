"""The web app in a real browser: the distribution's Chromium, headless, driven by Selenium.

Logs in, finds a unit on Ưu tiên kiểm tra by its name typed without tones, opens its page, sees its chart (an
SVG with the threshold line) and its findings, downloads its xlsx brief; visits the print version and a signal.
Screenshots of each page go to docs/screens/web-*.png when CCHC_SCREENSHOTS=1, else to a temporary folder.

The file served is the hand-built city of test_web_pages.py, or the published file named by CCHC_WEB_FILE
(copied to a temporary folder first: the test never writes beside it).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from test_web_pages import LOGIN, PASSWORD, Served, make_users, publish_city

from brief.workbook import SHEETS
from models.names import search_key

pytestmark = pytest.mark.e2e

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SCREENS = Path(__file__).resolve().parents[1] / "docs" / "screens"
COMMITTEE = "uy ban nhan dan "


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
    shoot(browser, screens, "unit-print")

    browser.get(f"{base}/chi-so")
    shoot(browser, screens, "signals")
    browser.find_element(By.PARTIAL_LINK_TEXT, "văn bản đi được ký số").click()
    arrive(browser, lambda d: "/chi-so/QLVB_DI_KY_SO" in d.current_url)
    assert browser.find_elements(By.CSS_SELECTOR, "#phan-bo svg rect.bar")
    shoot(browser, screens, "signal")
    print(f"browser walk-through: {time.monotonic() - began:.1f} s")
