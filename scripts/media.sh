#!/usr/bin/env bash
# Puts the lecture hall's player media into public/ (the release build copies
# public/ into target/site/, so the platform serves them itself, never a CDN):
#   public/vendor/hls.light.min.js   hls.js from tools/node_modules (scripts/tools.sh build)
#   public/media/demo/index.m3u8     a 20 s H.264/AAC HLS test stream made with Debian's
#   public/media/demo/seg000.ts …    ffmpeg: 10 segments of 2 s, a VOD playlist
# Does nothing when the outputs are already up to date (and then touches nothing,
# so `make build` does not rebuild the release for them). One line per thing done.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRIPT=scripts/media.sh
HLS_SRC=tools/node_modules/hls.js/dist/hls.light.min.js
HLS_DST=public/vendor/hls.light.min.js
DEMO=public/media/demo
SECONDS_LONG=20
SEGMENT=2

say() { printf 'media: %s\n' "$*" >&2; }
die() { printf 'media: %s\n' "$*" >&2; exit 1; }

# --- hls.js ---------------------------------------------------------------
[ -f "$HLS_SRC" ] || die "hls.js is missing ($HLS_SRC); run scripts/tools.sh build"
if ! { [ -f "$HLS_DST" ] && [ "$HLS_DST" -nt "$SCRIPT" ] && cmp -s "$HLS_SRC" "$HLS_DST"; }; then
  mkdir -p "$(dirname "$HLS_DST")"
  cp "$HLS_SRC" "$HLS_DST.tmp" && mv -f "$HLS_DST.tmp" "$HLS_DST"
  version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' tools/node_modules/hls.js/package.json | head -n1)
  say "copied hls.js ${version:-?} to $HLS_DST"
fi

# --- demo stream ----------------------------------------------------------
# Up to date when the playlist is newer than this script, is complete, and every
# segment it lists is there.
demo_current() {
  local list="$DEMO/index.m3u8" seg
  [ -f "$list" ] && [ "$list" -nt "$SCRIPT" ] || return 1
  grep -qx '#EXT-X-ENDLIST' "$list" || return 1
  while IFS= read -r seg; do
    [ -s "$DEMO/$seg" ] || return 1
  done < <(grep -v '^#' "$list" | tr -d '\r' | grep .)
}

if ! demo_current; then
  command -v ffmpeg >/dev/null || die "ffmpeg is missing; run scripts/tools.sh build (installs Debian's ffmpeg)"
  started=$(date +%s)

  # A running clock burned into the picture when drawtext can find a font
  # (Debian's ffmpeg brings fontconfig and DejaVu); otherwise the bare pattern.
  overlay=""
  if ffmpeg -hide_banner -loglevel quiet -nostdin -f lavfi -i testsrc2=size=64x36:duration=0.04 \
      -vf "drawtext=text=x" -f null - 2>/dev/null; then
    # DejaVu has no CJK glyphs: keep the burned-in text ASCII.
    overlay="drawtext=text='shuxiang demo  %{pts\\:hms}':x=(w-tw)/2:y=h-th-24:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8,"
  fi

  # Build beside the old stream, then swap, so an interrupted run leaves no
  # half stream that looks complete.
  tmp="$DEMO.tmp"
  rm -rf "$tmp"; mkdir -p "$tmp"
  # Keyframe every 2 s (50 frames, no scene-cut keyframes) so each segment is
  # exactly 2 s and starts with a keyframe. The sine beeps once a second.
  if ! nice -n 10 ffmpeg -hide_banner -loglevel error -nostdin -y \
      -f lavfi -i "testsrc2=size=640x360:rate=25:duration=$SECONDS_LONG" \
      -f lavfi -i "sine=frequency=440:beep_factor=2:sample_rate=48000:duration=$SECONDS_LONG" \
      -vf "${overlay}format=yuv420p" \
      -c:v libx264 -profile:v main -preset veryfast -pix_fmt yuv420p \
      -b:v 400k -maxrate 400k -bufsize 800k \
      -g 50 -keyint_min 50 -sc_threshold 0 \
      -c:a aac -b:a 64k -ac 2 -ar 48000 \
      -t "$SECONDS_LONG" \
      -f hls -hls_time "$SEGMENT" -hls_playlist_type vod -hls_flags independent_segments \
      -hls_segment_type mpegts -hls_segment_filename "$tmp/seg%03d.ts" \
      "$tmp/index.m3u8"; then
    rm -rf "$tmp"
    die "ffmpeg failed to make the demo stream"
  fi
  rm -rf "$DEMO"
  mv "$tmp" "$DEMO"

  segments=$(grep -c '\.ts$' "$DEMO/index.m3u8" || true)
  size=$(du -sk "$DEMO" | cut -f1)
  say "made the ${SECONDS_LONG} s demo stream in $DEMO ($segments segments, ${size} KB, $(( $(date +%s) - started )) s)"
fi
