#!/usr/bin/env bash
# The one test command (npm test): install, build, then every check: lint, type-check, the
# unit tests (concurrently), the integration tests with the webview tests in headless Chromium,
# and the suite inside a real VS Code.
# A failing check does not stop the ones after it; the closing line counts every test
# (a failed lint or type-check counts as one failure), and the exit code is 1 when anything
# failed.
set -uo pipefail
cd "$(dirname "$0")/.."

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed_steps=()

# A checkout installs again when its lock file changed since the last install (a pulled
# dependency), not only when node_modules is missing.
stale() { [ ! -f "$1/node_modules/.package-lock.json" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; }

# Without these nothing below can run: stop, but still end with the closing line.
if ! {
  { ! stale . || npm ci --no-audit --no-fund; } &&
    { ! stale tools/lint || npm ci --prefix tools/lint --no-audit --no-fund; } &&
    bash scripts/vscode-test-setup.sh &&
    node esbuild.mjs
}; then
  echo "install or build failed"
  echo "total: 0 passed, 1 failed"
  exit 1
fi

npm run -s lint || failed_steps+=(lint)
npm run -s check-types || failed_steps+=(check-types)
# Pure tests (no sandbox, worker, browser or child process of their own) side by side, one file
# per core; the integration tests two files at a time, since each brings sandboxes and workers
# of its own. None reads the wall clock, so a loaded machine makes them slower, never red.
npm run -s test:unit 2>&1 | tee "$logs/unit.txt" || failed_steps+=(unit)
npm run -s test:integration 2>&1 | tee "$logs/integration.txt" || failed_steps+=(integration)
node test/vscode/run.mjs 2>&1 | tee "$logs/vscode.txt" || failed_steps+=(vscode)

# One closing line for everything. A check that failed without a failed test to show for it
# (lint, type-check, a runner that died or failed outside its tests) counts as one failure.
node_count() { sed -n "s/^ℹ $2 \([0-9]*\)$/\1/p" "$logs/$1.txt" | tail -1; }
read -r vs_pass vs_fail < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$logs/vscode.txt" | tail -1)
unit_pass=$(node_count unit pass)
unit_fail=$(node_count unit fail)
integration_pass=$(node_count integration pass)
integration_fail=$(node_count integration fail)
declare -A fail_count=([lint]=0 [check-types]=0 [unit]=${unit_fail:-0} [integration]=${integration_fail:-0} [vscode]=${vs_fail:-0})
for step in "${failed_steps[@]}"; do
  [ "${fail_count[$step]}" -gt 0 ] || fail_count[$step]=1
done
failures=0
for count in "${fail_count[@]}"; do failures=$((failures + count)); done

if [ ${#failed_steps[@]} -gt 0 ]; then echo "failed: ${failed_steps[*]}"; fi
echo "total: $((${unit_pass:-0} + ${integration_pass:-0} + ${vs_pass:-0})) passed, $failures failed"
[ ${#failed_steps[@]} -eq 0 ]
