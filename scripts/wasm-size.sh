#!/usr/bin/env bash
# Measures the WebAssembly bundle the way issue 11 does: the hydrate library
# built with the `wasm-release` profile, run through wasm-bindgen and then
# npm binaryen's `wasm-opt -Oz` (never Debian's binaryen, whose output breaks
# in Chromium), and reported raw, `gzip -9` and `brotli -q 11`.
#
#   scripts/wasm-size.sh            build, then measure
#   scripts/wasm-size.sh --profile  also keep the names and write twiggy reports
#   scripts/wasm-size.sh FILE.wasm… measure files already built (e.g. target/site/pkg/*.wasm)
#
# Output goes to target/wasm-size/. Needs wasm-bindgen (the version in
# Cargo.lock), `(cd tools && npm ci)`, gzip and brotli; twiggy for --profile.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

out=target/wasm-size
mkdir -p "$out"

# One line per file: name, raw, gzip -9, brotli -q 11 (bytes).
measure() {
  local f raw gz br
  printf '%-40s %10s %10s %10s\n' file raw gzip-9 brotli-11
  for f in "$@"; do
    raw=$(stat -c %s "$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    br=$(brotli -q 11 -c "$f" | wc -c)
    printf '%-40s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
  done
}

if [ $# -gt 0 ] && [ "$1" != --profile ]; then
  measure "$@"
  exit 0
fi

profile=false
[ "${1:-}" = --profile ] && profile=true

cargo build -p app --lib --no-default-features --features hydrate \
  --target wasm32-unknown-unknown --profile wasm-release
lib=target/wasm32-unknown-unknown/wasm-release/app.wasm

keep=()
$profile && keep=(--keep-debug)
wasm-bindgen "$lib" --target web --no-typescript --out-dir "$out" --out-name shuxiang "${keep[@]}"
bg="$out/shuxiang_bg.wasm"

# -g keeps the name section for twiggy; the measured file has no names.
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$bg" -o "$out/shuxiang.opt.wasm"
if $profile; then
  wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int "$bg" -o "$out/shuxiang.named.wasm"
  twiggy top -n 60 "$out/shuxiang.named.wasm" > "$out/top.txt"
  twiggy top -n 400 --retained "$out/shuxiang.named.wasm" > "$out/top-retained.txt"
  twiggy dominators -d 4 -r 400 "$out/shuxiang.named.wasm" > "$out/dominators.txt"
  twiggy monos -m 40 -n 10 "$out/shuxiang.named.wasm" > "$out/monos.txt"
  echo "twiggy reports in $out/" >&2
fi
measure "$bg" "$out/shuxiang.opt.wasm"
