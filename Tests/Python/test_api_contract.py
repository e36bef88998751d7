"""Issue 17: the API keeps to its contract. schemathesis (PyPI) reads the OpenAPI documents the
server publishes (/openapi.json for /api/v1, /openapi/open311.json for Open311) and sends every
operation a bounded number of generated requests — valid ones, edge cases and garbage — as each
staff role in turn (a signed-in session) and anonymously. Any 5xx, an answer whose status, content
type, headers or body the document does not allow, or a 404 for a method the path does not take
(405 is right) fails the check. The server is its own (its writes must not disturb the other checks).
Whether the server refuses more than the schema can say (control characters, unknown tags, 4-char
reasons) is left out: those refusals are the server's validation working, not a contract break."""
import os
import re
import subprocess
import sys

import pytest
import requests

from own_server import OwnServer

PASSWORD = "Wangge@2026"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,unsupported_method"
EXAMPLES = os.environ.get("WANGGE_CONTRACT_EXAMPLES", "12")


def schemathesis():
    exe = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    if not os.path.exists(exe):
        if os.environ.get("CI"):
            pytest.fail("schemathesis is not installed (pip install -r Tests/Python/requirements.txt)")
        pytest.skip("schemathesis is not installed")
    return exe


@pytest.fixture(scope="module")
def server():
    binary = os.environ.get("WANGGE_BIN")
    if not binary:
        pytest.skip("needs WANGGE_BIN (scripts/python-checks.sh sets it)")
    with OwnServer(binary, grids=1, prefix="wangge-contract-") as s:
        yield s


def session_cookie(server, user):
    """Signs in through the log-in form (and the two-step code for roles that need one)."""
    s = requests.Session()
    token = lambda html: re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
    r = s.post(f"{server.url}/login", data={"username": user, "password": PASSWORD, "_csrf": token(s.get(f"{server.url}/login", timeout=10).text)}, timeout=10, allow_redirects=False)
    assert r.status_code == 303, (user, r.status_code)
    if "/login/code" in r.headers.get("location", ""):
        digits = re.search(r"\b(\d{6})\b", server.run("totp", user)).group(1)
        r = s.post(f"{server.url}/login/code", data={"code": digits, "_csrf": token(s.get(f"{server.url}/login/code", timeout=10).text)}, timeout=10, allow_redirects=False)
        assert r.status_code == 303 and "/login" not in r.headers.get("location", ""), (user, r.status_code, r.headers.get("location"))
    return s.cookies.get("wangge_session")


def run(server, document, headers=()):
    args = [schemathesis(), "run", f"{server.url}{document}", "--checks", CHECKS, "--max-examples", EXAMPLES, "--phases", "examples,coverage,fuzzing",
            "--workers", "1", "--seed", "20261130", "--request-timeout", "30", "--no-color"]
    for h in headers:
        args += ["-H", h]
    done = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=server.work)  # its cache stays out of the repository
    summary = done.stdout[done.stdout.find("SUMMARY"):] if "SUMMARY" in done.stdout else done.stdout[-3000:]
    assert done.returncode == 0, f"schemathesis found contract breaks:\n{done.stdout[-12000:]}\n{done.stderr[-2000:]}"
    assert "Tested: " in summary, summary
    return summary


@pytest.mark.parametrize("user", ["gridworker", "operator", "leader", "department", "admin"])
def test_staff_api_keeps_its_contract(server, user):
    cookie = session_cookie(server, user)
    summary = run(server, "/openapi.json", [f"Cookie: wangge_session={cookie}"])
    print(user, summary)


def test_open311_keeps_its_contract(server):
    summary = run(server, "/openapi/open311.json")
    print("open311", summary)


def test_documents_are_served_as_openapi_3_1(server):
    for path in ("/openapi.json", "/openapi/open311.json"):
        r = requests.get(server.url + path, timeout=10)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), (path, r.status_code)
        document = r.json()
        assert document["openapi"] == "3.1.0" and document["paths"] and document["components"]["schemas"], path


def test_metrics_for_a_local_scraper_only(server):
    """/metrics on this machine (no proxy in between): Prometheus text with the requests the contract
    runs made, by route; through a proxy (X-Forwarded-For) it is not there."""
    r = requests.get(server.url + "/metrics", timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain"), r.status_code
    assert 'http_requests_total{method="GET",path="/openapi.json"' in r.text, r.text[:500]
    assert "wangge_intake_queued" in r.text and 'wangge_notifications{state="dead"}' in r.text
    proxied = requests.get(server.url + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert proxied.status_code == 404
