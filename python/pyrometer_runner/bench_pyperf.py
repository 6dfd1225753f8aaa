"""The ``bench`` subcommand's pyperf engine: ``python -m pyperf timeit`` in a child, its JSON read back value by value.

The runner stays standard-library only: pyperf is never imported here, only run as ``sys.executable -m pyperf``
(so it must be installed in the interpreter that runs the runner). Its workers start with a cleared environment
(pyperf keeps PATH, HOME, locale), so the setup code puts the runner's own directory on ``sys.path`` itself before
importing the script with ``bench_run.import_script``. The script's names are copied into the timed code's globals:
names the statement uses resolve as they would inside the file (in lambdas and comprehensions too), as with the
timeit engine's ``globals=module.__dict__``.
"""
import json
import os
import re
import subprocess
import sys

MODES = ("fast", "default", "rigorous")
PYPERF_JSON = "pyperf.json"  # pyperf's own result, next to RESULT.json: compare_to names it "[pyperf]"


def installed():
    """Whether ``import pyperf`` would work in this interpreter (without importing it)."""
    import importlib.util
    return importlib.util.find_spec("pyperf") is not None


def timeit_code(script, stmt, call, call_args):
    """(SETUP, STMT) for ``pyperf timeit``: the script imported in setup, the statement or the call timed."""
    runner_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    setup = [
        "import sys as _pyro_sys",
        "_pyro_sys.path.insert(0, %r)" % runner_root,
        "from pyrometer_runner import bench_run as _pyro_bench",
        "_pyro_module = _pyro_bench.import_script(%r)" % os.path.abspath(script),
        "globals().update(_pyro_module.__dict__)",
    ]
    if call is None:
        return "\n".join(setup), stmt
    setup += [
        "from pyrometer_runner import call_warmup as _pyro_call_warmup",
        "_pyro_function = _pyro_call_warmup.resolve(_pyro_module, %r)" % call,
        "_pyro_arguments = _pyro_bench._literal_args(%r)" % call_args,
    ]
    return "\n".join(setup), "_pyro_function(*_pyro_arguments)"


def _run(argv):
    completed = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    # pyperf's progress and warnings go to our stderr (the user's output channel); our stdout stays empty.
    sys.stderr.write(completed.stdout)
    sys.stderr.write(completed.stderr)
    return completed


def _failure(kind, completed):
    said = (completed.stderr.strip() or completed.stdout.strip()).splitlines()
    # The worker's own exception ("ZeroDivisionError: division by zero") comes first, the manager's RuntimeError
    # ("... failed with exit code 1") after it: the first says what happened.
    raised = [line for line in said if re.match(r"[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b", line)]
    message = raised[0] if raised else said[-1] if said else "exit status %d" % completed.returncode
    return {"type": kind, "message": message, "traceback": completed.stderr + completed.stdout}


def read_runs(document):
    """Per process run of pyperf's JSON (its first benchmark): warm-ups, values (per-loop seconds) and loops.

    Calibration runs (warm-ups only, no values) are kept with an empty ``valuesSeconds``."""
    benchmarks = document.get("benchmarks") or []
    if not benchmarks:
        raise ValueError("pyperf's JSON holds no benchmark")
    benchmark = benchmarks[0]
    common = dict(document.get("metadata") or {})
    common.update(benchmark.get("metadata") or {})
    runs = []
    for run in benchmark.get("runs") or []:
        meta = run.get("metadata") or {}
        values = list(run.get("values") or [])
        warmups = run.get("warmups") or []
        loops = meta.get("loops", common.get("loops"))
        runs.append({"loops": loops, "calibration": not values,
                     "warmupsSeconds": [value for _loops, value in warmups],
                     "warmupLoops": [warm_loops for warm_loops, _value in warmups],
                     "valuesSeconds": values})
    return runs


def measure(options, out):
    """The pyperf part of the result (engine fields, values, optional comparison); ``error`` set on failure."""
    result = {"engine": "pyperf", "pyperfMode": options.pyperf_mode, "compareTo": options.compare_to,
              "valuesSeconds": [], "runs": [], "processes": 0, "warmups": 0, "number": 0,
              "autorange": options.number is None, "pyperfJson": None, "compareText": None, "compareError": None}
    if not installed():
        result["error"] = {"type": "PyperfNotInstalled", "traceback": "",
                           "message": "pyperf is not installed in %s: install it there (python -m pip install pyperf), "
                                      "or use the timeit engine" % sys.executable}
        return result
    own_json = os.path.join(os.path.dirname(out), PYPERF_JSON)
    if os.path.exists(own_json):
        os.remove(own_json)  # pyperf refuses to overwrite its output file
    setup, stmt = timeit_code(options.script, options.stmt, options.call, options.call_args)
    argv = [sys.executable, "-m", "pyperf", "timeit", "-o", own_json]
    if options.pyperf_mode != "default":
        argv.append("--" + options.pyperf_mode)
    if options.number is not None:
        argv += ["--loops", str(options.number)]
    argv += ["-s", setup, stmt]
    completed = _run(argv)
    if completed.returncode != 0 or not os.path.exists(own_json):
        result["error"] = _failure("PyperfFailed", completed)
        return result
    with open(own_json) as stream:
        text = stream.read()
    runs = read_runs(json.loads(text))
    measured = [run for run in runs if not run["calibration"]]
    values = [value for run in measured for value in run["valuesSeconds"]]
    loops = sorted(set(run["loops"] for run in measured if run["loops"] is not None))
    result.update({"pyperfJson": text, "runs": runs, "valuesSeconds": values, "processes": len(measured),
                   "warmups": max([len(run["warmupsSeconds"]) for run in measured] or [0]),
                   "number": loops[0] if len(loops) == 1 else 0, "error": None})
    if options.compare_to is not None:
        # --verbose: both means and pyperf's verdict ("Significant (t=...)" / "Not significant!") even when the
        # difference is not significant (pyperf would otherwise only say the benchmark is hidden).
        compared = _run([sys.executable, "-m", "pyperf", "compare_to", "--verbose", options.compare_to, own_json])
        if compared.returncode == 0:
            result["compareText"] = compared.stdout
        else:
            result["compareError"] = _failure("PyperfCompareFailed", compared)["message"]
    return result
