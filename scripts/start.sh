#!/usr/bin/env bash
# The README's first command: installs RFAM's npm packages and starts it (npm start builds the web UI
# and the server, creates the demo on first start and prints where to open it), on Node.js 24 LTS
# (scripts/lts-node.sh fetches it when the machine's Node.js is older). Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/lts-node.sh bash -c 'npm install --no-audit --no-fund && exec npm start'
