#!/usr/bin/env bash
# Installs what is missing and runs every test of Usher:
#   1. unit tests (domain rules) and integration tests driving the real router against SQLite and PostgreSQL;
#   2. the Playwright journeys in end2end/ against the real server in Debian's chromium.
# PostgreSQL: USHER_TEST_POSTGRES_URL (default postgres://127.0.0.1:5432/test); started when local and down.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-tools.sh --browser
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '==> %s\n' "$*"; }

export USHER_TEST_POSTGRES_URL="${USHER_TEST_POSTGRES_URL:-postgres://127.0.0.1:5432/test}"
if [[ "$USHER_TEST_POSTGRES_URL" == postgres://127.0.0.1:5432/* ]] && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  say "PostgreSQL is down; starting it"
  for v in /etc/postgresql/*; do
    pg_ctlcluster --skip-systemctl-redirect "$(basename "$v")" main start || true
  done
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! psql "$USHER_TEST_POSTGRES_URL" -qtAc 'SELECT 1' >/dev/null 2>&1; then
  echo "FATAL: PostgreSQL at $USHER_TEST_POSTGRES_URL is required for the integration tests and cannot be reached." >&2
  exit 1
fi

# Each integration test makes its own database (usher_t_<uuid>); drop those of earlier runs.
psql "$USHER_TEST_POSTGRES_URL" -qtAc "SELECT datname FROM pg_database WHERE datname LIKE 'usher\_t\_%'" |
  while read -r db; do psql "$USHER_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done

rm -rf "${TMPDIR:-/tmp}"/usher-test-*

# What cargo-leptos sets for debug builds (RUSTFLAGS; LEPTOS_OUTPUT_NAME is read at compile time by leptos),
# so the tests and the e2e build share one compilation.
export RUSTFLAGS="--cfg erase_components"
export LEPTOS_OUTPUT_NAME=usher

say "unit and integration tests (SQLite and PostgreSQL)"
cargo test -p app -p server

say "building the site (server + WASM)"
cargo leptos build

say "end-to-end tests (Playwright, chromium)"
npx playwright test -c end2end
