#!/usr/bin/env bash
# Browser and accessibility tests: Beacon's demo server driven through Debian's
# Chromium with playwright-core, pages checked with axe-core.
#   bash e2e/run.sh                 build target/debug/beacon, then run every test
#   BEACON_BIN=/path/to/beacon bash e2e/run.sh     use that binary instead
#   bash e2e/run.sh tests/navigation.test.js       run some files only
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

if [ ! -x /usr/bin/chromium ]; then
  echo "e2e: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y chromium
fi

cd "$here"
if [ ! -d node_modules ]; then
  echo "e2e: installing npm dependencies"
  npm ci --no-audit --no-fund
fi

if [ -z "${BEACON_BIN:-}" ]; then
  echo "e2e: building the beacon binary"
  (cd "$root" && cargo build -p beacon)
  export BEACON_BIN="$root/target/debug/beacon"
fi
if [ ! -x "$BEACON_BIN" ]; then
  echo "e2e: BEACON_BIN=$BEACON_BIN is not an executable" >&2
  exit 1
fi

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=(tests/*.test.js)
fi
# One file at a time: each starts its own server, and the machine has two cores.
exec node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
