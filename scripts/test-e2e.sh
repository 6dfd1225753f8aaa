#!/usr/bin/env bash
# A developer's loop: only the e2e suite (Playwright on code-server with the packaged VSIX), on the current build
# (npm run build && npm run compile-tests && npm run package first), optionally only the tests whose name contains
# $1 (e.g. `bash scripts/test-e2e.sh "flame graph"`). Screenshots go to test-results/screenshots; npm test remains
# the one full check.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/code-server.sh
repo=$(pwd)
run=$repo/.pyrometer-run/dev-e2e
mkdir -p test-results/logs test-results/screenshots
rm -rf "$run"
pyro_on_exit cs_stop_all
cs_init "$run" || exit 1
cs_user_data "$run/e2e" || exit 1
cs_pyspy_setting "$run/e2e" || exit 1
cs_install_vsix "$run/e2e" "$repo/pyrometer.vsix" || exit 1
cs_workspace "$repo/../shared/workloads" "$run/e2e/workspace" || exit 1
cs_start "$run/e2e" auto test-results/logs/code-server-dev-e2e.log "$run/e2e/workspace" || exit 1
PYROMETER_E2E_GREP=${1:-} \
PYROMETER_E2E_URL="http://127.0.0.1:$CS_PORT" \
PYROMETER_E2E_WORKSPACE="$run/e2e/workspace" \
PYROMETER_E2E_USER_DATA="$run/e2e/user" \
PYROMETER_E2E_SCREENSHOTS="$repo/test-results/screenshots" \
PYROMETER_E2E_RESULTS="$repo/test-results/dev-e2e.json" \
  node out/test/e2e/run.js
