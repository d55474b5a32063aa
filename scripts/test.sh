#!/usr/bin/env bash
# Installs what is missing and runs every test of Usher:
#   0. cargo fmt --check and cargo clippy -D warnings (server and browser builds);
#   1. unit tests (domain rules) and integration tests driving the real router against SQLite and PostgreSQL;
#   2. the release build (`cargo leptos build --release --precompress --split`: hashed /pkg names, brotli and gzip
#      siblings) and its smoke test: `./scripts/run.sh` on a fresh SQLite
#      file serves the set-up link, the admin page and a landing page, and both hydrate without console errors;
#   3. schemathesis against the release server's REST API schema (scripts/api-fuzz.sh, bounded examples);
#   4. the Playwright journeys in end2end/ against the real (release) server in Debian's chromium.
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

# LEPTOS_OUTPUT_NAME is read at compile time by leptos; cargo-leptos sets it for its builds, the tests need it too.
export LEPTOS_OUTPUT_NAME=usher

say "formatting (cargo fmt --check)"
cargo fmt --all --check

say "lints (cargo clippy -D warnings): the server build (ssr) and the browser build (hydrate, wasm32)"
RUSTFLAGS="--cfg erase_components" cargo clippy -p usher_app -p server --all-targets --features usher_app/ssr -- -D warnings
RUSTFLAGS="--cfg erase_components" cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

say "unit and integration tests (SQLite and PostgreSQL)"
# Debug builds erase view types as cargo-leptos's own debug builds do; the release below does not.
RUSTFLAGS="--cfg erase_components" cargo test -p usher_app -p server

say "building the release (server + size-optimised WASM, hashed and precompressed), what users run"
cargo leptos build --release --precompress --split

say "release smoke test: the README's run command on a fresh SQLite file, hydration in Chromium"
npx playwright test -c end2end/release.config.ts

say "REST API property tests (schemathesis against /api/v3/schema/, bounded)"
./scripts/api-fuzz.sh 10

say "end-to-end journeys (Playwright, chromium) against the release build"
npx playwright test -c end2end

say "end-to-end journeys without an SMTP server (the default run)"
npx playwright test -c end2end/nomail.config.ts
