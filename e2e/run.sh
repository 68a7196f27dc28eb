#!/usr/bin/env bash
# Browser and accessibility tests: Beacon's demo server driven through Debian's
# Chromium with playwright-core, pages checked with axe-core.
#   bash e2e/run.sh                 build target/debug/beacon, then run every test
#   BEACON_BIN=/path/to/beacon bash e2e/run.sh     use that binary instead
#   bash e2e/run.sh e2e/tests/navigation.test.js   run some files only
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

if [ ! -x /usr/bin/chromium ]; then
  echo "e2e: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y chromium
fi

# Paths given by the caller are relative to where they ran this script.
if [ -n "${BEACON_BIN:-}" ] && [[ "$BEACON_BIN" != /* ]]; then
  BEACON_BIN="$PWD/$BEACON_BIN"
fi
files=()
for f in "$@"; do
  if [[ "$f" == /* ]]; then files+=("$f"); else files+=("$PWD/$f"); fi
done

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

if [ "${#files[@]}" -eq 0 ]; then
  files=(tests/*.test.js)
fi
# One file at a time: each starts its own server, and the machine has two cores.
exec node --test --test-concurrency=1 --test-timeout=900000 --test-reporter=spec "${files[@]}"
