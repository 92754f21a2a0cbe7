#!/usr/bin/env bash
# README's main command: sets up what's missing, starts the local stack, runs the demo
# (deploy, savepoint upgrade, restore shown), and leaves the stack running for the Web UI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export PATH="$root/node_modules/.bin:$PATH"
bash scripts/stack/up.sh
node --import tsx scripts/demo.ts
echo "The stack keeps running (Temporal Web UI: http://127.0.0.1:${FD_TEMPORAL_UI_PORT:-8233}). Stop it with: npm run stack:down"
