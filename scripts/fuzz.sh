#!/usr/bin/env bash
# Fuzzes every parser that takes outside input (issue 12), each for a bounded time, with cargo-fuzz
# (libFuzzer): email rules, fixed_data (JSON/YAML), blueprint YAML, CEL policies, the itoken.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]   (default 60 s each, every target)
# cargo-fuzz passes nightly-only flags to rustc; RUSTC_BOOTSTRAP=1 lets the stable toolchain take them.
# No sanitizer (-s none): the code under test is safe Rust, and a panic, an overflowed stack, a
# timeout (10 s per input) or memory past 2 GiB is what is looked for. A crash is saved under
# fuzz/artifacts/<target>/ and fails the run; turn it into a unit test next to the parser.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
SECS="${1:-60}"
shift || true
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1 LEPTOS_OUTPUT_NAME=usher
cd fuzz
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || mapfile -t TARGETS < <(cargo fuzz list)
cargo fuzz build -s none
for t in "${TARGETS[@]}"; do
  echo "==> fuzzing $t for ${SECS}s"
  mkdir -p "corpus/$t"
  seeds=()
  [ "$t" = blueprint ] && seeds=(../server/tests/blueprints)
  cargo fuzz run -s none "$t" "corpus/$t" "${seeds[@]}" -- \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
