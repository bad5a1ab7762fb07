#!/usr/bin/env bash
# Installs what building 书香 needs, once; later runs only check.
#   scripts/tools.sh build   wasm target, cargo-leptos, wasm-bindgen CLI, npm build tools
#                            (wasm-opt, hls.js), Debian ffmpeg for the demo stream
#   scripts/tools.sh test    the above, plus Debian chromium and the Playwright runner
#   scripts/tools.sh bench   build tools, plus Debian chromium, nginx, wrk and brotli and
#                            npm Lighthouse (tools/bench) for the page-throughput bench
# Everything comes from the package registries (crates.io, npm, Debian):
# nothing is downloaded from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
say() { printf '==> %s\n' "$*" >&2; }

need_build() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (first time only, about 15 minutes)"
    # No LTO and more codegen units: half the time and a third of the memory.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi

  # The CLI must equal the wasm-bindgen library in Cargo.lock exactly.
  local wbg
  wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
    say "installing wasm-bindgen-cli $wbg (first time only, a few minutes)"
    # Not --locked: one of its pinned dependency versions is missing from the registry mirror.
    cargo install wasm-bindgen-cli --version "$wbg" --force
  fi

  if ! npm_current tools || [ ! -f tools/node_modules/hls.js/package.json ]; then
    say "installing wasm-opt (npm binaryen) and hls.js"
    (cd tools && npm ci --no-audit --no-fund)
  fi

  # scripts/media.sh makes the lecture hall's demo HLS stream with it.
  if ! command -v ffmpeg >/dev/null; then
    say "installing Debian ffmpeg"
    apt_get update
    apt_get install -y --no-install-recommends ffmpeg
  fi
}

need_test() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian chromium"
    apt_get update
    apt_get install -y --no-install-recommends chromium
  fi
  if ! npm_current end2end; then
    say "installing the Playwright runner"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
  need_nextest
}

need_nextest() {
  if ! command -v cargo-nextest >/dev/null; then
    say "installing cargo-nextest"
    cargo install cargo-nextest --locked
  fi
}

need_bench() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v brotli >/dev/null || missing+=(brotli)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian ${missing[*]}"
    apt_get update
    # Debian starts nginx on port 80 after installing it; the bench starts its
    # own on loopback, so services are not started (policy-rc.d says no).
    local policy=/usr/sbin/policy-rc.d made=""
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
      as_root chmod 755 "$policy"
      made=1
    fi
    apt_get install -y --no-install-recommends "${missing[@]}" || { [ -z "$made" ] || as_root rm -f "$policy"; return 1; }
    [ -z "$made" ] || as_root rm -f "$policy"
  fi
  if ! npm_current tools/bench; then
    say "installing Lighthouse (npm)"
    (cd tools/bench && npm ci --no-audit --no-fund)
  fi
}

# Whether a folder's node_modules was installed from its current package-lock.json.
npm_current() {
  local installed="$1/node_modules/.package-lock.json"
  [ -f "$installed" ] && [ "$installed" -nt "$1/package-lock.json" ]
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_get() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"
}

case "${1:-build}" in
  build) need_build ;;
  test) need_build; need_test ;;
  nextest) need_nextest ;;
  bench) need_build; need_bench ;;
  *) echo "usage: $0 build|test|nextest|bench" >&2; exit 2 ;;
esac
