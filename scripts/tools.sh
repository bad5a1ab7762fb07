#!/usr/bin/env bash
# Installs what building 书香 needs, once; later runs only check.
#   scripts/tools.sh build   wasm target, cargo-leptos, wasm-bindgen CLI, npm build tools
#                            (wasm-opt, hls.js), Debian ffmpeg for the demo stream
#   scripts/tools.sh test    the above, plus Debian chromium and the Playwright runner
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
  if ! command -v cargo-nextest >/dev/null; then
    say "installing cargo-nextest"
    cargo install cargo-nextest --locked
  fi
}

# Whether a folder's node_modules was installed from its current package-lock.json.
npm_current() {
  local installed="$1/node_modules/.package-lock.json"
  [ -f "$installed" ] && [ "$installed" -nt "$1/package-lock.json" ]
}

apt_get() {
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get "$@"
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"
  fi
}

case "${1:-build}" in
  build) need_build ;;
  test) need_build; need_test ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
