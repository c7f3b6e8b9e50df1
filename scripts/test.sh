#!/usr/bin/env bash
# The one test command (npm test): install, build, type-check, unit tests, then the
# webview tests in headless Chromium and the suite inside a real VS Code.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/vscode-test-setup.sh
node esbuild.mjs
npx tsc --noEmit -p .

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
node --import tsx --test --test-reporter=spec --test-concurrency=1 test/unit/*.test.ts test/webview/*.test.ts 2>&1 | tee "$logs/node.txt"
node test/vscode/run.mjs 2>&1 | tee "$logs/vscode.txt"

# One closing line for both runners.
count() { sed -n "s/^ℹ $1 \([0-9]*\)$/\1/p" "$logs/node.txt" | tail -1; }
read -r vs_pass vs_fail < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$logs/vscode.txt" | tail -1)
echo "total: $(( $(count pass) + vs_pass )) passed, $(( $(count fail) + vs_fail )) failed"
