#!/usr/bin/env bash
# Page throughput beside nginx (part of `make bench`).
#
# Starts the release server on a fresh SQLite database with the demo data,
# fetches each page once (the signed-in thread with a demo member's
# session), writes the exact bytes to files and starts Debian's nginx on
# them. wrk then loads each page on both servers in turn, and the table
# gives bytes, req/s, p99 latency and the ratio to nginx. It also prints
# the WebAssembly sizes (raw, gzip -9, brotli -q 11; the first page's and
# all of them), the time of a release build after an edit to the app
# crate, and Lighthouse's mobile performance score for the home page, a
# thread and the live watch page.
#
# Settings (environment):
#   SHUXIANG_BENCH_PAGES_SECS   seconds of load per page and server (default 10)
#   SHUXIANG_BENCH_CONNECTIONS_WRK  wrk connections (default 64; 2 threads)
#   SHUXIANG_BENCH_BUILD        touch (default): time a release build after
#                               touching app/src/lib.rs; skip: no build
#   SHUXIANG_BENCH_SERVER       another server binary to measure (e.g. a
#                               build of the code before), with
#   SHUXIANG_BENCH_SITE         its site root (target/site of that build)
#   SHUXIANG_BENCH_LIGHTHOUSE   0 skips Lighthouse
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

SECS=${SHUXIANG_BENCH_PAGES_SECS:-10}
CONNS=${SHUXIANG_BENCH_CONNECTIONS_WRK:-64}
say() { printf '==> %s\n' "$*" >&2; }

scripts/tools.sh bench

# --- the release build, timed -------------------------------------------
if [ "${SHUXIANG_BENCH_BUILD:-touch}" = touch ] && [ -z "${SHUXIANG_BENCH_SERVER:-}" ]; then
  make --no-print-directory build >/dev/null # up to date first: the timing is of the edit alone
  touch app/src/lib.rs
  build_start=$(date +%s)
  make --no-print-directory build >/dev/null
  build_secs=$(($(date +%s) - build_start))
else
  build_secs=""
fi
SERVER=${SHUXIANG_BENCH_SERVER:-$PWD/target/release/shuxiang}
SITE=${SHUXIANG_BENCH_SITE:-$PWD/target/site}

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing answered at $1" >&2
  return 1
}

# --- the platform -------------------------------------------------------
app_port=$(free_port)
APP="http://127.0.0.1:$app_port"
(
  cd "$work"
  SHUXIANG_DEMO=1 SHUXIANG_DATA_DIR="$work/data" LEPTOS_SITE_ROOT="$SITE" \
    LEPTOS_SITE_ADDR="127.0.0.1:$app_port" exec "$SERVER"
) >"$work/server.log" 2>&1 &
pids+=($!)
wait_for "$APP/healthz"

# Addresses come from the pages themselves, so the bench follows the demo data.
links() { { grep -o "href=\"$1\"" || true; } | sed 's/^href="//; s/"$//' | sort -u; }
live=$(curl -fsS "$APP/lectures" | links '/lectures/qingshaonian-qingxu' | head -n1)
# The first public group that has a thread.
thread=""
for group in $(curl -fsS "$APP/groups" | links '/groups/[a-z0-9-]*'); do
  thread=$({ curl -fsS "$APP$group/threads" 2>/dev/null || true; } | links '/groups/[a-z0-9-]*/threads/[0-9]*' | head -n1)
  [ -n "$thread" ] && break
done
if [ -z "$live" ] || [ -z "$thread" ]; then
  echo "could not find the demo pages (live: '$live', thread: '$thread')" >&2
  exit 1
fi

# A demo member's session for the signed-in thread.
jar="$work/cookies"
curl -fsS -o /dev/null -c "$jar" -b "$jar" \
  --data-urlencode username=weiyuan --data-urlencode password=shuxiang2026 "$APP/api/login"
member_cookie=$(awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$jar")
if [ -z "$member_cookie" ]; then
  echo "signing in as weiyuan gave no session cookie" >&2
  exit 1
fi

# name | path | cookie
pages=(
  "/ (visitor)|/|"
  "/lectures (visitor)|/lectures|"
  "live watch page (visitor, no cookie)|$live|"
  "/groups (visitor)|/groups|"
  "a thread (visitor)|$thread|"
  "the same thread (signed-in member)|$thread|$member_cookie"
)

# --- nginx on the very same bytes ---------------------------------------
mkdir -p "$work/www" "$work/nginx"
i=0
for entry in "${pages[@]}"; do
  IFS='|' read -r _ path cookie <<<"$entry"
  curl -fsS -o "$work/www/page$i.html" ${cookie:+-H "Cookie: $cookie"} "$APP$path"
  if [ -n "$cookie" ] && ! grep -q '退出' "$work/www/page$i.html"; then
    echo "the signed-in page does not look signed in" >&2
    exit 1
  fi
  i=$((i + 1))
done
chmod -R a+rX "$work/www"
nginx_port=$(free_port)
NGINX="http://127.0.0.1:$nginx_port"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { text/html html; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
  }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
wait_for "$NGINX/page0.html"

# --- load ---------------------------------------------------------------
# Prints "req/s p99_ms non2xx" for one wrk run.
load() {
  local url=$1 cookie=$2 out
  out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency ${cookie:+-H "Cookie: $cookie"} "$url")
  awk '
    /Requests\/sec:/ { rps = $2 }
    /^ +99%/ { v = $2; ms = v + 0
      if (v ~ /us$/) ms /= 1000; else if (v ~ /ms$/) ms += 0; else if (v ~ /s$/) ms *= 1000
      p99 = ms }
    /Non-2xx/ { bad = $NF }
    /Socket errors/ { bad += 0; err = $0 }
    END { printf "%s %.2f %d\n", rps, p99, bad }' <<<"$out"
}

say "loading each page for ${SECS} s on each server (wrk, 2 threads, $CONNS connections)"
printf '\n| page | bytes | 书香 req/s | p99 ms | nginx req/s | nginx p99 ms | ratio |\n|---|---|---|---|---|---|---|\n'
i=0
for entry in "${pages[@]}"; do
  IFS='|' read -r name path cookie <<<"$entry"
  bytes=$(stat -c %s "$work/www/page$i.html")
  read -r rps p99 bad < <(load "$APP$path" "$cookie")
  read -r nrps np99 _ < <(load "$NGINX/page$i.html" "")
  ratio=$(awk -v a="$rps" -v b="$nrps" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }')
  note=""
  [ "${bad:-0}" -gt 0 ] && note=" ($bad answers not 2xx/3xx)"
  printf '| %s | %s | %.0f%s | %s | %.0f | %s | %s |\n' "$name" "$bytes" "$rps" "$note" "$p99" "$nrps" "$np99" "$ratio"
  i=$((i + 1))
done
for extra in "/healthz (through the middleware)|/healthz"; do
  IFS='|' read -r name path <<<"$extra"
  read -r rps p99 _ < <(load "$APP$path" "")
  printf '| %s | – | %.0f | %s | – | – | – |\n' "$name" "$rps" "$p99"
done
# wrk closes its connections in the middle of renders at the end of every
# run; a render cut off must not leave the next ones without their request
# (see server/src/http/complete.rs).
lost=$(grep -cE "AppContext missing|should have had Parts" "$work/server.log" || true)
printf '\nrenders that lost their request context during these runs (should be 0): %s\n' "$lost"

# --- WebAssembly --------------------------------------------------------
sizes() { # raw gzip brotli of the files given
  local raw=0 gz=0 br=0 f
  for f in "$@"; do
    raw=$((raw + $(stat -c %s "$f")))
    gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
    br=$((br + $(brotli -q 11 -c "$f" | wc -c)))
  done
  printf '%s %s %s\n' "$raw" "$gz" "$br"
}
mapfile -t all_wasm < <(find "$SITE/pkg" -name '*.wasm' | sort)
# The page names its WebAssembly in the hydration script (quoted either way).
mapfile -t first_wasm < <({ grep -oE "/pkg/[^\"' )]*\.wasm" "$work/www/page0.html" || true; } | sort -u | sed "s|^/pkg|$SITE/pkg|")
[ "${#first_wasm[@]}" -gt 0 ] || first_wasm=("${all_wasm[@]}")
printf '\n| WebAssembly | files | raw bytes | gzip -9 | brotli -q 11 |\n|---|---|---|---|---|\n'
read -r raw gz br < <(sizes "${first_wasm[@]}")
printf '| first page (/) | %d | %s | %s | %s |\n' "${#first_wasm[@]}" "$raw" "$gz" "$br"
read -r raw gz br < <(sizes "${all_wasm[@]}")
printf '| all pages | %d | %s | %s | %s |\n' "${#all_wasm[@]}" "$raw" "$gz" "$br"
if [ -n "$build_secs" ]; then
  printf '\nrelease build after an edit to the app crate (dependencies built): %d s\n' "$build_secs"
fi

# --- Lighthouse (mobile) ------------------------------------------------
if [ "${SHUXIANG_BENCH_LIGHTHOUSE:-1}" != 0 ]; then
  say "Lighthouse (mobile, simulated throttling) in Debian's Chromium"
  printf '\n| Lighthouse mobile | performance | FCP ms | LCP ms | TBT ms | bytes transferred |\n|---|---|---|---|---|---|\n'
  for entry in "home|/" "thread|$thread" "live watch page|$live"; do
    IFS='|' read -r name path <<<"$entry"
    report="$work/lighthouse.json"
    if CHROME_PATH=/usr/bin/chromium tools/bench/node_modules/.bin/lighthouse "$APP$path" \
      --quiet --only-categories=performance --output=json --output-path="$report" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$work/chromium" \
      >"$work/lighthouse.log" 2>&1; then
      python3 - "$report" "$name" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
a = r["audits"]
v = lambda k: a[k].get("numericValue") or 0
print(f"| {sys.argv[2]} | {r['categories']['performance']['score']:.2f} | {v('first-contentful-paint'):.0f} "
      f"| {v('largest-contentful-paint'):.0f} | {v('total-blocking-time'):.0f} | {v('total-byte-weight'):.0f} |")
EOF
    else
      printf '| %s | Lighthouse failed: %s | | | | |\n' "$name" "$(tail -n1 "$work/lighthouse.log")"
    fi
  done
fi
