"""The grid worker's offline app in Chromium on a 390 px phone, with "no signal" made real: a small
TCP proxy between the browser and the server is cut (connections refused), not DevTools' offline
flag, which a service worker may bypass.

The worker logs in, the app copies the grid, the signal goes; a home visit with a register change
and a case with a photo are recorded, the page is reloaded without signal (the service worker
serves it), the office changes the same resident's phone meanwhile; the signal comes back but
answers are lost twice mid-upload, then it holds. The server holds exactly one visit and one case,
and the clashing phone is a recorded conflict, not an overwrite. A new app version is deployed while
an item is queued: the new service worker takes over and the item is still there and is sent.
Log-out is refused while anything is unsent and wipes the local copy once all is sent.

Runs on a server of its own (WANGGE_BIN), restarted once with a new WANGGE_APP_BUILD."""

import base64
import glob
import os
import random
import socket
import sqlite3
import struct
import subprocess
import tempfile
import threading
import time
import zlib

import pytest

import browser
from own_server import OwnServer, free_port

BIN = os.environ.get("WANGGE_BIN", "")
if not BIN:
    pytest.skip("set WANGGE_BIN (scripts/python-checks.sh does)", allow_module_level=True)
browser.require()

if not browser.MISSING:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select


class Proxy:
    """Forwards 127.0.0.1:port to the server. `cut()` closes every connection and refuses new ones
    (no signal); `drop_answers()` passes requests on but throws the answers away and hangs up
    (the signal lost mid-upload, after the server got it); `block(prefix)` hangs up on requests
    starting with `prefix`; `restore()` forwards again."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.mode = "up"
        self.blocked = None
        self.conns = []
        self.lock = threading.Lock()
        self.listener = None
        self.listen()

    def listen(self):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(64)
        self.listener = s
        threading.Thread(target=self.accept, args=(s,), daemon=True).start()

    def accept(self, s):
        while True:
            try:
                client, _ = s.accept()
            except OSError:
                return
            if self.mode == "cut":
                client.close()
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns += [client, upstream]
            threading.Thread(target=self.pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self.pipe, args=(upstream, client, False), daemon=True).start()

    def pipe(self, src, dst, outbound):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if outbound and self.blocked and data.startswith(self.blocked):
                    break
                if not outbound and self.mode == "drop":
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close_all(self):
        with self.lock:
            conns, self.conns = self.conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def cut(self):
        self.mode = "cut"
        # shutdown wakes the thread blocked in accept(); close alone would leave it listening.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        self.close_all()

    def drop_answers(self):
        if self.mode == "cut":
            self.listen()
        self.close_all()
        self.mode = "drop"

    def block(self, prefix):
        self.blocked = prefix

    def restore(self):
        if self.mode == "cut":
            self.listen()
        self.close_all()
        self.mode = "up"
        self.blocked = None


def noisy_png(width, height):
    """A photo-sized PNG of noise (megabytes, like a phone camera's), for the app to shrink."""
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


class Rig:
    def __init__(self, server, proxy, driver):
        self.server, self.proxy, self.d = server, proxy, driver
        self.url = f"http://127.0.0.1:{proxy.port}"
        self.server_port = int(server.url.rsplit(":", 1)[1])

    def db(self):
        files = [f for f in glob.glob(os.path.join(self.server.env["WANGGE_DATA"], "**", "*"), recursive=True) if f.endswith((".sqlite", ".db", ".sqlite3"))]
        assert files, "the server's SQLite file"
        c = sqlite3.connect(files[0], timeout=30)
        return c

    def count(self, query, *args):
        c = self.db()
        try:
            return c.execute(query, args).fetchone()[0]
        finally:
            c.close()

    def restart(self, build):
        """Deploys a new app version: the same server, restarted with another WANGGE_APP_BUILD."""
        self.server.proc.terminate()
        self.server.proc.wait(timeout=30)
        self.server.env["WANGGE_APP_BUILD"] = build
        log = open(os.path.join(self.server.work, "server2.log"), "w")
        self.server.proc = subprocess.Popen([self.server.binary, "serve", "--hostname", "127.0.0.1", "--port", str(self.server_port)], env=self.server.env,
                                            stdout=log, stderr=log)
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", self.server_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.5)
        pytest.fail("the restarted server did not listen")


@pytest.fixture(scope="module")
def rig():
    with OwnServer(BIN, grids=1, extra_env={"WANGGE_APP_BUILD": "1"}, prefix="wangge-offline-") as s:
        proxy = Proxy(int(s.url.rsplit(":", 1)[1]))
        d = browser.start(phone_width=390)
        try:
            yield Rig(s, proxy, d)
        finally:
            d.quit()
            proxy.cut()


def wait(d, condition, what, seconds=30):
    return browser.wait(d, condition, what, seconds)


def queue(d):
    return d.execute_async_script("var done = arguments[0]; window.wanggeOffline.queue().then(done, function (e) { done(String(e)); });")


def statuses(d):
    return sorted(i["status"] for i in queue(d) if i["status"] != "replaced")


def tab(d, name):
    d.find_element(By.CSS_SELECTOR, f"#tabs button[data-tab='{name}']").click()
    return wait(d, lambda d: d.find_element(By.ID, f"view-{name}"), f"the {name} tab")


def fits(d):
    widths = d.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert widths[1] <= widths[0], f"the app fits the phone: {widths}"


def sync(d):
    d.execute_async_script("var done = arguments[0]; window.wanggeOffline.sync().then(function () { done(1); }, function () { done(0); });")


def test_a_week_in_the_basement_loses_nothing_and_stores_everything_once(rig):
    d, proxy = rig.d, rig.proxy
    # Log in and open the app with signal: the grid is copied, the service worker takes over.
    d.get(f"{rig.url}/login")
    wait(d, lambda d: d.find_element(By.NAME, "username"), "the log-in form").send_keys("gridworker")
    d.find_element(By.NAME, "password").send_keys(browser.PASSWORD)
    d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "header a.who"), "the worker logged in")
    d.get(f"{rig.url}/app")
    wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "body[data-ready='1']"), "the app to start")
    wait(d, lambda d: "上次同步：从未" not in d.find_element(By.ID, "sync-line").text, "the first sync")
    wait(d, lambda d: d.execute_script("return !!navigator.serviceWorker.controller"), "the service worker to control the page")
    households = rig.count("SELECT COUNT(*) FROM households")
    assert f"本机有 {households} 户" in d.find_element(By.ID, "view-today").text
    fits(d)

    # No signal.
    proxy.cut()
    view = tab(d, "visit")
    values = d.execute_script("return Array.from(document.querySelectorAll('#visit-household option')).map(function (o) { return o.value; }).filter(Boolean)")
    # A household with people in it.
    chosen = None
    for value in values[:20]:
        Select(d.find_element(By.ID, "visit-household")).select_by_value(value)
        wait(d, lambda d: d.execute_script("var s = document.getElementById('visit-household'); return s && s.value === arguments[0] && !!document.querySelector('#visit-form [name=seen]')", value),
             "the visit form of the household")
        if d.find_elements(By.CSS_SELECTOR, "#visit-form input[name=met]"):
            chosen = value
            break
    assert chosen
    form = d.find_element(By.ID, "visit-form")
    seen = f"离线走访{random.randint(1000, 9999)}：老人身体尚好"
    form.find_element(By.NAME, "seen").send_keys(seen)
    form.find_elements(By.CSS_SELECTOR, "input[name=met]")[0].click()
    phone_input = form.find_elements(By.CSS_SELECTOR, "input[type=tel]")[0]
    phone_input.send_keys("13812345678")
    fits(d)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(d, lambda d: d.find_elements(By.ID, "view-queue"), "the outbox after saving the visit")
    assert statuses(d).count("done") == 0 and len(statuses(d)) == 2, statuses(d)
    resident_id = [i for i in queue(d) if i["kind"] == "resident"][0]["body"]["resident_id"]

    view = tab(d, "case")
    Select(view.find_element(By.NAME, "category")).select_by_index(1)
    description = f"地下车库消防通道被占用{random.randint(1000, 9999)}"
    view.find_element(By.NAME, "description").send_keys(description)
    photo = os.path.join(tempfile.mkdtemp(), "garage.png")
    with open(photo, "wb") as f:
        f.write(noisy_png(1800, 1200))
    view.find_element(By.NAME, "photos").send_keys(photo)
    view.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(d, lambda d: len(statuses(d)) == 3, "the case in the outbox")
    case_item = [i for i in queue(d) if i["kind"] == "case"][0]
    shrunk = len(base64.b64decode(case_item["body"]["photos"][0]["data"]))
    assert 0 < shrunk <= 300 * 1024, f"the photo is shrunk on the phone: {shrunk} bytes"
    assert os.path.getsize(photo) > 300 * 1024

    # A need half typed is a draft.
    view = tab(d, "need")
    draft = f"草稿：三楼扶手松动{random.randint(1000, 9999)}"
    view.find_element(By.NAME, "text").send_keys(draft)
    time.sleep(0.5)

    # Reloaded without signal: the service worker serves the app; the queue and the draft are all there.
    d.refresh()
    wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "body[data-ready='1']"), "the app to start offline")
    assert d.find_element(By.ID, "badge").text == "3"
    # (the sync on opening may be trying right now: uploading, then retrying)
    now = statuses(d)
    assert len(now) == 3 and all(s in ("waiting", "retrying", "uploading", "photos") for s in now), now
    view = tab(d, "need")
    wait(d, lambda d: d.find_element(By.NAME, "text").get_attribute("value") == draft, "the draft restored after the reload")

    # Meanwhile the office changes the same person's phone.
    c = rig.db()
    changed = c.execute("UPDATE residents SET phone = '13700009999' WHERE id = ? OR lower(hex(id)) = ?",
                        (resident_id, resident_id.replace("-", "").lower())).rowcount
    c.commit()
    c.close()
    assert changed == 1, "the office's change hit the resident"

    # Signal comes back but the answers are lost mid-upload, twice; then it holds.
    for _ in range(2):
        proxy.drop_answers()
        sync(d)
        assert not any(s == "done" for s in statuses(d)), statuses(d)
    proxy.restore()
    sync(d)
    sync(d)
    try:
        wait(d, lambda d: all(s in ("done", "conflict") for s in statuses(d)), "everything sent")
    except Exception:
        pytest.fail(repr([(i["kind"], i["device_seq"], i["status"], i["reason"]) for i in queue(d)]))
    assert sorted(statuses(d)) == ["conflict", "done", "done"], statuses(d)
    assert d.find_element(By.ID, "badge").text == "0"

    assert rig.count("SELECT COUNT(*) FROM home_visits WHERE seen = ?", seen) == 1
    assert rig.count("SELECT COUNT(*) FROM cases WHERE description = ?", description) == 1
    assert rig.count("SELECT COUNT(*) FROM case_attachments a JOIN cases c ON c.id = a.case_id WHERE c.description = ?", description) == 1
    # The photo went up in 64 KB chunks, each stored once however often its answer was lost.
    assert rig.count("SELECT COUNT(*) FROM sync_upload_chunks") == (shrunk + 65535) // 65536
    assert rig.count("SELECT SUM(LENGTH(data)) FROM sync_upload_chunks") == shrunk
    # The clash is recorded, not an overwrite.
    assert rig.count("SELECT COUNT(*) FROM sync_conflicts WHERE field = 'phone' AND state = 'open'") == 1
    assert rig.count("SELECT COUNT(*) FROM residents WHERE phone = '13700009999'") == 1
    assert rig.count("SELECT COUNT(*) FROM residents WHERE phone = '13812345678'") == 0
    d.get(f"{rig.url}/sync/conflicts")
    page = wait(d, lambda d: d.find_element(By.TAG_NAME, "main"), "the conflicts page").text
    assert "138****5678" in page and "137****9999" in page
    fits(d)

    # A new app version is deployed while an item is queued (its sending is blocked).
    d.get(f"{rig.url}/app")
    wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "body[data-ready='1']"), "the app")
    old_version = d.execute_script("return document.body.getAttribute('data-sw-version')")
    proxy.block(b"POST /api/v1/sync/push")
    view = tab(d, "log")
    text = f"楼道堆物已清理{random.randint(1000, 9999)}"
    view.find_element(By.NAME, "text").send_keys(text)
    view.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(d, lambda d: any(i["kind"] == "log" and i["status"] in ("waiting", "retrying", "uploading") for i in queue(d)), "the log entry queued")
    rig.restart("2")
    d.execute_async_script("var done = arguments[0]; navigator.serviceWorker.getRegistration('/app').then(function (r) { return r.update(); }).then(function () { done(1); }, function (e) { done(String(e)); });")
    wait(d, lambda d: d.execute_script("return document.body.getAttribute('data-sw-version')") == "2.2", "the new service worker", seconds=60)
    assert old_version != "2.2"
    d.refresh()
    wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "body[data-ready='1']"), "the app under the new version")
    view = tab(d, "need")
    wait(d, lambda d: d.find_element(By.NAME, "text").get_attribute("value") == draft, "the draft kept across the app update")
    logs = [i for i in queue(d) if i["kind"] == "log"]
    assert len(logs) == 1 and logs[0]["status"] != "done" and logs[0]["attempts"] >= 0, logs
    assert d.execute_async_script("var done = arguments[0]; var r = indexedDB.open('wangge-offline'); r.onsuccess = function () { done(r.result.version); r.result.close(); };") == 3

    # Log-out is refused while it is unsent.
    view = tab(d, "queue")
    view.find_element(By.ID, "logout").click()
    wait(d, lambda d: "请先同步或导出" in d.find_element(By.ID, "offline-app").text, "log-out refused")
    proxy.restore()
    sync(d)
    wait(d, lambda d: all(s in ("done", "conflict") for s in statuses(d)), "the log entry sent")
    assert rig.count("SELECT COUNT(*) FROM social_log_entries WHERE text = ?", text) == 1

    # Now log-out works and wipes the copy.
    tab(d, "queue")
    time.sleep(1)  # a sync that just ended redraws the outbox once
    wait(d, lambda d: d.find_element(By.ID, "logout"), "the log-out button").click()
    wait(d, lambda d: "/login" in d.current_url or d.find_elements(By.NAME, "username"), "the log-in page after log-out")
    names = d.execute_async_script("var done = arguments[0]; indexedDB.databases().then(function (l) { done(l.map(function (x) { return x.name; })); });")
    assert "wangge-offline" not in names
