#!/usr/bin/env bash
# The test command (README step b): builds once, then runs every test suite — domain, storage
# and HTTP — on SQLite, and on PostgreSQL too when one is available: WANGGE_TEST_POSTGRES_URL if
# set, otherwise a throwaway server started here (when PostgreSQL 15 is installed, as root can
# do with `apt-get install postgresql-15`). WANGGE_TEST_SQLITE_ONLY=1 skips PostgreSQL.
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

echo "== build (once) =="
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking)' || true
swift build --build-tests >/dev/null   # fails loudly if the build above failed

echo "== tests =="
swift test --skip-build 2>&1 | tee /tmp/wangge-test-output.log | grep -vE '^(◇|↳)|started\.$'
status=${PIPESTATUS[0]}

pg_cases=$(wc -l <"$WANGGE_TEST_POSTGRES_LOG" | tr -d ' ')
if [ -n "${WANGGE_TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL: $pg_cases test databases were created on PostgreSQL (${WANGGE_TEST_POSTGRES_URL%%\?*})"
  if [ "$status" = 0 ] && [ "$pg_cases" = 0 ]; then echo "error: PostgreSQL was configured but no test used it" >&2; status=1; fi
fi
rm -f "$WANGGE_TEST_POSTGRES_LOG"
exit "$status"
