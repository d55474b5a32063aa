#!/usr/bin/env bash
# Property-based tests of the REST API (issue 12): schemathesis (PyPI) reads /api/v3/schema/ from the
# release server and sends each operation a bounded number of generated requests, authorised as a
# superuser's API token, below the API's own limit (600 requests per token per minute). It fails on any
# 5xx, any response (status, content type, body) that does not match the schema, and any ERROR the
# server logs.
#   scripts/api-fuzz.sh [MAX_EXAMPLES]   (default 25 per operation; loopback only; at most 10 minutes)
# Needs the release build (cargo leptos build --release) and installs schemathesis when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_EXAMPLES="${1:-25}"
BIN="${USHER_BIN:-target/release/usher}"
[ -x "$BIN" ] || { echo "build the release first: cargo leptos build --release" >&2; exit 1; }
if ! python3 -c 'import schemathesis' 2>/dev/null; then
  echo "==> installing schemathesis"
  python3 -m pip install -q 'schemathesis>=4,<5'
fi

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="sqlite://$WORK/usher.db" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
  USHER_PUBLIC_URL="http://127.0.0.1:$PORT" USHER_SECRET_KEY="api-fuzz-$(od -An -N32 -tx1 /dev/urandom | tr -d " \n")" \
  LEPTOS_SITE_ROOT=target/site RUST_LOG=warn
USHER_ADMIN_PASSWORD="api-fuzz-password" "$BIN" create-admin --username admin --email admin@example.com >/dev/null
SECRET=$("$BIN" create-token --username admin --identifier api-fuzz 2>/dev/null | tail -n 1)

"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$PORT/-/health/live/" >/dev/null 2>&1 && break
  sleep 0.2
done

status=0
timeout 600 python3 -m schemathesis.cli run "http://127.0.0.1:$PORT/api/v3/schema/" \
  --header "Authorization: Bearer $SECRET" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$MAX_EXAMPLES" --seed 1 --no-color --rate-limit 540/m \
  || status=$?
if grep -E ' (ERROR|panicked)' "$WORK/server.log" >/dev/null; then
  echo "the server logged errors:" >&2
  grep -E ' (ERROR|panicked)' "$WORK/server.log" | head -20 >&2
  status=1
fi
exit $status
