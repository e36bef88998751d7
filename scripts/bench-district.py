#!/usr/bin/env python3
"""District-scale read figures against a running server (issues 13 point 7, 14 point 8, 16).

Logs in as the demo leader and grid worker, then with wrk (Debian) on loopback measures, each for
--seconds at --connections in flight:
  - /healthz, the same server's baseline;
  - the district dashboard (/dashboard), the JSON measures (/api/v1/measures) and the rankings;
  - drill-downs: every distinct kind of link the district dashboard offers into case lists, child
    dashboards and the KPI map (one of each kind, the first found);
  - the case list's search: a tracking code, a reporter's whole phone (revealed once by the district's
    command centre through the logged gate) and a word; the register's search by name, phone and ID;
then the morning sync storm: --devices phones registered by the grid worker, each asking for its
first full copy (cursor 0, gzip) once, --storm-connections at a time; reports the p50/p95/p99, the
rate, failures and the server's peak resident memory (--pid, read from /proc while it runs).

Writes a JSON list of {"name", "value", "unit", "baseline", "ratio", "target", "pass"} to --out and
prints a Markdown table. Needs only the Python standard library and wrk.
"""
import argparse
import concurrent.futures
import datetime
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "Wangge@2026"

LUA_REPORT = r"""
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f %.3f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


class Client:
    """A logged-in browser-like session (cookies, the CSRF token of the last page)."""

    def __init__(self, base, user):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/login")
        r = self.post_form("/login", {"username": user, "password": PASSWORD, "_csrf": self.csrf(page)})
        if "/login" in r.geturl():
            sys.exit(f"log-in as {user} failed")
        self.token = self.csrf(self.get("/account"))

    @staticmethod
    def csrf(html):
        m = re.search(r'name="_csrf" value="([^"]+)"', html)
        return m.group(1) if m else ""

    def get(self, path):
        with self.opener.open(self.base + path, timeout=120) as r:
            return r.read().decode("utf-8", "replace")

    def post_form(self, path, data):
        body = urllib.parse.urlencode(data).encode()
        return self.opener.open(urllib.request.Request(self.base + path, data=body, method="POST"), timeout=60)

    def post_json(self, path, data):
        req = urllib.request.Request(
            self.base + path, data=json.dumps(data).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": self.token})
        with self.opener.open(req, timeout=60) as r:
            return json.loads(r.read())

    def get_json(self, path):
        req = urllib.request.Request(self.base + path, headers={"Accept": "application/json"})
        with self.opener.open(req, timeout=60) as r:
            return json.loads(r.read())

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def wrk(base, path, cookie, seconds, connections, script_extra="", headers=()):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script_extra + LUA_REPORT)
        script = f.name
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", script]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [base + path], capture_output=True, text=True, timeout=seconds + 120).stdout
    os.unlink(script)
    m = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    if not m:
        sys.exit(f"wrk gave no result for {path}:\n{out}")
    n, errors, micros = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return {"requests": n, "errors": errors, "rate": n / (micros / 1e6), "p50": float(m.group(4)), "p95": float(m.group(5)),
            "p99": float(m.group(6)), "max": float(m.group(7))}


class PeakRSS(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def sample(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            return 0
        return 0

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.sample())
            time.sleep(0.2)


def settle(base, quiet_ms=50, longest=120):
    """Waits until the server answers /healthz quickly again: wrk stops sending at the end of a phase,
    but requests it left in flight (a slow page) still hold the server's few database connections,
    and would be charged to the next phase."""
    end = time.time() + longest
    while time.time() < end:
        t = time.time()
        try:
            urllib.request.urlopen(base + "/healthz", timeout=longest).read()
        except urllib.error.HTTPError as e:
            # A health check that waited past the pool's 10 s for a connection answers 500: still busy.
            print(f"  /healthz answered {e.code} while the server was still busy", flush=True)
            time.sleep(0.5)
            continue
        if (time.time() - t) * 1000 < quiet_ms:
            return
        time.sleep(0.5)


def drill_downs(html):
    """One link of each kind the dashboard offers: case lists by measure, child dashboards, the map."""
    kinds = {}
    for href in re.findall(r'href="(/[^"]+)"', html):
        href = href.replace("&amp;", "&")
        path = href.split("?")[0]
        if path.startswith("/cases"):
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
            kind = "cases:" + ",".join(sorted(k for k in q if k not in ("unit", "from", "to", "month", "period")))
        elif re.fullmatch(r"/dashboard/[0-9A-Fa-f-]{36}/map", path):
            kind = "map"
        elif re.fullmatch(r"/dashboard/[0-9A-Fa-f-]{36}", path):
            kind = "child dashboard"
        elif path.startswith("/rankings") or path.startswith("/dashboard/departments"):
            kind = path
        else:
            continue
        kinds.setdefault(kind, href)
    return kinds


def resident_searches(base):
    """The register's search as the district leader sees it (API, masked): a common name, and one
    resident's whole phone and whole ID number, which the grid worker reveals once through the logged
    gate (the leader's own view is masked). Target p95 20 ms each (issue 16)."""
    worker = Client(base, "gridworker")
    first = worker.get_json("/api/v1/residents?limit=1")["items"][0]
    shown = worker.post_json(f"/api/v1/residents/{first['id']}/reveal", {"reason": "性能测试：取一位居民的完整号码作搜索样本"})
    out = [("resident search by name 张伟", "/api/v1/residents?limit=20&q=" + urllib.parse.quote("张伟"), 20)]
    if shown.get("phone"):
        out.append(("resident search by whole phone", "/api/v1/residents?limit=20&q=" + urllib.parse.quote(shown["phone"]), 20))
    if shown.get("id_number"):
        out.append(("resident search by ID number", "/api/v1/residents?limit=20&q=" + urllib.parse.quote(shown["id_number"]), 20))
    return out


def case_searches(base):
    """The case list's search as the district leader uses it (issue 16: a tracking code, a reporter's phone
    through its look-up hash, text; target p95 200 ms each): a tracking code read off the list, the whole
    phone of a listed case revealed once by the district's command centre through the logged gate (the
    leader's own view is masked), and a common word of the demo's titles."""
    center = Client(base, "center")
    listed = re.findall(r'href="/cases/([0-9A-Fa-f-]{36})"[^>]*>([0-9A-Z]{4}-[0-9A-Z]{4})</a>', center.get("/cases?queue=all"))
    if not listed:
        print("case search: no case in the command centre's list, nothing to search for", flush=True)
        return []
    out = [("case search by tracking code", "/cases?queue=all&q=" + urllib.parse.quote(listed[0][1]), 200),
           ("case search by text 垃圾", "/cases?queue=all&q=" + urllib.parse.quote("垃圾"), 200)]
    for case_id, _ in listed[:10]:
        page = center.get(f"/cases/{case_id}")
        if f"/cases/{case_id}/reveal" not in page:
            continue
        with center.post_form(f"/cases/{case_id}/reveal", {"reason": "性能测试：取一位报告人的完整号码作搜索样本", "_csrf": Client.csrf(page)}) as r:
            phone = re.search(r'href="tel:([0-9+]+)"', r.read().decode("utf-8", "replace"))
        if phone:
            out.append(("case search by reporter phone", "/cases?queue=all&q=" + urllib.parse.quote(phone.group(1)), 200))
            break
    return out


# The dashboard's breakdowns of a month — children × category × channel: reported, closed, closed on time,
# responded on time, rated, satisfied — counted from the raw cases in one GROUP BY, as a dashboard without
# roll-ups would (issue 16: the dashboard ≥ 20× this).
NAIVE = """
SELECT substr(u.path, 1, :cut) AS child, c.category_key, c.channel, COUNT(*) AS reported,
  SUM(c.state IN ('closed', 'called_back')) AS closed,
  SUM(c.state IN ('closed', 'called_back') AND c.closed_at <= c.resolve_by) AS closed_on_time,
  SUM(c.responded_at IS NOT NULL AND c.responded_at <= c.respond_by) AS responded_on_time,
  SUM(c.rating IS NOT NULL) AS rated, SUM(c.rating IN ('satisfied', 'basically_satisfied')) AS satisfied
FROM cases c JOIN units u ON u.id = c.unit_id
WHERE c.reported_at >= :start AND c.reported_at < :end AND u.path >= :lo AND u.path < :hi
GROUP BY child, c.category_key, c.channel
"""


# The same breakdowns from the month's roll-up rows of the district's children (what the dashboard reads).
ROLLED_UP = """
SELECT t.unit_id AS child, t.category_key, t.channel, SUM(t.reported) AS reported, SUM(t.closed) AS closed,
  SUM(t.closed_on_time) AS closed_on_time, SUM(t.responded_on_time) AS responded_on_time, SUM(t.rated) AS rated,
  SUM(t.satisfied) AS satisfied
FROM case_tallies_monthly t JOIN units u ON u.id = t.unit_id
WHERE u.parent_id = :root AND t.month = :month
GROUP BY child, t.category_key, t.channel
"""


def naive_group_by(db, month):
    """The district month's breakdowns counted from the raw cases (NAIVE) and read from the roll-ups
    (ROLLED_UP) on the SQLite file `db`: milliseconds of each (best of five, warm), the groups and the cases."""
    import sqlite3
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.execute("PRAGMA cache_size=-32768")
    root_id, root = con.execute("SELECT id, path FROM units WHERE parent_id IS NULL AND retired_at IS NULL ORDER BY path LIMIT 1").fetchone()
    year, mon = map(int, month.split("-"))
    china = datetime.timezone(datetime.timedelta(hours=8))
    start = datetime.datetime(year, mon, 1, tzinfo=china)
    end = datetime.datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=china)
    out = []
    for sql, args in ((NAIVE, {"cut": len(root) + 37, "start": start.timestamp(), "end": end.timestamp(), "lo": root, "hi": root[:-1] + "0"}),
                      (ROLLED_UP, {"root": root_id, "month": month})):
        # SQLite's own work: the groups counted and summed inside it, not built as Python rows.
        best, row = None, None
        for _ in range(5):
            t = time.perf_counter()
            row = con.execute(f"SELECT COUNT(*), SUM(reported) FROM ({sql})", args).fetchone()
            ms = (time.perf_counter() - t) * 1000
            best = ms if best is None else min(best, ms)
        out.append((best, row))
    (naive, (groups, cases)), (rolled, (_, kept)) = out
    # Both must say the same: the cases of the month, however grouped.
    assert cases == kept, (cases, kept)
    return naive, rolled, groups, cases


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--pid", type=int, help="the server's process id, for its peak resident memory")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--devices", type=int, default=1400)
    ap.add_argument("--storm-connections", type=int, default=32)
    ap.add_argument("--out", default="bench/results/district.json")
    ap.add_argument("--skip-storm", action="store_true")
    ap.add_argument("--skip-reads", action="store_true", help="only the sync storm")
    ap.add_argument("--month", help="YYYY-MM: read this month's figures (default: the dashboard's own, the current month)")
    ap.add_argument("--db", help="the server's SQLite file: also time the month's breakdowns from the raw cases (one GROUP BY) against the roll-ups, and against the dashboard page alone (needs --month)")
    ap.add_argument("--only", metavar="REGEX", help="measure only the reads whose name matches (e.g. '^district dashboard$'); /healthz always")
    a = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing (apt-get install wrk)")
    base = a.url.rstrip("/")
    rss = PeakRSS(a.pid) if a.pid else None
    if rss:
        rss.start()
    results = []

    def add(name, value, unit, baseline=None, target=None, passed=None):
        ratio = round(value / baseline, 3) if baseline else None
        results.append({"name": name, "value": round(value, 3), "unit": unit, "baseline": baseline and round(baseline, 3),
                        "ratio": ratio, "target": target, "pass": passed})
        print(f"  {name}: {value:.1f} {unit}" + (f" (target {target})" if target else ""), flush=True)

    health = wrk(base, "/healthz", None, a.seconds, a.connections)
    add("healthz rate", health["rate"], "req/s")
    leader = Client(base, "leader")
    q = f"?month={a.month}" if a.month else ""
    dashboard_html = leader.get("/dashboard" + q)
    reads = [("district dashboard", "/dashboard" + q, 50), ("measures API (district)", "/api/v1/measures" + q, 50),
             ("rankings", "/rankings" + q, 200)]
    reads += [(f"drill-down {k}", href, 200) for k, href in sorted(drill_downs(dashboard_html).items())]
    reads += case_searches(base)
    reads += resident_searches(base)
    if a.only:
        reads = [r for r in reads if re.search(a.only, r[0])]
    for name, path, target in ([] if a.skip_reads else reads):
        r = wrk(base, path, leader.cookie_header(), a.seconds, a.connections,
                headers=("Accept: application/json",) if path.startswith("/api/") else ())
        ok = r["errors"] == 0 and r["requests"] > 0 and r["p95"] <= target
        print(f"{name}: {path}", flush=True)
        add(f"{name} p95", r["p95"], "ms", target=f"<= {target} ms", passed=ok)
        add(f"{name} rate", r["rate"], "req/s", baseline=health["rate"])
        if r["errors"]:
            add(f"{name} non-2xx", r["errors"], "responses", target="0", passed=False)
        if r["requests"] == 0:
            add(f"{name} answered within {a.seconds} s", 0, "responses", target=">= 1", passed=False)
        settle(base)

    if a.db and a.month and not a.skip_reads:
        naive, rolled, groups, cases = naive_group_by(a.db, a.month)
        alone = wrk(base, "/dashboard" + q, leader.cookie_header(), a.seconds, 1)
        print(f"the district's {a.month} by child, category and channel ({cases} cases, {groups} groups): a naive GROUP BY over the raw "
              f"cases {naive:.1f} ms, the roll-ups {rolled:.2f} ms; the whole dashboard page alone: p50 {alone['p50']:.1f} ms", flush=True)
        ratio = naive / rolled if rolled else 0
        results.append({"name": "a month's breakdowns from the roll-ups vs a naive GROUP BY over the raw cases (ratio: its time ÷ the roll-ups')",
                        "value": round(rolled, 3), "unit": "ms", "baseline": round(naive, 3), "ratio": round(ratio, 3), "target": ">= 20",
                        "pass": ratio >= 20})
        page = naive / alone["p50"] if alone["p50"] else 0
        results.append({"name": "the whole district dashboard alone (p50) vs that naive GROUP BY (ratio: its time ÷ the page's)",
                        "value": round(alone["p50"], 3), "unit": "ms", "baseline": round(naive, 3), "ratio": round(page, 3), "target": None, "pass": None})
        settle(base)

    if not a.skip_storm:
        worker = Client(base, "gridworker")
        print(f"registering {a.devices} devices…", flush=True)
        ids = [worker.post_json("/api/v1/sync/devices", {"label": f"storm {i}", "app_version": "bench"})["device_id"]
               for i in range(a.devices)]
        # The storm is driven from Python threads, not wrk: wrk has no way to stop after a fixed number
        # of requests (its main thread sleeps the whole duration), and each first sync is long enough
        # that the client's own cost does not matter. Each device asks once for its first full copy.
        cookie = worker.cookie_header()

        def first_sync(device):
            req = urllib.request.Request(f"{base}/api/v1/sync?cursor=0&device={device}", headers={
                "Cookie": cookie, "Accept": "application/json", "Accept-Encoding": "gzip"})
            t = time.time()
            try:
                with urllib.request.urlopen(req, timeout=120) as resp:
                    resp.read()
                    ok = resp.status == 200
            except Exception:
                ok = False
            return ok, (time.time() - t) * 1000

        before = rss.peak if rss else 0
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(max_workers=a.storm_connections) as pool:
            answers = list(pool.map(first_sync, ids))
        times = sorted(ms for _, ms in answers)
        pick = lambda q: times[min(len(times) - 1, int(len(times) * q))]
        r = {"requests": sum(1 for ok, _ in answers if ok), "errors": sum(1 for ok, _ in answers if not ok),
             "p95": pick(0.95), "p99": pick(0.99), "p50": pick(0.5)}
        took = time.time() - started
        add("sync storm: first syncs answered", r["requests"], "syncs", target=f">= {a.devices}", passed=r["requests"] >= a.devices and r["errors"] == 0)
        add("sync storm: failures", r["errors"], "responses", target="0", passed=r["errors"] == 0)
        add("sync storm: p50", r["p50"], "ms")
        add("sync storm: p95", r["p95"], "ms")
        add("sync storm: p99", r["p99"], "ms")
        add("sync storm: wall time", took, "s")
        if rss:
            add("sync storm: server peak RSS", rss.peak, "MB", baseline=before or None, target="<= 256 MB", passed=rss.peak <= 256)
    if rss:
        rss.running = False
        add("server peak RSS over the run", rss.peak, "MB", target="<= 256 MB", passed=rss.peak <= 256)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
    print("\n| figure | value | baseline | ratio | target | pass |\n|---|---:|---:|---:|---|---|")
    for r in results:
        print(f"| {r['name']} | {r['value']} {r['unit']} | {r['baseline'] or ''} | {r['ratio'] or ''} | {r['target'] or ''} | "
              f"{'' if r['pass'] is None else ('yes' if r['pass'] else 'NO')} |")
    failed = [r for r in results if r["pass"] is False]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
