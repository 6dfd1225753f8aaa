#!/usr/bin/env bash
# Runs the runner's Python tests (test/python) on every supported interpreter family we test against:
# 3.8, 3.11, 3.12 and 3.13, each resolved as $(pyenv prefix <newest installed 3.X.y>)/bin/python (not a shim).
# Writes test-results/python-3.X.json ({"suite", "passed", "failed"}) per version. A version that is not installed
# is a failure, not a skip. Exits non-zero if any version is missing or any test failed.
set -uo pipefail
cd "$(dirname "$0")/.."

VERSIONS=(3.8 3.11 3.12 3.13)
RESULTS=test-results
mkdir -p "$RESULTS"

if ! command -v pyenv >/dev/null 2>&1; then
  echo "test-python: pyenv not found on PATH; it is needed to find Python ${VERSIONS[*]}" >&2
  exit 1
fi
installed=$(pyenv versions --bare 2>/dev/null)
source "$(dirname "$0")/lib/pyenv.sh"

status=0
summary=()
for family in "${VERSIONS[@]}"; do
  suite="python-$family"
  version=$(pyro_pyenv_newest "$family")
  if [ -z "$version" ]; then
    echo "test-python: FAIL $suite: no Python $family.x installed in pyenv (installed: $(echo $installed))" >&2
    printf '{"suite": "%s", "passed": 0, "failed": 1}\n' "$suite" > "$RESULTS/$suite.json"
    summary+=("$suite: MISSING")
    status=1
    continue
  fi
  python="$(pyenv prefix "$version")/bin/python"
  if [ ! -x "$python" ]; then
    echo "test-python: FAIL $suite: $python is not an executable interpreter" >&2
    printf '{"suite": "%s", "passed": 0, "failed": 1}\n' "$suite" > "$RESULTS/$suite.json"
    summary+=("$suite: MISSING")
    status=1
    continue
  fi
  echo "test-python: $suite with $python ($version)" >&2
  rm -f "$RESULTS/$suite.json"
  if ! "$python" test/python/run_tests.py "$RESULTS/$suite.json"; then
    status=1
  fi
  if [ ! -s "$RESULTS/$suite.json" ]; then
    echo "test-python: FAIL $suite: the test runner wrote no results" >&2
    printf '{"suite": "%s", "passed": 0, "failed": 1}\n' "$suite" > "$RESULTS/$suite.json"
    status=1
  fi
  summary+=("$suite: $(cat "$RESULTS/$suite.json")")
done

printf 'test-python: %s\n' "${summary[@]}" >&2
exit $status
