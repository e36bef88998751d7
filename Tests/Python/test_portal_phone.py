"""The disclosure portal as the public meets it: no log-in, on a 390 px phone, reached from the
grid's QR page. Checks that it fits the phone, opens a power item's flow chart, shows no phone or ID
number, and that its Atom feed is valid Atom 1.0 (parsed with the standard library's XML parser,
every element RFC 4287 requires present).

Run by scripts/python-checks.sh (WANGGE_URL, WANGGE_GRID_CODE); plain HTTP checks need only
`requests`, the browser check skips without chromium as the other browser checks do.
"""

import re
import xml.etree.ElementTree as ET

import pytest
import requests

import browser
from browser import BASE, GRID

ATOM = "{http://www.w3.org/2005/Atom}"
PERSONAL_NUMBER = re.compile(r"(?<![0-9])(1[3-9][0-9]{9}|[1-9][0-9]{16}[0-9Xx])(?![0-9])")
UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


def personal(text):
    """Phone and ID numbers in a text, UUIDs left out first (a UUID's last group can hold eleven digits after a letter)."""
    return PERSONAL_NUMBER.findall(UUID.sub("<uuid>", text))



if not BASE or not GRID:
    pytest.skip("set WANGGE_URL and WANGGE_GRID_CODE (scripts/python-checks.sh does)", allow_module_level=True)


def portal_url():
    """The grid's code leads to its community's portal."""
    res = requests.get(f"{BASE}/open/{GRID}", allow_redirects=False, timeout=30)
    assert res.status_code == 303, res.status_code
    return BASE + res.headers["Location"]


def test_portal_is_public_and_shows_no_personal_data():
    url = portal_url()
    res = requests.get(url, timeout=30)
    assert res.status_code == 200
    html = res.text
    for text in ("权力清单", "四张清单", "负面清单", "党员大会", "结案率"):
        assert text in html, text
    assert not personal(html), personal(html)
    qr = requests.get(f"{BASE}/r/{GRID}", timeout=30).text
    assert f"/open/{GRID}" in qr, "the QR page links the portal"


def test_atom_feed_is_valid_atom():
    url = portal_url()
    res = requests.get(url + "/feed.atom", timeout=30)
    assert res.status_code == 200 and res.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(res.content)
    assert feed.tag == ATOM + "feed"
    for name in ("id", "title", "updated"):
        assert feed.find(ATOM + name) is not None and feed.find(ATOM + name).text, name
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert any(link.get("rel") == "self" for link in feed.findall(ATOM + "link"))
    entries = feed.findall(ATOM + "entry")
    assert entries
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(ATOM + name) is not None and entry.find(ATOM + name).text, name
        # RFC 3339 times.
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", entry.find(ATOM + "updated").text)
    assert not personal(res.text)
    json_feed = requests.get(url + "/feed.json", timeout=30).json()
    assert json_feed["version"] == "https://jsonfeed.org/version/1.1" and len(json_feed["items"]) == len(entries)


def test_portal_fits_a_phone_and_opens_a_flow_chart():
    browser.require()
    from selenium.webdriver.common.by import By

    import pages

    d = browser.start(phone_width=390)
    try:
        d.get(portal_url())
        pages.assert_fits_phone(d)
        item = d.find_element(By.CSS_SELECTOR, "#powers details.power")
        item.find_element(By.TAG_NAME, "summary").click()
        image = item.find_element(By.CSS_SELECTOR, ".flow-chart img")
        pages.wait_for(d, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image), "the flow chart to load")
        assert image.size["width"] <= 390
        pages.assert_fits_phone(d)
    finally:
        d.quit()
