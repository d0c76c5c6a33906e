"""report.html in a real headless Chromium: pairs, highlighting, search, escaping.

Needs the Debian packages ``chromium`` and ``chromium-driver`` and the Python
package ``selenium``; skipped cleanly without them. Set ``VIEN_SCREENSHOT`` to
keep the page's screenshot somewhere other than the test's temporary folder.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tiny_models import run_seed_and_record

SCRIPT_SENTENCE = "Ông nói <script>alert(1)</script> là sai."
EXTRA = {
    "id": "quote",
    "text": f"{SCRIPT_SENTENCE}\nHà Nội là thủ đô của Việt Nam. Hôm nay trời đẹp.",
}
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


def _executable(*names: str) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


CHROMIUM = _executable("chromium", "chromium-browser", "google-chrome")
CHROMEDRIVER = _executable("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install)")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs chromium and chromedriver (apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A headless Chromium driven through chromedriver, with a fresh profile."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def report_run(tmp_path_factory: pytest.TempPathFactory, tiny_marian: Path) -> Path:
    """``vien run`` over the seed article and a record with markup in it."""
    return run_seed_and_record(tiny_marian, tmp_path_factory.mktemp("browser-run"), EXTRA)


@pytest.fixture(scope="module")
def page(browser, report_run: Path):
    """The browser with report.html freshly loaded."""
    browser.get((report_run / "report.html").as_uri())
    return browser


@pytest.fixture()
def fresh(page):
    """The loaded page with search cleared and no selection, before each test."""
    page.refresh()
    return page


def aligned(out: Path) -> list[dict]:
    lines = (out / "aligned.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def rows_in_page(driver) -> list[tuple[str, str, str, bool]]:
    """``(pair id, vi text, en text, shown)`` for every pair row, read in one call."""
    return [
        tuple(row)
        for row in driver.execute_script(
            """return Array.from(document.querySelectorAll('tr.pair')).map(function (tr) {
                 var vi = tr.querySelector('td.s[data-lang="vi"]');
                 var en = tr.querySelector('td.s[data-lang="en"]');
                 return [tr.dataset.pair, vi.textContent, en.textContent,
                         !tr.hidden && !tr.closest('section').hidden];
               });"""
        )
    ]


def cell(driver, pair_id: str, lang: str):
    from selenium.webdriver.common.by import By

    selector = f'td.s[data-lang="{lang}"][data-pair="{pair_id}"]'
    return driver.find_element(By.CSS_SELECTOR, selector)


def test_every_pair_is_in_the_page(fresh, report_run: Path) -> None:
    # A tone-restored sentence shows its restored text under the text as written.
    expected = [
        (r["id"], r["vi"] + (r.get("vi_restored") or ""), r["en"], True)
        for r in aligned(report_run)
    ]
    assert rows_in_page(fresh) == expected


def test_page_loads_without_errors(fresh) -> None:
    """No script error and no Content-Security-Policy violation (the script's hash matches)."""
    errors = [e for e in fresh.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    assert fresh.find_element("id", "counter").text.endswith(" pairs")


def test_clicking_a_sentence_highlights_its_partner(fresh, report_run: Path) -> None:
    first, second = aligned(report_run)[:2]
    vi, en = cell(fresh, first["id"], "vi"), cell(fresh, first["id"], "en")
    assert "partner" not in en.get_attribute("class").split()
    vi.click()
    assert "active" in vi.get_attribute("class").split()
    assert "partner" in en.get_attribute("class").split()
    cell(fresh, second["id"], "en").click()
    assert "partner" not in en.get_attribute("class").split()
    assert "partner" in cell(fresh, second["id"], "vi").get_attribute("class").split()


def test_hovering_a_sentence_highlights_its_partner(fresh, report_run: Path) -> None:
    from selenium.webdriver import ActionChains

    pair_id = aligned(report_run)[1]["id"]
    ActionChains(fresh).move_to_element(cell(fresh, pair_id, "en")).perform()
    assert "hover-partner" in cell(fresh, pair_id, "vi").get_attribute("class").split()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alert(1)", ["extra/quote/p1/s1"]),
        ("ha noi la thu do", ["extra/quote/p2/s1"]),  # tone marks are optional
        ("HÔM NAY", ["extra/quote/p2/s2"]),
    ],
    ids=["markup", "without-tones", "upper-case"],
)
def test_search_filters_rows(fresh, query: str, expected: list[str]) -> None:
    from selenium.webdriver.support.wait import WebDriverWait

    search = fresh.find_element("id", "search")
    counter = fresh.find_element("id", "counter")
    search.send_keys(query)
    WebDriverWait(fresh, 5).until(lambda _: " of " in counter.text)  # filtering is debounced
    shown = [row[0] for row in rows_in_page(fresh) if row[3]]
    assert shown == expected
    search.clear()
    search.send_keys(" ")
    WebDriverWait(fresh, 5).until(lambda _: " of " not in counter.text)
    assert all(row[3] for row in rows_in_page(fresh))


def test_script_sentence_shows_as_text(fresh) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    vi = cell(fresh, "extra/quote/p1/s1", "vi")
    fresh.execute_script("arguments[0].scrollIntoView()", vi)
    assert vi.text == SCRIPT_SENTENCE
    with pytest.raises(NoAlertPresentException):
        fresh.switch_to.alert.text  # noqa: B018 - reading it is what raises
    assert fresh.execute_script("return document.scripts.length") == 1


def test_screenshot(fresh, tmp_path: Path) -> None:
    """A full-page screenshot, kept where ``VIEN_SCREENSHOT`` says."""
    path = Path(os.environ.get("VIEN_SCREENSHOT") or tmp_path / "report.png")
    width, height = fresh.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    shot = fresh.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.read_bytes().startswith(b"\x89PNG")
