#!/usr/bin/env bash
# A developer's loop: only the integration suite, on the current build (npm run build && npm run compile-tests
# first), optionally only the files whose name contains $1 (e.g. `bash scripts/test-integration.sh lineTiming`).
# Writes test-results/integration.json like npm test does; npm test remains the one full check.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
source scripts/lib/code-server.sh
RUN=$REPO/.pyrometer-run/dev-integration
WORKLOADS=$REPO/../shared/workloads
mkdir -p test-results/logs
rm -rf "$RUN"
pyro_on_exit cs_stop_all
cs_init "$RUN" || exit 1
cs_user_data "$RUN/integration" || exit 1
cs_pyspy_setting "$RUN/integration" || exit 1
cs_workspace "$WORKLOADS" "$RUN/integration/workspace" || exit 1
PYROMETER_INTEGRATION_ONLY=${1:-} cs_start "$RUN/integration" auto test-results/logs/code-server-dev-integration.log \
  "$RUN/integration/workspace" --vscode-option enable-smoke-test-driver || exit 1
node out/test/harness/extHostTests.js "http://127.0.0.1:$CS_PORT" "$REPO" \
  "$REPO/out/test/integration/index.js" "$RUN/integration/workspace"
