"""The ``run`` subcommand (python/pyrometer_runner/plain_run.py): the target run as ``python SCRIPT`` runs it, no
profiler, and a ``pyrometer.run/1`` result holding the cprofile result's metadata block.

unittest only. Every test starts the runner as a subprocess with the interpreter running the tests:

    python <repo>/python/pyrometer_runner run --out R.json -- SCRIPT ARGS

and, where the point is "like `python SCRIPT` would", runs the same script with plain `python SCRIPT` and compares
exit status, stdout and stderr byte for byte.
"""
import calendar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from runner_support import child_env, read_result

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(REPO, "python", "pyrometer_runner")
WORKLOADS = os.path.join(os.path.dirname(REPO), "shared", "workloads")
PYTHON = sys.executable
SCHEMA = "pyrometer.run/1"
METADATA_KEYS = sorted(["tool", "python", "platform", "argv", "cwd", "script", "startedAt", "wallSeconds",
                        "cpuSeconds", "exitCode", "exception", "threadsSeen", "capabilities", "module", "commandLine", "machine"])


class Completed(object):
    def __init__(self, completed, out):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.out = out
        self.result = read_result(out)

    @property
    def metadata(self):
        return self.result["metadata"]


class PlainRunnerTestCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pyrometer-plain-run-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, relative, text):
        path = os.path.join(self.tmp, relative)
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        with open(path, "wb") as stream:
            stream.write(textwrap.dedent(text).encode("utf-8"))
        return path

    def run_plain_runner(self, script, args=(), cwd=None, runner_args=None, python_flags=()):
        out = os.path.join(self.tmp, "out", "run.json")
        if not os.path.isdir(os.path.dirname(out)):
            os.makedirs(os.path.dirname(out))
        if os.path.exists(out):
            os.unlink(out)
        if runner_args is None:
            runner_args = ["run", "--out", out, "--"]
        command = [PYTHON] + list(python_flags) + [RUNNER] + list(runner_args) + [script] + list(args)
        completed = subprocess.run(command, cwd=cwd or self.tmp, env=child_env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=300)
        return Completed(completed, out)

    def plain(self, script, args=(), cwd=None):
        return subprocess.run([PYTHON, script] + list(args), cwd=cwd or self.tmp, env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)

    def assert_like_python(self, script, args=(), cwd=None):
        """Same exit status, stdout and stderr as `python SCRIPT ARGS`; returns the runner's run."""
        run = self.run_plain_runner(script, args, cwd=cwd)
        plain = self.plain(script, args, cwd=cwd)
        self.assertEqual(run.returncode, plain.returncode, run.stderr)
        self.assertEqual(run.stdout, plain.stdout)
        self.assertEqual(run.stderr, plain.stderr)
        self.assertIsNotNone(run.result, "no result written")
        self.assertEqual(run.result["schema"], SCHEMA)
        self.assertEqual(sorted(run.result), ["metadata", "schema"])
        self.assertEqual(sorted(run.metadata), METADATA_KEYS)
        self.assertEqual(run.metadata["exitCode"], plain.returncode)
        return run


class WorkloadTest(PlainRunnerTestCase):
    def test_calls_workload_runs_silently_with_metadata(self):
        script = os.path.join(WORKLOADS, "calls.py")
        self.assertTrue(os.path.exists(script), "missing workload " + script)
        run = self.assert_like_python(script, cwd=WORKLOADS)
        self.assertEqual(run.returncode, 0)
        self.assertEqual(run.stdout, b"")
        self.assertEqual(run.stderr, b"")
        meta = run.metadata
        self.assertEqual(meta["tool"], "none")
        self.assertIsNone(meta["exception"])
        self.assertEqual(meta["threadsSeen"], 0)
        self.assertEqual(meta["script"], script)
        self.assertEqual(meta["argv"], [script])
        # calls.py does 3,000,000 Python calls: its own wall and CPU time, not zero, not the runner's
        self.assertGreater(meta["wallSeconds"], 0.05)
        self.assertGreater(meta["cpuSeconds"], 0.05)


class ExitStatusTest(PlainRunnerTestCase):
    def test_sys_exit_3_is_exit_code_3_not_an_exception(self):
        script = self.write("exit3.py", """
            import sys
            def work():
                return sum(range(1000))
            work()
            print("before exit")
            sys.exit(3)
        """)
        run = self.assert_like_python(script)
        self.assertEqual(run.returncode, 3)
        self.assertEqual(run.stdout, b"before exit\n")
        self.assertEqual(run.metadata["exitCode"], 3)
        self.assertIsNone(run.metadata["exception"])

    def test_sys_exit_none_and_message(self):
        run = self.assert_like_python(self.write("exit_none.py", "import sys\nsys.exit()\n"))
        self.assertEqual(run.metadata["exitCode"], 0)
        run = self.assert_like_python(self.write("exit_msg.py", "import sys\nsys.exit('bad input: \u00fc')\n"))
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.metadata["exitCode"], 1)
        self.assertIsNone(run.metadata["exception"])
        self.assertIn("bad input", run.stderr.decode("utf-8"))

    def test_uncaught_exception_is_exit_1_with_the_pythons_traceback(self):
        script = self.write("raises.py", """
            def inner(x):
                return 1 / x
            inner(0)
        """)
        run = self.assert_like_python(script)
        self.assertEqual(run.returncode, 1)
        exception = run.metadata["exception"]
        self.assertEqual(exception["type"], "ZeroDivisionError")
        self.assertEqual(exception["message"], "division by zero")
        self.assertEqual(exception["phase"], "run")
        self.assertEqual(exception["traceback"], run.stderr.decode("utf-8"))
        self.assertNotIn("pyrometer_runner", exception["traceback"])

    def test_keyboard_interrupt_is_130(self):
        run = self.run_plain_runner(self.write("interrupted.py", "raise KeyboardInterrupt\n"))
        self.assertEqual(run.returncode, 130)
        self.assertEqual(run.metadata["exitCode"], 130)
        self.assertEqual(run.metadata["exception"]["type"], "KeyboardInterrupt")

    def test_syntax_error_is_phase_compile(self):
        run = self.assert_like_python(self.write("bad.py", "print('never')\ndef broken(:\n    pass\n"))
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stdout, b"")
        self.assertEqual(run.metadata["exception"]["phase"], "compile")
        self.assertEqual(run.metadata["exception"]["type"], "SyntaxError")

    def test_missing_script_is_phase_start_and_exit_2(self):
        run = self.run_plain_runner("no_such_script.py")
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.stdout, b"")
        stderr = run.stderr.decode("utf-8")
        self.assertTrue(stderr.startswith("pyrometer-runner: "), stderr)
        self.assertIn("no_such_script.py", stderr)
        self.assertEqual(run.metadata["exception"]["phase"], "start")
        self.assertEqual(run.metadata["exception"]["type"], "FileNotFoundError")
        self.assertEqual(run.metadata["exitCode"], 2)


PROBE = """
    import json, os, sys
    import __main__
    print(json.dumps({
        "argv": sys.argv,
        "path0": sys.path[0],
        "runner_on_path": [p for p in sys.path if "pyrometer_runner" in p or p.endswith(os.sep + "python")],
        "name": __name__,
        "file": __file__,
        "main_is_me": __main__.__dict__ is globals(),
        "cwd": os.getcwd(),
        "profiler": [sys.getprofile() is not None, sys.gettrace() is not None],
    }, sort_keys=True))
"""


class LikePythonTest(PlainRunnerTestCase):
    def test_argv_path_main_and_cwd_like_python(self):
        self.write("pkgdir/probe.py", PROBE)
        args = ["a", "b c", "--flag", "\u00fcn\u00ef", ""]
        relative = os.path.join("pkgdir", "probe.py")
        run = self.assert_like_python(relative, args, cwd=self.tmp)
        state = json.loads(run.stdout.decode("utf-8"))
        self.assertEqual(state["argv"], [relative] + args)
        self.assertEqual(state["name"], "__main__")
        self.assertTrue(state["main_is_me"])
        self.assertEqual(state["profiler"], [False, False])
        self.assertEqual(run.metadata["argv"], [relative] + args)
        self.assertEqual(run.metadata["script"], os.path.join(self.tmp, relative))
        self.assertEqual(os.path.realpath(run.metadata["cwd"]), os.path.realpath(self.tmp))

    def test_no_profiler_is_active_even_on_312(self):
        script = self.write("monitoring.py", """
            import sys
            if hasattr(sys, "monitoring"):
                print([sys.monitoring.get_tool(i) for i in range(6)])
            else:
                print(sys.getprofile())
        """)
        run = self.assert_like_python(script)
        expected = b"[None, None, None, None, None, None]\n" if hasattr(sys, "monitoring") else b"None\n"
        self.assertEqual(run.stdout, expected)

    def test_output_passes_through_unchanged(self):
        script = self.write("talk.py", """
            import sys
            print("line one")
            sys.stdout.write("no newline, ")
            sys.stdout.flush()
            sys.stderr.write("to stderr\\n")
            sys.stdout.buffer.write(b"\\xc3\\xbc raw bytes \\xff\\n")
            print("err \u00fc", file=sys.stderr)
        """)
        run = self.assert_like_python(script)
        self.assertIn(b"\xff", run.stdout)


class ThreadsAndTimesTest(PlainRunnerTestCase):
    def test_threads_seen_and_wall_time_of_a_sleeping_script(self):
        script = self.write("threads.py", """
            import threading, time
            def worker():
                time.sleep(0.2)
            threads = [threading.Thread(target=worker) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        """)
        run = self.assert_like_python(script)
        self.assertEqual(run.metadata["threadsSeen"], 2)
        self.assertGreaterEqual(run.metadata["wallSeconds"], 0.19)
        self.assertLess(run.metadata["cpuSeconds"], run.metadata["wallSeconds"])

    def test_metadata_blocks_equal_the_cprofile_subcommands(self):
        script = self.write("meta.py", "x = 1\n")
        run = self.run_plain_runner(script, ["one"])
        cprof = self.run_plain_runner(script, ["one"], runner_args=[
            "cprofile", "--out", os.path.join(self.tmp, "c.json"), "--"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(cprof.returncode, 0, cprof.stderr)
        with open(os.path.join(self.tmp, "c.json")) as stream:
            other = json.load(stream)["metadata"]
        mine = run.metadata
        self.assertEqual(sorted(mine), sorted(other))
        for key in ("python", "platform", "argv", "cwd", "script", "exitCode", "exception", "threadsSeen",
                    "capabilities"):
            self.assertEqual(mine[key], other[key], key)
        self.assertEqual((mine["tool"], other["tool"]), ("none", "cProfile"))
        self.assertRegex(mine["startedAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        started = calendar.timegm(time.strptime(mine["startedAt"][:19], "%Y-%m-%dT%H:%M:%S"))
        self.assertLess(abs(time.time() - started), 120)


class UsageTest(PlainRunnerTestCase):
    def test_usage_errors_exit_2_with_prefix_and_no_result(self):
        out = os.path.join(self.tmp, "u.json")
        for runner_args in (["run", "--"], ["run", "--out"], ["run", "--out", out, "--prof-out", "p.prof", "--"],
                            ["run", "--bogus", "--"]):
            run = self.run_plain_runner("whatever.py", runner_args=runner_args)
            self.assertEqual(run.returncode, 2, runner_args)
            self.assertTrue(run.stderr.startswith(b"pyrometer-runner: "), run.stderr)
            self.assertIn(b"usage: pyrometer_runner run", run.stderr)
            self.assertEqual(run.stdout, b"")
            self.assertFalse(os.path.exists(out), runner_args)

    def test_unknown_subcommand_lists_run(self):
        run = self.run_plain_runner("whatever.py", runner_args=["nosuchcommand", "--"])
        self.assertEqual(run.returncode, 2)
        known = run.stderr.split(b"(known: ", 1)[1].split(b")", 1)[0].split(b", ")
        self.assertIn(b"cprofile", known)
        self.assertIn(b"run", known)

    def test_result_path_survives_chdir_and_no_temp_file_is_left(self):
        script = self.write("chdir.py", "import os\nos.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))\n")
        out_dir = os.path.join(self.tmp, "rel")
        os.makedirs(out_dir)
        completed = subprocess.run([PYTHON, RUNNER, "run", "--out=r.json", "--", script], cwd=out_dir,
                                   env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertEqual(os.listdir(out_dir), ["r.json"])

    def test_dash_m_invocation(self):
        script = self.write("m/probe.py", PROBE)
        out = os.path.join(self.tmp, "m.json")
        completed = subprocess.run([PYTHON, "-m", "pyrometer_runner", "run", "--out", out, "--", script, "x"],
                                   cwd=self.tmp, env=child_env(PYTHONPATH=os.path.join(REPO, "python")),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        state = json.loads(completed.stdout.decode("utf-8"))
        self.assertEqual(state["argv"], [script, "x"])
        self.assertEqual(state["path0"], os.path.dirname(os.path.realpath(script)))
        with open(out) as stream:
            self.assertEqual(json.load(stream)["schema"], SCHEMA)


if __name__ == "__main__":
    unittest.main()


class BytecodeAfterRunTest(PlainRunnerTestCase):
    """run --bytecode-out: the adaptive bytecode as the unprofiled run left it (what py-spy runs show on hover)."""

    SCRIPT = ("import sys\n"
              "class Item:\n"
              "    def __init__(self, price):\n"
              "        self.price = price\n"
              "def total(items):\n"
              "    t = 0\n"
              "    for item in items:\n"
              "        t += item.price\n"
              "    return t\n"
              "print('dis' in sys.modules)\n"
              "total([Item(i) for i in range(5000)])\n")

    def test_writes_the_listing_and_the_run_result(self):
        script = self.write("bc.py", self.SCRIPT)
        listing_path = os.path.join(self.tmp, "out", "bytecode.json")
        out = os.path.join(self.tmp, "out", "run.json")
        run = self.run_plain_runner(script, runner_args=["run", "--out", out, "--bytecode-out", listing_path, "--"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.strip(), b"False", "dis is imported only after the script ran")
        self.assertEqual(read_result(out)["schema"], "pyrometer.run/1")
        listing = read_result(listing_path)
        self.assertEqual(listing["schema"], "pyrometer.bytecode/1")
        self.assertEqual(listing["metadata"]["tool"], "dis")
        code = [c for c in listing["codeObjects"] if c["qualname"] == "total"]
        self.assertEqual(len(code), 1)
        loads = [i for i in code[0]["instructions"] if i["line"] == 8 and i["baseOpname"] == "LOAD_ATTR"]
        self.assertEqual(len(loads), 1)
        if sys.version_info >= (3, 11):
            self.assertEqual(loads[0]["status"], "specialized", loads[0])
        else:
            self.assertEqual(loads[0]["status"], "plain")

    def test_without_the_option_no_listing_and_dis_stays_unimported(self):
        script = self.write("bc.py", self.SCRIPT)
        run = self.run_plain_runner(script)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.strip(), b"False")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out", "bytecode.json")))
