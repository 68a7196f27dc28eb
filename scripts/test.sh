#!/usr/bin/env bash
# Every test: the Rust suites on SQLite and PostgreSQL, then the browser and
# accessibility tests in Debian's Chromium. Installs what they need when it is
# missing: Debian's chromium, the Python SMTP server used by the email tests,
# and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
  fi
}

command -v npm >/dev/null || apt_install nodejs npm
[ -x /usr/bin/chromium ] || apt_install chromium

# A real SMTP server for the email tests, in a virtual environment of our own.
venv=target/test-venv
if ! "$venv/bin/python" -c 'import aiosmtpd, feedparser, icalendar' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/test-requirements.txt
fi
export BEACON_TEST_PYTHON="$PWD/$venv/bin/python"

# PostgreSQL on loopback: every integration test gets a fresh database there.
export BEACON_TEST_POSTGRES="${BEACON_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432; trying to start it" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi

if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
cargo test --workspace --doc

cargo build -p beacon
BEACON_BIN="$PWD/target/debug/beacon" bash e2e/run.sh
