#!/usr/bin/env bash
# The one test command (`npm test`, `.ci/run`): installs the tools, builds, packages, then runs every suite.
# Each suite writes test-results/<suite>.json = {"suite": ..., "passed": N, "failed": N, "failures": ["title: why"]}:
#   unit         mocha on out/test/unit/**/*.test.js                       (test/harness/runMocha.ts)
#   python-3.X   bash scripts/test-python.sh
#   integration  mocha inside code-server's real extension host            (test/integration/index.ts)
#   e2e          Playwright UI tests on code-server with the VSIX installed (test/e2e/run.ts)
#   e2e-trust    the same, on a server with workspace trust ON: test/e2e/*.trust.ts (Restricted Mode)
# The last line printed is exactly "N passed, N failed"; the exit status is non-zero if anything failed.
# A suite that crashed or wrote no counts counts as 1 failed. No process is left running afterwards.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
source scripts/lib/code-server.sh

RESULTS=$REPO/test-results
RUN=$REPO/.pyrometer-run/test
WORKLOADS=$REPO/../shared/workloads
export PYROMETER_RESULTS_DIR=$RESULTS

rm -rf "$RESULTS" "$RUN"
mkdir -p "$RESULTS/screenshots" "$RESULTS/logs"

# record_failure SUITE: an infrastructure failure (a failed build step) as a counts file of its own.
record_failure() {
  printf '{"suite":"%s","passed":0,"failed":1}\n' "$1" > "$RESULTS/$1.json"
}

# Summing lives in the EXIT path so that it also runs after Ctrl-C or an unexpected error: the last
# line printed is always the total. Suites that never wrote their counts file count as 1 failed.
EXPECTED_SUITES=(unit webview "python-*" integration e2e e2e-trust)
summarize() {
  pyro_print_timings
  node - "$RESULTS" "${EXPECTED_SUITES[@]}" <<'JS'
const fs = require('fs'), path = require('path');
const [dir, ...expected] = process.argv.slice(2);
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.json')).sort() : [];
const glob = p => new RegExp('^' + p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '\\.json$');
let passed = 0, failed = 0;
const rows = [], failures = [];
for (const f of files) {
  let p = 0, x = 1, note = '';
  const suite = f.replace(/\.json$/, '');
  try {
    const j = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    if (!Number.isInteger(j.passed) || !Number.isInteger(j.failed)) throw new Error('no integer counts');
    p = j.passed; x = j.failed;
    // CI shows only the end of the output: name what failed here, the details are further up
    const listed = Array.isArray(j.failures) ? j.failures.map(String) : [];
    for (const line of listed.slice(0, 10)) failures.push(`  ${suite}: ${line}`);
    if (listed.length > 10) failures.push(`  ${suite}: … and ${listed.length - 10} more`);
    if (x > 0 && listed.length === 0) failures.push(`  ${suite}: ${x} failed (see its output above)`);
  } catch (e) { note = ` (unreadable: ${e.message}; counted as 1 failed)`; }
  passed += p; failed += x;
  rows.push(`  ${suite.padEnd(24)} ${String(p).padStart(4)} passed ${String(x).padStart(4)} failed${note}`);
}
for (const s of expected) {
  if (!files.some(f => glob(s).test(f))) {
    failed += 1;
    rows.push(`  ${s.replace(/-\*$/, '').padEnd(24)}    -        1 failed (no counts file: crashed or did not run)`);
  }
}
if (failures.length > 0) console.log(['--- failed tests', ...failures].join('\n'));
console.log('--- suites');
console.log(rows.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
JS
}
finish() {
  local rc=${PYRO_EXIT_STATUS:-0}
  cs_stop_all            # servers first, so the summary really is the last output
  _pyro_stop_limited
  summarize
  local s=$?
  [ "$s" -ne 0 ] && exit "$s"
  exit "$rc"
}
pyro_on_exit finish

# ---- preparation: each step that fails is recorded as a failure of its own; later steps still run
# where they can (tsc emits even with type errors), and a suite missing its inputs fails on its own.
pyro_phase setup-tools 1500 bash scripts/setup-tools.sh || record_failure prep-setup-tools
pyro_phase setup-python-tools 600 bash scripts/setup-python-tools.sh || record_failure prep-setup-python-tools
export PYROMETER_PYSPY="$PYROMETER_TOOLS/venv-tools/bin/py-spy"   # for the unit suites that run py-spy
# line_profiler, for the runner tests that compare the line_profiler engine with line_profiler itself
export PYROMETER_LPROF_PYTHON_3_11="$PYROMETER_TOOLS/venv-lprof-3.11/bin/python"
export PYROMETER_LPROF_PYTHON_3_12="$PYROMETER_TOOLS/venv-lprof-3.12/bin/python"
# pytest, for the integration tests of the "Profile" CodeLens on tests
export PYROMETER_PYTEST_PYTHON_3_11="$PYROMETER_TOOLS/venv-pytest-3.11/bin/python"
# pyperf, for the runner, unit and integration tests of the benchmark's pyperf engine
export PYROMETER_PYPERF_PYTHON_3_11="$PYROMETER_TOOLS/venv-pyperf-3.11/bin/python"
export PYROMETER_PYPERF_PYTHON_3_12="$PYROMETER_TOOLS/venv-pyperf-3.12/bin/python"
pyro_phase npm-deps 900 pyro_npm_deps || record_failure prep-npm-deps
pyro_phase build 300 npm run build || record_failure prep-build
pyro_phase compile-tests 300 npm run compile-tests || record_failure prep-compile-tests
pyro_phase package 300 npm run package || record_failure prep-package

# ---- (a) unit
pyro_phase unit 600 node out/test/harness/runMocha.js unit "$RESULTS/unit.json" out/test/unit

# ---- (a2) webview: the flame graph app in headless Chromium, without VS Code (test/webview/flameGraph.browser.ts)
pyro_phase webview 300 node out/test/webview/flameGraph.browser.js "$RESULTS"
# (a3) Pyrometer's exported files in speedscope itself (node_modules/speedscope), same Chromium; its own counts file
# test-results/webview-speedscope.json is summed with the others, and one it never wrote (killed) counts as a failure
pyro_phase webview-speedscope 300 node out/test/webview/speedscope.browser.js "$RESULTS" \
  || [ -s "$RESULTS/webview-speedscope.json" ] || record_failure webview-speedscope
# (a4) the function table app, same way as (a2); its own counts file test-results/webview-function-table.json
pyro_phase webview-function-table 120 node out/test/webview/functionTable.browser.js "$RESULTS" \
  || [ -s "$RESULTS/webview-function-table.json" ] || record_failure webview-function-table

# ---- (b) python (writes test-results/python-3.X.json itself)
pyro_phase python 900 bash scripts/test-python.sh

# ---- the real VS Code suites: code-server, isolated under $RUN
cs_init "$RUN" || record_failure prep-code-server

# (c) integration: the extension-host mocha suite; the extension is loaded from the repo as the
# development extension (URL payload, honoured only with enable-smoke-test-driver).
integration() {
  cs_user_data "$RUN/integration" || return 1
  cs_pyspy_setting "$RUN/integration" || return 1
  cs_workspace "$WORKLOADS" "$RUN/integration/workspace" || return 1
  cs_start "$RUN/integration" auto "$RESULTS/logs/code-server-integration.log" \
    "$RUN/integration/workspace" --vscode-option enable-smoke-test-driver || return 1
  local rc=0
  pyro_run_limited 900 node out/test/harness/extHostTests.js "http://127.0.0.1:$CS_PORT" "$REPO" \
    "$REPO/out/test/integration/index.js" "$RUN/integration/workspace" || rc=$?
  cs_stop
  return "$rc"
}
pyro_timed integration integration

# (d) e2e: Playwright UI tests on a plain server (toasts are hidden under the smoke-test driver)
# with the packaged VSIX installed, as a user would have it.
e2e() {
  cs_user_data "$RUN/e2e" || return 1
  cs_pyspy_setting "$RUN/e2e" || return 1
  pyro_run_limited 300 cs_install_vsix "$RUN/e2e" "$REPO/pyrometer.vsix" || return 1
  cs_workspace "$WORKLOADS" "$RUN/e2e/workspace" || return 1
  cs_start "$RUN/e2e" auto "$RESULTS/logs/code-server-e2e.log" "$RUN/e2e/workspace" || return 1
  local rc=0
  PYROMETER_E2E_URL="http://127.0.0.1:$CS_PORT" \
  PYROMETER_E2E_WORKSPACE="$RUN/e2e/workspace" \
  PYROMETER_E2E_USER_DATA="$RUN/e2e/user" \
  PYROMETER_E2E_SCREENSHOTS="$RESULTS/screenshots" \
  PYROMETER_E2E_RESULTS="$RESULTS/e2e.json" \
    pyro_run_limited 1200 node out/test/e2e/run.js || rc=$?
  cs_stop
  return "$rc"
}
pyro_timed e2e e2e

# (e) e2e-trust: the UI tests of test/e2e/*.trust.ts on one more server, this one with workspace trust
# ON (the others run with it off), its own user data and workspace copy: the workbench asks at startup
# whether to trust the folder, and the tests answer no and check that Pyrometer refuses to profile.
e2e_trust() {
  local d=$RUN/e2e-trust
  cs_user_data "$d" || return 1
  # cs_user_data turns trust off; turn it on, with the startup dialog on every window open
  node -e 'const fs = require("fs"), f = process.argv[1], s = JSON.parse(fs.readFileSync(f, "utf8"));
           s["security.workspace.trust.enabled"] = true;
           s["security.workspace.trust.startupPrompt"] = "always";
           fs.writeFileSync(f, JSON.stringify(s, null, 2) + "\n");' "$d/user/User/settings.json" || return 1
  pyro_run_limited 300 cs_install_vsix "$d" "$REPO/pyrometer.vsix" || return 1
  cs_workspace "$WORKLOADS" "$d/workspace" || return 1
  # cs_start always passes --disable-workspace-trust, which overrides the setting: start the server
  # through a wrapper that drops that one flag and execs code-server (same pid, so the same process group).
  printf '#!/usr/bin/env bash\na=()\nfor x in "$@"; do [ "$x" = --disable-workspace-trust ] || a+=("$x"); done\nexec %q "${a[@]}"\n' \
    "$CS_BIN" > "$d/code-server-with-trust" && chmod +x "$d/code-server-with-trust" || return 1
  CS_BIN=$d/code-server-with-trust cs_start "$d" auto "$RESULTS/logs/code-server-e2e-trust.log" "$d/workspace" || return 1
  local rc=0
  PYROMETER_E2E_KIND=trust \
  PYROMETER_E2E_URL="http://127.0.0.1:$CS_PORT" \
  PYROMETER_E2E_WORKSPACE="$d/workspace" \
  PYROMETER_E2E_USER_DATA="$d/user" \
  PYROMETER_E2E_SCREENSHOTS="$RESULTS/screenshots" \
  PYROMETER_E2E_RESULTS="$RESULTS/e2e-trust.json" \
    pyro_run_limited 600 node out/test/e2e/run.js || rc=$?
  cs_stop
  return "$rc"
}
pyro_timed e2e-trust e2e_trust

exit 0   # the EXIT hook prints the totals and sets the status
