"""The printed contact card, in Chromium: on a 390 px phone the grid worker opens their grid's
便民服务联系卡 from the grid page and prints it, then the community's sheet. Each print is a
non-empty PDF with one card per A6 page (105 × 148 mm), as the print CSS asks. Chromium prints
through the DevTools call behind `--print-to-pdf` (Page.printToPDF), with the page's own size.

Needs WANGGE_URL and WANGGE_GRID_CODE (scripts/python-checks.sh sets them) and chromium with
chromedriver; without the browser the module skips, except in CI (CI set), where it fails."""

import base64
import re

import pytest

import browser
from browser import BASE, GRID

browser.require()
A6_POINTS = (105 / 25.4 * 72, 148 / 25.4 * 72)  # 297.6 × 419.5 pt

if not browser.MISSING:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture(scope="module")
def phone():
    d = browser.start(phone_width=390)
    yield d
    d.quit()


def wait(d, condition, what):
    return WebDriverWait(d, 20).until(condition, message=f"waited for {what}")


def print_pdf(d):
    """The page printed as Chromium's --print-to-pdf prints it, at the size its CSS asks for."""
    pdf = base64.b64decode(d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"])
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", pdf)
    boxes = {tuple(float(v) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)}
    return pdf, len(pages), boxes


def assert_a6(boxes):
    assert boxes, "the PDF names its page size"
    for box in boxes:
        width, height = box[2] - box[0], box[3] - box[1]
        assert abs(width - A6_POINTS[0]) < 2 and abs(height - A6_POINTS[1]) < 2, f"an A6 page, not {width:.1f} × {height:.1f} pt"


def test_grid_worker_prints_the_contact_card_and_the_sheet(phone):
    d = phone
    browser.log_in(d, "gridworker")

    d.get(f"{BASE}/units")
    card_link = wait(d, lambda d: d.find_element(By.XPATH, "//main//a[normalize-space()='便民服务联系卡']"), "the grid page's card link")
    card_link.click()
    card = wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "section.contact-card"), "the contact card")
    assert "便民服务联系卡" in card.text and "扫码反映问题" in card.text
    assert f"/r/{GRID}" in card.text, f"the report address is printed under the QR code: {card.text}"
    assert card.find_elements(By.CSS_SELECTOR, "svg.qr path"), "a QR code drawn as SVG"
    widths = d.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert widths[1] <= widths[0] == 390, f"the card fits the phone: {widths}"
    pdf, pages, boxes = print_pdf(d)
    assert len(pdf) > 1000 and pdf.startswith(b"%PDF"), "a PDF came out"
    assert pages == 1, f"one card, one page: {pages}"
    assert_a6(boxes)

    d.back()
    wait(d, lambda d: d.find_element(By.XPATH, "//main//a[normalize-space()='印制本单元全部联系卡']"), "the sheet link").click()
    cards = wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "section.contact-card"), "the sheet's cards")
    pdf, pages, boxes = print_pdf(d)
    assert pages == len(cards) >= 1, f"one card per page: {len(cards)} cards on {pages} pages"
    assert_a6(boxes)
