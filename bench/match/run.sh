#!/usr/bin/env bash
# Runs Beacon's matching engine beside scipy and PyPI `lap` on the same instances, in one
# run, and prints a Markdown table of times and ratios (see docs/benchmarks.md).
#
#   bench/match/run.sh            # everything (a few minutes)
#   bench/match/run.sh --quick    # dense and rank only
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/bench/.venv"
target="${CARGO_TARGET_DIR:-$root/target}"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check scipy numpy lap

cargo build --release --manifest-path "$root/Cargo.toml" \
    -p beacon-match-cli -p beacon-match --examples --bins

exec "$venv/bin/python" "$root/bench/match/compare.py" \
    --engine "$target/release/beacon-match" \
    --solve-orlib "$target/release/examples/solve_orlib" \
    --rank-strengths "$target/release/examples/rank_strengths" \
    --orlib "$root/../shared/data/orlib" \
    "$@"
