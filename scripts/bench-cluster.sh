#!/usr/bin/env bash
# The cluster benchmark (issue 16): PostgreSQL against SQLite, and two instances behind nginx against
# one, each figure against its baseline measured in the same run on the same machine.
# 1. PostgreSQL against SQLite. A throwaway PostgreSQL that is durable like SQLite here (fsync and
#    synchronous_commit on: scripts/throwaway-postgres.sh with WANGGE_PG_DURABLE=1, port
#    WANGGE_PG_PORT, 55452 by default), and a SQLite data directory, each loaded with the same small demo
#    district (`wangge demo --grids BENCH_GRIDS`, 100 by default, with a year of cases: ≈100,000 cases,
#    about a minute's load on each database on 2 cores, more with a build alongside). One server on
#    each in turn: the district dashboard of last month (scripts/bench-district.py, that page only,
#    against its /healthz), then durable case intake (`wangge bench` with wrk, as scripts/bench.sh runs
#    it: static, /healthz, Open311 POST at full speed, then paced at 80 %), and every acknowledged case
#    is looked for as a row. Figures: intake PostgreSQL ÷ SQLite (target ≥ 0.60), the dashboard's p95
#    SQLite ÷ PostgreSQL (higher is better; target ≥ 0.60).
# 2. Two instances on the one PostgreSQL behind nginx (Debian's, run in the foreground with a config of
#    its own in the temporary directory: upstreams with keepalive, no access log) against one instance
#    behind the same config: intake two ÷ one (target ≥ 1.6), /healthz through nginx both ways, and
#    again every acknowledged case must be a row. The instances share the database and the key file;
#    each has a data directory of its own and a port of its own, and they start one after the other
#    (every start runs the migrations that are missing; the demo load ran them all already).
# Results: bench/results/cluster.json, then scripts/bench-report.py gathers bench/results/*.json into
# latest.json/.md/.svg and BENCHMARKS.md's table. WANGGE_BIN=path uses a binary built already (else a
# release build, WANGGE_BUILD=debug for a quick look); BENCH_SECONDS (10) is each phase's length,
# BENCH_CONCURRENCY (32) wrk's connections for intake, BENCH_DISTRICT_CONNECTIONS (4) for the dashboard.
# WANGGE_DB_CONNECTIONS (PostgreSQL connections per event loop and instance, 4 by default) is passed
# on to the servers. Needs root (PostgreSQL's cluster belongs to the postgres user), wrk, nginx, psql.
# Everything started here (servers, nginx, PostgreSQL) is stopped on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH:/usr/sbin:/sbin"
. scripts/bench-bin.sh
seconds=${BENCH_SECONDS:-10}
concurrency=${BENCH_CONCURRENCY:-32}
connections=${BENCH_DISTRICT_CONNECTIONS:-4}
grids=${BENCH_GRIDS:-100}
# BENCH_OUT=path writes the figures there and leaves bench/results and BENCHMARKS.md alone (CI's smoke).
out_file=${BENCH_OUT:-bench/results/cluster.json}
for tool in wrk nginx psql curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install ${tool/psql/postgresql-client}" >&2; exit 1; }
done
# Each process below is given its database explicitly; nothing is taken from the caller's.
unset DATABASE_URL DATABASE_SCHEMA WANGGE_KEYS WANGGE_KEY_FILE WANGGE_DATA

work=$(mktemp -d /tmp/wangge-cluster.XXXXXX)
chmod 711 "$work"   # nginx's workers run as nobody and keep their temporary files below it
servers=()                 # the pids of the running Wangge servers
declare -A server_name=()  # pid → name (its log is $work/NAME.log)
nginx_pid=""
pg_dir=""
stop_server() {  # $1 = a server's pid: SIGTERM, and a warning unless it exits cleanly (status 0)
  local pid=$1 status=0 name=${server_name[$1]} rest=()
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || status=$?
  for p in "${servers[@]}"; do [ "$p" = "$pid" ] || rest+=("$p"); done
  servers=("${rest[@]+"${rest[@]}"}")
  if [ "$status" -ne 0 ]; then
    echo "warning: server $name exited with status $status after SIGTERM" >&2
    grep -a -m 1 -A 12 -E 'Program crashed|Fatal error' "$work/$name.log" >&2 || true
  fi
}
stop_nginx() {
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=""; fi
}
cleanup() {
  local status=$?
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do stop_server "$pid"; done
  stop_nginx
  if [ -n "$pg_dir" ]; then scripts/throwaway-postgres.sh stop "$pg_dir"; fi
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log "$work"/nginx/error.log; do
      [ -s "$log" ] && { echo "--- last lines of $log" >&2; tail -n 15 "$log" >&2; }
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_is_free() {  # nobody listens there (connections of an earlier run in TIME_WAIT do not count, as for PostgreSQL)
  python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen()' "$1" 2>/dev/null
}
now() { date +%s.%N; }
failed=0   # a failed request or a missing row: the figures are still written, the exit status is 1

# --- PostgreSQL, durable -------------------------------------------------------------------------
pg_port=${WANGGE_PG_PORT:-55452}
if ! port_is_free "$pg_port"; then
  echo "port $pg_port is taken; PostgreSQL gets another" >&2
  pg_port=$(free_port)
fi
echo "== PostgreSQL on 127.0.0.1:$pg_port (fsync and synchronous_commit on) =="
pg_vars=$(WANGGE_PG_DURABLE=1 WANGGE_PG_PORT=$pg_port scripts/throwaway-postgres.sh)
eval "$pg_vars"
pg_dir=$WANGGE_PG_DIR
psql "$WANGGE_TEST_POSTGRES_URL" -qc 'CREATE DATABASE wangge_bench'
pg_url="postgres://postgres@127.0.0.1:$pg_port/wangge_bench?sslmode=disable"
durability=$(psql "$pg_url" -Atc "SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit')")
[ "$durability" = "on on" ] || { echo "PostgreSQL is not durable (fsync, synchronous_commit: $durability)" >&2; exit 1; }

# The environment of every Wangge process, by database. The PostgreSQL instances share one key file.
sqlite_env=(DATABASE_URL= WANGGE_DATA="$work/sqlite")
pg_env=(DATABASE_URL="$pg_url" WANGGE_KEY_FILE="$work/pg.keys")
# The servers: no sweeper, Open311's per-key limit lifted (one key sends everything), the forwarded
# address trusted (nginx sets it; without nginx no such header arrives).
serve_env=(WANGGE_SWEEP_SECONDS=0 WANGGE_OPEN311_POSTS_PER_MINUTE=1000000000 WANGGE_TRUST_PROXY=1)

cases_in() {  # $1 = sqlite | pg: the number of case rows in that database
  if [ "$1" = pg ]; then psql "$pg_url" -Atc 'SELECT COUNT(*) FROM cases'
  else python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM cases").fetchone()[0])' "$work/sqlite/wangge.sqlite"; fi
}

load() {  # $1 = sqlite | pg, then VAR=value…: the demo district, timed; prints the seconds on stdout
  local name=$1 t0
  shift
  t0=$(now)
  env "$@" "$bin" demo --grids "$grids" >"$work/demo-$name.log" 2>&1 || { echo "wangge demo failed on $name" >&2; exit 1; }
  python3 -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))' "$t0" "$(now)"
}

start_server() {  # $1 = name, $2 = port, then VAR=value…: starts `wangge serve`, waits for /healthz
  local name=$1 port=$2 pid
  shift 2
  env "$@" "${serve_env[@]}" "$bin" serve --hostname 127.0.0.1 --port "$port" >"$work/$name.log" 2>&1 &
  pid=$!
  servers+=("$pid")
  server_name[$pid]=$name
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "server $name exited at start" >&2; exit 1; }
    sleep 0.2
  done
  echo "server $name did not answer /healthz within 60 s" >&2
  exit 1
}

intake() {  # $1 = label, $2 = base URL, $3 = API key, $4 = sqlite | pg → $work/intake-$1.json, rows checked
  local out="$work/intake-$1.json" before after
  before=$(cases_in "$4")
  echo "== intake: $1 ($2) =="
  # The client keeps its own empty data directory so it never touches the server's database.
  if ! WANGGE_DATA="$work/client" DATABASE_URL="" "$bin" bench --url "$2" --key "$3" \
      --seconds "$seconds" --concurrency "$concurrency" --out "$out"; then
    failed=1
    [ -f "$out" ] || { echo "wangge bench wrote no results for $1" >&2; exit 1; }
  fi
  after=$(cases_in "$4")
  python3 scripts/bench-report.py --rows "$out" "$((after - before))" || failed=1
}

month=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
district() {  # $1 = label, $2 = base URL → $work/district-$1.json (the dashboard of last month)
  local out="$work/district-$1.json"
  echo "== district dashboard $month: $1 =="
  # bench-district.py exits 1 when a page misses its own target (50 ms); that is a figure, not a failure.
  python3 scripts/bench-district.py --url "$2" --month "$month" --seconds "$seconds" --connections "$connections" \
    --skip-storm --only '^district dashboard$' --out "$out" >"$work/district-$1.out" 2>&1 || true
  grep -E '^\| (healthz rate|district dashboard)' "$work/district-$1.out" || true
  [ -f "$out" ] || { cat "$work/district-$1.out" >&2; echo "bench-district.py wrote no results for $1" >&2; exit 1; }
}

# --- 1. SQLite and PostgreSQL, one server each ----------------------------------------------------
# The bench client's own empty SQLite (every command migrates first): migrated once here, quietly.
WANGGE_DATA="$work/client" DATABASE_URL='' "$bin" migrate --yes </dev/null >/dev/null 2>&1
echo "== demo district: wangge demo --grids $grids (a year of cases), on SQLite, then on PostgreSQL =="
load_sqlite=$(load sqlite "${sqlite_env[@]}")
cases_sqlite=$(cases_in sqlite)
echo "  SQLite: $load_sqlite s, $cases_sqlite cases"
load_pg=$(load pg "${pg_env[@]}" WANGGE_DATA="$work/pg-load")
cases_pg=$(cases_in pg)
echo "  PostgreSQL: $load_pg s, $cases_pg cases"
key_sqlite=$(env "${sqlite_env[@]}" "$bin" apikey create --name bench-cluster 2>/dev/null | tail -n 1)
key_pg=$(env "${pg_env[@]}" WANGGE_DATA="$work/pg-load" "$bin" apikey create --name bench-cluster 2>/dev/null | tail -n 1)

port=$(free_port)
start_server sqlite "$port" "${sqlite_env[@]}"
sqlite_pid=${servers[-1]}
district sqlite "http://127.0.0.1:$port"
intake sqlite "http://127.0.0.1:$port" "$key_sqlite" sqlite
stop_server "$sqlite_pid"

port_a=$(free_port)
start_server pg-a "$port_a" "${pg_env[@]}" WANGGE_DATA="$work/pg-a"
district pg "http://127.0.0.1:$port_a"
intake pg "http://127.0.0.1:$port_a" "$key_pg" pg

# --- 2. nginx in front of one instance, then two on the same PostgreSQL ---------------------------
port_b=$(free_port)
start_server pg-b "$port_b" "${pg_env[@]}" WANGGE_DATA="$work/pg-b"
nginx_one=$(free_port)
nginx_two=$(free_port)
mkdir -p "$work/nginx" && chmod 755 "$work/nginx"
proxy='proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto $scheme;'
cat >"$work/nginx/nginx.conf" <<EOF
# Written by scripts/bench-cluster.sh: one port in front of one instance, one in front of two.
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 1000000;
  upstream wangge_one { server 127.0.0.1:$port_a; keepalive 64; keepalive_requests 1000000; }
  upstream wangge_two { server 127.0.0.1:$port_a; server 127.0.0.1:$port_b; keepalive 64; keepalive_requests 1000000; }
  server { listen 127.0.0.1:$nginx_one; location / { proxy_pass http://wangge_one; $proxy } }
  server { listen 127.0.0.1:$nginx_two; location / { proxy_pass http://wangge_two; $proxy } }
}
EOF
nginx -q -t -p "$work/nginx/" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf"
nginx -p "$work/nginx/" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for p in "$nginx_one" "$nginx_two"; do
  for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$p/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "http://127.0.0.1:$p/healthz" >/dev/null || { echo "nginx on port $p does not reach Wangge" >&2; exit 1; }
done
intake nginx-one "http://127.0.0.1:$nginx_one" "$key_pg" pg
intake nginx-two "http://127.0.0.1:$nginx_two" "$key_pg" pg
stop_nginx
for pid in "${servers[@]}"; do stop_server "$pid"; done

# --- the figures ------------------------------------------------------------------------------------
mkdir -p "$(dirname "$out_file")"
python3 - "$work" "$grids" "$month" "$load_sqlite" "$load_pg" "$cases_sqlite" "$cases_pg" "$seconds" "$concurrency" "$out_file" <<'EOF'
import json, os, sys
work, grids, month = sys.argv[1], int(sys.argv[2]), sys.argv[3]
out_file = sys.argv[10]
load_sqlite, load_pg, cases_sqlite, cases_pg = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
seconds, concurrency = sys.argv[8], sys.argv[9]

def read(name):
    return {f["name"]: f for f in json.load(open(os.path.join(work, name + ".json")))}

def value(figures, name):
    return figures[name]["value"] if name in figures else None

out = []
def add(name, value, unit, baseline=None, ratio=None, target=None, passed=None):
    out.append({"name": name, "value": value, "unit": unit, "baseline": baseline,
                "ratio": None if ratio is None else round(ratio, 3), "target": target, "pass": passed})

def compare(name, value, baseline, unit, target=None, inverse=False):
    """value against baseline; the ratio is value ÷ baseline, or baseline ÷ value where lower is better."""
    if value is None or baseline is None or not (baseline if not inverse else value):
        add(name, value or 0, unit, baseline, None, target, False if target else None)
        return
    ratio = baseline / value if inverse else value / baseline
    limit = float(target.split()[-1]) if target else None
    add(name, value, unit, baseline, ratio, target, None if limit is None else ratio >= limit)

runs = {"SQLite": "sqlite", "PostgreSQL": "pg", "nginx → one instance": "nginx-one", "nginx → two instances": "nginx-two"}
intake = {label: read("intake-" + stem) for label, stem in runs.items()}
district = {label: read("district-" + stem) for label, stem in (("SQLite", "sqlite"), ("PostgreSQL", "pg"))}

add(f"demo district: wangge demo --grids {grids}, a year of cases (dashboard of {month}; phases of {seconds} s, intake at {concurrency} connections)",
    cases_sqlite, "cases")
compare("demo district's load time, PostgreSQL vs SQLite", load_pg, load_sqlite, "s")
if cases_pg != cases_sqlite:
    add("demo district: cases on PostgreSQL (differs from SQLite's)", cases_pg, "cases")

# 1. PostgreSQL against SQLite
for label in ("SQLite", "PostgreSQL"):
    for what, unit in (("intake rate", "req/s"), ("intake p50", "ms"), ("intake p99", "ms"), ("healthz rate", "req/s")):
        add(f"{label}: {what}", value(intake[label], what), unit)
    add(f"{label}: district dashboard p95", value(district[label], "district dashboard p95"), "ms")
compare("intake on PostgreSQL vs SQLite", value(intake["PostgreSQL"], "intake rate"), value(intake["SQLite"], "intake rate"), "req/s", ">= 0.6")
compare("district dashboard p95 on PostgreSQL (ratio: SQLite's p95 ÷ PostgreSQL's)",
        value(district["PostgreSQL"], "district dashboard p95"), value(district["SQLite"], "district dashboard p95"), "ms", ">= 0.6", inverse=True)
compare("/healthz on PostgreSQL vs SQLite", value(intake["PostgreSQL"], "healthz rate"), value(intake["SQLite"], "healthz rate"), "req/s")

# 2. Two instances against one, both behind nginx
for label in ("nginx → one instance", "nginx → two instances"):
    for what, unit in (("intake rate", "req/s"), ("intake p50", "ms"), ("intake p99", "ms"), ("healthz rate", "req/s")):
        add(f"{label}: {what}", value(intake[label], what), unit)
compare("intake, two instances vs one (nginx, one PostgreSQL)", value(intake["nginx → two instances"], "intake rate"),
        value(intake["nginx → one instance"], "intake rate"), "req/s", ">= 1.6")
compare("/healthz through nginx, two instances vs one", value(intake["nginx → two instances"], "healthz rate"),
        value(intake["nginx → one instance"], "healthz rate"), "req/s")
compare("intake through nginx vs direct (one instance, PostgreSQL)", value(intake["nginx → one instance"], "intake rate"),
        value(intake["PostgreSQL"], "intake rate"), "req/s")

# What must be zero in every run: failed requests (every phase) and acknowledged cases without a row.
for label, figures in intake.items():
    for f in figures.values():
        if f.get("target") == "0":
            add(f"{label}: {f['name']}", f["value"], f["unit"], f.get("baseline"), None, "0", f["pass"])
for label, figures in district.items():
    for f in figures.values():
        if f["name"].endswith("non-2xx") or " answered within " in f["name"]:
            add(f"{label}: {f['name']}", f["value"], f["unit"], None, None, f["target"], f["pass"])

json.dump(out, open(out_file, "w"), indent=1, ensure_ascii=False)

def num(x):
    return "" if x is None else (f"{x:,.1f}" if isinstance(x, float) and abs(x) >= 100 else f"{x:,.3g}" if isinstance(x, float) else f"{x:,}")
print(f"\n== cluster: summary ({out_file}) ==")
for f in out:
    extra = ""
    if f["baseline"] is not None:
        extra += f"  (against {num(f['baseline'])}"
        extra += f": {f['ratio']:.2f})" if f["ratio"] is not None else ")"
    if f["target"]:
        extra += f"  target {f['target']}: " + ("yes" if f["pass"] else "NO")
    print(f"  {f['name']}: {num(f['value'])} {f['unit']}{extra}")
EOF

if [ -z "${BENCH_OUT:-}" ]; then
  echo "== bench-report.py: bench/results/latest.json, latest.md, latest.svg and BENCHMARKS.md's table =="
  python3 scripts/bench-report.py | tail -n 1
fi
exit "$failed"
