"""Reading and clicking Wangge's pages in Selenium, for test_resident_phone.py: waits that say
what they waited for, the case page's facts, timeline and step forms, log-in, the QR report form,
and a hand-made JPEG to attach."""
import os
import re
import struct

try:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:  # test_resident_phone.py skips (or fails in CI) with the reason
    pass

BASE = os.environ.get("WANGGE_URL", "").rstrip("/")
GRID = os.environ.get("WANGGE_GRID_CODE", "")
PASSWORD = "Wangge@2026"
WAIT_SECONDS = 20

def tiny_jpeg():
    """A valid 8×8 grey baseline JPEG, written out by hand (no imaging library): every quantiser 1,
    one Huffman code each for DC difference 0 and end-of-block, and one block whose DC and AC are
    both zero — the two 1-bit codes `0 0`, padded with ones to a byte (0x3F)."""
    def segment(marker, body):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body
    one_code = bytes([1] + [0] * 15)  # one code of length 1
    return b"".join([
        b"\xff\xd8",                                                         # SOI
        segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),      # APP0
        segment(0xDB, b"\x00" + b"\x01" * 64),                               # DQT 0
        segment(0xC0, b"\x08" + struct.pack(">HH", 8, 8) + b"\x01\x01\x11\x00"),  # SOF0 8×8, 1 component
        segment(0xC4, b"\x00" + one_code + b"\x00"),                         # DHT DC 0: {0}
        segment(0xC4, b"\x10" + one_code + b"\x00"),                         # DHT AC 0: {EOB}
        segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),                          # SOS
        b"\x3f",
        b"\xff\xd9",                                                         # EOI
    ])


# MARK: reading and clicking pages

def main_text(d):
    try:
        return re.sub(r"\s+", " ", d.find_element(By.TAG_NAME, "main").text)[:800]
    except Exception:
        return "(no <main>)"


def wait_for(d, condition, what):
    """Waits up to WAIT_SECONDS for `condition(d)` to be truthy; a timeout names what was awaited and
    what the page says instead (an error page, a refused form)."""
    try:
        return WebDriverWait(d, WAIT_SECONDS, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(condition)
    except TimeoutException:
        raise AssertionError(f"waited {WAIT_SECONDS}s for {what}; {d.current_url} shows: {main_text(d)}") from None


def xpath_text(text):
    """A string as an XPath literal (the page's words contain no quotes, but be safe)."""
    return f"'{text}'" if "'" not in text else 'concat(' + ", \"'\", ".join(f"'{p}'" for p in text.split("'")) + ')'


def fact(d, name):
    """A value of the facts list (状态, 类别, 承办部门 …) on a case or tracking page."""
    return d.find_element(By.XPATH, f"//dl[contains(@class, 'facts')]/div[dt[normalize-space() = {xpath_text(name)}]]/dd").text.strip()


def wait_fact(d, name, value):
    wait_for(d, lambda d: fact(d, name) == value, f"{name} = {value}")


def timeline(d):
    """The timeline as rows of cells: 时间, 环节, 状态, 办理人, 说明."""
    rows = d.find_elements(By.XPATH, "//h2[normalize-space() = '办理过程']/following-sibling::div[1]//tbody/tr")
    return [[td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def click_and_leave(d, element):
    """Clicks a submit button or link and waits until the next page has loaded. The old page is
    marked first, so a redirect back to the same URL counts too; while the page changes the driver
    may answer with a stale element or a node "not in the document" (a chromedriver race in
    staleness checks), so the wait asks the new document itself rather than the old element."""
    wait_for(d, lambda d: element.is_displayed() and element.is_enabled(), "the button to be enabled")
    d.execute_script("document.documentElement.dataset.wanggeLeft = 'no'")
    element.click()

    def next_page_loaded(d):
        try:
            return d.execute_script("return document.readyState === 'complete' && !document.documentElement.dataset.wanggeLeft")
        except WebDriverException:
            return False
    wait_for(d, next_page_loaded, "the next page")


def assert_fits_phone(d, screen=390):
    width = d.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert width[0] == screen, f"the page widened the phone's {screen} px viewport to {width[0]} px: {d.current_url}"
    assert width[1] <= width[0], f"the page is wider than the phone ({width[1]} > {width[0]} px): {d.current_url}"


def login(d, username, story):
    """Logs in on the log-in page; remembers the account's display name (the resident must never see it)."""
    d.get(f"{BASE}/login")
    wait_for(d, lambda d: d.find_element(By.NAME, "username"), "the log-in form")
    d.find_element(By.NAME, "username").send_keys(username)
    d.find_element(By.NAME, "password").send_keys(PASSWORD)
    click_and_leave(d, d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    who = wait_for(d, lambda d: d.find_element(By.CSS_SELECTOR, "header a.who"), f"{username} to be logged in")
    assert "/account" not in d.current_url and "/login" not in d.current_url, \
        f"{username} was sent to {d.current_url} (forced password change or second step?): {main_text(d)}"
    story.setdefault("staff", set()).add(who.text.split(" · ")[0])
    return who.text


def logout(d):
    click_and_leave(d, d.find_element(By.CSS_SELECTOR, "header form[action='/logout'] button"))
    wait_for(d, lambda d: not d.find_elements(By.CSS_SELECTOR, "header a.who"), "the log-out")


def open_cases(d):
    """事件 in the navigation: the role's case screen with its first tab."""
    click_and_leave(d, d.find_element(By.XPATH, "//header//a[normalize-space() = '事件']"))
    return wait_for(d, lambda d: d.find_element(By.CSS_SELECTOR, "main nav.pager strong"), "the case queues").text


def listed_codes(d):
    return [a.text for a in d.find_elements(By.CSS_SELECTOR, "main table a.code")]


def open_tab(d, label):
    """A queue tab by its name (待受理, 待派遣, 我的待办 …), unless it is the current one."""
    current = open_cases(d) if not d.find_elements(By.CSS_SELECTOR, "main nav.pager strong") \
        else d.find_element(By.CSS_SELECTOR, "main nav.pager strong").text
    if not current.startswith(label):
        click_and_leave(d, d.find_element(By.XPATH, f"//main/nav[contains(@class, 'pager')]/a[starts-with(normalize-space(), {xpath_text(label)})]"))
    return listed_codes(d)


def open_case(d, code):
    click_and_leave(d, d.find_element(By.XPATH, f"//main//table//a[normalize-space() = {xpath_text(code)}]"))
    wait_for(d, lambda d: code in d.find_element(By.TAG_NAME, "h1").text, f"the page of case {code}")
    return d.current_url


def step_form(d, action):
    """The form of one step on the case page (the page offers only the steps the viewer may take)."""
    forms = d.find_elements(By.XPATH, f"//form[input[@name = 'action' and @value = {xpath_text(action)}]]")
    offered = [f.get_attribute("value") for f in d.find_elements(By.CSS_SELECTOR, "main form input[name=action]")]
    assert forms, f"the case page offers no {action} step; it offers {offered}"
    return forms[0]


def take_step(d, action, state, note=None, department=None, photo=None):
    """Fills one step's form as a person would and submits it; waits for the case's new state."""
    form = step_form(d, action)
    chosen = None
    if department is not None:
        select = Select(form.find_element(By.NAME, "department"))
        if department:
            select.select_by_value(department)
        chosen = select.first_selected_option.text
    if note:
        form.find_element(By.NAME, "note").send_keys(note)
    if photo:
        form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(photo)
    click_and_leave(d, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    wait_fact(d, "状态", state)
    return chosen


def loaded_images(d, row):
    """How many of a timeline row's thumbnails the browser could decode."""
    return d.execute_script(
        "return Array.from(arguments[0].querySelectorAll('img')).filter(i => i.complete && i.naturalWidth > 0).length", row)


def report_from_qr_page(phone, category, description, telephone=None, photo=None):
    phone.get(f"{BASE}/r/{GRID}")
    form = wait_for(phone, lambda d: d.find_element(By.CSS_SELECTOR, f"main form[action='/r/{GRID}']"), "the QR report form")
    assert_fits_phone(phone)
    Select(form.find_element(By.NAME, "category")).select_by_value(category)
    form.find_element(By.NAME, "description").send_keys(description)
    if telephone:
        form.find_element(By.NAME, "phone").send_keys(telephone)
    files = form.find_elements(By.CSS_SELECTOR, "input[type=file]")
    if photo and files:
        files[0].send_keys(photo)  # photos.js may shrink it first; the submit button waits for that
    click_and_leave(phone, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    code = wait_for(phone, lambda d: d.find_element(By.CSS_SELECTOR, "main strong.code"), "the receipt with its tracking code").text
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code), code
    return code, bool(photo and files)
