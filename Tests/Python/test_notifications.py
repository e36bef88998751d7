"""Reporters hear of every step, exactly once, through real senders.

Serves a district of its own with both senders configured: a real local SMTP server (aiosmtpd,
pinned in requirements.txt) and a small HTTP SMS gateway (http.server in a thread), both started
here, and a delivery round every second with short backoffs. A case reported through Open311 with
a phone and an e-mail is driven through accept → dispatch → sign for → handle → verify → close by
the demo operator and department on their own forms; each expected message must arrive exactly
once with the right text, on both channels. The gateway then fails a few times (the message comes
after retries, still once) and then always (the notice becomes a dead letter on the outbox page,
and 立即重发 sends it once the gateway works again).
"""

import csv
import email
import email.policy
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

BIN = os.environ.get("WANGGE_BIN", "")
if not BIN:
    pytest.skip("set WANGGE_BIN (scripts/python-checks.sh does)", allow_module_level=True)

from aiosmtpd.controller import Controller  # noqa: E402
from own_server import OwnServer, free_port  # noqa: E402

PASSWORD = "Wangge@2026"
PUBLIC_URL = "https://wangge.example.cn"
CATEGORY = "city_appearance.dirty_water"  # 市政: the demo department account works for it
PHONE = "13800002468"
MAIL = "reporter@example.cn"


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts, decoded."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append({
                "to": envelope.rcpt_tos, "from": envelope.mail_from, "subject": str(message["subject"]),
                "body": message.get_content(), "raw": envelope.content,
            })
        return "250 OK"

    def all(self):
        with self.lock:
            return list(self.messages)


class Gateway:
    """The SMS gateway: records every POST; answers 503 while `failures` is above 0 (or always when None)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = []
        self.delivered = []
        self.failures = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with gateway.lock:
                    gateway.received.append(body)
                    fail = gateway.failures is None or gateway.failures > 0
                    if fail and gateway.failures is not None:
                        gateway.failures -= 1
                    if not fail:
                        gateway.delivered.append(json.loads(body))
                self.send_response(503 if fail else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"no" if fail else b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def set_failures(self, n):
        with self.lock:
            self.failures = n

    def messages(self):
        with self.lock:
            return list(self.delivered)

    def attempts(self):
        with self.lock:
            return len(self.received)


@pytest.fixture(scope="module")
def world():
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    gateway = Gateway()
    settings = {
        "WANGGE_PUBLIC_URL": PUBLIC_URL,
        "WANGGE_SMTP_HOST": "127.0.0.1", "WANGGE_SMTP_PORT": str(smtp.port), "WANGGE_SMTP_FROM": "notice@wangge.example.cn",
        "WANGGE_SMS_URL": f"http://127.0.0.1:{gateway.port}/send",
        "WANGGE_NOTIFY_SECONDS": "1", "WANGGE_NOTIFY_MAX_ATTEMPTS": "3",
        "WANGGE_NOTIFY_BACKOFF_SECONDS": "1", "WANGGE_NOTIFY_BACKOFF_MAX_SECONDS": "2",
        "WANGGE_SWEEP_SECONDS": "0",
    }
    try:
        with OwnServer(BIN, grids=1, extra_env=settings, prefix="wangge-notify-") as s:
            key = re.search(r"o311_[0-9a-f]+", s.run("apikey", "create", "--name", "notify")).group(0)
            buildings = os.path.join(s.work, "buildings.csv")
            s.run("export", "buildings", "-o", buildings)
            with open(buildings, encoding="utf-8-sig") as f:
                building = next(csv.DictReader(f))["编号"]
            yield {"url": s.url, "key": key, "building": building, "mailbox": mailbox, "gateway": gateway}
    finally:
        smtp.stop()
        gateway.server.shutdown()


def csrf(html):
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)


def login(url, username):
    s = requests.Session()
    page = s.get(f"{url}/login", timeout=10)
    r = s.post(f"{url}/login", data={"username": username, "password": PASSWORD, "_csrf": csrf(page.text)}, timeout=10, allow_redirects=False)
    assert r.status_code == 303, (username, r.status_code)
    return s


def report(world, phone=PHONE, mail=MAIL):
    """Opens a case through Open311; returns its tracking code (canonical, no hyphen)."""
    fields = {"api_key": world["key"], "service_code": CATEGORY, "address_id": world["building"], "description": "河道漂浮垃圾", "phone": phone}
    if mail:
        fields["email"] = mail
    r = requests.post(f"{world['url']}/open311/v2/requests.json", data=fields, timeout=10)
    assert r.status_code == 200, r.text
    code = re.search(r"跟踪码 ([2-9A-HJ-NP-Z]{4})-?([2-9A-HJ-NP-Z]{4})", r.json()[0]["service_notice"])
    return code.group(1) + code.group(2)


def case_id(session, url, code):
    page = session.get(f"{url}/cases?queue=to_accept", timeout=10).text
    display = code[:4] + "-" + code[4:]
    found = re.search(r'href="/cases/([0-9A-Fa-f-]{36})"[^>]*>' + display, page)
    assert found, f"{display} is not in 待受理"
    return found.group(1)


def step(session, url, cid, action, **fields):
    page = session.get(f"{url}/cases/{cid}", timeout=10).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {"action": action, "version": version, "_csrf": csrf(page), **fields}
    r = session.post(f"{url}/cases/{cid}/act", data=data, timeout=10, allow_redirects=False)
    assert r.status_code == 303, (action, r.status_code, r.text[:300])


def wait_until(condition, what, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def sms_for(gateway, code):
    return [m for m in gateway.messages() if code[:4] + "-" + code[4:] in m["text"]]


def mail_for(mailbox, code):
    return [m for m in mailbox.all() if code[:4] + "-" + code[4:] in m["body"]]


def test_every_step_once_on_both_channels_with_retries(world):
    url, gateway, mailbox = world["url"], world["gateway"], world["mailbox"]
    code = report(world)
    display = code[:4] + "-" + code[4:]
    operator = login(url, "operator")
    cid = case_id(operator, url, code)

    gateway.set_failures(2)  # the first text message fails twice, then goes through
    step(operator, url, cid, "accept")
    wait_until(lambda: len(sms_for(gateway, code)) == 1 and len(mail_for(mailbox, code)) == 1, "the acceptance notices")
    assert gateway.attempts() == 3, "two failed attempts, then the one that was taken"

    step(operator, url, cid, "dispatch", department="municipal")
    department = login(url, "department")
    step(department, url, cid, "sign_for")
    step(department, url, cid, "handle", note="已打捞清理")
    step(operator, url, cid, "verify")
    step(operator, url, cid, "close")
    wait_until(lambda: len(sms_for(gateway, code)) == 2 and len(mail_for(mailbox, code)) == 2, "the closing notices")
    time.sleep(3)  # a few more delivery rounds: nothing may come twice

    texts = [m["text"] for m in sms_for(gateway, code)]
    assert len(texts) == 2 and all(m["phone"] == PHONE for m in sms_for(gateway, code))
    assert "已受理" in texts[0] and display in texts[0] and f"{PUBLIC_URL}/t/{code}" in texts[0]
    assert "已办结" in texts[1] and "评价" in texts[1] and f"{PUBLIC_URL}/t/{code}" in texts[1]
    mails = mail_for(mailbox, code)
    assert len(mails) == 2 and all(m["to"] == [MAIL] for m in mails)
    assert mails[0]["subject"] == f"您反映的问题 {display}：已受理"
    assert mails[1]["subject"] == f"您反映的问题 {display}：已办结，请评价"
    assert "已办结" in mails[1]["body"] and f"{PUBLIC_URL}/t/{code}" in mails[1]["body"]
    assert b"=?UTF-8?B?" in mails[0]["raw"], "the subject is encoded per RFC 2047"

    page = operator.get(f"{url}/notifications?state=sent", timeout=10).text
    assert page.count(f"class=\"code\">{display}<") == 4 and "138****2468" in page and PHONE not in page


def test_dead_letter_shows_and_is_sent_again(world):
    url, gateway = world["url"], world["gateway"]
    code = report(world, phone="13900001357", mail=None)
    display = code[:4] + "-" + code[4:]
    operator = login(url, "operator")
    cid = case_id(operator, url, code)
    gateway.set_failures(None)
    before = gateway.attempts()
    step(operator, url, cid, "accept")
    wait_until(lambda: display in operator.get(f"{url}/notifications?state=dead", timeout=10).text, "the dead letter", seconds=20)
    assert gateway.attempts() - before == 3, "three attempts, then no more"
    dead = operator.get(f"{url}/notifications?state=dead", timeout=10).text
    assert "HTTP 503" in dead and "139****1357" in dead
    assert not sms_for(gateway, code)

    gateway.set_failures(0)
    notice = re.search(r'action="/notifications/([0-9A-Fa-f-]{36})/retry"', dead).group(1)
    r = operator.post(f"{url}/notifications/{notice}/retry", data={"_csrf": csrf(dead)}, timeout=10, allow_redirects=False)
    assert r.status_code == 303
    wait_until(lambda: len(sms_for(gateway, code)) == 1, "the message sent again")
    time.sleep(2)
    assert len(sms_for(gateway, code)) == 1
