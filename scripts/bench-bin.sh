# Sourced by the benchmark scripts (bench.sh, bench-import.sh, bench-cluster.sh): sets `bin` to the
# wangge binary they measure — WANGGE_BIN when given (a binary built already), else a build of
# WANGGE_BUILD (release by default; debug for a quick look) — and stops if there is none.
config=${WANGGE_BUILD:-release}
if [ -n "${WANGGE_BIN:-}" ]; then bin=$WANGGE_BIN
else
  swift build -c "$config" --product wangge
  bin="$(swift build -c "$config" --show-bin-path)/wangge"
fi
[ -x "$bin" ] || { echo "no wangge binary at $bin" >&2; exit 1; }
