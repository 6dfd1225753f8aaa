# Sourced by the scripts that pick a Python from pyenv (tests, tool venvs, fixture makers); no side effects.
# shellcheck shell=bash

# pyro_pyenv_newest X.Y: the newest installed final release X.Y.Z (digits and dots only), or nothing.
pyro_pyenv_newest() {
  pyenv versions --bare 2>/dev/null | grep -E "^${1//./\\.}\.[0-9]+$" | sort -t. -k3,3n | tail -n 1
}
