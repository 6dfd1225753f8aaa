#!/usr/bin/env bash
# The editor part of `npm run bench` (after npm run build && npm run compile-tests): bench/editor/index.ts in
# code-server's real extension host, on a copy of the sample workspace. Prints a table; also written to
# test-results/bench-editor.md.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
source scripts/lib/code-server.sh
RUN=$REPO/.pyrometer-run/bench-editor
WORKLOADS=$REPO/../shared/workloads
mkdir -p test-results/logs
rm -rf "$RUN"
pyro_on_exit cs_stop_all
cs_init "$RUN" || exit 1
cs_user_data "$RUN/bench" || exit 1
cs_workspace "$WORKLOADS" "$RUN/bench/workspace" || exit 1
cs_start "$RUN/bench" auto test-results/logs/code-server-bench-editor.log "$RUN/bench/workspace" \
  --vscode-option enable-smoke-test-driver || exit 1
node out/test/harness/extHostTests.js "http://127.0.0.1:$CS_PORT" "$REPO" \
  "$REPO/out/bench/editor/index.js" "$RUN/bench/workspace"
