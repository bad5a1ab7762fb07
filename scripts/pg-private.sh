#!/usr/bin/env bash
# A private, throw-away PostgreSQL cluster for the tests that stop and
# restart the database (tests/tests/suite/faults.rs). The shared cluster
# on port 5432 serves everybody's tests and must never go down, so these
# tests get a cluster of their own, in a directory of their own.
#
#   scripts/pg-private.sh start DIR PORT [WATCH_PID]
#       creates the cluster in DIR/data (once) and starts it on
#       127.0.0.1:PORT; the superuser `postgres` gets the password in
#       $SHUXIANG_PG_PRIVATE_PASSWORD. With WATCH_PID, a watchdog destroys
#       the cluster when that process ends (a test killed before it could
#       clean up).
#   scripts/pg-private.sh stop DIR        fast shutdown (clients are cut off)
#   scripts/pg-private.sh destroy DIR     immediate shutdown, DIR removed
#
# PostgreSQL refuses to run as root: as root the commands run as the
# `postgres` user, who is given DIR. SHUXIANG_PG_BIN overrides where the
# server programs are (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

MARK=.shuxiang-pg-private

die() {
  echo "pg-private.sh: $*" >&2
  exit 1
}

bin_dir() {
  local dir=${SHUXIANG_PG_BIN:-}
  if [ -z "$dir" ]; then
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  fi
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] ||
    die "PostgreSQL server programs (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin; install the Debian package postgresql or set SHUXIANG_PG_BIN"
  echo "$dir"
}

# Runs a shell command line as the owner of the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$1"
  else
    sh -c "$1"
  fi
}

start() {
  local dir=$1 port=$2 watch=${3:-}
  local bin q
  bin=$(bin_dir)
  [ -d "$dir" ] || die "no directory $dir"
  q=$(printf '%q' "$dir")
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    local password=${SHUXIANG_PG_PRIVATE_PASSWORD:-}
    [ -n "$password" ] || die "SHUXIANG_PG_PRIVATE_PASSWORD is not set"
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || die "there is no postgres user to run PostgreSQL as"
      chown postgres: "$dir"
      as_owner "test -w $q" ||
        die "the postgres user cannot reach $dir (is TMPDIR under a private directory?)"
    fi
    chmod 700 "$dir"
    # `destroy` removes only a directory carrying this mark.
    touch "$dir/$MARK"
    (umask 077 && printf '%s\n' "$password" >"$dir/pwfile")
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/pwfile"
    as_owner "$bin/initdb -D $q/data -U postgres --pwfile=$q/pwfile -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync" >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    rm -f "$dir/pwfile"
    # Only this machine, a socket in DIR, and no durability: the cluster
    # lives for one test and is restarted cleanly, never crashed.
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 60
shared_buffers = 32MB
fsync = off
full_page_writes = off
EOF
  fi
  up "$dir"
  if [ -n "$watch" ]; then
    # Detached (setsid), with no inherited output: the caller waits for
    # this script's output to end, and a test runner kills process groups.
    setsid bash -c "while kill -0 $watch 2>/dev/null && [ -d $q/data ]; do sleep 1; done; \
      exec $(printf '%q' "$0") destroy $q" </dev/null >/dev/null 2>&1 &
  fi
}

# Starts the cluster again after `stop`.
up() {
  local dir=$1 bin q
  bin=$(bin_dir)
  q=$(printf '%q' "$dir")
  as_owner "$bin/pg_ctl -D $q/data -l $q/server.log -w -t 60 start" >/dev/null ||
    { tail -n 20 "$dir/server.log" >&2 || true; die "the cluster in $dir did not start"; }
}

stop() {
  local dir=$1 bin
  bin=$(bin_dir)
  as_owner "$bin/pg_ctl -D $(printf '%q' "$dir")/data -m fast -w -t 60 stop" >/dev/null
}

destroy() {
  local dir=$1 bin
  [ -e "$dir" ] || return 0
  [ -f "$dir/$MARK" ] || die "$dir is not a cluster made by this script: not removing it"
  bin=$(bin_dir)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl -D $(printf '%q' "$dir")/data -m immediate -w -t 30 stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) [ $# -ge 3 ] || die "usage: $0 start DIR PORT [WATCH_PID]"; start "$2" "$3" "${4:-}" ;;
  up) [ $# -eq 2 ] || die "usage: $0 up DIR"; up "$2" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop "$2" ;;
  destroy) [ $# -eq 2 ] || die "usage: $0 destroy DIR"; destroy "$2" ;;
  *) die "usage: $0 start DIR PORT [WATCH_PID] | up DIR | stop DIR | destroy DIR" ;;
esac
