"""The bench subcommand on real scripts: timeit's procedure, every value kept, the script imported not run."""
import os
import statistics
import sys
import unittest

from runner_support import run_bench
from test_cprofile_runner import PYTHON, RUNNER, RunnerTestCase

SCRIPT = """
    import os, sys, time

    CALLS = []

    def tick(path):
        with open(path, "a") as stream:
            stream.write("x")

    class Clock(object):
        def nap(self):
            time.sleep(0.01)

    if __name__ == "__main__":
        open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "main-ran"), "w").close()
"""


class BenchTest(RunnerTestCase):
    def bench(self, *options):
        script = self.write("bench_me.py", SCRIPT)
        return run_bench(PYTHON, RUNNER, os.path.join(self.tmp, "bench.json"), options, script, self.tmp, 120)

    def test_a_call_runs_number_times_repeat_loops_with_its_arguments(self):
        ticks = os.path.join(self.tmp, "ticks")
        completed, result = self.bench("--call", "tick", "--call-args", repr((ticks,)), "--number", "4", "--repeat", "3")
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertEqual(completed.stdout, b"")
        with open(ticks) as stream:
            self.assertEqual(len(stream.read()), 12)
        self.assertEqual((result["number"], result["repeat"], result["autorange"]), (4, 3, False))
        self.assertEqual(len(result["valuesSeconds"]), 3)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "main-ran")), "the main block ran")

    def test_values_are_per_loop_seconds_and_the_summary_is_theirs(self):
        completed, result = self.bench("--call", "Clock.nap", "--number", "2", "--repeat", "5")
        self.assertEqual(completed.returncode, 0, completed.stderr)
        values = result["valuesSeconds"]
        self.assertEqual(len(values), 5)
        for value in values:
            self.assertGreaterEqual(value, 0.01)  # time.sleep(0.01) per loop, never less
            self.assertLess(value, 0.5)
        self.assertEqual(result["minSeconds"], min(values))
        self.assertEqual(result["medianSeconds"], statistics.median(values))
        self.assertEqual(result["meanSeconds"], statistics.mean(values))
        self.assertEqual(result["stdevSeconds"], statistics.stdev(values))
        self.assertEqual(result["metadata"]["python"]["version"], sys.version.split()[0])

    def test_a_statement_sees_the_scripts_names_and_autorange_picks_the_loops(self):
        completed, result = self.bench("--stmt", "CALLS.append(1)", "--repeat", "2")
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertIsNone(result["error"])
        self.assertTrue(result["autorange"])
        number = result["number"]
        # autorange's sequence 1, 2, 5, 10, 20, 50, ...
        self.assertIn(int(str(number).rstrip("0") or "0"), (1, 2, 5), number)
        # it stops at the first count taking at least 0.2 s: a repetition of that count takes about as long
        self.assertGreater(number * max(result["valuesSeconds"]), 0.05)

    def test_an_exception_in_the_statement_is_the_result(self):
        completed, result = self.bench("--stmt", "1/0")
        self.assertEqual(completed.returncode, 1)
        self.assertEqual(result["error"]["type"], "ZeroDivisionError")
        self.assertEqual(result["valuesSeconds"], [])

    def test_usage_errors(self):
        for options in (["--stmt", "1", "--call", "tick"], [], ["--stmt", "1", "--call-args", "1"]):
            completed, result = self.bench(*options)
            self.assertEqual(completed.returncode, 2, options)
            self.assertIn(b"pyrometer-runner:", completed.stderr)
            self.assertIsNone(result)


if __name__ == "__main__":
    unittest.main()
