#!/usr/bin/env bash
# The intake benchmark (issue 4, point 9). Builds once (release by default; WANGGE_BUILD=debug
# for a quick look), starts a fresh server on a throwaway SQLite database with a small demo
# district, and runs `wangge bench` against it: a static GET, /healthz and durable case intake
# (Open311 POST), each reported with its rate and intake as a ratio of the GET rates. Then it
# does the same with group commit turned off (WANGGE_INTAKE_BATCH=1), to show what batching buys.
# DATABASE_URL set → the server uses that PostgreSQL instead (its tables are created if missing).
# BENCH_SECONDS (10) and BENCH_CONCURRENCY (32) tune each phase.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
config=${WANGGE_BUILD:-release}
swift build -c "$config" --product wangge
bin="$(swift build -c "$config" --show-bin-path)/wangge"
seconds=${BENCH_SECONDS:-10}
concurrency=${BENCH_CONCURRENCY:-32}
work=$(mktemp -d /tmp/wangge-bench.XXXXXX)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p bench/results   # intake-group-commit.json and intake-one-commit-per-case.json: the figures as JSON
run_once() {  # $1 = label, $2 = WANGGE_INTAKE_BATCH
  local data="$work/$1" port key
  mkdir -p "$data" "$work/client"
  port=$(free_port)
  export WANGGE_DATA="$data" WANGGE_SWEEP_SECONDS=0
  "$bin" demo --grids 4 --case-days 0 >/dev/null
  key=$("$bin" apikey create --name "bench-$1" 2>/dev/null | tail -n 1)
  WANGGE_INTAKE_BATCH="$2" WANGGE_OPEN311_POSTS_PER_MINUTE=1000000000 "$bin" serve --hostname 127.0.0.1 --port "$port" >"$work/$1.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  echo "== $1 =="
  # The client keeps its own empty data directory so it never touches the server's database.
  WANGGE_DATA="$work/client" DATABASE_URL="" "$bin" bench --url "http://127.0.0.1:$port" --key "$key" \
    --seconds "$seconds" --concurrency "$concurrency" --out "bench/results/intake-$1.json"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

run_once "group-commit" 256
run_once "one-commit-per-case" 1
