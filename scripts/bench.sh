#!/usr/bin/env bash
# Benchmarks (make bench): builds tests/src/bin/bench_threads.rs (thread
# pages; a post edited 1,000 times beside an unedited one; previewing deeply
# nested raw HTML), tests/src/bin/bench_search.rs (search over 100,000 posts) and tests/src/bin/bench_lectures.rs (the lecture hall's live side:
# a million views counted exactly, 10,000 live connections held open) in
# release and runs them on SQLite and PostgreSQL. Starts PostgreSQL if it
# is not running, and stops it again afterwards; without PostgreSQL only
# SQLite is measured. SHUXIANG_BENCH_VIEWS and SHUXIANG_BENCH_CONNECTIONS
# make bench_lectures' runs shorter (defaults 1000000 and 10000).
# tests/src/bin/bench_mixed.rs puts 60 s of mixed load (visitors reading,
# members posting, liking, voting, checking in; 64 connections) on the
# release server in its own process (tests/src/bin/test_server.rs) and
# fails on any 5xx or dropped request; SHUXIANG_BENCH_MIXED_SECS shortens it.
# scripts/bench-pages.sh comes first: page throughput of the release build
# beside nginx serving the same bytes, the WebAssembly sizes, the release
# build time and Lighthouse (see its header for its settings).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

scripts/bench-pages.sh

# Built before PostgreSQL starts: on a 2-core machine the build is the long part.
cargo build --release -p shuxiang-tests --bin bench_threads --bin bench_lectures --bin bench_search \
  --bin bench_mixed --bin test_server

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
target/release/bench_search
target/release/bench_mixed
# 10,000 live connections need as many open files in the server process and
# in the clients' (bench_lectures checks and says so when they are too few).
(
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  exec target/release/bench_lectures
)
