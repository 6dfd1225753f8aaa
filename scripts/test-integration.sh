#!/usr/bin/env bash
# A developer's loop: only the integration suite, on the current build (npm run build && npm run compile-tests
# first), optionally only the files whose name contains $1 (e.g. `bash scripts/test-integration.sh lineTiming`).
# Writes test-results/integration.json like npm test does; npm test remains the one full check.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/code-server.sh
PYROMETER_INTEGRATION_ONLY=${1:-} cs_ext_host_run dev-integration "$(pwd)/out/test/integration/index.js"
