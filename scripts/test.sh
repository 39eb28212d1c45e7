#!/usr/bin/env bash
# The whole suite: type check, node tests (store tests also on PostgreSQL when
# DATABASE_URL is set), then the real-browser tests. As root, the browser
# tests run in a fresh network namespace with only loopback, so no test
# packet can leave the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

npx tsc --noEmit -p tsconfig.json
npx vitest run --project node

bash scripts/loopback-only.sh npx vitest run --project browser
