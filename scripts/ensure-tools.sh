#!/usr/bin/env bash
# Installs what Usher's build and tests need — only what is missing, so re-runs are quick.
#   scripts/ensure-tools.sh            build tools: wasm target, cargo-leptos 0.3.10, wasm-bindgen-cli 0.2.130,
#                                      npm packages (binaryen's wasm-opt 132, Playwright)
#   scripts/ensure-tools.sh --browser  also what the tests need: Debian's chromium, PyPI's aiosmtpd,
#                                      standardwebhooks, schemathesis and authentik-client
# Versions: ../shared/TOOLCHAIN.md (cargo-leptos 0.3.11 needs a newer rustc; wasm-bindgen-cli must equal the
# wasm-bindgen crate in Cargo.lock; Debian's binaryen 108 breaks hydration, npm's binaryen 132 works).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  say "installing cargo-leptos 0.3.10 (about 27 minutes on 2 cores, once)"
  cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads
fi

WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WB_VERSION"; then
  say "installing wasm-bindgen-cli $WB_VERSION (about 9 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@playwright/test ] || [ ! -d node_modules/@axe-core/playwright ]; then
  say "installing npm packages (binaryen, @playwright/test)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ] && ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  say "installing aiosmtpd (the SMTP server the email tests send to)"
  python3 -m pip install -q aiosmtpd
fi

if [ "${1:-}" = "--browser" ] && ! python3 -c 'import standardwebhooks' 2>/dev/null; then
  say "installing standardwebhooks (the webhook tests' receiver verifies signatures with it too)"
  python3 -m pip install -q standardwebhooks
fi

if [ "${1:-}" = "--browser" ] && ! python3 -c 'import schemathesis' 2>/dev/null; then
  say "installing schemathesis (the REST API's property tests, scripts/api-fuzz.sh)"
  python3 -m pip install -q 'schemathesis>=4,<5'
fi

if [ "${1:-}" = "--browser" ] && ! python3 -c 'import authentik_client' 2>/dev/null; then
  say "installing authentik-client (authentik's Python API client, read against Usher by scripts/api-fuzz.sh)"
  python3 -m pip install -q 'authentik-client>=2025'
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi
