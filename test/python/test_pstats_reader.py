"""The ``pstats`` subcommand (python/pyrometer_runner/pstats_read.py) on pstats files written by real tools.

    python <repo>/python/pyrometer_runner pstats --out RESULT.json PROF_FILE

The reference is always pstats itself (``pstats.Stats(PROF).stats`` and ``total_tt``), and for files the cprofile
subcommand wrote, that subcommand's own RESULT.json: reading its ``.prof`` back must give the same functions and
numbers to the last bit.
"""
import json
import marshal
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

from runner_support import child_env, read_result

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(REPO, "python", "pyrometer_runner")
WORKLOADS = os.path.join(os.path.dirname(REPO), "shared", "workloads")
PYTHON = sys.executable
PREFIX = "pyrometer-runner: "

SCRIPT = """
def leaf(n):
    return n * 2

def middle(k):
    return sum(leaf(i) for i in range(k))

def rec(n):
    return 0 if n == 0 else 1 + rec(n - 1)

middle(2000)
middle(10)
rec(30)
"""


class PstatsReaderTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pyrometer-pstats-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as stream:
            stream.write(textwrap.dedent(text))
        return path

    def run_runner(self, args, cwd=None):
        return subprocess.run([PYTHON, RUNNER] + list(args), cwd=cwd or self.tmp, env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)

    def read(self, prof):
        out = os.path.join(self.tmp, "read", "result.json")
        if not os.path.isdir(os.path.dirname(out)):
            os.makedirs(os.path.dirname(out))  # the extension gives the runner an existing run folder
        completed = self.run_runner(["pstats", "--out", out, prof])
        return completed, out

    def assert_equals_pstats(self, result, prof):
        """The result holds every entry of pstats.Stats(prof) with exactly its numbers, and nothing else."""
        stats = pstats.Stats(prof)
        got = {}
        for entry in result["functions"]:
            key = (entry["file"], entry["line"], entry["name"])
            self.assertNotIn(key, got)
            callers = dict(((e["file"], e["line"], e["name"]),
                            (e["totalCalls"], e["primitiveCalls"], e["selfSeconds"], e["cumulativeSeconds"]))
                           for e in entry["callers"])
            got[key] = (entry["primitiveCalls"], entry["totalCalls"], entry["selfSeconds"], entry["cumulativeSeconds"],
                        callers)
        self.assertEqual(got, stats.stats)
        self.assertEqual(result["totalSeconds"], stats.total_tt)

    def test_a_prof_written_by_the_cprofile_subcommand_reads_back_as_that_run_result(self):
        script = os.path.join(WORKLOADS, "calls.py")
        self.assertTrue(os.path.exists(script), "missing workload " + script)
        run_out = os.path.join(self.tmp, "run", "result.json")
        run_prof = os.path.join(self.tmp, "run", "run.prof")
        os.makedirs(os.path.dirname(run_out))
        ran = self.run_runner(["cprofile", "--out", run_out, "--prof-out", run_prof, "--", script], cwd=WORKLOADS)
        self.assertEqual(ran.returncode, 0, ran.stderr)
        run = read_result(run_out)

        completed, out = self.read(run_prof)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertEqual((completed.stdout, completed.stderr), (b"", b""))
        result = read_result(out)
        self.assertEqual(result["schema"], run["schema"])
        # Same functions, same order, same numbers, to the bit (floats are written with repr).
        self.assertEqual(result["functions"], run["functions"])
        self.assertEqual(result["totalSeconds"], run["totalSeconds"])
        self.assert_equals_pstats(result, run_prof)
        calls = [f for f in result["functions"] if f["name"] == "inc"]
        self.assertEqual([f["totalCalls"] for f in calls], [3000000])

    def test_metadata_says_what_is_known_a_file_read_by_this_interpreter(self):
        prof = os.path.join(self.tmp, "sub dir", "made.prof")
        os.makedirs(os.path.dirname(prof))
        script = self.write("script.py", SCRIPT)
        made = subprocess.run([PYTHON, "-m", "cProfile", "-o", prof, script], cwd=self.tmp, env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        self.assertEqual(made.returncode, 0, made.stderr)
        completed, out = self.read(prof)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        meta = read_result(out)["metadata"]
        self.assertEqual(meta["tool"], "cProfile (file)")
        self.assertEqual(meta["file"], prof)
        self.assertEqual(meta["cwd"], os.path.dirname(prof))
        self.assertEqual(meta["python"]["version"], sys.version.split()[0])
        self.assertEqual(meta["python"]["executable"], sys.executable)
        self.assertEqual((meta["argv"], meta["script"], meta["exception"]), ([], "", None))
        self.assertTrue(meta["fileModifiedAt"].endswith("Z"))

    def test_python_m_cprofile_output_equals_pstats(self):
        prof = os.path.join(self.tmp, "std.prof")
        script = self.write("script.py", SCRIPT)
        made = subprocess.run([PYTHON, "-m", "cProfile", "-o", prof, script], cwd=self.tmp, env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        self.assertEqual(made.returncode, 0, made.stderr)
        completed, out = self.read(prof)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        result = read_result(out)
        self.assert_equals_pstats(result, prof)
        rec = [f for f in result["functions"] if f["name"] == "rec"]
        self.assertEqual(len(rec), 1)
        self.assertEqual((rec[0]["totalCalls"], rec[0]["primitiveCalls"]), (31, 1))

    def test_the_pure_python_profile_module_keeps_pstats_figures_and_shares_edge_times_by_calls(self):
        prof = os.path.join(self.tmp, "pure.prof")
        script = self.write("script.py", SCRIPT)
        made = subprocess.run([PYTHON, "-m", "profile", "-o", prof, script], cwd=self.tmp, env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        self.assertEqual(made.returncode, 0, made.stderr)
        completed, out = self.read(prof)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        result = read_result(out)
        stats = pstats.Stats(prof)
        self.assertEqual(result["totalSeconds"], stats.total_tt)
        # `profile` keys the code it ran by the code object itself: named `co_name (file:line)`.
        def name(n):
            return n if isinstance(n, str) else "%s (%s:%d)" % (n.co_name, n.co_filename, n.co_firstlineno)
        expected = dict(((f, l, name(n)), v) for (f, l, n), v in stats.stats.items())
        self.assertTrue([k for k in expected if k[0] == "profile" and k[2].startswith("<module> (%s:" % script)],
                        sorted(expected))
        self.assertEqual(len(result["functions"]), len(expected))
        edges_seen = 0
        for entry in result["functions"]:
            cc, nc, tt, ct, callers = expected[(entry["file"], entry["line"], entry["name"])]
            self.assertEqual((entry["primitiveCalls"], entry["totalCalls"], entry["selfSeconds"],
                              entry["cumulativeSeconds"]), (cc, nc, tt, ct))
            counts = dict(((f, l, name(n)), c) for (f, l, n), c in callers.items())
            self.assertEqual(len(entry["callers"]), len(counts))
            for edge in entry["callers"]:
                count = counts[(edge["file"], edge["line"], edge["name"])]
                self.assertIsInstance(count, int, "profile records a call count per caller")
                self.assertEqual((edge["totalCalls"], edge["primitiveCalls"]), (count, count))
                self.assertAlmostEqual(edge["cumulativeSeconds"], ct * count / nc, places=12)
                self.assertAlmostEqual(edge["selfSeconds"], tt * count / nc, places=12)
                edges_seen += 1
        self.assertGreater(edges_seen, 3)
        leaf = [f for f in result["functions"] if f["name"] == "leaf"]
        self.assertEqual([f["totalCalls"] for f in leaf], [2010])

    def assert_refused(self, prof, why):
        completed, out = self.read(prof)
        self.assertEqual(completed.returncode, 2)
        self.assertEqual(completed.stdout, b"")
        text = completed.stderr.decode("utf-8")
        self.assertTrue(text.startswith(PREFIX), text)
        self.assertIn(why, text)
        self.assertFalse(os.path.exists(out), "a result was written for a file that is not a profile")
        return text

    def test_files_that_are_not_pstats_profiles_are_refused_with_a_reason(self):
        garbage = os.path.join(self.tmp, "garbage.prof")
        with open(garbage, "wb") as stream:
            stream.write(b"\x00\x01 this is not marshal \xff")
        self.assert_refused(garbage, "as a pstats profile")

        text_file = self.write("result.prof", '{"schema": "pyrometer.cprofile/1"}\n')
        self.assert_refused(text_file, "as a pstats profile")

        empty = os.path.join(self.tmp, "empty.prof")
        with open(empty, "wb") as stream:
            stream.write(marshal.dumps({}))
        self.assert_refused(empty, "empty profile")

        wrong_shape = os.path.join(self.tmp, "list.prof")
        with open(wrong_shape, "wb") as stream:
            stream.write(marshal.dumps({"not": "a key"}))
        self.assert_refused(wrong_shape, "as a pstats profile")

        truncated = os.path.join(self.tmp, "cut.prof")
        script = self.write("script.py", SCRIPT)
        whole = os.path.join(self.tmp, "whole.prof")
        made = subprocess.run([PYTHON, "-m", "cProfile", "-o", whole, script], cwd=self.tmp, env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        self.assertEqual(made.returncode, 0, made.stderr)
        with open(whole, "rb") as stream:
            data = stream.read()
        with open(truncated, "wb") as stream:
            stream.write(data[:len(data) // 2])
        self.assert_refused(truncated, "as a pstats profile")

        self.assert_refused(os.path.join(self.tmp, "missing.prof"), "does not exist")

    def test_usage_errors(self):
        for args in (["pstats"], ["pstats", "--out"], ["pstats", "--out", "r.json"],
                     ["pstats", "--out", "r.json", "a.prof", "b.prof"], ["pstats", "--bogus", "a.prof"]):
            completed = self.run_runner(args)
            self.assertEqual(completed.returncode, 2, args)
            self.assertTrue(completed.stderr.decode("utf-8").startswith(PREFIX), args)
            self.assertIn("usage: pyrometer_runner pstats", completed.stderr.decode("utf-8"))


if __name__ == "__main__":
    unittest.main()
