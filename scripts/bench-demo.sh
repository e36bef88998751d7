#!/usr/bin/env bash
# §4's district loaded (issue 16, point 1): `wangge demo --grids N` (BENCH_GRIDS, 1,000 by default: about
# 535,000 households, 1.2 M residents and a million cases of a year) timed with its peak RSS, against
# `sqlite3 .import` of the same rows — every table the load wrote, exported as CSV (blobs as hex) and
# imported by sqlite3 into an empty database, plain tables with no index, in one run of the shell.
# The ratio (sqlite3's seconds / the load's) goes to bench/results/demo.json (BENCH_OUT) with the rows.
# Needs free disk for three copies (the load, its CSV, sqlite3's database: ≈20 GB at 1,000 grids);
# BENCH_GRIDS=20 is a quick look. WANGGE_BIN=path uses a binary built already (see bench-bin.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
grids=${BENCH_GRIDS:-1000}
out=${BENCH_OUT:-bench/results/demo.json}
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed for the baseline (apt-get install sqlite3)" >&2; exit 1; }
. scripts/bench-bin.sh
. scripts/scratch.sh wangge-demo-bench
export WANGGE_DATA="$work/data"

echo "== wangge demo --grids $grids ($config build) =="
# The demo's own progress bars go to the terminal; time and peak RSS to a file.
/usr/bin/time -f "%e %M" -o "$work/time" "$bin" demo --grids "$grids"
read -r load rss < <(awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$work/time")
db="$WANGGE_DATA/wangge.sqlite"

echo "== the same rows as CSV =="
# Every ordinary table with rows (not the full-text index's own tables, which an index rebuilds).
python3 - "$db" "$work/csv" >"$work/tables" <<'PY'
import os, sqlite3, subprocess, sys
db, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
virtual = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
for name in names:
    if name in virtual or any(name.startswith(v + "_") for v in virtual):
        continue
    if con.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0] == 0:
        continue
    columns = [r[1] for r in con.execute(f'PRAGMA table_info("{name}")')]
    select = ", ".join(f'CASE WHEN typeof("{c}") = \'blob\' THEN hex("{c}") ELSE "{c}" END AS "{c}"' for c in columns)
    path = os.path.join(out, name + ".csv")
    with open(path, "wb") as f:
        subprocess.run(["sqlite3", "-csv", "-header", f"file:{db}?mode=ro", f'SELECT {select} FROM "{name}"'], stdout=f, check=True)
    rows = con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
    print(f"{name}\t{rows}\t{os.path.getsize(path)}")
PY
awk -F'\t' '{ rows += $2; bytes += $3; n += 1 } END { printf "  %d tables, %d rows, %.0f MB of CSV\n", n, rows, bytes / 1048576 }' "$work/tables"

echo "== sqlite3 .import of them =="
{
  echo ".mode csv"
  cut -f1 "$work/tables" | while read -r name; do echo ".import $work/csv/$name.csv \"$name\""; done
} >"$work/import.sql"
/usr/bin/time -f "%e" -o "$work/time" sqlite3 "$work/baseline.sqlite" ".read $work/import.sql"
base=$(cat "$work/time")
rows=$(awk -F'\t' '{ s += $2 } END { print s }' "$work/tables")
# The baseline must hold every row, or its time says nothing.
imported=$(cut -f1 "$work/tables" | while read -r name; do echo "SELECT COUNT(*) FROM \"$name\";"; done | sqlite3 "$work/baseline.sqlite" | awk '{ s += $1 } END { print s }')
[ "$imported" = "$rows" ] || { echo "sqlite3 .import took $imported of $rows rows" >&2; exit 1; }
echo "== the load of $grids grids =="
printf '  wangge demo      %8.1f s   %5s MB peak   %s MB on disk\n' "$load" "$rss" "$(du -sm "$WANGGE_DATA" | cut -f1)"
printf '  sqlite3 .import  %8.1f s                 (baseline: the same %s rows from CSV, no index)\n' "$base" "$rows"
awk -v b="$base" -v l="$load" 'BEGIN { printf "  ratio (sqlite3 .import / wangge demo) %.3f\n", b / l }'
mkdir -p "$(dirname "$out")"
python3 - "$grids" "$load" "$rss" "$base" "$rows" "$db" >"$out" <<'PY'
import json, sqlite3, sys
grids, load, rss, base, rows, db = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
count = lambda t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
def f(name, value, unit, baseline=None, ratio=None, target=None, passed=None):
    return {"name": name, "value": round(value, 3), "unit": unit, "baseline": baseline, "ratio": ratio, "target": target, "pass": passed}
print(json.dumps([
    f(f"wangge demo --grids {grids}: households", count("households"), "households"),
    f(f"wangge demo --grids {grids}: residents", count("residents"), "residents"),
    f(f"wangge demo --grids {grids}: cases", count("cases"), "cases"),
    f(f"wangge demo --grids {grids}: load time vs sqlite3 .import of the same {rows:,} rows", load, "s", base, round(base / load, 3)),
    f(f"wangge demo --grids {grids}: peak RSS", rss, "MB"),
], indent=2, ensure_ascii=False))
PY
echo "  → $out"
