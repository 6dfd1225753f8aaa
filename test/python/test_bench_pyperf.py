"""The bench subcommand's pyperf engine against pyperf itself: the values are those of pyperf's own JSON, the summary
is ``statistics`` over them, the comparison is ``pyperf compare_to``'s own text.

They need an interpreter that can import pyperf: PYROMETER_PYPERF_PYTHON_3_11 / PYROMETER_PYPERF_PYTHON_3_12 (the
venvs scripts/setup-python-tools.sh makes) for the Python family running the tests; otherwise they are skipped.
The runner itself is run by that interpreter (pyperf runs as ``sys.executable -m pyperf``).
"""
import json
import os
import shutil
import statistics
import subprocess
import unittest

from runner_support import child_env, run_bench
from test_cprofile_runner import PYTHON, RUNNER, RunnerTestCase

import sys

PYPERF_ENV = "PYROMETER_PYPERF_PYTHON_%d_%d" % sys.version_info[:2]
PYPERF_PYTHON = os.environ.get(PYPERF_ENV)

SCRIPT = """
    import math, os

    DATA = list(range(200))

    def total(n, scale=1):
        return sum(DATA[:n]) * scale

    class Roots(object):
        def some(self):
            return [math.sqrt(x) for x in DATA[:20]]

    if __name__ == "__main__":
        open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "main-ran"), "w").close()
"""


def pyperf_values(path):
    """Every non-warm-up value of pyperf's JSON in order, and the runs that have values, read with json only."""
    with open(path) as stream:
        document = json.load(stream)
    runs = [run for run in document["benchmarks"][0]["runs"] if run.get("values")]
    return [value for run in runs for value in run["values"]], runs


@unittest.skipUnless(PYPERF_PYTHON and os.path.exists(PYPERF_PYTHON),
                     "%s does not name an interpreter with pyperf (scripts/setup-python-tools.sh makes it)" % PYPERF_ENV)
class PyperfBenchTest(RunnerTestCase):
    def bench(self, out_dir, *options, python=None):
        script = os.path.join(self.tmp, "bench_me.py")
        if not os.path.exists(script):
            self.write("bench_me.py", SCRIPT)
        os.makedirs(out_dir, exist_ok=True)
        return run_bench(python or PYPERF_PYTHON, RUNNER, os.path.join(out_dir, "bench.json"), options, script,
                         self.tmp, 300)

    def test_a_statement_with_the_scripts_names_gives_pyperfs_own_values(self):
        first = os.path.join(self.tmp, "first")
        completed, result = self.bench(first, "--engine", "pyperf", "--stmt", "[math.sqrt(x) for x in DATA[:10]]")
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertEqual(completed.stdout, b"")
        self.assertIsNone(result["error"])
        self.assertEqual((result["engine"], result["pyperfMode"]), ("pyperf", "fast"))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "main-ran")), "the main block ran")
        values, runs = pyperf_values(os.path.join(first, "pyperf.json"))
        self.assertEqual(result["valuesSeconds"], values)
        self.assertEqual(result["processes"], len(runs))
        self.assertGreaterEqual(len(runs), 3)  # pyperf --fast: at least 3 worker processes
        self.assertEqual([run["valuesSeconds"] for run in result["runs"] if not run["calibration"]],
                         [run["values"] for run in runs])
        self.assertEqual([run["warmupsSeconds"] for run in result["runs"] if not run["calibration"]],
                         [[value for _loops, value in run["warmups"]] for run in runs])
        self.assertEqual(result["warmups"], max(len(run["warmups"]) for run in runs))
        with open(os.path.join(first, "pyperf.json")) as stream:
            document = json.load(stream)
            self.assertEqual(result["number"], document["metadata"]["loops"])
        self.assertEqual(json.loads(result["pyperfJson"]), document)
        self.assertEqual(result["minSeconds"], min(values))
        self.assertEqual(result["maxSeconds"], max(values))
        self.assertEqual(result["medianSeconds"], statistics.median(values))
        self.assertEqual(result["meanSeconds"], statistics.mean(values))
        self.assertEqual(result["stdevSeconds"], statistics.stdev(values))
        self.assertEqual(result["metadata"]["tool"], "pyperf")

    def test_a_call_compared_with_a_previous_run_keeps_compare_tos_own_text(self):
        first, second = os.path.join(self.tmp, "first"), os.path.join(self.tmp, "second")
        completed, result = self.bench(first, "--engine", "auto", "--call", "total", "--call-args", "(1, 2)")
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertEqual(result["engine"], "pyperf")  # auto: pyperf is installed in this interpreter
        self.assertIsNone(result["compareText"])
        os.makedirs(second)
        previous = os.path.join(second, "previous-pyperf.json")
        shutil.copyfile(os.path.join(first, "pyperf.json"), previous)
        completed, result = self.bench(second, "--engine", "pyperf", "--call", "Roots.some", "--compare-to", previous)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertIsNone(result["compareError"])
        own = subprocess.run([PYPERF_PYTHON, "-m", "pyperf", "compare_to", "--verbose", previous, os.path.join(second, "pyperf.json")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        self.assertEqual(own.returncode, 0, own.stderr)
        self.assertEqual(result["compareText"], own.stdout)
        # 20 square roots against a sum of one element: pyperf calls it significant, and says by how much
        self.assertRegex(result["compareText"], r"\[previous-pyperf\] .* -> \[pyperf\] .*: [\d.]+x slower\nSignificant \(t=")

    def test_an_exception_in_the_workers_is_the_result_with_pyperfs_stderr(self):
        completed, result = self.bench(os.path.join(self.tmp, "out"), "--engine", "pyperf", "--stmt", "1/0")
        self.assertEqual(completed.returncode, 1)
        self.assertEqual(result["error"]["type"], "PyperfFailed")
        self.assertEqual(result["error"]["message"], "ZeroDivisionError: division by zero")
        self.assertIn("Traceback", result["error"]["traceback"])
        self.assertEqual(result["valuesSeconds"], [])


class PyperfUsageTest(RunnerTestCase):
    def test_compare_to_and_engine_choices_are_checked(self):
        script = self.write("bench_me.py", SCRIPT)
        out = os.path.join(self.tmp, "bench.json")
        for options, said in ((["--stmt", "1", "--compare-to", "x.json"], b"--compare-to"),
                              (["--stmt", "1", "--engine", "perf"], b"--engine is one of timeit, pyperf, auto"),
                              (["--stmt", "1", "--pyperf-mode", "slow"], b"--pyperf-mode is one of")):
            completed = subprocess.run([PYTHON, RUNNER, "bench", "--out", out] + options + ["--", script], cwd=self.tmp,
                                       env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
            self.assertEqual(completed.returncode, 2, options)
            self.assertIn(said, completed.stderr)
            self.assertFalse(os.path.exists(out))


class PyperfMissingTest(RunnerTestCase):
    def setUp(self):
        super().setUp()
        if subprocess.run([PYTHON, "-c", "import pyperf"], stderr=subprocess.DEVNULL).returncode == 0:
            self.skipTest("pyperf is importable by %s" % PYTHON)

    def run_bench(self, *options):
        script = self.write("bench_me.py", SCRIPT)
        out = os.path.join(self.tmp, "bench.json")
        completed = subprocess.run([PYTHON, RUNNER, "bench", "--out", out] + list(options) + ["--", script],
                                   cwd=self.tmp, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   timeout=120)
        with open(out) as stream:
            return completed, json.load(stream)

    def test_pyperf_asked_for_but_missing_is_a_clear_error(self):
        completed, result = self.run_bench("--engine", "pyperf", "--stmt", "1")
        self.assertEqual(completed.returncode, 1)
        self.assertEqual(result["error"]["type"], "PyperfNotInstalled")
        self.assertIn("pip install pyperf", result["error"]["message"])

    def test_auto_without_pyperf_is_timeit(self):
        completed, result = self.run_bench("--engine", "auto", "--stmt", "DATA[3]", "--number", "10", "--repeat", "2")
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertEqual((result["engine"], len(result["valuesSeconds"])), ("timeit", 2))


if __name__ == "__main__":
    unittest.main()
