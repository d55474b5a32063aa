#!/usr/bin/env bash
# Property-based tests of the REST API (issue 12): schemathesis (PyPI) reads /api/v3/schema/ from the
# release server and sends each operation a bounded number of generated requests, authorised as a
# superuser's API token, below the API's own limit (600 requests per token per minute). It fails on any
# 5xx, any response (status, content type, body) that does not match the schema, and any ERROR the
# server logs.
# Generated requests reach the handlers (issue 35 item 8): the schema states the server's constraints, and
# what no schema can say is supplied here, so the run also fails when an operation only ever answered 404
# ("missing test data") or mostly refused its generated bodies ("schema validation mismatch"):
#   * invitations to address: a few that GET, PUT, PATCH, send_email and used_by take by `invite_uuid`, and
#     others that only DELETE takes (so deleting cannot starve the rest), created beforehand through the API
#     with a second token, and given to schemathesis as dictionaries (most path values are theirs, the
#     rest generated, so unknown ones still get their 404);
#   * references that must exist: the default flow's pk for `flow`, a role and a group for `roles` and
#     `groups` (Usher creates those from the dashboard only: written to the database before it serves);
#   * unused names: scripts/api-fuzz/hooks.py makes each valid generated `name` unique;
#   * named links: public invitations of their own for /core/invitations/{invitation_uuid}/links/, the
#     first with links that only DELETE takes;
#   * campaigns (Usher's own resource, /usher/campaigns/): a few kept for GET, PUT, recipients, bulk, resend
#     and revoke_all by `campaign_uuid`, others only DELETE takes, created beforehand through the API; a few
#     recipients of the first kept one (added through `recipients/bulk/`) for `recipient_uuid`, whose revoke
#     operation gets that campaign; and the rules between fields no schema can say (an `expires` in the
#     future, `not_before` before it, reminders only with an expiry) kept by hooks.py in generated bodies.
#   scripts/api-fuzz.sh [MAX_EXAMPLES]   (default 25 per operation; loopback only; at most 10 minutes)
# Needs the release build (cargo leptos build --release --split) and installs schemathesis when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_EXAMPLES="${1:-25}"
BIN="${USHER_BIN:-target/release/usher}"
[ -x "$BIN" ] || { echo "build the release first: cargo leptos build --release --split" >&2; exit 1; }
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
# Seeding has its own token, so it spends none of the run's request budget.
SEEDER=$("$BIN" create-token --username admin --identifier api-fuzz-seed 2>/dev/null | tail -n 1)
python3 - "$WORK/usher.db" <<'PY'
import sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1])
for table, name in (("directory_roles", "api-fuzz-role"), ("directory_groups", "api-fuzz-group")):
    db.execute(f"INSERT INTO {table} (pk, name, created) VALUES (?, ?, 0)", (str(uuid.uuid4()), name))
db.commit()
PY

"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$PORT/-/health/live/" >/dev/null 2>&1 && break
  sleep 0.2
done

API="http://127.0.0.1:$PORT/api/v3"
pk() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(json.dumps(d["results"][0]["pk"] if "results" in d else d["pk"]))'; }
seed() {
  curl -fsS -H "Authorization: Bearer $SEEDER" -H "Content-Type: application/json" \
    -d "{\"name\": \"$1\"}" "$API/stages/invitation/invitations/" | pk
}
list() { local IFS=,; echo "$*"; }
FLOW=$(curl -fsS -H "Authorization: Bearer $SEEDER" "$API/flows/instances/?slug=default-enrollment-flow" | pk)
KEPT=(); for i in 1 2 3 4 5; do KEPT+=("$(seed "api-fuzz-kept-$i")"); done
DOOMED=(); for i in $(seq 1 25); do DOOMED+=("$(seed "api-fuzz-doomed-$i")"); done
campaign() {
  curl -fsS -H "Authorization: Bearer $SEEDER" -H "Content-Type: application/json" \
    -d "{\"name\": \"$1\"}" "$API/usher/campaigns/" | pk
}
CAMPAIGNS_KEPT=(); for i in 1 2 3; do CAMPAIGNS_KEPT+=("$(campaign "api-fuzz-campaign-kept-$i")"); done
CAMPAIGNS_DOOMED=(); for i in $(seq 1 25); do CAMPAIGNS_DOOMED+=("$(campaign "api-fuzz-campaign-doomed-$i")"); done
FIRST=$(echo "${CAMPAIGNS_KEPT[0]}" | tr -d '"')
curl -fsS -H "Authorization: Bearer $SEEDER" -H "Content-Type: application/json" \
  -d '{"rows": [{"email": "fuzz-1@example.com"}, {"email": "fuzz-2@example.com", "name": "Two"}, {"email": "fuzz-3@example.com", "attributes": {"team": "red"}}, {"email": "fuzz-4@example.com"}, {"email": "fuzz-5@example.com"}], "dry_run": false}' \
  "$API/usher/campaigns/$FIRST/recipients/bulk/" >/dev/null
# Named links (/core/invitations/{invitation_uuid}/links/): public invitations of their own (no other
# operation's dictionary names them, so none is made email-limited under the links), the first with links
# only DELETE takes.
LINKABLE=(); for i in 1 2 3; do LINKABLE+=("$(seed "api-fuzz-linkable-$i")"); done
LINKED=$(echo "${LINKABLE[0]}" | tr -d '"')
LINKS_DOOMED=(); for i in $(seq 1 25); do
  LINKS_DOOMED+=("$(curl -fsS -H "Authorization: Bearer $SEEDER" -H "Content-Type: application/json" \
    -d "{\"name\": \"api-fuzz-link-$i\"}" "$API/core/invitations/$LINKED/links/" | pk)")
done
RECIPIENTS=$(curl -fsS -H "Authorization: Bearer $SEEDER" "$API/usher/campaigns/$FIRST/recipients/?page_size=100" \
  | python3 -c 'import json, sys; print(", ".join(json.dumps(r["pk"]) for r in json.load(sys.stdin)["results"]))')
cat >"$WORK/schemathesis.toml" <<TOML
hooks = "$PWD/scripts/api-fuzz/hooks.py"

[warnings]
fail-on = ["missing_test_data", "validation_mismatch"]

[dictionaries]
flows = { values = [$FLOW] }
roles = { values = ["api-fuzz-role"] }
groups = { values = ["api-fuzz-group"] }
kept = { values = [$(list "${KEPT[@]}")] }
doomed = { values = [$(list "${DOOMED[@]}")] }
campaigns_kept = { values = [$(list "${CAMPAIGNS_KEPT[@]}")] }
campaigns_doomed = { values = [$(list "${CAMPAIGNS_DOOMED[@]}")] }
recipients_campaign = { values = [${CAMPAIGNS_KEPT[0]}] }
recipients = { values = [$RECIPIENTS] }
linkable = { values = [$(list "${LINKABLE[@]}")] }
linked = { values = [${LINKABLE[0]}] }
links_doomed = { values = [$(list "${LINKS_DOOMED[@]}")] }

[parameters]
"path.invite_uuid" = { dictionary = "kept", probability = 0.8 }
"path.campaign_uuid" = { dictionary = "campaigns_kept", probability = 0.8 }
"path.recipient_uuid" = { dictionary = "recipients", probability = 0.8 }
"path.invitation_uuid" = { dictionary = "linkable", probability = 0.8 }
"body.flow" = { dictionary = "flows", probability = 0.8 }
"body.roles[*]" = { dictionary = "roles", probability = 0.9 }
"body.groups[*]" = { dictionary = "groups", probability = 0.9 }

[[operations]]
include-method = "DELETE"
parameters = { "path.invite_uuid" = { dictionary = "doomed", probability = 0.8 }, "path.campaign_uuid" = { dictionary = "campaigns_doomed", probability = 0.8 }, "path.invitation_uuid" = { dictionary = "linked", probability = 0.8 }, "path.link_uuid" = { dictionary = "links_doomed", probability = 0.8 } }

[[operations]]
include-operation-id = "usher_campaigns_recipients_revoke_create"
parameters = { "path.campaign_uuid" = { dictionary = "recipients_campaign", probability = 0.8 }, "path.recipient_uuid" = { dictionary = "recipients", probability = 0.8 } }
TOML

status=0
timeout 600 python3 -m schemathesis.cli --config-file "$WORK/schemathesis.toml" run "$API/schema/" \
  --header "Authorization: Bearer $SECRET" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$MAX_EXAMPLES" --seed 1 --no-color --rate-limit 540/m \
  || status=$?
# authentik's own Python client reads the invitations and events (issue 14 item 4).
if ! python3 -c 'import authentik_client' 2>/dev/null; then
  echo "==> installing authentik-client"
  python3 -m pip install -q 'authentik-client>=2025'
fi
python3 scripts/api-fuzz/authentik_client_check.py "$API" "$SEEDER" || status=1
if grep -E ' (ERROR|panicked)' "$WORK/server.log" >/dev/null; then
  echo "the server logged errors:" >&2
  grep -E ' (ERROR|panicked)' "$WORK/server.log" | head -20 >&2
  status=1
fi
exit $status
