#!/usr/bin/env bash
# The exchange search benchmark (DESIGN.md §6: p95 < 10 ms over 100,000 cases):
# beacon-search (tantivy) beside SQLite FTS5, over the same generated cases and
# the same fixed mix of queries, in the same run.
#
#   bench/search/run.sh                 # 100,000 cases
#   CASES=10000 bench/search/run.sh     # quicker
set -euo pipefail
cd "$(dirname "$0")/../.."
CASES=${CASES:-100000}
SEED=${SEED:-20261124}
ROUNDS=${ROUNDS:-20}
PEER_ROUNDS=${PEER_ROUNDS:-5}
TARGET=${CARGO_TARGET_DIR:-target}
OUT=${OUT:-$TARGET/bench-search}
mkdir -p "$OUT"

cargo build --release -p beacon-search --no-default-features --example bench
echo "generating $CASES cases (seed $SEED), building the index, $ROUNDS rounds of queries" >&2
"$TARGET/release/examples/bench" --cases "$CASES" --seed "$SEED" --rounds "$ROUNDS" --out "$OUT" > "$OUT/tantivy.json"
echo "the peer: SQLite FTS5 over the same cases, $PEER_ROUNDS rounds" >&2
python3 bench/search/fts5_peer.py "$OUT" "$PEER_ROUNDS" > "$OUT/fts5.json"
python3 bench/search/report.py "$OUT/tantivy.json" "$OUT/fts5.json"
