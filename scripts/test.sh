#!/usr/bin/env bash
# The one test command (npm test): install, build, type-check, unit tests, then the
# webview tests in headless Chromium and the suite inside a real VS Code.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/vscode-test-setup.sh
node esbuild.mjs
npx tsc --noEmit -p .
node --import tsx --test --test-reporter=spec --test-concurrency=1 test/unit/*.test.ts test/webview/*.test.ts
node test/vscode/run.mjs
