#!/usr/bin/env bash
# The editor part of `npm run bench` (after the build and npm run compile-tests): bench/editor/index.ts in
# code-server's real extension host, on a copy of the sample workspace. Prints a table; also written to
# test-results/bench-editor.md.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/code-server.sh
cs_ext_host_run bench-editor "$(pwd)/out/bench/editor/index.js"
