#!/usr/bin/env bash
# Two builds on one loaded district, in turns (issue 13's speed point): bench-district.py's reads that
# ONLY picks, ROUNDS (4) times for each binary in turns (new, base; base, new; …) on the same district,
# so both face the same machine in the same hour — on this machine a page's time moves by half from
# one day to the next, which a figure measured once cannot tell from a change in the code. Per read, the
# new build's median p95 and pages a second against the old build's (ratio new ÷ base: a p95 ratio
# below 1 is faster) go to OUT as BENCHMARKS.md's figures, every turn's figures to OUT's .runs.txt, and
# a table to the terminal. BENCH_SECONDS (10) and BENCH_CONNECTIONS (4) as bench-district.py's.
# Usage: WANGGE_DATA=DIR scripts/bench-district-ab.sh BASE_BIN NEW_BIN [ROUNDS] [ONLY] [MONTH]
#   DIR holds a loaded district (`wangge demo --grids 1000`); it is only read (the sweeper is off),
#   but the newer build's migrations run on it at its first start. OUT: BENCH_OUT, default
#   bench/results/district-ab.json. ONLY: a regex of read names (default: the dashboard, the measures
#   API, the rankings, the child dashboard and the map); MONTH: the figures' month (default 2026-11).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?"usage: WANGGE_DATA=DIR $0 BASE_BIN NEW_BIN [ROUNDS] [ONLY] [MONTH]"}
new=${2:?"usage: WANGGE_DATA=DIR $0 BASE_BIN NEW_BIN [ROUNDS] [ONLY] [MONTH]"}
rounds=${3:-4}
only=${4:-'^(district dashboard|measures API \(district\)|rankings|drill-down child dashboard|drill-down map)$'}
month=${5:-2026-11}
out=${BENCH_OUT:-bench/results/district-ab.json}
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-4}
: "${WANGGE_DATA:?set WANGGE_DATA to the directory of a loaded district}"
[ -f "$WANGGE_DATA/wangge.sqlite" ] || { echo "no district in $WANGGE_DATA (wangge demo --grids 1000 loads one)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
. scripts/scratch.sh wangge-district-ab
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

run() { # run LABEL BIN ROUND
  WANGGE_SWEEP_SECONDS=0 "$2" serve --hostname 127.0.0.1 --port "$port" >"$work/server-$1-$3.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  echo "== $1, round $3 ($2)"
  # bench-district.py exits 1 when a figure misses its target; here both builds' figures are wanted either way.
  python3 scripts/bench-district.py --url "http://127.0.0.1:$port" --pid "$server" --month "$month" --skip-storm \
    --seconds "$seconds" --connections "$connections" \
    --only "$only" --out "$work/$1-$3.json" >"$work/$1-$3.txt" || [ -s "$work/$1-$3.json" ]
  grep -E ' p95: | rate: ' "$work/$1-$3.txt"
  kill "$server"; wait "$server" 2>/dev/null || true
  server=""
}

# Who goes first alternates: the first turn of a round measured slower (rankings' p95 15–20 % in either
# build, /healthz too), so with an even number of rounds each build is first equally often.
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then
    run new "$new" "$round"; run base "$base" "$round"
  else
    run base "$base" "$round"; run new "$new" "$round"
  fi
done

python3 - "$work" "$rounds" "$out" "$base" "$new" "$month" <<'PY'
import json, statistics, sys
work, rounds, out, base, new, month = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
runs = {side: [json.load(open(f"{work}/{side}-{r}.json")) for r in range(1, rounds + 1)] for side in ("base", "new")}
def values(side, name):
    return [next(x["value"] for x in run if x["name"] == name) for run in runs[side]]
names = [x["name"] for x in runs["new"][0]]
targets = {x["name"]: x["target"] for x in runs["new"][0]}
reads = [n[: -len(" p95")] for n in names if n.endswith(" p95")]
figures, lines = [], []
def add(name, value, unit, baseline, target=None, passed=None):
    figures.append({"name": name, "value": round(value, 3), "unit": unit, "baseline": round(baseline, 3),
                    "ratio": round(value / baseline, 3), "target": target, "pass": passed})
print(f"\n| read ({rounds} turns each, month {month}) | base p95 ms | new p95 ms | p95 new ÷ base | base pages/s | new pages/s | rate new ÷ base |")
print("|---|---:|---:|---:|---:|---:|---:|")
for read in reads:
    b95, n95 = statistics.median(values("base", read + " p95")), statistics.median(values("new", read + " p95"))
    br, nr = statistics.median(values("base", read + " rate")), statistics.median(values("new", read + " rate"))
    target = targets.get(read + " p95")
    limit = float(target.split()[1]) if target and target.startswith("<= ") else None
    add(f"{read} p95, this build (median of {rounds} turns; baseline: the other build's)", n95, "ms", b95, target,
        None if limit is None else n95 <= limit)
    add(f"{read} rate, this build (median of {rounds} turns; baseline: the other build's)", nr, "req/s", br)
    lines.append(f"{read} p95 ms  base {values('base', read + ' p95')}  new {values('new', read + ' p95')}")
    print(f"| {read} | {b95:.1f} | {n95:.1f} | {n95 / b95:.2f} | {br:.1f} | {nr:.1f} | {nr / br:.2f} |")
hb, hn = statistics.median(values("base", "healthz rate")), statistics.median(values("new", "healthz rate"))
add(f"/healthz rate in this build's turns (median of {rounds}; baseline: in the other build's)", hn, "req/s", hb)
print(f"| /healthz (the machine in each turn) | | | | {hb:.0f} | {hn:.0f} | {hn / hb:.2f} |")
with open(out, "w") as f:
    json.dump(figures, f, indent=1, ensure_ascii=False)
with open(out[: -len(".json")] + ".runs.txt" if out.endswith(".json") else out + ".runs.txt", "w") as f:
    f.write(f"month {month}, {rounds} turns each (new first in odd rounds, base first in even); base {base}, new {new}\n" + "\n".join(lines) + "\n")
print(f"\nwritten to {out}")
PY
