#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 on loopback for the tests and prints its URL on stdout.
# Usage: eval "$(scripts/throwaway-postgres.sh)"  → sets WANGGE_TEST_POSTGRES_URL and WANGGE_PG_DIR.
# Stop it with: scripts/throwaway-postgres.sh stop "$WANGGE_PG_DIR"
# WANGGE_PG_PORT picks the port (55432). The tests run it with fsync=off (a power cut may lose their
# data, which does not matter); WANGGE_PG_DURABLE=1 keeps PostgreSQL's durable defaults (fsync and
# synchronous_commit on) instead, for benchmarks (scripts/bench-cluster.sh).
set -euo pipefail
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ "${1:-}" = "stop" ]; then
  [ -n "${2:-}" ] && [ -d "$2" ] && su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$2/data' -m fast stop" >/dev/null 2>&1 || true
  rm -rf "${2:-/nonexistent}"
  exit 0
fi
if [ -z "$PG_BIN" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2
  exit 1
fi
PORT=${WANGGE_PG_PORT:-55432}
NOSYNC="-c fsync=off"
if [ "${WANGGE_PG_DURABLE:-}" = "1" ]; then NOSYNC=""; fi
DIR=$(mktemp -d /tmp/wangge-pg.XXXXXX)
chown postgres:postgres "$DIR"
# initdb refuses to run as root, so the cluster belongs to the postgres user.
su postgres -s /bin/sh -c "$PG_BIN/initdb -D '$DIR/data' -U postgres -A trust -E UTF8 --locale=C.UTF-8" >"$DIR/initdb.log" 2>&1 \
  || { cat "$DIR/initdb.log" >&2; exit 1; }
su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D '$DIR/data' -l '$DIR/server.log' -w -t 60 \
  -o \"-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories='$DIR' -c max_connections=500 $NOSYNC\" start" >&2 \
  || { cat "$DIR/server.log" >&2; exit 1; }
su postgres -s /bin/sh -c "$PG_BIN/createdb -h 127.0.0.1 -p $PORT -U postgres wangge_test" >&2
echo "export WANGGE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$PORT/wangge_test?sslmode=disable"
echo "export WANGGE_PG_DIR=$DIR"
