#!/usr/bin/env bash
# The one test command (npm test): install, build, type-check, unit tests, real-VS-Code tests.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
node esbuild.mjs
npx tsc --noEmit -p .
node --import tsx --test --test-reporter=spec --test-concurrency=1 test/unit/*.test.ts
