#!/usr/bin/env bash
# The Python checks: end-to-end tests that drive the built binary from outside, as other software
# and people do. Builds nothing. Takes the wangge binary (default .build/debug/wangge), makes a demo
# district with 30 days of cases in a temporary WANGGE_DATA, creates an Open311 API key, serves on a free loopback port
# and runs pytest over Tests/Python/ against that one server:
#   test_open311_client.py   Open311 GeoReport v2 with the PyPI client `georeport`, unchanged
#   test_resident_phone.py   the case loop in a real browser (Chromium through Selenium): a resident
#                            reports from a grid's QR page on a phone, operator, grid worker and
#                            department do their steps on their own screens, the resident rates
#   test_upload_stall.py     /healthz latency while 10 bots and 10 residents post maximum-size photo
#                            forms at once, as a ratio of its idle latency (its own small server)
#   test_cli.py              the command line: clean JSON on stdout, exit codes, --help touches nothing
#   test_notifications.py    reporters' notices through a real local SMTP server (aiosmtpd) and an HTTP
#                            SMS gateway, both started by the test, on a server of its own: each step
#                            once, retries, a dead letter on the outbox page and its retry
#   test_reports.py          the monthly report's XLSX (openpyxl) and CSV against /api/v1/measures,
#                            and the report printed to an A4 PDF by Chromium, read with pdftotext
#   test_crash.py            SIGKILL ten times during intake and staff steps (SQLite and PostgreSQL),
#                            and SIGTERM during intake (exit 0): nothing acknowledged is lost, the audit chain holds
#   test_backup.py           backup while reports arrive, restore, the key-loss drill
#   test_dashboard_browser.py the leader's dashboard charts, KPI map and report map, and a department's
#                            own dashboard, in Chromium (desk and phone)
#   test_api_contract.py     schemathesis against /openapi.json (each staff role) and /openapi/open311.json
#   test_hostile_input.py    the corpus of Tests/Corpus: bad CSVs, GeoJSON, images and strings; 4xx, nothing written, escaped
#   test_soak.py             wrk at ~70 % of the maximum rate for WANGGE_SOAK_SECONDS (60): no errors, RSS flat
#   test_offline_phone.py    the grid worker's offline app on a 390 px phone behind a TCP proxy the test
#                            cuts: a queued visit and case reach the server once each, a conflict is
#                            shown, a service-worker update keeps the queue, log-out waits (own server)
#   test_bench_smoke.py      scripts/bench-district.py for a second a page and 20 first syncs (own server)
#                            and scripts/bench-cluster.sh at 4 grids, 1-second phases (PostgreSQL, nginx);
#                            scripts/bench-intake-runs.sh, two 1-second runs
# Usage: scripts/python-checks.sh [BINARY] [-- PYTEST ARGS…]   (default args: Tests/Python)
# The tests get WANGGE_URL, WANGGE_API_KEY, WANGGE_BIN (the binary, for `wangge sweep`, `wangge
# totp` …), WANGGE_DATA (the server's data directory) and WANGGE_GRID_CODE (the demo's first grid).
# Python: $PYTHON, else the virtual environment .build/python that scripts/test.sh and .ci/run make,
# else python3. Set it up with:
#   python3 -m venv .build/python && .build/python/bin/pip install -r Tests/Python/requirements.txt
# Exits 75 when the Python packages are not installed (scripts/test.sh then skips, except in CI).
# The browser test skips itself when chromium or chromedriver is missing, except in CI (CI set).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${WANGGE_BIN:-.build/debug/wangge}
if [ $# -gt 0 ] && [ "$1" != "--" ]; then bin=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
[ $# -gt 0 ] || set -- Tests/Python
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
[ -x "$bin" ] || { echo "python-checks: no wangge binary at $bin (build first)" >&2; exit 2; }
if [ -n "${PYTHON:-}" ]; then python=$PYTHON
elif [ -x .build/python/bin/python ]; then python=.build/python/bin/python
else python=python3; fi
if ! "$python" -c 'import aiosmtpd, georeport, openpyxl, pytest, requests, schemathesis, selenium' 2>/dev/null; then
  echo "python-checks: the Python test packages are not installed for $python:" >&2
  echo "  python3 -m venv .build/python && .build/python/bin/pip install -r Tests/Python/requirements.txt" >&2
  exit 75
fi

. scripts/scratch.sh wangge-python-checks

# A private SQLite district: never the developer's data or a configured PostgreSQL.
unset DATABASE_URL DATABASE_SCHEMA WANGGE_KEYS WANGGE_KEY_FILE
export WANGGE_DATA="$work/data"

echo "== Python checks ($("$python" -c 'import importlib.metadata as m; print(", ".join(p + " " + m.version(p) for p in ("georeport", "selenium", "pytest")))')) =="
"$bin" demo --grids 4 --case-days 30 >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
key=$("$bin" apikey create --name check 2>"$work/apikey.log" | grep -E '^o311_[0-9a-f]+$' | tail -n 1 || true)
[ -n "$key" ] || { echo "python-checks: wangge apikey create printed no key" >&2; cat "$work/apikey.log" >&2; exit 1; }

# The grid whose QR code the resident scans. The demo prints no unit codes, so ask the app: `wangge
# export boundaries` writes every unit as a GeoJSON feature with properties code, name and level
# (the CLI's own output, needing no database client). The demo binds the gridworker and proxy
# accounts to its first grid, the one with the lowest code (streets, communities and grids are
# numbered in the order they are made); the browser test relies on that — the grid worker must
# find the resident's case in 我的待办 — so a change here shows up as a failing test.
"$bin" export boundaries -o "$work/boundaries.geojson" >"$work/export.log" 2>&1 || { cat "$work/export.log" >&2; exit 1; }
grid=$("$python" -c 'import json, sys
grids = [f["properties"]["code"] for f in json.load(open(sys.argv[1]))["features"] if f["properties"]["level"] == "grid"]
print(min(grids) if grids else "")' "$work/boundaries.geojson")
[ -n "$grid" ] || { echo "python-checks: wangge export boundaries listed no grid" >&2; exit 1; }

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$bin" serve --hostname 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
server=$!
url="http://127.0.0.1:$port"
ready=""
for _ in $(seq 1 120); do
  if "$python" -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('$url/healthz', timeout=2).status == 200 else 1)" 2>/dev/null; then
    ready=1; break
  fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.5
done
[ -n "$ready" ] || { echo "python-checks: the server did not answer /healthz" >&2; tail -n 40 "$work/server.log" >&2; exit 1; }

set +e
WANGGE_URL="$url" WANGGE_API_KEY="$key" WANGGE_BIN="$bin" WANGGE_GRID_CODE="$grid" \
  "$python" -m pytest -q -rsx -p no:cacheprovider "$@"
status=$?
set -e
if [ "$status" != 0 ] && [ "$status" != 5 ]; then echo "--- server log (last 40 lines) ---" >&2; tail -n 40 "$work/server.log" >&2; fi
exit "$status"
