#!/usr/bin/env bash
# The main job (`npm start`): a real VS Code (code-server) with Pyrometer installed from a freshly built
# VSIX, opened on a sample workspace (a copy of ../shared/workloads). Prints the URL and stays in the
# foreground until Ctrl-C, which stops the server's whole process group.
#   PORT=8080 (default; a free port is picked when it is taken)   PYROMETER_TOOLS=~/.cache/pyrometer-tools
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
source scripts/lib/code-server.sh

RUN=$REPO/.pyrometer-run/start
WORKLOADS=$REPO/../shared/workloads

pyro_phase setup-tools 1500 bash scripts/setup-tools.sh
pyro_phase setup-python-tools 600 bash scripts/setup-python-tools.sh
pyro_phase npm-deps 900 pyro_npm_deps
pyro_phase build 300 npm run build
pyro_phase package 300 npm run package

rm -rf "$RUN"
cs_init "$RUN"
cs_user_data "$RUN/data"
cs_pyspy_setting "$RUN/data"   # so "Profile this script (py-spy)" works in the sample workspace
pyro_phase install-vsix 300 cs_install_vsix "$RUN/data" "$REPO/pyrometer.vsix"
cs_workspace "$WORKLOADS" "$RUN/workspace"

port=${PORT:-8080}
if ! cs_port_free "$port"; then
  free=$(cs_free_port)
  pyro_log "port $port is taken; using $free"
  port=$free
fi
cs_start "$RUN/data" "$port" "$RUN/logs/code-server.log" "$RUN/workspace"
pyro_print_timings

url="http://127.0.0.1:$port/?folder=$(node -p 'encodeURIComponent(process.argv[1])' "$RUN/workspace")"
cat <<EOF

Pyrometer is running in VS Code (code-server, listening on 127.0.0.1 only):
  $url
  workspace:  $RUN/workspace
  user data:  $RUN/data/user
  server log: $RUN/logs/code-server.log
Press Ctrl-C to stop.
EOF

# Stay in the foreground while the server runs; Ctrl-C interrupts `wait`, and the EXIT trap
# (scripts/lib/code-server.sh) kills the server's process group.
wait "$CS_PID" || rc=$?
pyro_log "code-server exited (status ${rc:-0}); see $RUN/logs/code-server.log"
exit "${rc:-0}"
