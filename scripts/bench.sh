#!/usr/bin/env bash
# Thread page benchmark (make bench): builds tests/src/bin/bench_threads.rs
# in release and runs it on SQLite and PostgreSQL. Starts PostgreSQL if it
# is not running, and stops it again afterwards; without PostgreSQL only
# SQLite is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Built before PostgreSQL starts: on a 2-core machine the build is the long part.
cargo build --release -p shuxiang-tests --bin bench_threads

cleanup() { scripts/pg.sh stop || true; }
trap cleanup EXIT

unset SHUXIANG_TEST_PG_URL
if PG_OUT=$(scripts/pg.sh start); then
  SHUXIANG_TEST_PG_URL=$(printf '%s\n' "$PG_OUT" | grep -E '^postgres://' | tail -n1 || true)
  if [ -n "$SHUXIANG_TEST_PG_URL" ]; then
    export SHUXIANG_TEST_PG_URL
  else
    echo "scripts/pg.sh printed no PostgreSQL URL: measuring SQLite only" >&2
  fi
else
  echo "could not start PostgreSQL: measuring SQLite only" >&2
fi

target/release/bench_threads
