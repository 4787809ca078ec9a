#!/usr/bin/env bash
# Runs a command on the Node.js LTS RFAM is made for (24, or a newer one the machine has): when the
# machine's own Node.js is older (Debian 12 ships 18, many schools have 20, which has been out of
# support since April 2026 and which some of RFAM's packages no longer accept), Node.js 24 comes
# from the npm registry's `node` package into tools/node-lts/ (once, about 50 MB) and goes first on
# PATH, so npm, the npm scripts and every program they start run on it.
# Usage: bash scripts/lts-node.sh <command> [arguments…]   e.g. bash scripts/lts-node.sh npm test
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
want=24
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt "$want" ]; then
  lts="$root/tools/node-lts"
  if ! "$lts/node_modules/.bin/node" --version >/dev/null 2>&1; then
    echo "This machine has Node.js $(node --version 2>/dev/null || echo '(none)'); RFAM runs on Node.js $want LTS. Fetching it from the npm registry into tools/node-lts/ (once)…" >&2
    npm ci --prefix "$lts" --no-audit --no-fund --loglevel=error >&2
  fi
  export PATH="$lts/node_modules/.bin:$PATH"
fi
exec "$@"
