"""How much the runner's line timing slows a program down, as ratios (the issue's benchmark; not a test).

    python bench/line_overhead.py [--repeats N] [--workloads DIR] INTERPRETER...

For every interpreter and workload, runs (interleaved, N times each; the figure is the median of the CPU time of
the target's own run, the result's ``metadata.cpuSeconds``, so interpreter startup and result writing are left out
and other processes on the machine disturb it less than wall time):
  - the unprofiled run:        runner run
  - cProfile:                  runner cprofile
  - line timing, scoped:       runner lines --function <each hot function>   (engine auto: sys.monitoring on 3.12+,
  - line timing, whole file:   runner lines                                   settrace before)
  - line_profiler, scoped:     runner lines --engine line_profiler --function <the same functions>
and prints a markdown table of ratios, each against the unprofiled run of the same interpreter in the same bench
run. An interpreter that cannot import line_profiler gets "n/a" in that column (give the tools venv's python,
scripts/setup-python-tools.sh makes one per version). Standard library only.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RUNNER = os.path.join(REPO, "python", "pyrometer_runner")
DEFAULT_WORKLOADS = os.path.join(os.path.dirname(REPO), "shared", "workloads")

#: workload -> the functions the scoped runs time (their hot spots)
HOT_FUNCTIONS = {
    "calls.py": ["inc", "work"],
    "mixed_app.py": ["parse", "count_codes", "slow_unique", "make_cycles"],
}


def def_lines(script, names):
    """The line of `def NAME(` for each name (the --function argument picks the function containing it)."""
    with open(script) as stream:
        source = stream.read().splitlines()
    found = []
    for name in names:
        for number, text in enumerate(source, 1):
            if text.lstrip().startswith("def %s(" % name):
                found.append(number)
                break
        else:
            raise SystemExit("line_overhead: no `def %s(` in %s" % (name, script))
    return found


def interpreter_info(python):
    code = ("import sys, platform\n"
            "try:\n import line_profiler; lp = line_profiler.__version__\n"
            "except Exception:\n lp = None\n"
            "print(platform.python_version()); print(lp or '')")
    out = subprocess.run([python, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout.splitlines()
    return out[0], (out[1] if len(out) > 1 and out[1] else None)


def run_once(python, args, script, out):
    if os.path.exists(out):
        os.unlink(out)
    completed = subprocess.run([python, RUNNER] + args[:1] + ["--out", out] + args[1:] + ["--", script],
                               cwd=os.path.dirname(script), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               universal_newlines=True)
    if completed.returncode != 0 or not os.path.exists(out):
        raise RuntimeError("%s %s failed (%d): %s" % (python, " ".join(args), completed.returncode,
                                                     completed.stderr.strip()[-300:]))
    with open(out) as stream:
        result = json.load(stream)
    return result["metadata"]["cpuSeconds"], result.get("engine", {}).get("name")


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def measure(python, script, repeats, has_lprof, tmp):
    scoped = []
    for line in def_lines(script, HOT_FUNCTIONS[os.path.basename(script)]):
        scoped += ["--function", "%s:%d" % (script, line)]
    cases = [
        ("run", ["run"]),
        ("cprofile", ["cprofile"]),
        ("lines_scoped", ["lines"] + scoped),
        ("lines_file", ["lines"]),
    ]
    if has_lprof:
        cases.append(("lprof_scoped", ["lines", "--engine", "line_profiler"] + scoped))
    times = dict((name, []) for name, _ in cases)
    engine = None
    out = os.path.join(tmp, "result.json")
    for _ in range(repeats):
        for name, args in cases:
            seconds, engine_name = run_once(python, args, script, out)
            times[name].append(seconds)
            if name == "lines_scoped":
                engine = engine_name
    medians = dict((name, median(values)) for name, values in times.items())
    return medians, engine


def ratio(value):
    return "n/a" if value is None else "%.2f×" % value


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workloads", default=DEFAULT_WORKLOADS)
    parser.add_argument("interpreters", nargs="+")
    options = parser.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory(prefix="pyrometer-line-overhead-") as tmp:
        for python in options.interpreters:
            version, lprof_version = interpreter_info(python)
            for workload in sorted(HOT_FUNCTIONS):
                script = os.path.join(options.workloads, workload)
                medians, engine = measure(python, script, options.repeats, lprof_version is not None, tmp)
                base = medians["run"]
                rows.append({
                    "workload": workload, "python": version, "engine": engine, "lprof": lprof_version,
                    "base": base,
                    "cprofile": medians["cprofile"] / base,
                    "scoped": medians["lines_scoped"] / base,
                    "file": medians["lines_file"] / base,
                    "lprof_scoped": medians["lprof_scoped"] / base if "lprof_scoped" in medians else None,
                })
    print("Line timing overhead — %s" % time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    print("machine: %s, %d cores; %s; CPU time of the target's run, median of %d interleaved runs; ratios "
          "against the unprofiled run (`runner run`) of the same interpreter in this bench run" % (
              platform.machine(), os.cpu_count() or 0, platform.platform(), options.repeats))
    print("")
    print("| workload | Python | engine | unprofiled (CPU s) | cProfile | lines, scoped | lines, whole file "
          "| line_profiler, scoped | scoped ÷ cProfile | scoped ÷ line_profiler |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        versus_lprof = row["scoped"] / row["lprof_scoped"] if row["lprof_scoped"] else None
        print("| %s | %s | %s | %.3f | %s | %s | %s | %s | %s | %s |" % (
            row["workload"], row["python"], row["engine"], row["base"], ratio(row["cprofile"]), ratio(row["scoped"]),
            ratio(row["file"]), ratio(row["lprof_scoped"]), ratio(row["scoped"] / row["cprofile"]),
            ratio(versus_lprof)))
    print("")
    print("Scoped = --function on %s. line_profiler %s (the tools venv). Below 1.00× in the last column: the "
          "scoped line timing was faster than line_profiler on the same functions." % (
              "; ".join("%s: %s" % (name, ", ".join(funcs)) for name, funcs in sorted(HOT_FUNCTIONS.items())),
              ", ".join(sorted(set(row["lprof"] for row in rows if row["lprof"]))) or "not installed"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
