#!/usr/bin/env bash
# Runs every test of 书香 and ends with the runners' summary lines:
#   0. lint (rustfmt, clippy with -D warnings on both builds)
#   1. Rust: unit tests, database tests on SQLite and PostgreSQL, HTTP tests
#      against the real server (cargo nextest)
#   2. the release build, then Playwright in Debian's Chromium against it
# Starts PostgreSQL if it is not running, and stops it again afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

mkdir -p target
LOGS=target/test-logs
rm -rf "$LOGS"; mkdir -p "$LOGS"

cleanup() { scripts/pg.sh stop || true; }
trap cleanup EXIT

PG_OUT=$(scripts/pg.sh start) || { echo "could not start PostgreSQL" >&2; exit 1; }
SHUXIANG_TEST_PG_URL=$(printf '%s\n' "$PG_OUT" | grep -E '^postgres://' | tail -n1)
if [ -z "$SHUXIANG_TEST_PG_URL" ]; then
  echo "scripts/pg.sh printed no PostgreSQL URL; it printed: $PG_OUT" >&2
  exit 1
fi
export SHUXIANG_TEST_PG_URL

status=0

echo "==> lint: rustfmt, clippy on the ssr and hydrate builds"
make --no-print-directory lint 2>&1 | tee "$LOGS/lint.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "lint failed" >&2; status=1; }

echo "==> Rust tests (unit, database on SQLite and PostgreSQL, HTTP)"
cargo nextest run --workspace --no-fail-fast 2>&1 | tee "$LOGS/nextest.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

if [ "${CI:-}" = "true" ]; then
  # CI builds once: free the debug build's disk before the release build.
  rm -rf target/debug
fi

echo "==> release build"
if ! make --no-print-directory build; then
  echo "release build failed" >&2
  exit 1
fi

echo "==> Playwright (Chromium) against the release build"
(cd end2end && npx playwright test) 2>&1 | tee "$LOGS/playwright.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# The database the end-to-end server used (see end2end/playwright.config.ts).
rm -rf "${TMPDIR:-/tmp}/shuxiang-e2e-${E2E_PORT:-3210}"

# Stop what was started before the summary, so the summary ends the output.
cleanup
trap - EXIT

echo
echo "==> summary"
[ "$status" -eq 0 ] || echo "some checks failed: see $LOGS"
grep -E '^ *Summary ' "$LOGS/nextest.log" | tail -n1 | sed 's/^ */Rust (nextest): /'
grep -E '^ *[0-9]+ (passed|failed|flaky|skipped)' "$LOGS/playwright.log" | sed 's/^ */Playwright: /'
exit $status
