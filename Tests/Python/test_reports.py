"""The monthly report read back by real readers: the leader's unit's report downloaded as XLSX and
opened with openpyxl, and as CSV, each holding the same numbers as the JSON measures API for the
same unit and month; then the report page printed to PDF by headless Chromium (Page.printToPDF, as
--print-to-pdf does) on A4 pages, read back with pdftotext (poppler-utils) for the unit's name when
pdftotext is installed, else checked by its bytes only (a PDF with several pages) — the test prints
which it did.

Needs WANGGE_URL (scripts/python-checks.sh sets it) and openpyxl; the PDF part needs chromium with
chromedriver and skips without them, except in CI (CI set), where it fails."""

import base64
import csv
import datetime
import io
import re
import shutil
import subprocess

import openpyxl
import pytest
import requests

import browser
from browser import BASE, PASSWORD

if not BASE:
    pytest.skip("set WANGGE_URL (scripts/python-checks.sh does)", allow_module_level=True)

A4_POINTS = (210 / 25.4 * 72, 297 / 25.4 * 72)  # 595.3 × 841.9 pt


def csrf(html):
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def leader():
    s = requests.Session()
    page = s.get(f"{BASE}/login", timeout=10)
    r = s.post(f"{BASE}/login", data={"username": "leader", "password": PASSWORD, "_csrf": csrf(page.text)}, timeout=10, allow_redirects=False)
    assert r.status_code == 303, f"log-in: {r.status_code}"
    return s


@pytest.fixture(scope="module")
def figures(leader):
    """The API's measures for the leader's own unit and the current month, or the month before when
    the current one has no cases yet (its first hours; the demo's cases are the last 30 days)."""
    r = leader.get(f"{BASE}/api/v1/measures", timeout=30)
    assert r.status_code == 200, r.text
    answer = r.json()
    if answer["counts"]["reported"] == 0:
        first = datetime.date.fromisoformat(answer["from"])
        r = leader.get(f"{BASE}/api/v1/measures", params={"month": (first - datetime.timedelta(days=1)).strftime("%Y-%m")}, timeout=30)
        assert r.status_code == 200, r.text
        answer = r.json()
    answer["month"] = answer["from"][:7]
    assert answer["counts"]["reported"] > 0, "the demo month has cases"
    return answer


def shown(display):
    """The number in the API's display text ("93.7 %", "5.2 小时", "12.3"), as the pages round it."""
    return None if display == "—" else float(display.split()[0])


def test_xlsx_and_csv_hold_the_apis_numbers(leader, figures):
    unit, month = figures["unit"], figures["month"]
    r = leader.get(f"{BASE}/reports/{unit}/export", params={"format": "xlsx", "month": month}, timeout=60)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=False)
    assert book.sheetnames == ["指标", "案件走势", "按类别", "按渠道", "下级单位", "冻结后的更正", "期末超期案件"]

    rows = list(book["指标"].iter_rows(values_only=True))
    assert rows[0][:7] == ("指标", "数值", "单位", "分子", "分母", "样本数 n", "公式")
    by_name = {row[0]: row for row in rows[1:]}
    # Every measure of the registry: the eleven of the cases, register coverage and visit coverage, and the
    # three of participation (报到党员服务率, 服务市场满意率, 志愿者参与率).
    assert len(by_name) == len(figures["measures"]) == 16
    for m in figures["measures"]:
        row = by_name[m["name"]]
        assert row[3] == m["numerator"] and row[4] == m["denominator"] and row[5] == m["n"], (m["id"], row)
        assert row[6] == m["formula"]
        if m["value"] is None:
            assert row[1] is None, f"{m['id']}: no value is an empty cell, not 0"
        else:
            assert isinstance(row[1], (int, float)), f"{m['id']}: a numeric cell, not text: {row[1]!r}"
            assert row[1] == shown(m["display"]) and abs(row[1] - m["value"]) <= 0.05, (m["id"], row[1], m["value"])
    on_time = next(m for m in figures["measures"] if m["id"] == "on_time_closing")
    assert on_time["n"] > 0, "the month's 按期结案率 rests on cases"

    # The trend sheet's days add up to the month's cases; so do the channels.
    trend = list(book["案件走势"].iter_rows(values_only=True))[1:]
    assert sum(row[1] for row in trend) == figures["counts"]["reported"]
    channels = list(book["按渠道"].iter_rows(values_only=True))[1:]
    assert sum(row[1] for row in channels) == figures["counts"]["reported"]
    assert all(isinstance(row[1], int) for row in channels)

    # The CSV of the same table: UTF-8 with BOM, the same numbers as text.
    c = leader.get(f"{BASE}/reports/{unit}/export", params={"format": "csv", "table": "measures", "month": month}, timeout=60)
    assert c.status_code == 200 and c.content.startswith(b"\xef\xbb\xbf"), c.content[:20]
    lines = list(csv.reader(io.StringIO(c.content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["指标", "数值", "单位"]
    for line in lines[1:]:
        row = by_name[line[0]]
        assert line[1] == ("" if row[1] is None else (str(int(row[1])) if float(row[1]).is_integer() else str(row[1])))
        assert [int(v) for v in line[3:6]] == list(row[3:6])


def test_report_prints_to_a4_pdf_with_the_units_name(figures):
    browser.require()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    d = browser.start()
    try:
        d.get(f"{BASE}/login")
        WebDriverWait(d, 20).until(lambda d: d.find_element(By.NAME, "username"))
        d.find_element(By.NAME, "username").send_keys("leader")
        d.find_element(By.NAME, "password").send_keys(PASSWORD)
        d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "header a.who"))
        d.get(f"{BASE}/reports/{figures['unit']}?month={figures['month']}")
        head = WebDriverWait(d, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, ".report-head"))
        assert figures["unit_name"] in head.text and figures["month"] in head.text
        pdf = base64.b64decode(d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"])
    finally:
        d.quit()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000, f"a PDF came out ({len(pdf)} bytes)"
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages >= 4, f"a page per section: {pages} pages"
    for box in {tuple(float(v) for v in b.split()) for b in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)}:
        width, height = box[2] - box[0], box[3] - box[1]
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, f"A4, not {width:.1f} × {height:.1f} pt"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
        print(f"report PDF: {pages} pages, {len(pdf)} bytes, read with pdftotext")
        assert figures["unit_name"] in text, "the unit's name is printed"
        assert "月度报告" in text and figures["month"] in text
        on_time = next(m for m in figures["measures"] if m["id"] == "on_time_closing")
        assert on_time["display"] in text, f"按期结案率 {on_time['display']} is printed as the API gives it"
        assert "按期结案率地图" in text and "样本不足" in text, "the KPI map of the units is printed with its legend"
        assert "数据看板" not in text.split("月度报告")[0], "no navigation printed before the report's header"
    else:
        print(f"report PDF: {pages} pages, {len(pdf)} bytes; pdftotext (poppler-utils) not installed, checked by bytes only")
