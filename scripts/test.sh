#!/usr/bin/env bash
# The one test command (npm test): install, build, then every check: lint, type-check, the
# unit tests, the webview tests in headless Chromium and the suite inside a real VS Code.
# A failing check does not stop the ones after it; the closing line counts every test
# (a failed lint or type-check counts as one failure), and the exit code is 1 when anything
# failed.
set -uo pipefail
cd "$(dirname "$0")/.."

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed_steps=()

# Without these nothing below can run: stop, but still end with the closing line.
if ! {
  { [ -d node_modules ] || npm ci --no-audit --no-fund; } &&
    { [ -d tools/lint/node_modules ] || npm ci --prefix tools/lint --no-audit --no-fund; } &&
    bash scripts/vscode-test-setup.sh &&
    node esbuild.mjs
}; then
  echo "install or build failed"
  echo "total: 0 passed, 1 failed"
  exit 1
fi

npm run -s lint || failed_steps+=(lint)
npm run -s check-types || failed_steps+=(check-types)
node --import tsx --test --test-reporter=spec --test-concurrency=1 test/unit/*.test.ts test/webview/*.test.ts 2>&1 |
  tee "$logs/node.txt" || failed_steps+=(unit+webview)
node test/vscode/run.mjs 2>&1 | tee "$logs/vscode.txt" || failed_steps+=(vscode)

# One closing line for everything. A check that failed without a failed test to show for it
# (lint, type-check, a runner that died or failed outside its tests) counts as one failure.
node_count() { sed -n "s/^ℹ $1 \([0-9]*\)$/\1/p" "$logs/node.txt" | tail -1; }
node_pass=$(node_count pass)
node_fail=$(node_count fail)
read -r vs_pass vs_fail < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$logs/vscode.txt" | tail -1)
declare -A fail_count=([lint]=0 [check-types]=0 [unit+webview]=${node_fail:-0} [vscode]=${vs_fail:-0})
for step in "${failed_steps[@]}"; do
  [ "${fail_count[$step]}" -gt 0 ] || fail_count[$step]=1
done
failures=0
for count in "${fail_count[@]}"; do failures=$((failures + count)); done

if [ ${#failed_steps[@]} -gt 0 ]; then echo "failed: ${failed_steps[*]}"; fi
echo "total: $((${node_pass:-0} + ${vs_pass:-0})) passed, $failures failed"
[ ${#failed_steps[@]} -eq 0 ]
