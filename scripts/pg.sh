#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster on 127.0.0.1 for the tests, with a
# role that may create databases; stops it afterwards only if this script
# started it.
#   scripts/pg.sh start   prints the admin URL the tests use
#   scripts/pg.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=target/.pg-started-by-tests
ROLE=shuxiang_test
PASS=shuxiang_test
PORT=${SHUXIANG_TEST_PG_PORT:-5432}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi
}

cluster() {
  pg_lsclusters --no-header 2>/dev/null | awk '{print $1" "$2" "$4}' | head -n1
}

# Only the URL goes to stdout: everything the commands print (pg_ctlcluster,
# psql, su) is sent to stderr so the caller can capture the URL alone. The
# server started here must not inherit the caller's stdout pipe, or a `$(...)`
# around this script would wait for PostgreSQL to exit.
start() {
  prepare >&2
  echo "postgres://$ROLE:$PASS@127.0.0.1:$PORT/postgres"
}

prepare() {
  mkdir -p target
  if ! command -v pg_lsclusters >/dev/null; then
    echo "PostgreSQL is not installed (Debian package postgresql)" >&2
    exit 1
  fi
  read -r version name status < <(cluster)
  if [ "$status" != "online" ]; then
    echo "==> starting PostgreSQL $version/$name" >&2
    if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster "$version" "$name" start; else sudo pg_ctlcluster "$version" "$name" start; fi
    echo "$version $name" > "$STATE"
  fi
  for _ in $(seq 1 30); do
    pg_isready -h 127.0.0.1 -p "$PORT" -q && break
    sleep 1
  done
  as_postgres "psql -p $PORT -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$ROLE'\"" | grep -q 1 ||
    as_postgres "psql -p $PORT -qc \"CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASS'\""
  # Databases left by tests that were interrupted.
  for db in $(as_postgres "psql -p $PORT -tAc \"SELECT datname FROM pg_database WHERE datname LIKE 'sx\\_test\\_%'\""); do
    as_postgres "psql -p $PORT -qc 'DROP DATABASE IF EXISTS \"$db\"'" || true
  done
  pg_isready -h 127.0.0.1 -p "$PORT" -q || { echo "PostgreSQL did not become ready" >&2; exit 1; }
}

stop() {
  if [ -f "$STATE" ]; then
    read -r version name < "$STATE"
    echo "==> stopping PostgreSQL $version/$name (started by the tests)" >&2
    if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster "$version" "$name" stop; else sudo pg_ctlcluster "$version" "$name" stop; fi
    rm -f "$STATE"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
