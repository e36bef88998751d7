#!/usr/bin/env bash
# The test command (README step b): builds once, then runs every test suite — domain, storage
# and HTTP — on SQLite, and on PostgreSQL too when one is available: WANGGE_TEST_POSTGRES_URL if
# set, otherwise a throwaway server started here (when PostgreSQL 15 is installed, as root can
# do with `apt-get install postgresql-15`). WANGGE_TEST_SQLITE_ONLY=1 skips PostgreSQL.
# Last, the Python checks drive the built binary from outside: Open311 with a third-party client
# and the case loop in a real browser (scripts/python-checks.sh; skipped with a note when their
# packages are not installed, the browser test also without Chromium — except in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

started_pg=""
if [ -z "${WANGGE_TEST_POSTGRES_URL:-}" ] && [ "${WANGGE_TEST_SQLITE_ONLY:-0}" != 1 ]; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    eval "$(scripts/throwaway-postgres.sh)"
    started_pg="$WANGGE_PG_DIR"
  else
    echo "note: no PostgreSQL available; running on SQLite only" >&2
  fi
fi
cleanup() { if [ -n "$started_pg" ]; then scripts/throwaway-postgres.sh stop "$started_pg"; fi; }
trap cleanup EXIT

export WANGGE_TEST_POSTGRES_LOG
WANGGE_TEST_POSTGRES_LOG=$(mktemp /tmp/wangge-pg-uses.XXXXXX)
: >"$WANGGE_TEST_POSTGRES_LOG"

# Debian packages the build and the tests need: libqrencode-dev (the QR encoder the build links) and
# zbar-tools (zbarimg reads the contact cards' QR codes back; without it, and outside CI, that test skips).
qr_missing=()
[ -f /usr/include/qrencode.h ] || qr_missing+=(libqrencode-dev)
command -v zbarimg >/dev/null 2>&1 || qr_missing+=(zbar-tools)
command -v wrk >/dev/null 2>&1 || qr_missing+=(wrk)   # test_soak.py's load generator
if [ ${#qr_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${qr_missing[@]}" >/dev/null
  else echo "note: please install ${qr_missing[*]} (apt-get install ${qr_missing[*]})" >&2; fi
fi

echo "== build (once) =="
build_log=$(mktemp /tmp/wangge-build.XXXXXX)
swift build --build-tests 2>&1 | tee "$build_log" | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking)' || true
swift build --build-tests >/dev/null   # fails loudly if the build above failed
# Our own code builds without warnings; in CI (a clean build, so every file is compiled) a warning in
# Sources/ or Tests/ fails the run. Dependencies' warnings are theirs.
own_warnings=$(grep -E "^$PWD/(Sources|Tests)/.*: warning:" "$build_log" | sort -u || true)
rm -f "$build_log"
if [ -n "$own_warnings" ]; then
  echo "$own_warnings" >&2
  if [ -n "${CI:-}" ]; then echo "error: compiler warnings in Sources/ or Tests/ (see above)" >&2; exit 1; fi
fi

echo "== tests =="
swift test --skip-build 2>&1 | tee /tmp/wangge-test-output.log | grep -vE '^(◇|↳)|started\.$'
status=${PIPESTATUS[0]}

pg_cases=$(wc -l <"$WANGGE_TEST_POSTGRES_LOG" | tr -d ' ')
if [ -n "${WANGGE_TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL: $pg_cases test databases were created on PostgreSQL (${WANGGE_TEST_POSTGRES_URL%%\?*})"
  if [ "$status" = 0 ] && [ "$pg_cases" = 0 ]; then echo "error: PostgreSQL was configured but no test used it" >&2; status=1; fi
fi
rm -f "$WANGGE_TEST_POSTGRES_LOG"

# The Python checks against the binary built above (scripts/python-checks.sh): Open311 with a
# third-party client (georeport from PyPI) and the case loop in a real browser (Selenium driving the
# system's Chromium; that test skips itself without chromium and chromedriver, except in CI). The
# packages live in their own virtual environment under .build/python, made here when missing and
# brought up to date when Tests/Python/requirements.txt changed since (a copy is kept beside it).
if [ ! -x .build/python/bin/python ] || ! cmp -s Tests/Python/requirements.txt .build/python/requirements.txt; then
  if ! python3 -c 'import ensurepip' >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq python3-venv >/dev/null 2>&1 || true
  fi
  { { [ -x .build/python/bin/python ] || python3 -m venv .build/python; } \
    && .build/python/bin/python -m pip install -q --disable-pip-version-check -r Tests/Python/requirements.txt \
    && cp Tests/Python/requirements.txt .build/python/requirements.txt; } \
    || echo "note: could not install the Python test packages (Tests/Python/requirements.txt)" >&2
fi
bin="$(swift build --show-bin-path)/wangge"
set +e
scripts/python-checks.sh "$bin"
python_status=$?
set -e
if [ "$python_status" = 75 ] && [ -z "${CI:-}" ]; then
  echo "note: Python checks skipped (see the line above to install their packages)" >&2
elif [ "$python_status" != 0 ] && [ "$status" = 0 ]; then
  status=$python_status
fi
exit "$status"
