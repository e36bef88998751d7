# Sourced by scripts that run a server on a scratch district (bench.sh, bench-intake-runs.sh,
# python-checks.sh) as `. scripts/scratch.sh NAME`: makes `work`, a new directory /tmp/NAME.XXXXXX,
# and on exit stops the server whose pid the script puts in `server` (if any) and removes `work`.
work=$(mktemp -d "/tmp/$1.XXXXXX")
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
