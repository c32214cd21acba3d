"""End to end: `budgetdq dashboard` served, opened in headless Chromium (Debian's, via Selenium).

Screenshots go to `BUDGETDQ_SCREENSHOTS` if set (`make screenshots` writes docs/), else tmp.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from budgetdq.lake import Lake
from tests.dashboard.conftest import HOSTILE_LINE, SCRIPT_LINE, lake_of_s02_named
from tests.processes import child, free_port, wait_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Without the background-networking flags Chromium keeps calling Google on this closed network.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=zh-CN",
)


@contextmanager
def serve_dashboard(lake: Path, log: Path) -> Iterator[str]:
    """The dashboard served by the CLI over `lake`; yields its base URL."""
    port = free_port()
    budgetdq = Path(sys.executable).with_name("budgetdq")
    command = [str(budgetdq), "dashboard", "--lake", str(lake), "--port", str(port)]
    with child(command, dict(os.environ), log):
        url = f"http://127.0.0.1:{port}"
        wait_for("the dashboard", lambda: urllib.request.urlopen(f"{url}/_stcore/health"), 60, log)
        yield url


@pytest.fixture(scope="module")
def dashboard(seeded_lake: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard over the seeded lake."""
    log = tmp_path_factory.mktemp("dashboard-server") / "dashboard.log"
    with serve_dashboard(seeded_lake, log) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(
            "Chromium is not installed: `apt-get install chromium chromium-driver` "
            "(.ci/run installs them)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    options.add_argument("--window-size=1440,1800")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("BUDGETDQ_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def page_text(driver: webdriver.Chrome) -> str:
    return str(driver.execute_script("return document.body.innerText"))


def wait_for_text(driver: webdriver.Chrome, *texts: str, timeout: float = 60) -> str:
    """The page's text once every one of `texts` is on it and Streamlit has stopped running."""

    def ready(d: webdriver.Chrome) -> str | None:
        running = d.execute_script(
            "return document.querySelector('[data-testid=\"stStatusWidget\"]') !== null"
        )
        text = page_text(d)
        return text if all(t in text for t in texts) and not running else None

    try:
        return str(WebDriverWait(driver, timeout, poll_frequency=0.25).until(ready))
    except Exception:
        pytest.fail(f"never saw {texts!r}; the page said:\n{page_text(driver)[:3000]}")


def settle(driver: webdriver.Chrome) -> None:
    """Wait until nothing is left to draw: no placeholder, every chart drawn (for screenshots)."""
    drawn = """
        return !document.querySelector('[data-testid="stSkeleton"]') &&
            [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                .every(chart => chart.querySelector('canvas, svg'))"""
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(drawn))
    time.sleep(0.5)  # the chart's fade-in


def doc_ids(lake_root: Path) -> dict[str, str]:
    """doc_id by file name (latest versions)."""
    with Lake(lake_root, read_only=True) as lake:
        rows = lake.query(
            "SELECT url, sha256 FROM disclosures "
            "QUALIFY version = max(version) OVER (PARTITION BY url)"
        )
    return {Path(url).name: sha for url, sha in rows}


def test_overview_shows_every_disclosure_and_opens_a_document(
    dashboard: str, browser: webdriver.Chrome, shots: Path
) -> None:
    browser.get(dashboard)
    text = wait_for_text(browser, "预算数据质量总览", "部门 × 年度", "最新披露")
    assert re.search(r"披露文档\s+5\s", text) and re.search(r"🔴 未通过\s+5\s", text)
    settle(browser)
    browser.save_screenshot(str(shots / "overview.png"))
    assert (shots / "overview.png").stat().st_size > 10_000
    button = (By.XPATH, "//button[.//p[text()='查看所选文档']]")
    WebDriverWait(browser, 30).until(expected_conditions.element_to_be_clickable(button)).click()
    text = wait_for_text(browser, "发现详情", "原文（第")
    assert "北京市应急管理局（042） 2022年部门预算" in text
    assert "doc=" in browser.current_url


def test_a_deep_link_opens_the_finding_at_its_source_line(
    dashboard: str, browser: webdriver.Chrome, seeded_lake: Path, shots: Path
) -> None:
    doc_id = doc_ids(seeded_lake)["001_395d94a6e4d5ecf0.txt"]
    with Lake(seeded_lake, read_only=True) as lake:
        ((fingerprint,),) = lake.query(
            "SELECT fingerprint FROM findings WHERE doc_id = ? AND \"check\" = 'summary_income_items'",
            [doc_id],
        )
    browser.get(f"{dashboard}/?doc={doc_id}&finding={fingerprint}")
    text = wait_for_text(browser, "发现详情", "原文（第 38 行前后）", "本年收入合计")
    assert "北京市朝阳区应急管理局（105） 2024年部门预算" in text
    line = WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, '[data-line="38"]'))
    )
    assert "本年收入合计" in line.text and "background" in (line.get_attribute("style") or "")
    browser.execute_script(
        "document.evaluate(\"//h3[contains(., '发现详情')]\", document, null, 9, null)"
        ".singleNodeValue.scrollIntoView()"
    )
    WebDriverWait(browser, 30).until(
        lambda d: (
            not d.execute_script("return document.querySelector('[data-testid=\"stSkeleton\"]')")
        )
    )
    browser.save_screenshot(str(shots / "finding.png"))


def test_document_text_is_shown_never_run(
    dashboard: str, browser: webdriver.Chrome, seeded_lake: Path
) -> None:
    doc_id = doc_ids(seeded_lake)["hostile.txt"]
    with Lake(seeded_lake, read_only=True) as lake:
        rows = lake.query(
            "SELECT fingerprint FROM findings WHERE doc_id = ? AND line = ?",
            [doc_id, HOSTILE_LINE + 1],
        )
    browser.get(f"{dashboard}/?doc={doc_id}&finding={rows[0][0]}")
    wait_for_text(browser, f"原文（第 {HOSTILE_LINE + 1} 行前后）", SCRIPT_LINE)
    assert browser.execute_script("return window.hacked === undefined")
    assert (
        browser.execute_script("return document.querySelectorAll('.budgetdq-source b').length") == 0
    )


class _Recorder(BaseHTTPRequestHandler):
    """Answers every request with 204 and records its path: what a payload made a browser fetch."""

    seen: list[str] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_markdown_and_html_from_a_document_or_a_link_fetch_nothing(
    browser: webdriver.Chrome, engine, tmp_path: Path
) -> None:
    """A publisher named with a link, a tracking pixel and an <img>, and a crafted `?doc=`: shown
    as text, and the browser requests none of their URLs."""
    recorder = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{recorder.server_address[1]}"
    # The name ends at a colon (`单位：`), so the document's payload has paths, not URLs.
    payload = '[点击领取](/budgetdq-click)![](/budgetdq-pixel.png)<img src="/budgetdq-img.png">'
    doc_id = doc_ids(lake_of_s02_named(tmp_path, payload, engine))["hostile.txt"]
    try:
        with serve_dashboard(tmp_path / "lake", tmp_path / "dashboard.log") as url:
            pages = {
                url: "预算数据质量总览",
                f"{url}/?doc={doc_id}": "[点击领取]",  # the name, as text
                f"{url}/?doc=![]({base}/doc-pixel.png)": "数据湖中没有这个文档",
            }
            for page, shown in pages.items():
                browser.get(page)
                wait_for_text(browser, shown)
                time.sleep(1)  # time for any image to be fetched
                links = browser.execute_script(
                    "return [...document.querySelectorAll('a[href], img[src]')]"
                    ".map(e => e.href || e.src)"
                    ".concat(performance.getEntriesByType('resource').map(e => e.name))"
                )
                fetched = [u.split("#")[0] for u in links]  # a heading's own anchor is no fetch
                assert not [u for u in fetched if u.startswith(base) or "budgetdq-" in u], page
    finally:
        recorder.shutdown()
    assert _Recorder.seen == []


def test_chromium_is_the_system_one() -> None:
    assert shutil.which("chromium") == str(CHROMIUM)
