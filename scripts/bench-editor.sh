#!/usr/bin/env bash
# The editor part of `npm run bench` (after the build and npm run compile-tests): bench/editor/index.ts in
# code-server's real extension host, on a copy of the sample workspace, twice: first with an empty code cache
# (a first start after installing or updating Pyrometer), then with the cache the first pass left (every later
# start). The cache lives in a folder of this run (PYROMETER_CODE_CACHE_DIR), not in the user's. Prints the tables;
# also written to test-results/bench-editor.md.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/code-server.sh
rm -f test-results/bench-editor.md
export PYROMETER_CODE_CACHE_DIR=$(pwd)/.pyrometer-run/bench-editor-code-cache
rm -rf "$PYROMETER_CODE_CACHE_DIR"
rc=0
PYROMETER_BENCH_PASS="first start (empty code cache)" cs_ext_host_run bench-editor "$(pwd)/out/bench/editor/index.js" || rc=$?
cs_stop_all
PYROMETER_BENCH_PASS="next start (code cache from the first)" cs_ext_host_run bench-editor "$(pwd)/out/bench/editor/index.js" || rc=$?
exit "$rc"
