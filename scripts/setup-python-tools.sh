#!/usr/bin/env bash
# Installs the Python-side profiling tools the tests (and a developer) use, outside the checkout:
# a venv at $PYROMETER_TOOLS/venv-tools (default ~/.cache/pyrometer-tools/venv-tools) made with the default
# python3, holding py-spy pinned to the version docs and parsers were written against (from PyPI).
# Also one venv per Python family in LPROF_FAMILIES ($PYROMETER_TOOLS/venv-lprof-3.11, venv-lprof-3.12), made from
# $(pyenv prefix <newest installed 3.X.y>)/bin/python and holding line_profiler pinned (from PyPI): the line-timing
# tests (PYROMETER_LPROF_PYTHON_3_11 / _3_12 = <venv>/bin/python) and bench/line_overhead.py compare against it.
# Idempotent: a venv that already has the pinned version is left alone. Prints the py-spy path on stdout
# (its only stdout line), so callers can do  PYROMETER_PYSPY=$(bash scripts/setup-python-tools.sh).
# Likewise venv-pytest-3.11 / venv-pytest-3.12 holding pytest pinned: the "Profile test" integration tests run
# pytest from them (PYROMETER_PYTEST_PYTHON_3_11 / _3_12 = <venv>/bin/python).
# And venv-pyperf-3.11 / venv-pyperf-3.12 holding pyperf pinned: the benchmark's pyperf engine is tested against
# pyperf itself with them (PYROMETER_PYPERF_PYTHON_3_11 / _3_12 = <venv>/bin/python).
# A line_profiler, pytest or pyperf venv that cannot be made (no pyenv, family not installed, pip failed) is reported on stderr and
# makes the exit status 1, after the py-spy line was printed.
set -euo pipefail
source "$(dirname "$0")/lib/pyenv.sh"
TOOLS=${PYROMETER_TOOLS:-$HOME/.cache/pyrometer-tools}
VENV=$TOOLS/venv-tools
PYSPY_VERSION=0.4.2
LPROF_VERSION=5.1.0
LPROF_FAMILIES=(3.11 3.12)
PYTEST_VERSION=9.2.0
PYTEST_FAMILIES=(3.11 3.12)
PYPERF_VERSION=2.10.0
PYPERF_FAMILIES=(3.11 3.12)
log() { echo "[setup-python-tools $(date +%T)] $*" >&2; }

PYSPY=$VENV/bin/py-spy
installed_version() { # "0.4.2" from "py-spy 0.4.2", empty when missing or broken
  [ -x "$PYSPY" ] && "$PYSPY" --version 2>/dev/null | awk '{print $2}' || true
}

if [ "$(installed_version)" != "$PYSPY_VERSION" ]; then
  mkdir -p "$TOOLS"
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    # Resolve the default python3 to its real executable (pyenv shims make fragile venvs).
    base=$(python3 -c 'import sys; print(sys.executable)')
    log "venv $VENV with $base"
    rm -rf "$VENV"
    "$base" -m venv "$VENV"
  fi
  log "py-spy==$PYSPY_VERSION from PyPI"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "py-spy==$PYSPY_VERSION" >&2
  if [ "$(installed_version)" != "$PYSPY_VERSION" ]; then
    log "py-spy $PYSPY_VERSION did not install into $VENV (found: '$(installed_version)')"
    exit 1
  fi
fi
log "ready: py-spy $PYSPY_VERSION"

module_version() { # module_version PYTHON MODULE: MODULE.__version__ importable by PYTHON, empty when missing or broken
  [ -x "$1" ] && "$1" -c "import $2; print($2.__version__)" 2>/dev/null || true
}

# setup_pinned FAMILY KIND PACKAGE VERSION MODULE: the venv-KIND-FAMILY venv with PACKAGE==VERSION; non-zero on failure.
# (Run in an `||` list, where `set -e` does not apply: every step checks its own status.)
setup_pinned() {
  local family=$1 kind=$2 package=$3 wanted=$4 module=$5 venv=$TOOLS/venv-$2-$1 version prefix
  if [ "$(module_version "$venv/bin/python" "$module")" = "$wanted" ]; then
    log "ready: $package $wanted in $venv"
    return 0
  fi
  if ! command -v pyenv >/dev/null 2>&1; then
    log "pyenv not found on PATH: cannot make $venv"
    return 1
  fi
  version=$(pyro_pyenv_newest "$family")
  if [ -z "$version" ]; then
    log "no Python $family.x installed in pyenv: cannot make $venv"
    return 1
  fi
  prefix=$(pyenv prefix "$version") || return 1
  mkdir -p "$TOOLS" || return 1
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    log "venv $venv with $prefix/bin/python"
    rm -rf "$venv" && "$prefix/bin/python" -m venv "$venv" || return 1
  fi
  log "$package==$wanted from PyPI into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$package==$wanted" >&2 || return 1
  if [ "$(module_version "$venv/bin/python" "$module")" != "$wanted" ]; then
    log "$package $wanted did not install into $venv (found: '$(module_version "$venv/bin/python" "$module")')"
    return 1
  fi
  log "ready: $package $wanted in $venv"
}

lprof_status=0
for family in "${LPROF_FAMILIES[@]}"; do
  setup_pinned "$family" lprof line_profiler "$LPROF_VERSION" line_profiler || lprof_status=1
done
for family in "${PYTEST_FAMILIES[@]}"; do
  setup_pinned "$family" pytest pytest "$PYTEST_VERSION" pytest || lprof_status=1
done
for family in "${PYPERF_FAMILIES[@]}"; do
  setup_pinned "$family" pyperf pyperf "$PYPERF_VERSION" pyperf || lprof_status=1
done

echo "$PYSPY"
exit "$lprof_status"
