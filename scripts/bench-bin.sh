# Sourced by the benchmark scripts (bench.sh, bench-import.sh, bench-cluster.sh, bench-intake-runs.sh): sets `bin` to the
# wangge binary they measure — WANGGE_BIN when given (a binary built already), else a build of
# WANGGE_BUILD (release by default; debug for a quick look) — and stops if there is none; and
# `free_port`, a loopback port nothing listens on.
config=${WANGGE_BUILD:-release}
if [ -n "${WANGGE_BIN:-}" ]; then bin=$WANGGE_BIN
else
  swift build -c "$config" --product wangge
  bin="$(swift build -c "$config" --show-bin-path)/wangge"
fi
[ -x "$bin" ] || { echo "no wangge binary at $bin" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
