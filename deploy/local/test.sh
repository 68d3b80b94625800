#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine with a Rust toolchain:
# installs what is missing, starts the local services (TimescaleDB,
# Mosquitto), then runs formatting and lint checks and every test.
#
# Usage: deploy/local/test.sh [extra cargo-nextest arguments]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/env.sh"
cd "$root"

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install a Rust toolchain (https://rustup.rs) first" >&2
  exit 1
fi
if ! cargo nextest --version >/dev/null 2>&1; then
  log "installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

step() { printf '\n== %s\n' "$*" >&2; }

step "services"
"$here/services.sh" up
eval "$("$here/services.sh" env)"
"$here/timescaledb.sh" drop-test-databases main
"$here/timescaledb.sh" drop-test-databases chaos

step "formatting"
cargo fmt --all -- --check

step "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests"
cargo nextest run --workspace --locked --profile ci "$@"
