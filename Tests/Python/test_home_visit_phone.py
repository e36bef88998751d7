"""A home visit on a 390 px phone, in Chromium: the grid worker opens the grid's visit plan from the
grid page, goes to the first household due, records a visit that adds a newborn to the household and
raises a need, finds the new member in the household and the need in the needs log, and closes the
need with a note (解决一件注销一件). The page never scrolls sideways.

Needs WANGGE_URL (scripts/python-checks.sh sets it) and chromium with chromedriver; without the
browser the module skips, except in CI (CI set), where it fails."""

import random

import pytest

import browser
from browser import BASE

browser.require()

if not browser.MISSING:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select


def id_number(sequence):
    """A GB 11643 number born 2026-03-01 in 东城区, with its check character."""
    body = f"11010120260301{sequence:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


@pytest.fixture(scope="module")
def phone():
    d = browser.start(phone_width=390)
    yield d
    d.quit()


def wait(d, condition, what):
    # A form's answer replaces the page while the condition reads it: try again on the new one.
    return browser.wait(d, condition, what)


def fits(d):
    widths = d.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert widths[1] <= widths[0], f"the page fits the phone: {widths}"


def test_grid_worker_records_a_visit_that_adds_a_member_and_closes_its_need(phone):
    d = phone
    browser.log_in(d, "gridworker")

    d.get(f"{BASE}/units")
    wait(d, lambda d: d.find_element(By.XPATH, "//main//a[normalize-space()='入户走访']"), "the grid page's visits link").click()
    wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "ol.visit-plan"), "the visit plan")
    assert "走访规则" in d.find_element(By.TAG_NAME, "main").text
    fits(d)
    d.find_element(By.XPATH, "//main//a[normalize-space()='按楼栋']").click()
    first = wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "ol.visit-plan li a"), "the plan sorted by building")
    number = first.text
    first.click()
    wait(d, lambda d: d.find_element(By.XPATH, "//main//a[normalize-space()='入户走访']"), "the household's visit button").click()
    form = wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "form.visit-form"), "the visit form")
    fits(d)

    name = f"新生儿{random.randint(100, 999)}"
    need = f"希望办理{name}的医保"
    form.find_element(By.NAME, "seen").send_keys("家中新添一名婴儿，母子平安")
    form.find_elements(By.CSS_SELECTOR, "input[name=met]")[0].click()
    form.find_element(By.NAME, "new_name").send_keys(name)
    form.find_element(By.NAME, "new_id_number").send_keys(id_number(random.randint(100, 999)))
    Select(form.find_element(By.NAME, "new_relation")).select_by_value("grandchild")
    form.find_element(By.NAME, "needs").send_keys(need)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(d, lambda d: "走访已记录" in d.find_element(By.TAG_NAME, "main").text, "the visit to be recorded")
    assert need in d.find_element(By.TAG_NAME, "main").text

    d.find_element(By.XPATH, f"//main//a[normalize-space()='{number}']").click()
    wait(d, lambda d: name in d.find_element(By.TAG_NAME, "main").text, "the new member in the household")
    d.back()
    wait(d, lambda d: d.find_element(By.XPATH, f"//main//a[normalize-space()='{need}']"), "the need on the visit").click()
    form = wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "form[action$='/resolve']"), "the need's closing form")
    form.find_element(By.NAME, "note").send_keys("已协助到社保所办理")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(d, lambda d: "已协助到社保所办理" in d.find_element(By.TAG_NAME, "main").text, "the need closed with its note")
    fits(d)
