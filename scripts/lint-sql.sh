#!/usr/bin/env bash
# SQL lives in `queries.rs` or a `queries/` folder of a feature, or in the
# `platform` crate (ARCHITECTURE.md). Lists any other file of the `app`
# crate that builds a query, and fails if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='sqlx::(query|query_as|query_scalar|raw_sql|QueryBuilder)\b|\bQueryBuilder::new'
found=$(grep -rlE "$pattern" app/src --include='*.rs' \
  | grep -vE '(^|/)queries(\.rs|/)' || true)
if [ -n "$found" ]; then
  echo "SQL outside a queries module (move it to the feature's queries.rs or queries/):" >&2
  echo "$found" | sed 's/^/  /' >&2
  exit 1
fi
echo "SQL only in queries modules and platform: ok"
