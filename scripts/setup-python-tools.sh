#!/usr/bin/env bash
# Installs the Python-side profiling tools the tests (and a developer) use, outside the checkout:
# a venv at $PYROMETER_TOOLS/venv-tools (default ~/.cache/pyrometer-tools/venv-tools) made with the default
# python3, holding py-spy pinned to the version docs and parsers were written against (from PyPI).
# Idempotent: a venv that already has the pinned version is left alone. Prints the py-spy path on stdout
# (its only stdout line), so callers can do  PYROMETER_PYSPY=$(bash scripts/setup-python-tools.sh).
set -euo pipefail
TOOLS=${PYROMETER_TOOLS:-$HOME/.cache/pyrometer-tools}
VENV=$TOOLS/venv-tools
PYSPY_VERSION=0.4.2
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
echo "$PYSPY"
