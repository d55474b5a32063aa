#!/usr/bin/env bash
# The benchmark suite (issue 13), on the release build, loopback only, bounded in time. Every figure is
# printed beside its ceiling measured in the same run, so ratios compare, not absolute numbers:
#   P1 the invitation landing page (wrk -t2 -c64 --latency) beside /login (SSR, no database) and
#      /-/health/live/ (a bare handler), on SQLite and PostgreSQL, and beside the peer (django-invitations
#      under gunicorn, ../shared/peer-django/run.sh);
#   P2 enrollment throughput (scripts/bench/enroll.py: every GET and POST of a public invitation's
#      enrollment, authentik's 2-stage enrollment blueprint) beside argon2id alone (server/benches/argon2.rs,
#      the same parameters and hashing queue) at the same concurrency;
#   P3 the admin invitation list over 100,000 invitations (server/benches/list.rs);
#   P4 outbox throughput to a loopback SMTP server (server/benches/outbox.rs);
#   P5 the WASM and JS bytes each page loads (raw, gzip, brotli) and its time to interactive in Chromium
#      (scripts/bench/pages.mjs);
#   P6 the server's RSS idle and its peak under the P1 load;
#   P8 a campaign's import of 10,000 recipients, server side (server/benches/campaign_import.rs), on SQLite
#      and PostgreSQL, beside P4's outbox rate that then delivers them;
#   P7 events (issue 14): a burst of 10,000 landing views, counted off the request path, must be counted
#      exactly once the server stops (scripts/bench/views.py); with BENCH_BASELINE_BIN=path/to/usher (a
#      release build from before the events, e.g. of e1fa1ef^), P2's enrollment on it and on this build in
#      the same run, so the events' cost reads as a ratio.
# It prints one Markdown table and writes it to the README between the bench markers.
#   scripts/bench.sh [SECONDS]   (per wrk or enrollment run; default 10)
# Environment: USHER_BENCH_POSTGRES_URL (default postgres://127.0.0.1:5432/test; `off` skips PostgreSQL),
# USHER_BENCH_INVITATIONS (P3, default 100000), BENCH_PEER=off skips the peer, BENCH_README=off leaves the
# README alone, BENCH_ONLY="P1 P2 …" runs only those parts (and leaves the README alone). Needs the release build (cargo leptos build --release --precompress --split), wrk, python3 with aiosmtpd, and
# Chromium with the npm packages (scripts/ensure-tools.sh --browser).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
BIN="${USHER_BIN:-target/release/usher}"
[ -x "$BIN" ] || { echo "build the release first: cargo leptos build --release --precompress --split" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
PG="${USHER_BENCH_POSTGRES_URL:-postgres://127.0.0.1:5432/test}"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH" LEPTOS_OUTPUT_NAME=usher
CONCURRENCY=8

say() { printf '==> %s\n' "$*" >&2; }
WORK=$(mktemp -d)
SERVER=""
PG_DBS=()
cleanup() {
  [ -n "$SERVER" ] && { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
  for db in "${PG_DBS[@]}"; do psql "$PG" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT


free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pg_database() { # a fresh PostgreSQL database's URL
  local name="usher_bench_$$_$1"
  psql "$PG" -qc "CREATE DATABASE \"$name\"" >/dev/null
  PG_DBS+=("$name")
  echo "${PG%/*}/$name"
}

PASSWORD="bench-admin-password"
# start_server DATABASE_URL [BLUEPRINT]: a fresh server with an admin and an API token ($SECRET) on $BASE.
start_server() {
  local port
  port=$(free_port)
  BASE="http://127.0.0.1:$port"
  export DATABASE_URL="$1" LEPTOS_SITE_ADDR="127.0.0.1:$port" USHER_PUBLIC_URL="$BASE" \
    USHER_SECRET_KEY="bench-$(date +%s%N)-$(od -An -N16 -tx1 /dev/urandom | tr -d " \n")" USHER_TRUSTED_PROXIES="127.0.0.1/32" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn
  USHER_ADMIN_PASSWORD="$PASSWORD" "$BIN" create-admin --username admin --email admin@example.com >/dev/null
  [ -n "${2:-}" ] && "$BIN" blueprint apply --force "$2" >/dev/null
  SECRET=$("$BIN" create-token --username admin --identifier "bench-$port" 2>/dev/null | tail -n 1)
  "$BIN" serve >"$WORK/server-$port.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fsS "$BASE/-/health/live/" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "the server did not start:" >&2; cat "$WORK/server-$port.log" >&2; exit 1
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }
invitation() { # a public, reusable invitation's link
  curl -fsS -X POST "$BASE/api/v3/stages/invitation/invitations/" -H "Authorization: Bearer $SECRET" \
    -H 'Content-Type: application/json' -d "{\"name\": \"$1\", \"single_use\": false}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["link"])'
}
rss_kb() { awk "/^$2:/ {print \$2}" "/proc/$1/status"; }
# cpu_ticks PID → the process's user + system CPU so far, in clock ticks ($TICKS per second)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)

# wrk_run URL → "req/s p50_ms p99_ms" (fails on socket errors or non-2xx answers)
wrk_run() {
  local out="$WORK/wrk.txt"
  wrk -t2 -c64 -d1s "$1" >/dev/null 2>&1 # warm-up, thrown away
  wrk -t2 -c64 -d"${DURATION}s" --latency "$1" >"$out" 2>&1
  if grep -qE 'Socket errors|Non-2xx' "$out"; then echo "wrk saw errors on $1:" >&2; cat "$out" >&2; exit 1; fi
  python3 - "$out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(v):
    n, u = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
print(f"{rps:.0f} {p50:.1f} {p99:.1f}")
PY
}

want() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }
[ -z "${BENCH_ONLY:-}" ] || BENCH_README=off
if want P2 || want P3 || want P4 || want P8; then
  say "building the benchmark binaries (cargo bench --no-run)"
  cargo bench -q -p server --bench argon2 --bench list --bench outbox --bench campaign_import --no-run >&2
fi
ROWS=()
row() { ROWS+=("| $* |"); }
pct() { python3 -c "print(f'{100 * $1 / $2:.0f} %')"; }
times() { python3 -c "print(f'{$1 / $2:.1f}×')"; }

# ---- P1 and P6 -----------------------------------------------------------------------------------------
p1() { # p1 BACKEND URL
  start_server "$2"
  local link idle hwm health login landing
  link=$(invitation "bench-landing")
  curl -fsS "$link" >/dev/null
  sleep 1
  idle=$(rss_kb "$SERVER" VmRSS)
  say "P1 $1: /-/health/live/, /login, the landing page ($DURATION s each)"
  health=$(wrk_run "$BASE/-/health/live/")
  login=$(wrk_run "$BASE/login")
  landing=$(wrk_run "$link")
  hwm=$(rss_kb "$SERVER" VmHWM)
  stop_server
  read -r hr hp50 hp99 <<<"$health"
  read -r lr lp50 lp99 <<<"$login"
  read -r ir ip50 ip99 <<<"$landing"
  row "P1 $1 | landing page \`/if/flow/…/?itoken=\` | $ir req/s, p50 $ip50 ms, p99 $ip99 ms | $(pct "$ir" "$lr") of \`/login\` ($lr req/s, p99 $lp99 ms); $(pct "$ir" "$hr") of \`/-/health/live/\` ($hr req/s) | ≥ 60 % of \`/login\`, p99 < 20 ms"
  LANDING_RPS_SQLITE=${LANDING_RPS_SQLITE:-$ir}
  row "P6 $1 | server RSS | idle $((idle / 1024)) MB, peak under P1 $((hwm / 1024)) MB | | idle < 40 MB, under load < 100 MB"
}
if want P1; then
p1 SQLite "sqlite://$WORK/p1.db"
[ "$PG" = off ] || p1 PostgreSQL "$(pg_database p1)"
fi

if want P1 && [ "${BENCH_PEER:-on}" != off ]; then
  say "P1 peer: django-invitations under gunicorn (../shared/peer-django/run.sh)"
  PEER_LINE=$(DURATION="$DURATION" PORT="$(free_port)" bash ../shared/peer-django/run.sh 2>"$WORK/peer.log" | tail -n 1)
  PEER_RPS=$(sed -n 's/.*: \([0-9.]*\) req\/s.*/\1/p' <<<"$PEER_LINE")
  [ -n "$PEER_RPS" ] || { echo "the peer did not report:" >&2; tail -20 "$WORK/peer.log" >&2; exit 1; }
  row "P1 peer | django-invitations 2.1.0 accept page, gunicorn, SQLite | ${PEER_LINE#*: } | Usher's SQLite landing page: $(times "$LANDING_RPS_SQLITE" "$PEER_RPS") the peer | ≥ 10× the peer"
fi

# ---- P2 ------------------------------------------------------------------------------------------------
if want P2; then
say "P2: argon2id alone, $CONCURRENCY concurrent, $DURATION s"
ARGON=$(USHER_BENCH_CONCURRENCY=$CONCURRENCY USHER_BENCH_SECONDS=$DURATION cargo bench -q -p server --bench argon2 2>/dev/null |
  sed -n 's/^RESULT argon2 hashes_per_s=//p')
p2() { # p2 BACKEND URL
  start_server "$2" ../shared/blueprints/flows-enrollment-2-stage.yaml
  local link out
  link=$(invitation "bench-enroll")
  say "P2 $1: enrollments through $link, $CONCURRENCY concurrent, $DURATION s"
  local cpu0 cpu1
  cpu0=$(cpu_ticks "$SERVER")
  out=$(python3 scripts/bench/enroll.py "$link" "$CONCURRENCY" "$DURATION" | sed -n 's/^RESULT enroll //p')
  cpu1=$(cpu_ticks "$SERVER")
  stop_server
  local rate ok failed p50 p99 client
  eval "$(tr ' ' '\n' <<<"$out" | sed 's/^accounts_per_s=/rate=/; s/^p50_ms=/p50=/; s/^p99_ms=/p99=/; s/^client_cpu_ms=/client=/')"
  [ "$failed" = 0 ] || { echo "P2 $1: $failed enrollments failed" >&2; exit 1; }
  # The server's own CPU per account beside argon2id's per hash (the cores are saturated by either: 2 cores
  # over the hash rate), which leaves out the load client and, on PostgreSQL, the database's processes.
  local server_ms argon_ms
  server_ms=$(python3 -c "print(f'{($cpu1 - $cpu0) * 1000 / $TICKS / $ok:.1f}')")
  argon_ms=$(python3 -c "print(f'{$(nproc) * 1000 / $ARGON:.1f}')")
  row "P2 $1 | enrollment (GET + 2 POSTs + redirects, public invitation, authentik's 2-stage flow) | $rate accounts/s, p50 $p50 ms, p99 $p99 ms; the server uses $server_ms ms of CPU per account (the load client $client ms, on the same cores) | argon2id alone $ARGON hashes/s ($argon_ms ms of CPU each): overhead $(python3 -c "print(f'{100 * ($ARGON / $rate - 1):.0f} %')") | overhead ≤ 20 %"
}
p2 SQLite "sqlite://$WORK/p2.db"
[ "$PG" = off ] || p2 PostgreSQL "$(pg_database p2)"
fi

# ---- P3, P4 --------------------------------------------------------------------------------------------
if want P3; then
say "P3: the admin list over ${USHER_BENCH_INVITATIONS:-100000} invitations (server/benches/list.rs)"
LIST=$(USHER_BENCH_POSTGRES_URL="$PG" cargo bench -q -p server --bench list 2>/dev/null | grep '^| [SP]')
while IFS= read -r line; do
  IFS='|' read -r _ backend case p50 p95 _ <<<"$line"
  trim() { sed 's/^ *//; s/ *$//' <<<"$1"; }
  row "P3 $(trim "$backend") | admin list, ${USHER_BENCH_INVITATIONS:-100000} invitations, 20 per page: $(trim "$case") | p50 $(trim "$p50"), p95 $(trim "$p95") | | p95 < 20 ms"
done <<<"$LIST"
fi
p4() {
  local out
  out=$(USHER_BENCH_DATABASE_URL="$2" cargo bench -q -p server --bench outbox 2>/dev/null | grep '^outbox:')
  row "P4 $1 | outbox to a loopback SMTP server (aiosmtpd), one worker | $(sed -n 's/.* = \([0-9]*\) messages\/s.*/\1/p' <<<"$out") messages/s | | ≥ 200 messages/s (issue 15)"
}
if want P4; then
say "P4: outbox throughput (server/benches/outbox.rs)"
p4 SQLite "sqlite://$WORK/p4.db?mode=rwc"
[ "$PG" = off ] || p4 PostgreSQL "$(pg_database p4)"
fi

# ---- P8 ------------------------------------------------------------------------------------------------
p8() {
  local out
  out=$(USHER_BENCH_DATABASE_URL="$2" cargo bench -q -p server --bench campaign_import 2>/dev/null | grep '^campaign_import:')
  row "P8 $1 | campaign import of 10,000 recipients (server side, one transaction) | $(sed -n 's/.* in \([0-9.]*\) s .*/\1/p' <<<"$out") s | | < 2 s; the outbox then delivers them at P4's rate (≥ 200 messages/s)"
}
if want P8; then
say "P8: a campaign's import of 10,000 recipients (server/benches/campaign_import.rs)"
p8 SQLite "sqlite://$WORK/p8.db?mode=rwc"
[ "$PG" = off ] || p8 PostgreSQL "$(pg_database p8)"
fi

# ---- P5 ------------------------------------------------------------------------------------------------
if want P5; then
say "P5: page weight and time to interactive in Chromium"
start_server "sqlite://$WORK/p5.db"
LINK=$(invitation "bench-pages")
PAGES=$(node scripts/bench/pages.mjs "$BASE" admin "$PASSWORD" "$LINK" | sed -n 's/^RESULT page //p')
stop_server
THEN_MAX=0 THEN_MAX_NAME="" THEN_SUM=0 THEN_N=0 THEN_SLOWEST=0
while IFS= read -r line; do
  eval "$(tr ' ' '\n' <<<"$line" | sed 's/^/p_/')"
  if [[ "$p_name" == then-* ]]; then # another admin page, reached from the invitations page
    THEN_N=$((THEN_N + 1)) THEN_SUM=$((THEN_SUM + p_br))
    [ "$p_br" -gt "$THEN_MAX" ] && THEN_MAX=$p_br THEN_MAX_NAME=${p_name#then-admin-}
    [ "$p_tti_ms" -gt "$THEN_SLOWEST" ] && THEN_SLOWEST=$p_tti_ms
    continue
  fi
  target="≤ 30 KB brotli, TTI < 500 ms"
  [ "$p_name" = admin-invitations ] && target="≤ 200 KB brotli, TTI < 300 ms"
  row "P5 | $p_name: WASM + JS | $((p_raw / 1024)) KB raw, $((p_gzip / 1024)) KB gzip, $((p_br / 1024)) KB brotli; interactive after $p_tti_ms ms | | $target"
done <<<"$PAGES"
[ "$THEN_N" -gt 0 ] && row "P5 | the $THEN_N other admin pages, each from the invitations page: what it loads more | largest $((THEN_MAX / 1024)) KB brotli ($THEN_MAX_NAME), $((THEN_SUM / THEN_N / 1024)) KB on average; shown within $THEN_SLOWEST ms | | ≤ 60 KB brotli more each"
fi

# ---- P7 ------------------------------------------------------------------------------------------------
p7_views() { # p7_views BACKEND URL
  start_server "$2"
  local link out ok counted
  link=$(invitation "bench-views")
  say "P7 $1: a burst of 10,000 views of one link"
  out=$(python3 scripts/bench/views.py "$link" 10000 16 | sed -n 's/^RESULT views //p')
  stop_server # the last batch is written at shutdown
  eval "$out"
  if [ "$1" = SQLite ]; then
    counted=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COALESCE(SUM(view_count), 0) FROM invitation_views").fetchone()[0])' "${2#sqlite://}")
  else
    counted=$(psql "$2" -tAc "SELECT COALESCE(SUM(view_count), 0) FROM invitation_views")
  fi
  [ "$counted" = "$ok" ] || { echo "P7 $1: $ok views answered, $counted counted" >&2; exit 1; }
  row "P7 $1 | a burst of 10,000 landing views (16 connections) | $per_s views/s answered, $ok shown, $counted counted | counted = shown | exact"
}
p7_enroll() { # p7_enroll LABEL BIN URL → accounts/s
  local saved="$BIN" out
  BIN="$2"
  start_server "$3" ../shared/blueprints/flows-enrollment-2-stage.yaml
  out=$(python3 scripts/bench/enroll.py "$(invitation "bench-events-$1")" "$CONCURRENCY" "$DURATION" | sed -n 's/^RESULT enroll //p')
  stop_server
  BIN="$saved"
  sed -n 's/.*accounts_per_s=\([0-9.]*\).*/\1/p' <<<"$out"
}
if want P7; then
p7_views SQLite "sqlite://$WORK/p7.db"
[ "$PG" = off ] || p7_views PostgreSQL "$(pg_database p7)"
if [ -n "${BENCH_BASELINE_BIN:-}" ]; then
  say "P7: enrollment before the events ($BENCH_BASELINE_BIN) and now"
  base=$(p7_enroll base "$BENCH_BASELINE_BIN" "sqlite://$WORK/p7-base.db")
  now=$(p7_enroll now "$BIN" "sqlite://$WORK/p7-now.db")
  row "P7 SQLite | enrollment with its events (user created, invitation used; P2's load) | $now accounts/s | $base accounts/s before the events: the events cost $(python3 -c "print(f'{100 * (1 - $now / $base):.1f} %')") of the throughput | < 10 %"
fi
fi

# ---- the table -----------------------------------------------------------------------------------------
TABLE=$(
  echo "Measured $(date -u +%Y-%m-%d) by \`scripts/bench.sh $DURATION\` on $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), release build, loopback; client and server share the cores."
  echo
  echo "| | what | figure | beside its ceiling (same run) | target |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
)
echo "$TABLE"
if [ "${BENCH_README:-on}" != off ]; then
  python3 - "$TABLE" <<'PY'
import re, sys
table = sys.argv[1]
text = open("README.md").read()
new = re.sub(r"(<!-- bench:begin -->\n).*?(<!-- bench:end -->)", lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
assert new != text or table in text, "README.md lacks the <!-- bench:begin --> / <!-- bench:end --> markers"
open("README.md", "w").write(new)
PY
  say "README.md updated"
fi
