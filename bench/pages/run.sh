#!/usr/bin/env bash
# Seeds Beacon's benchmark scale (100,000 ideas, 50,000 staff in one council)
# into a fresh SQLite file, serves it in release, and loads each page with 64
# connections for a fixed time beside a bare axum route serving a page of the
# same size; then does the same with the full demo and records its resident
# memory. Prints Markdown tables (see docs/benchmarks.md). Writes only to a
# temporary directory, removed at the end.
#
#   bench/pages/run.sh                  # both scales, 10 s a page
#   bench/pages/run.sh --seconds 5      # shorter
#   BENCH_SCALES=bench bench/pages/run.sh --only ideas
#   BENCH_BIN_DIR=/tmp/old bench/pages/run.sh   # binaries built elsewhere (before/after)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
scales="${BENCH_SCALES:-bench full}"
bin="${BENCH_BIN_DIR:-}"

if [ -z "$bin" ]; then
    cargo build --release --manifest-path "$root/Cargo.toml" -p beacon -p beacon-bench-pages
    bin="$target/release"
fi

scratch="$(mktemp -d -t beacon-pages.XXXXXX)"
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT

echo "x86_64, $(nproc) cores; $(rustc --version); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

for scale in $scales; do
    echo
    echo "## Scale: $scale"
    started=$(date +%s)
    "$bin/beacon" demo --scale "$scale" \
        --database "sqlite://$scratch/$scale.db?mode=rwc" \
        --bind 127.0.0.1:0 \
        --accounts-json "$scratch/$scale-accounts.json" \
        >"$scratch/$scale.out" 2>"$scratch/$scale.err" &
    server=$!
    url=""
    while [ -z "$url" ]; do
        if ! kill -0 "$server" 2>/dev/null; then
            echo "beacon demo --scale $scale stopped:" >&2
            cat "$scratch/$scale.err" >&2
            exit 1
        fi
        sleep 1
        url="$(sed -n 's/^Beacon demo is running at \(http:[^ ]*\)$/\1/p' "$scratch/$scale.out")"
    done
    seeded=$(($(date +%s) - started))
    echo
    echo "- seeded and serving in ${seeded} s; database $(du -sh "$scratch/$scale.db" | cut -f1)"
    echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    "$bin/page-load" --base "$url" \
        --accounts "$scratch/$scale-accounts.json" \
        --peer "$bin/bare-peer" \
        --scratch "$scratch" \
        --pid "$server" \
        "$@"
    echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
done
