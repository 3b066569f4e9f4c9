#!/usr/bin/env bash
# Browser test of `eventwire serve`: builds a store from examples/karabakh.jsonl (and the other
# example stories), then dashboard.test.mjs serves it and drives Debian's Chromium headless with
# playwright-core. Screenshots: target/browser-screenshots/. Installs what it lacks (chromium,
# node_modules); set EVENTWIRE_BIN to test a binary already built.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

bin="${EVENTWIRE_BIN:-$root/target/release/eventwire}"
if [ -z "${EVENTWIRE_BIN:-}" ]; then
  (cd "$root" && cargo build --release -p eventwire)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin" ingest --db "$tmp/events.db" "$root/examples/karabakh.jsonl" "$root/examples/stories.jsonl"

EVENTWIRE_BIN="$bin" EVENTWIRE_DB="$tmp/events.db" SCREENSHOTS="$root/target/browser-screenshots" \
  node "$here/dashboard.test.mjs"
