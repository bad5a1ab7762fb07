#!/usr/bin/env bash
# Succeeds when target/site holds the bundle the release binary was built
# with. A debug build (`cargo leptos watch`) replaces target/site, and the
# release binary would then point at files that are gone.
cd "$(dirname "$0")/.."
hashes=target/release/hash.txt
[ -f "$hashes" ] || exit 1
while IFS=': ' read -r kind hash; do
  [ -n "$kind" ] || continue
  [ -f "target/site/pkg/shuxiang.$hash.$kind" ] || exit 1
done < "$hashes"
