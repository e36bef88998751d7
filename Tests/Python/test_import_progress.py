"""The import page's progress, in Chromium: a street operator (a clerk at a desk) chooses a file of
30,000 households as Excel saves them (GBK, CRLF), ticks 试导入 (so the shared server's register
is left alone) and uploads. The page shows the upload's share, then rows done of the rows the
file holds with the time left, and finally the result in place of the form, without a reload.

Needs WANGGE_URL and WANGGE_GRID_CODE (scripts/python-checks.sh sets them) and chromium with
chromedriver; without the browser the module skips, except in CI (CI set), where it fails."""

import os
import re
import tempfile

import pytest

import browser
from browser import GRID, BASE, PASSWORD

browser.require()
ROWS = 30_000

if not browser.MISSING:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait


@pytest.fixture(scope="module")
def desk():
    d = browser.start()
    yield d
    d.quit()


@pytest.fixture(scope="module")
def households_file():
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as f:
        lines = ["户号,地址,网格编码"] + [f"PROGRESS-{i:06d},进度测试路{i}号,{GRID}" for i in range(ROWS)]
        f.write("\r\n".join(lines).encode("gbk") + b"\r\n")
    yield f.name
    os.unlink(f.name)


def test_clerk_sees_the_import_progress_then_the_result(desk, households_file):
    d = desk
    d.get(f"{BASE}/login")
    WebDriverWait(d, 20).until(lambda d: d.find_element(By.NAME, "username"), "the log-in form")
    d.find_element(By.NAME, "username").send_keys("operator")
    d.find_element(By.NAME, "password").send_keys(PASSWORD)
    d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "header a.who"), "the operator to be logged in")

    d.get(f"{BASE}/data")
    form = WebDriverWait(d, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "form[data-progress]"), "the import form")
    Select(form.find_element(By.NAME, "kind")).select_by_value("households")
    form.find_element(By.NAME, "file").send_keys(households_file)
    form.find_element(By.NAME, "dry_run").click()
    # Every text the progress line shows, kept as it changes (the result replaces it at the end).
    d.execute_script("""
        window.__progress = [];
        var label = document.querySelector('.import-progress span');
        new MutationObserver(function () { window.__progress.push(label.textContent); })
            .observe(label, {childList: true, characterData: true, subtree: true});
    """)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(d, 120).until(lambda d: "试导入（未写入）" in d.find_element(By.TAG_NAME, "main").text, "the dry run's result on the page")

    seen = d.execute_script("return window.__progress")
    counts = [tuple(map(int, m.groups())) for m in (re.search(r"已处理 (\d+) 行,共约 (\d+) 行", s) for s in seen) if m]
    assert counts, f"rows done were shown while the import ran: {seen}"
    assert counts[-1] == (ROWS, ROWS), f"the last count is the whole file: {counts}"
    assert all(done <= total for done, total in counts) and [c[0] for c in counts] == sorted(c[0] for c in counts), f"never backwards: {counts}"
    main = d.find_element(By.TAG_NAME, "main").text
    assert f"将新增 {ROWS} 条" in main, f"the result replaced the form: {main[:400]}"
    assert d.current_url.rstrip("/").endswith("/data"), "no reload, no redirect"
