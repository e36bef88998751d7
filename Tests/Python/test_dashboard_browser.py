"""The leader's 9 am page in Chromium (issue 13): the district dashboard draws its charts (SVG with
marks and a legend, every number linked to its cases) and the KPI map draws one coloured, linked shape
per unit below with its legend; the monthly report holds the same map; a department's account opens its
own department's dashboard (figures linked to its own cases, no ranking of others); the screenshots are
not blank. On a desk window and on a 390 px phone.

Needs WANGGE_URL and WANGGE_GRID_CODE (scripts/python-checks.sh sets them) and chromium with
chromedriver; without the browser the module skips, except in CI (CI set), where it fails."""

import datetime

import pytest

import browser
from browser import BASE

browser.require()

if not browser.MISSING:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture(scope="module", params=[None, 390], ids=["desk", "phone"])
def leader(request):
    d = browser.start(phone_width=request.param, window="1366,900")
    browser.log_in(d, "leader")
    WebDriverWait(d, 20).until(lambda d: "/dashboard" in d.current_url, message="the leader lands on the dashboard")
    yield d
    d.quit()


def count(d, script):
    return d.execute_script(script)


def china_today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def recent():
    """The last 30 days (China time), which the demo filled with cases: the current month alone may
    have none yet on its first day."""
    today = china_today()
    return f"from={today - datetime.timedelta(days=29)}&to={today}"


def last_month():
    first = china_today().replace(day=1)
    return (first - datetime.timedelta(days=1)).strftime("%Y-%m")


def assert_readable(d):
    """No sideways scrolling, and a screenshot that is not blank."""
    assert count(d, "return document.documentElement.scrollWidth") <= count(d, "return window.innerWidth") + 1, "no sideways scrolling"
    png = d.get_screenshot_as_png()
    assert len(png) > 20_000, f"the screenshot is not blank ({len(png)} bytes)"


def test_dashboard_charts_render(leader):
    d = leader
    d.get(f"{BASE}/dashboard?{recent()}")
    charts = count(d, "return [...document.querySelectorAll('figure.chart > svg')].map(s => s.querySelectorAll('rect, path, polyline, circle, line').length)")
    assert len(charts) >= 3, f"cases over time, by category and by channel: {charts}"
    assert all(n >= 3 for n in charts), f"every chart has marks: {charts}"
    assert count(d, "return document.querySelectorAll('figure.chart .legend, figure.chart figcaption').length") >= 1, "a legend"
    sizes = count(d, "return [...document.querySelectorAll('figure.chart > svg')].map(s => s.getBoundingClientRect().width)")
    assert all(w > 100 for w in sizes), f"charts are drawn at a readable width: {sizes}"
    assert count(d, "return document.documentElement.scrollWidth") <= count(d, "return window.innerWidth") + 1, "no sideways scrolling"
    linked = count(d, "return document.querySelectorAll('.measures a[href^=\"/cases\"]').length")
    assert linked >= 5, "the measures' numbers lead to their cases"
    png = d.get_screenshot_as_png()
    assert len(png) > 20_000, f"the screenshot is not blank ({len(png)} bytes)"


def test_kpi_map_renders(leader):
    d = leader
    d.get(f"{BASE}/dashboard")
    link = d.find_elements(By.CSS_SELECTOR, "a[href*='/map']")
    assert link, "the dashboard links its KPI map"
    d.get(link[0].get_attribute("href"))
    shapes = count(d, "return document.querySelectorAll('svg a[href^=\"/dashboard/\"] path, svg a[href^=\"/dashboard/\"] polygon').length")
    rows = count(d, "return document.querySelectorAll('.table-wrap tbody tr').length")
    assert shapes >= 1 and shapes >= rows - 1, f"a linked shape per unit below ({shapes} shapes, {rows} rows)"
    fills = count(d, "return [...document.querySelectorAll('svg a[href^=\"/dashboard/\"] path, svg a[href^=\"/dashboard/\"] polygon')].map(p => getComputedStyle(p).fill)")
    assert all(f and f != "none" for f in fills), f"every shape is coloured by its class: {fills}"
    assert count(d, "return document.querySelectorAll('.swatch').length") >= 2, "a legend with its classes"
    # With Debian's Leaflet installed the same classes are drawn by Leaflet, which then hides the SVG.
    if count(d, "return !!document.querySelector('.kpi-leaflet:not([hidden])')"):
        drawn = count(d, "return document.querySelectorAll('.kpi-leaflet path.kpi-unit').length")
        assert drawn >= shapes, f"Leaflet draws every unit ({drawn} of {shapes})"
    assert_readable(d)


def test_report_prints_its_map(leader):
    d = leader
    d.get(f"{BASE}/dashboard?month={last_month()}")
    report = d.find_elements(By.CSS_SELECTOR, "a[href^='/reports/']:not([href*='/export'])")
    assert report, "the dashboard links its monthly report"
    d.get(report[0].get_attribute("href"))
    shapes = count(d, "return document.querySelectorAll('.report figure.map svg path').length")
    assert shapes >= 1, f"the report holds the KPI map of its units ({shapes} shapes)"
    assert count(d, "return document.querySelectorAll('.report .map-legend .swatch').length") >= 2, "the map's legend with its classes"
    assert_readable(d)


@pytest.fixture(scope="module", params=[None, 390], ids=["desk", "phone"])
def department(request):
    d = browser.start(phone_width=request.param, window="1366,900")
    browser.log_in(d, "department")
    yield d
    d.quit()


def test_department_dashboard_renders(department):
    d = department
    d.get(f"{BASE}/dashboard/departments?{recent()}")
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, ".table-wrap a[href*='/dashboard/departments/']")]
    assert links, "the department's own departments are listed, each linking to its dashboard"
    assert count(d, "return document.querySelectorAll('.rank-board').length") == 0, "a department is shown no ranking of the others"
    d.get(links[0])
    cards = count(d, "return document.querySelectorAll('.measures .measure').length")
    assert cards >= 8, f"the measures a department answers for ({cards})"
    linked = count(d, "return document.querySelectorAll('.measures a[href*=\"sent=1\"]').length")
    assert linked >= 5, "the numbers lead to the department's own cases"
    charts = count(d, "return document.querySelectorAll('figure.chart > svg').length")
    assert charts >= 3, f"its cases over time, by category and by channel ({charts})"
    assert_readable(d)
