#!/usr/bin/env bash
# Durable intake as cases pile up (issue 16): one server with group commit on a fresh small demo
# district, then RUNS back-to-back runs of wrk (32 connections, SECONDS each) posting Open311
# requests with an address. Each line: the rate, the server's CPU time per case, p99 and the cases
# in the database after the run. A rate that falls from run to run means something grows with the
# cases (a plan that scans them, say); bench.sh's single 10-second phase would not show it.
# Usage: WANGGE_BIN=.build/release/wangge scripts/bench-intake-runs.sh [RUNS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
. scripts/bench-bin.sh
runs=${1:-5}; seconds=${2:-10}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
. scripts/scratch.sh wangge-intake-runs
port=$(free_port)
export WANGGE_DATA="$work/data" WANGGE_SWEEP_SECONDS=0
mkdir -p "$WANGGE_DATA"
"$bin" demo --grids 4 --case-days 0 >/dev/null
key=$("$bin" apikey create --name intake-runs 2>/dev/null | tail -n 1)
WANGGE_OPEN311_POSTS_PER_MINUTE=1000000000 "$bin" serve --hostname 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
service=$(curl -fsS "http://127.0.0.1:$port/open311/v2/services.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["service_code"])')
cat >"$work/post.lua" <<LUA
counter = 0
request = function()
  counter = counter + 1
  local body = "api_key=$key&service_code=$service&address_string=%E6%80%A7%E8%83%BD%E6%B5%8B%E8%AF%95%E5%9C%B0%E5%9D%80+" .. counter .. "&description=intake+run+" .. counter
  return wrk.format("POST", "/open311/v2/requests.json", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
LUA
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
for i in $(seq 1 "$runs"); do
  before=$(ticks)
  wrk -t1 -c32 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/open311/v2/requests.json" >"$work/wrk.txt"
  after=$(ticks)
  python3 - "$work/wrk.txt" "$before" "$after" "$hz" "$i" "$WANGGE_DATA/wangge.sqlite" <<'PY'
import re, sqlite3, sys
text = open(sys.argv[1]).read()
n = int(re.search(r"(\d+) requests in", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p99 = re.search(r"99%\s+(\S+)", text).group(1)
cpu = (float(sys.argv[3]) - float(sys.argv[2])) * 1000 / float(sys.argv[4]) / max(n, 1)
cases = sqlite3.connect(sys.argv[6]).execute("SELECT COUNT(*) FROM cases").fetchone()[0]
print(f"run {sys.argv[5]}: {rate:8.1f} cases/s   CPU {cpu:5.2f} ms a case   p99 {p99:>9}   {cases:7d} cases   failed {bad.group(1) if bad else 0}")
PY
done
