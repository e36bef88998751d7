#!/usr/bin/env bash
# The import benchmark: N residents (BENCH_RESIDENTS, 1,200,000 by default) loaded by
# `wangge import` against `sqlite3 .import` of the same file, measured in the same run, reported
# as a ratio (sqlite3's seconds / Wangge's seconds; the target is ≥ 0.5) with Wangge's peak RSS
# (target ≤ 256 MB). The files are written as Excel on Chinese Windows saves them (GBK, CRLF) by
# scripts/bench-import-data.py into a small demo district's grids; the households go in first
# (timed too). Then the export of the same residents (`wangge export residents -o`, streamed a page
# at a time, masked) against `sqlite3 -csv` of the same columns from the same database (target ≥ 0.5,
# memory flat). The figures go to bench/results/import.json as well. Builds once, release by default
# (WANGGE_BUILD=debug for a quick look; WANGGE_BIN=path uses a binary built already).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
residents=${BENCH_RESIDENTS:-1200000}
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed for the baseline (apt-get install sqlite3)" >&2; exit 1; }
. scripts/bench-bin.sh
work=$(mktemp -d /tmp/wangge-import-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export WANGGE_DATA="$work/data"
"$bin" demo --grids 4 --case-days 0 >/dev/null 2>&1
grids=$("$bin" export buildings 2>/dev/null | tail -n +2 | awk -F, '{gsub(/[\t\r]/, "", $NF); print $NF}' | grep . | sort -u | paste -sd, -)
echo "== writing $residents residents into grids $grids =="
python3 scripts/bench-import-data.py --residents "$residents" --grids "$grids" --out "$work"
ls -l "$work"/*.csv | awk '{printf "  %s %.1f MB\n", $NF, $5 / 1048576}'

# Runs a command, leaving its seconds and peak RSS (MB) in $secs and $rss.
measure() {
  echo "== $* ==" >&2
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>&1 || { tail -n 20 "$work/out" >&2; exit 1; }
  read -r secs rss < <(awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$work/time")
}
measure sqlite3 "$work/baseline.sqlite" ".mode csv" ".import $work/residents.csv residents"; base=$secs base_rss=$rss
measure "$bin" import households "$work/households.csv"; hh=$secs hh_rss=$rss
measure "$bin" import residents "$work/residents.csv"; ours=$secs ours_rss=$rss
import_out=$(tail -n 3 "$work/out")
# SQLite's own floor for these rows: the residents Wangge wrote (ID numbers encrypted, look-up
# hashes, household and grid), copied by sqlite3 itself into an empty copy of Wangge's schema —
# the same indexes and constraints, WAL, synchronous=FULL and the import's 32 MB page cache.
# The residents' triggers write the offline phones' change log, so its table comes along.
sqlite3 "$WANGGE_DATA/wangge.sqlite" ".schema sync_changes" ".schema residents" >"$work/schema.sql"
measure sqlite3 "$work/floor.sqlite" "PRAGMA journal_mode=WAL" "PRAGMA synchronous=FULL" "PRAGMA cache_size=-32768" ".read $work/schema.sql" \
  "ATTACH '$WANGGE_DATA/wangge.sqlite' AS w" "INSERT INTO residents SELECT * FROM w.residents ORDER BY rowid"; floor=$secs
echo "$import_out" | sed 's/^/  /'
rows=$(sqlite3 "$WANGGE_DATA/wangge.sqlite" "SELECT COUNT(*) FROM residents")
echo "== import of $residents residents ($config build) =="
printf '  households (%s rows)   %8.2f s   %5s MB peak\n' "$((residents * 2 / 5))" "$hh" "$hh_rss"
printf '  sqlite3 .import         %8.2f s   %5s MB peak   (baseline)\n' "$base" "$base_rss"
printf '  wangge import residents %8.2f s   %5s MB peak   (%s residents in the register after)\n' "$ours" "$ours_rss" "$rows"
printf '  sqlite3 INSERT … SELECT  %8.2f s                 (the same rows into Wangge'"'"'s schema: SQLite'"'"'s floor)\n' "$floor"
awk -v b="$base" -v o="$ours" 'BEGIN { printf "  ratio (sqlite3 .import / wangge) %.3f   target >= 0.50\n", b / o }'
awk -v f="$floor" -v o="$ours" 'BEGIN { printf "  ratio (SQLite floor / wangge)    %.3f\n", f / o }'
awk -v r="$ours_rss" 'BEGIN { printf "  peak RSS %d MB            target <= 256 MB\n", r }'

# The baseline reads the export's columns — tags included, as the export's last column — in the export's order.
measure sqlite3 -csv "$WANGGE_DATA/wangge.sqlite" \
  "SELECT r.name, r.id_number, r.document_number, r.phone, h.number, r.relation, r.residence_type, (SELECT group_concat(t.tag_key, ',') FROM resident_tags t WHERE t.resident_id = r.id) FROM residents r LEFT JOIN households h ON h.id = r.household_id ORDER BY r.name, r.id"
csv_base=$secs
measure "$bin" export residents -o "$work/export.csv"; exported=$secs export_rss=$rss
echo "== export of the same residents =="
printf '  sqlite3 -csv            %8.2f s                 (baseline: the same columns, raw)\n' "$csv_base"
printf '  wangge export residents %8.2f s   %5s MB peak   (%s lines)\n' "$exported" "$export_rss" "$(wc -l < "$work/export.csv")"
awk -v b="$csv_base" -v o="$exported" 'BEGIN { printf "  ratio (sqlite3 -csv / wangge)    %.3f   target >= 0.50\n", b / o }'
mkdir -p bench/results
python3 - "$base" "$ours" "$ours_rss" "$floor" "$csv_base" "$exported" "$export_rss" "$residents" >bench/results/import.json <<'PY'
import json, sys
base, ours, rss, floor, csv_base, exported, export_rss = map(float, sys.argv[1:8])
n = int(sys.argv[8])
def f(name, value, unit, baseline=None, ratio=None, target=None, passed=None):
    return {"name": name, "value": round(value, 3), "unit": unit, "baseline": baseline, "ratio": ratio, "target": target, "pass": passed}
r, e = round(base / ours, 3), round(csv_base / exported, 3)
print(json.dumps([
    f(f"import of {n:,} residents", ours, "s", base, r, ">= 0.5", r >= 0.5),
    f("import against SQLite's floor (the same rows into Wangge's schema)", ours, "s", floor, round(floor / ours, 3)),
    f("import peak RSS", rss, "MB", target="<= 256 MB", passed=rss <= 256),
    f(f"export of {n:,} residents (streamed, masked)", exported, "s", csv_base, e, ">= 0.5", e >= 0.5),
    f("export peak RSS", export_rss, "MB", target="<= 256 MB", passed=export_rss <= 256),
], indent=2, ensure_ascii=False))
PY
echo "  → bench/results/import.json"
