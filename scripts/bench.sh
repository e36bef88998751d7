#!/usr/bin/env bash
# The benchmark (issue 16). Builds once (release by default; WANGGE_BUILD=debug for a quick look;
# WANGGE_BIN=path uses a binary built already), then:
# 1. point → grid lookups in-process (`wangge bench --geo`): the index against testing every grid;
# 2. for group commit on and off (WANGGE_INTAKE_BATCH=256 / 1): a fresh server on a throwaway SQLite
#    database with a small demo district, measured by `wangge bench` with wrk on loopback — the bare
#    route (a constant before any middleware), a static asset, /healthz and durable case intake
#    (Open311 POST, full speed, then paced at 80 % of it) — and afterwards every acknowledged case
#    is looked for as a row in the database;
# 3. scripts/bench-report.py gathers bench/results/*.json into bench/results/latest.json, a Markdown
#    table and an SVG chart, and rewrites the table in BENCHMARKS.md.
# DATABASE_URL set → the servers use that PostgreSQL instead (its tables are created if missing);
# the row check then counts there. BENCH_SECONDS (10) and BENCH_CONCURRENCY (32) tune each phase.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
. scripts/bench-bin.sh
seconds=${BENCH_SECONDS:-10}
concurrency=${BENCH_CONCURRENCY:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
. scripts/scratch.sh wangge-bench

mkdir -p bench/results
echo "== point → grid =="
WANGGE_DATA="$work/geo" DATABASE_URL="" "$bin" bench --geo --out bench/results/geo.json

cases() {  # the number of case rows in the server's database
  if [ -n "${DATABASE_URL:-}" ]; then psql "$DATABASE_URL" -Atc 'SELECT COUNT(*) FROM cases'
  else python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM cases").fetchone()[0])' "$1/wangge.sqlite"; fi
}

run_once() {  # $1 = label, $2 = WANGGE_INTAKE_BATCH
  local data="$work/$1" port key before after out="bench/results/intake-$1.json"
  mkdir -p "$data" "$work/client"
  port=$(free_port)
  export WANGGE_DATA="$data" WANGGE_SWEEP_SECONDS=0
  "$bin" demo --grids 4 --case-days 0 >/dev/null
  key=$("$bin" apikey create --name "bench-$1" 2>/dev/null | tail -n 1)
  WANGGE_BENCH_BARE=1 WANGGE_INTAKE_BATCH="$2" WANGGE_OPEN311_POSTS_PER_MINUTE=1000000000 \
    "$bin" serve --hostname 127.0.0.1 --port "$port" >"$work/$1.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  before=$(cases "$data")
  echo "== $1 =="
  # The client keeps its own empty data directory so it never touches the server's database.
  WANGGE_DATA="$work/client" DATABASE_URL="" "$bin" bench --url "http://127.0.0.1:$port" --key "$key" \
    --seconds "$seconds" --concurrency "$concurrency" --out "$out"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  after=$(cases "$data")
  python3 scripts/bench-report.py --rows "$out" "$((after - before))"
}

run_once "group-commit" 256
run_once "one-commit-per-case" 1
python3 scripts/bench-report.py
