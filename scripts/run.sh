#!/usr/bin/env bash
# Installs what is missing, builds Usher (release; size-optimised WASM, written beside its brotli and gzip
# copies, which the server sends by Accept-Encoding) and serves it on SQLite
# (./usher.db). It prints the URL and, while no administrator exists, the one-time set-up link.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-tools.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
exec cargo leptos serve --release --precompress --split
