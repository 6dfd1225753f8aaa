# Sourced by scripts/start.sh and scripts/test.sh: logging, phase timing, bounded commands that
# Ctrl-C can still interrupt, the npm dependency step, and one EXIT trap that runs every cleanup hook.
# shellcheck shell=bash
[ -n "${PYRO_COMMON_LOADED:-}" ] && return 0
PYRO_COMMON_LOADED=1

PYRO_REPO=${PYRO_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PYROMETER_TOOLS=${PYROMETER_TOOLS:-$HOME/.cache/pyrometer-tools}

pyro_log() { echo "[$(date +%T)] $*" >&2; }

# --- cleanup: hooks run once, on any exit (normal end, error, Ctrl-C, TERM) -------------------------
PYRO_EXIT_HOOKS=()
pyro_on_exit() { PYRO_EXIT_HOOKS+=("$1"); }
_pyro_run_exit_hooks() {
  local rc=$? h
  PYRO_EXIT_STATUS=$rc     # the script's own exit status, for hooks that decide the final one
  trap - EXIT INT TERM HUP
  for h in "${PYRO_EXIT_HOOKS[@]}"; do "$h" || true; done
  return $rc
}
trap _pyro_run_exit_hooks EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- bounded commands -------------------------------------------------------------------------------
# pyro_run_limited SECONDS CMD...: runs CMD under `timeout` (which kills CMD's whole process group on
# expiry, KILL 20 s after TERM). It runs in the background and is waited for with the `wait` builtin,
# so a Ctrl-C / TERM reaching this script interrupts at once (the EXIT hook then stops the command).
# CMD may be a shell function exported with `export -f` (it then runs in a child bash).
PYRO_LIMITED_PID=
pyro_run_limited() {
  local secs=$1 rc=0; shift
  if declare -F "$1" > /dev/null; then
    timeout -k 20 "$secs" bash -c '"$@"' "$1" "$@" &
  else
    timeout -k 20 "$secs" "$@" &
  fi
  PYRO_LIMITED_PID=$!
  wait "$PYRO_LIMITED_PID" || rc=$?
  PYRO_LIMITED_PID=
  [ "$rc" -eq 124 ] && pyro_log "timed out after ${secs}s: $*"
  return "$rc"
}
_pyro_stop_limited() {
  local p=$PYRO_LIMITED_PID
  [ -n "$p" ] || return 0
  kill -TERM "$p" 2>/dev/null || return 0   # timeout passes TERM on to its command's process group
  local i
  for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
pyro_on_exit _pyro_stop_limited

# --- phases with timings ----------------------------------------------------------------------------
PYRO_TIMINGS=()
# pyro_timed NAME CMD...: runs CMD (a command or function, in this shell) and records its wall time.
pyro_timed() {
  local name=$1 t0=$SECONDS rc=0; shift
  pyro_log "=== $name"
  "$@" || rc=$?
  PYRO_TIMINGS+=("$(printf '%-24s %4ss  exit %s' "$name" "$((SECONDS - t0))" "$rc")")
  pyro_log "=== $name: exit $rc after $((SECONDS - t0))s"
  return "$rc"
}
# pyro_phase NAME SECONDS CMD...: pyro_timed, bounded by pyro_run_limited.
pyro_phase() {
  local name=$1 secs=$2; shift 2
  pyro_timed "$name" pyro_run_limited "$secs" "$@"
}
pyro_print_timings() {
  local t
  echo "--- phases" >&2
  for t in "${PYRO_TIMINGS[@]}"; do echo "  $t" >&2; done
}

# --- npm dependencies -------------------------------------------------------------------------------
# `npm ci` unless node_modules already holds exactly what package-lock.json asks for (npm's hidden
# lockfile node_modules/.package-lock.json agrees on every package version). CI starts clean and
# always runs `npm ci`; a warm checkout does not wipe node_modules under its other users.
pyro_node_modules_in_sync() {
  (cd "$PYRO_REPO" && node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages || {};
    let have;
    try { have = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages || {}; }
    catch { process.exit(1); }
    for (const [k, v] of Object.entries(want)) {
      if (!k || v.link) continue;
      if (v.optional && !have[k]) continue;              // another platform'"'"'s optional binary
      if (!have[k] || have[k].version !== v.version || !fs.existsSync(k)) process.exit(1);
    }' 2>/dev/null)
}
pyro_npm_deps() {
  if pyro_node_modules_in_sync; then
    pyro_log "node_modules matches package-lock.json: skipping npm ci"
  else
    (cd "$PYRO_REPO" && npm ci --no-audit --no-fund)
  fi
}
export PYRO_REPO
export -f pyro_log pyro_node_modules_in_sync pyro_npm_deps
