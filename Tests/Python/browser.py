"""Chromium for the browser checks that need nothing more than a plain headless browser
(test_contact_cards.py, test_import_progress.py): the server's address from scripts/python-checks.sh,
and a browser that is a skip on a developer's machine without chromium but a failure in CI (CI set).

A test module calls `require()` when it is imported, then `start(...)` in its fixture."""

import os
import shutil

import pytest

BASE = os.environ.get("WANGGE_URL", "").rstrip("/")
GRID = os.environ.get("WANGGE_GRID_CODE", "")
IN_CI = bool(os.environ.get("CI"))
PASSWORD = "Wangge@2026"
DRIVER = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
BROWSER = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"

MISSING = None  # why the browser cannot start, in CI (start() fails with it)


def unavailable(reason):
    global MISSING
    if not IN_CI:
        pytest.skip(reason, allow_module_level=True)
    MISSING = f"{reason} (CI is set, so this fails instead of skipping)"


def require():
    """Skips the calling module without a server; notes (or, outside CI, skips for) a missing browser."""
    if not BASE or not GRID:
        pytest.skip("set WANGGE_URL and WANGGE_GRID_CODE (scripts/python-checks.sh does)", allow_module_level=True)
    try:
        import selenium  # noqa: F401
    except ImportError as error:
        unavailable(f"selenium is not installed ({error}): pip install -r Tests/Python/requirements.txt")
        return
    if not (os.access(DRIVER, os.X_OK) and os.access(BROWSER, os.X_OK)):
        unavailable("needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver fonts-noto-cjk)")


def start(phone_width=None, window="1280,900"):
    """Headless Chromium in Chinese: a phone of `phone_width` px (touch, pixel ratio 3), else a desk window."""
    if MISSING:
        pytest.fail(MISSING, pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=zh-CN"]:
        options.add_argument(argument)
    if phone_width:
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": phone_width, "height": 844, "pixelRatio": 3.0, "touch": True}})
    else:
        options.add_argument(f"--window-size={window}")
    d = webdriver.Chrome(service=Service(DRIVER), options=options)
    d.set_page_load_timeout(30)
    return d


def log_in(d, username):
    """Signs `username` in through the log-in form and waits until the header names them."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    d.get(f"{BASE}/login")
    WebDriverWait(d, 20).until(lambda d: d.find_element(By.NAME, "username"), message="waited for the log-in form")
    d.find_element(By.NAME, "username").send_keys(username)
    d.find_element(By.NAME, "password").send_keys(PASSWORD)
    d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "header a.who"), message=f"waited for {username} to be logged in")


def wait(d, condition, what, seconds=20):
    """`condition` until it holds, read again when a navigation replaced the page under it: a stale
    element, or Chromium's "Node with given id does not belong to the document" for an element read
    while the new document arrives (seen once in CI, in the home visit's wait after a form's answer)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def holds(d):
        try:
            return condition(d)
        except WebDriverException as e:
            if isinstance(e, StaleElementReferenceException) or "does not belong to the document" in (e.msg or ""):
                return False
            raise

    return WebDriverWait(d, seconds).until(holds, message=f"waited for {what}")
