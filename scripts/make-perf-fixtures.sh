#!/usr/bin/env bash
# Regenerates the real perf outputs the unit tests read (test/fixtures/perf/), from the regex/dict workload there.
#   bash scripts/make-perf-fixtures.sh
# Needs Linux perf (root or kernel.perf_event_paranoid <= 2) and pyenv's 3.12.x and 3.13.x. Sampling at 499 Hz (3.12) and 199 Hz (3.13, deeper stacks) keeps
# the files small. What each file is:
#   py312-perf.map               the interpreter's /tmp/perf-PID.map (-X perf), read by our parser
#   py312-dwarf-script.txt       perf script of `perf record --call-graph dwarf` on -X perf (perf named the py:: frames)
#   py312-dwarf-unresolved.txt   the same recording scripted after the map was moved away: perf prints [unknown],
#                                our parser of py312-perf.map must name them
#   py313-jit.dump               the interpreter's /tmp/jit-PID.dump (-X perf_jit)
#   py313-jit-script.txt         perf script after `perf inject --jit`: full mixed stacks
#   py313-noinject-script.txt    perf script of the same recording without inject: Python frames are [unknown]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
OUT=$REPO/test/fixtures/perf
WORKLOAD=$OUT/regex_dict_workload.py
PERF=${PYROMETER_PERF:-perf}
source "$HERE/lib/pyenv.sh"
PY312="$(pyenv prefix "$(pyro_pyenv_newest 3.12)")/bin/python"
PY313="$(pyenv prefix "$(pyro_pyenv_newest 3.13)")/bin/python"
FIELDS=comm,pid,tid,time,event,ip,sym,dso
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# 3.12: -X perf, DWARF call graphs.
"$PERF" record -q -e cpu-clock -F 499 --call-graph dwarf -o py312.data -- "$PY312" -X perf "$WORKLOAD"
PID=$("$PERF" script -i py312.data -F pid 2>/dev/null | head -n 1 | tr -d ' ')
"$PERF" script -i py312.data -F $FIELDS --no-inline > "$OUT/py312-dwarf-script.txt" 2>/dev/null
mv "/tmp/perf-$PID.map" "$OUT/py312-perf.map"
"$PERF" script -i py312.data -F $FIELDS --no-inline > "$OUT/py312-dwarf-unresolved.txt" 2>/dev/null

# 3.13: -X perf_jit, DWARF call graphs, -k 1 for perf inject --jit.
"$PERF" record -q -k 1 -e cpu-clock -F 199 --call-graph dwarf -o py313.data -- "$PY313" -X perf_jit "$WORKLOAD"
PID=$("$PERF" script -i py313.data -F pid 2>/dev/null | head -n 1 | tr -d ' ')
"$PERF" script -i py313.data -F $FIELDS --no-inline > "$OUT/py313-noinject-script.txt" 2>/dev/null
"$PERF" inject --jit -i py313.data -o py313.jit.data
"$PERF" script -i py313.jit.data -F $FIELDS --no-inline > "$OUT/py313-jit-script.txt" 2>/dev/null
cp "/tmp/jit-$PID.dump" "$OUT/py313-jit.dump"
rm -f "/tmp/jit-$PID.dump" /tmp/jitted-"$PID"-*.so "/tmp/perf-$PID.map"

for f in py312-dwarf-script.txt py312-dwarf-unresolved.txt py313-jit-script.txt py313-noinject-script.txt; do
  case $f in *unresolved*|*noinject*) continue;; esac
  grep -q "count_words" "$OUT/$f" || { echo "make-perf-fixtures: $f has no count_words frame" >&2; exit 1; }
done
{
  echo "Made by scripts/make-perf-fixtures.sh on $(date -u +%Y-%m-%dT%H:%MZ)"
  "$PERF" --version
  echo "3.12: $("$PY312" -VV | head -n 1)"
  echo "3.13: $("$PY313" -VV | head -n 1)"
  echo "workload: $WORKLOAD"
} > "$OUT/MANIFEST.txt"
ls -la "$OUT"
