"""The cprofile runner (python/pyrometer_runner) run as the extension runs it, on real programs.

unittest only (the pyenv interpreters have no pytest). Every test starts the runner as a subprocess with the
interpreter running the tests:

    python <repo>/python/pyrometer_runner cprofile --out R.json --prof-out R.prof -- SCRIPT ARGS

and, where the point is "like `python SCRIPT` would", runs the same script with plain `python SCRIPT` and compares.
"""
import calendar
import json
import os
import pstats
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

EXEC_ENTRY = "<built-in method builtins.exec>"
DISABLE_ENTRY = "<method 'disable' of '_lsprof.Profiler' objects>"
RUNNER_FILES_PREFIX = os.path.join(RUNNER, "")
THREAD_COUNTER = "count_started_thread"


class Run(object):
    def __init__(self, completed, result_path, prof_path):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.result_path = result_path
        self.prof_path = prof_path
        self.result = read_result(result_path)

    @property
    def metadata(self):
        return self.result["metadata"]

    def function(self, name, file_suffix=None):
        found = [f for f in self.result["functions"]
                 if f["name"] == name and (file_suffix is None or f["file"].endswith(file_suffix))]
        if len(found) != 1:
            raise AssertionError("expected one function %r, found %d" % (name, len(found)))
        return found[0]

    def names(self):
        return set(f["name"] for f in self.result["functions"])


class RunnerTestCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pyrometer-runner-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, relative, text, encoding="utf-8"):
        path = os.path.join(self.tmp, relative)
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            os.makedirs(directory)
        with open(path, "wb") as stream:
            stream.write(textwrap.dedent(text).encode(encoding) if isinstance(text, str) else text)
        return path

    def runner(self, script, args=(), cwd=None, env=None, prof=True, runner_args=None, timeout=300):
        out = os.path.join(self.tmp, "out", "result.json")
        prof_path = os.path.join(self.tmp, "out", "run.prof")
        for stale in (out, prof_path):
            if os.path.exists(stale):
                os.unlink(stale)
        if not os.path.isdir(os.path.dirname(out)):
            os.makedirs(os.path.dirname(out))
        if runner_args is None:
            runner_args = ["cprofile", "--out", out] + (["--prof-out", prof_path] if prof else []) + ["--"]
        command = [PYTHON, RUNNER] + list(runner_args) + [script] + list(args)
        completed = subprocess.run(command, cwd=cwd or self.tmp, env=env or child_env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=timeout)
        return Run(completed, out, prof_path)

    def plain(self, script, args=(), cwd=None, env=None):
        return subprocess.run([PYTHON, script] + list(args), cwd=cwd or self.tmp, env=env or child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)

    def assert_matches_pstats(self, run):
        """Every entry of pstats.Stats(prof) is in the JSON with exactly its numbers, and nothing else is."""
        self.assertTrue(os.path.exists(run.prof_path), "the .prof was not written")
        stats = pstats.Stats(run.prof_path)
        got = {}
        for entry in run.result["functions"]:
            key = (entry["file"], entry["line"], entry["name"])
            self.assertNotIn(key, got, "duplicate function %r" % (key,))
            for name in ("primitiveCalls", "totalCalls"):
                self.assertIs(type(entry[name]), int, "%s of %r" % (name, key))
            for name in ("selfSeconds", "cumulativeSeconds"):
                self.assertIn(type(entry[name]), (int, float), "%s of %r" % (name, key))
            callers = {}
            for edge in entry["callers"]:
                callers[(edge["file"], edge["line"], edge["name"])] = (
                    edge["totalCalls"], edge["primitiveCalls"], edge["selfSeconds"], edge["cumulativeSeconds"])
            got[key] = (entry["primitiveCalls"], entry["totalCalls"], entry["selfSeconds"],
                        entry["cumulativeSeconds"], callers)
        self.assertEqual(got, stats.stats)
        self.assertEqual(run.result["totalSeconds"], stats.total_tt)
        return stats

    def assert_no_runner_code(self, run, allow_thread_counter=False):
        """Of the runner, the profile holds only the exec that runs the target and the disable call."""
        for entry in run.result["functions"]:
            if entry["file"].startswith(RUNNER_FILES_PREFIX) or "pyrometer_runner" in entry["file"]:
                if allow_thread_counter and entry["name"] == THREAD_COUNTER:
                    continue
                self.fail("runner code in the profile: %r" % (entry,))


class CallsWorkloadTest(RunnerTestCase):
    def test_calls_workload_counts_and_exact_pstats_numbers(self):
        script = os.path.join(WORKLOADS, "calls.py")
        self.assertTrue(os.path.exists(script), "missing workload " + script)
        run = self.runner(script)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"")
        self.assertEqual(run.stderr, b"")
        self.assertEqual(run.result["schema"], "pyrometer.cprofile/1")
        inc = run.function("inc", "calls.py")
        self.assertEqual(inc["totalCalls"], 3000000)
        self.assertEqual(inc["primitiveCalls"], 3000000)
        self.assertEqual(inc["line"], 4)
        self.assertEqual([(c["name"], c["totalCalls"]) for c in inc["callers"]], [("work", 3000000)])
        self.assertEqual(run.function("work", "calls.py")["totalCalls"], 3)
        self.assertEqual(run.function("main", "calls.py")["totalCalls"], 1)
        self.assert_matches_pstats(run)
        self.assert_no_runner_code(run)
        builtins_seen = set(f["name"] for f in run.result["functions"] if f["file"] == "~")
        self.assertEqual(builtins_seen, {EXEC_ENTRY, DISABLE_ENTRY})
        module = run.function("<module>", "calls.py")
        self.assertEqual([c["name"] for c in module["callers"]], [EXEC_ENTRY])
        self.assertGreater(run.result["totalSeconds"], 0)
        self.assertEqual(run.metadata["exitCode"], 0)
        self.assertIsNone(run.metadata["exception"])
        self.assertEqual(run.metadata["threadsSeen"], 0)


FIB = """
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    fib(%d)
"""


class RecursionTest(RunnerTestCase):
    def test_recursive_function_has_one_primitive_call(self):
        n = 18
        calls = {0: 1, 1: 1}
        for i in range(2, n + 1):
            calls[i] = 1 + calls[i - 1] + calls[i - 2]
        script = self.write("fib.py", FIB % n)
        run = self.runner(script)
        self.assertEqual(run.returncode, 0, run.stderr)
        fib = run.function("fib")
        self.assertEqual(fib["primitiveCalls"], 1)
        self.assertEqual(fib["totalCalls"], calls[n])
        self.assertEqual("%d/%d" % (fib["totalCalls"], fib["primitiveCalls"]), "%d/1" % calls[n])
        self.assertEqual(calls[n], 8361)  # the figure python-facts.md quotes for fib(18)
        callers = dict((c["name"], c) for c in fib["callers"])
        self.assertEqual(callers["fib"]["totalCalls"], calls[n] - 1)
        self.assertEqual(callers["<module>"]["totalCalls"], 1)
        self.assert_matches_pstats(run)


WORK = """
    import sys

    def work():
        return sum(i * i for i in range(1000))

    def main():
        work()
        %s

    main()
"""


class ExitTest(RunnerTestCase):
    def test_sys_exit_3(self):
        run = self.runner(self.write("exit3.py", WORK % "sys.exit(3)"))
        self.assertEqual(run.returncode, 3)
        self.assertEqual(run.stderr, b"")
        self.assertEqual(run.metadata["exitCode"], 3)
        self.assertIsNone(run.metadata["exception"])
        self.assertIn("work", run.names())
        self.assertIn("main", run.names())
        self.assertEqual(run.function("work")["totalCalls"], 1)
        self.assert_matches_pstats(run)
        self.assert_no_runner_code(run)

    def test_sys_exit_none_is_0(self):
        run = self.runner(self.write("exit_none.py", WORK % "sys.exit()"))
        self.assertEqual(run.returncode, 0)
        self.assertEqual(run.metadata["exitCode"], 0)
        self.assertIsNone(run.metadata["exception"])

    def test_sys_exit_message_is_1_and_printed_like_python(self):
        script = self.write("exit_msg.py", WORK % "sys.exit('bad input: ü')")
        run = self.runner(script)
        plain = self.plain(script)
        self.assertEqual(plain.returncode, 1)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stderr, plain.stderr)
        self.assertEqual(run.stdout, plain.stdout)
        self.assertEqual(run.metadata["exitCode"], 1)
        self.assertIsNone(run.metadata["exception"])
        self.assertIn("work", run.names())

    def test_normal_end_with_output_after_exit_in_atexit(self):
        script = self.write("atexit_out.py", """
            import atexit
            atexit.register(print, "bye from atexit")
            print("hello")
        """)
        run = self.runner(script)
        plain = self.plain(script)
        self.assertEqual(run.returncode, 0)
        self.assertEqual(run.stdout, plain.stdout)
        self.assertEqual(run.stdout, b"hello\nbye from atexit\n")


RAISES = """
    class CustomError(Exception):
        pass

    def inner(x):
        return 1 / x

    def outer():
        inner(1)
        try:
            inner(0)
        except ZeroDivisionError as exc:
            %s

    outer()
"""


class ExceptionTest(RunnerTestCase):
    def test_uncaught_exception_is_exit_1_with_traceback_and_profile(self):
        script = self.write("raises.py", RAISES % "raise")
        run = self.runner(script)
        plain = self.plain(script)
        self.assertEqual(plain.returncode, 1)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stdout, b"")
        self.assertEqual(run.stderr, plain.stderr)  # the same traceback, no runner frames
        exception = run.metadata["exception"]
        self.assertEqual(exception["type"], "ZeroDivisionError")
        self.assertEqual(exception["message"], "division by zero")
        self.assertEqual(exception["phase"], "run")
        self.assertEqual(exception["traceback"], plain.stderr.decode("utf-8"))
        self.assertTrue(exception["traceback"].startswith("Traceback (most recent call last):\n"))
        self.assertIn("in inner", exception["traceback"])
        self.assertNotIn("pyrometer_runner", exception["traceback"])
        self.assertEqual(run.metadata["exitCode"], 1)
        self.assertEqual(run.function("inner")["totalCalls"], 2)
        self.assertEqual(run.function("outer")["totalCalls"], 1)
        self.assert_matches_pstats(run)
        self.assert_no_runner_code(run)

    def test_chained_custom_exception_named_like_traceback_names_it(self):
        script = self.write("chained.py", RAISES % "raise CustomError('wrapped') from exc")
        run = self.runner(script)
        plain = self.plain(script)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stderr, plain.stderr)
        exception = run.metadata["exception"]
        self.assertEqual(exception["type"], "CustomError")
        self.assertEqual(exception["message"], "wrapped")
        self.assertIn("The above exception was the direct cause", exception["traceback"])

    def test_exception_from_a_module_is_qualified(self):
        self.write("pkg_errors.py", """
            class Broken(Exception):
                pass

            def fail():
                raise Broken("from a module")
        """)
        script = self.write("use_module.py", """
            import pkg_errors
            pkg_errors.fail()
        """)
        run = self.runner(script)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.metadata["exception"]["type"], "pkg_errors.Broken")
        self.assertEqual(run.stderr, self.plain(script).stderr)

    def test_targets_own_excepthook_is_used(self):
        script = self.write("hook.py", """
            import sys
            def hook(kind, value, tb):
                sys.stderr.write("HOOK %s %s\\n" % (kind.__name__, value))
            sys.excepthook = hook
            raise RuntimeError("boom")
        """)
        run = self.runner(script)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stderr, b"HOOK RuntimeError boom\n")
        self.assertEqual(run.stderr, self.plain(script).stderr)
        self.assertEqual(run.metadata["exception"]["type"], "RuntimeError")

    def test_keyboard_interrupt_is_130(self):
        script = self.write("interrupted.py", """
            def spin():
                raise KeyboardInterrupt

            spin()
        """)
        run = self.runner(script)
        self.assertEqual(run.returncode, 130)
        self.assertEqual(run.metadata["exitCode"], 130)
        exception = run.metadata["exception"]
        self.assertEqual(exception["type"], "KeyboardInterrupt")
        self.assertEqual(exception["phase"], "run")
        self.assertIn("KeyboardInterrupt", run.stderr.decode("utf-8"))
        self.assertEqual(run.function("spin")["totalCalls"], 1)
        self.assert_matches_pstats(run)


class CompileAndStartTest(RunnerTestCase):
    def test_syntax_error_is_phase_compile(self):
        script = self.write("bad_syntax.py", """
            print("never runs")
            def broken(:
                pass
        """)
        run = self.runner(script)
        plain = self.plain(script)
        self.assertEqual(plain.returncode, 1)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stdout, b"")
        self.assertEqual(run.stderr, plain.stderr)
        exception = run.metadata["exception"]
        self.assertEqual(exception["phase"], "compile")
        self.assertEqual(exception["type"], "SyntaxError")
        self.assertIn("bad_syntax.py", exception["traceback"])
        self.assertEqual(run.result["functions"], [])
        self.assertEqual(run.metadata["exitCode"], 1)
        self.assertFalse(os.path.exists(run.prof_path), "a .prof for a run that never started")

    def test_missing_script_is_phase_start_and_exit_2(self):
        run = self.runner("no_such_script.py")
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.stdout, b"")
        stderr = run.stderr.decode("utf-8")
        self.assertTrue(stderr.startswith("pyrometer-runner: "), stderr)
        self.assertIn("no_such_script.py", stderr)
        self.assertEqual(stderr.count("\n"), 1, stderr)
        self.assertIsNotNone(run.result, "no result written for a missing script")
        exception = run.metadata["exception"]
        self.assertEqual(exception["phase"], "start")
        self.assertEqual(exception["type"], "FileNotFoundError")
        self.assertNotIn("pyrometer_runner", exception["traceback"])
        self.assertEqual(run.metadata["exitCode"], 2)
        self.assertEqual(run.result["functions"], [])
        self.assertFalse(os.path.exists(run.prof_path))

    def test_usage_errors_exit_2_with_prefix(self):
        for runner_args in (["cprofile", "--"], ["cprofile", "--prof-out"], ["nosuchcommand", "--out", "x", "--"]):
            run = self.runner("whatever.py", runner_args=runner_args)
            self.assertEqual(run.returncode, 2, runner_args)
            self.assertTrue(run.stderr.startswith(b"pyrometer-runner: "), run.stderr)
            self.assertEqual(run.stdout, b"")

    def test_profiler_already_active(self):
        """3.12+: another sys.monitoring tool holds cProfile's id -> runner error; <=3.11: cProfile replaces it."""
        site_dir = os.path.join(self.tmp, "site")
        self.write("site/sitecustomize.py", """
            import sys
            if hasattr(sys, "monitoring"):
                sys.monitoring.use_tool_id(sys.monitoring.PROFILER_ID, "someone else")
            else:
                sys.setprofile(lambda frame, event, arg: None)
        """)
        script = self.write("victim.py", WORK % "print('ran')")
        run = self.runner(script, env=child_env(PYTHONPATH=site_dir))
        if sys.version_info >= (3, 12):
            self.assertEqual(run.returncode, 2)
            self.assertEqual(run.stdout, b"")  # the target did not run
            stderr = run.stderr.decode("utf-8")
            self.assertTrue(stderr.startswith("pyrometer-runner: "), stderr)
            self.assertIn("Another profiling tool is already active", stderr)
            exception = run.metadata["exception"]
            self.assertEqual(exception["phase"], "start")
            self.assertEqual(exception["type"], "ValueError")
            self.assertEqual(exception["traceback"], "ValueError: Another profiling tool is already active\n")
            self.assertEqual(run.metadata["exitCode"], 2)
            self.assertEqual(run.result["functions"], [])
        else:
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertEqual(run.stdout, b"ran\n")
            self.assertEqual(run.function("work")["totalCalls"], 1)
            self.assert_matches_pstats(run)


PROBE = """
    import json, os, sys
    import __main__
    frame = sys._getframe()
    print(json.dumps({
        "argv": sys.argv,
        "path": sys.path,
        "name": __name__,
        "file": __file__,
        "co_filename": frame.f_code.co_filename,
        "globals": [(k, type(v).__name__) for k, v in globals().items() if k.startswith("__")],
        "main_is_me": __main__.__dict__ is globals(),
        "loader": [type(__loader__).__name__, __loader__.name, __loader__.path],
        "cwd": os.getcwd(),
        "modules_named_target": repr(sys.modules.get("target")),
    }, sort_keys=True))
"""


class MainStateTest(RunnerTestCase):
    def check_like_python(self, script, args, cwd):
        run = self.runner(script, args, cwd=cwd)
        plain = self.plain(script, args, cwd=cwd)
        self.assertEqual(plain.returncode, 0, plain.stderr)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stderr, b"")
        state = json.loads(run.stdout.decode("utf-8"))
        self.assertEqual(state, json.loads(plain.stdout.decode("utf-8")))
        self.assertEqual(run.stdout, plain.stdout)
        return run, state

    def test_argv_path_name_file_like_python_script(self):
        script = self.write("pkgdir/probe.py", PROBE)
        args = ["a", "b c", "--flag", "ünï", ""]
        run, state = self.check_like_python(os.path.join("pkgdir", "probe.py"), args, cwd=self.tmp)
        self.assertEqual(state["argv"], [os.path.join("pkgdir", "probe.py")] + args)
        self.assertEqual(state["path"][0], os.path.dirname(os.path.realpath(script)))
        self.assertEqual(state["name"], "__main__")
        self.assertTrue(state["main_is_me"])
        for entry in state["path"]:
            self.assertNotIn("pyrometer_runner", entry)
            self.assertNotEqual(os.path.realpath(entry or "."), os.path.realpath(os.path.join(REPO, "python")))
        self.assertEqual(run.metadata["argv"], [os.path.join("pkgdir", "probe.py")] + args)
        self.assertEqual(run.metadata["script"], os.path.realpath(script))
        self.assert_matches_pstats(run)

    def test_absolute_and_symlinked_script(self):
        script = self.write("real/probe.py", PROBE)
        self.check_like_python(script, [], cwd=self.tmp)
        link = os.path.join(self.tmp, "link.py")
        os.symlink(script, link)
        run, state = self.check_like_python("./link.py", [], cwd=self.tmp)
        self.assertEqual(state["path"][0], os.path.dirname(os.path.realpath(script)))

    def test_cwd_untouched(self):
        script = self.write("elsewhere/probe.py", PROBE)
        workdir = os.path.join(self.tmp, "work dir")
        os.makedirs(workdir)
        run, state = self.check_like_python(script, [], cwd=workdir)
        self.assertEqual(os.path.realpath(state["cwd"]), os.path.realpath(workdir))
        self.assertEqual(os.path.realpath(run.metadata["cwd"]), os.path.realpath(workdir))

    def test_path_with_spaces_and_non_ascii(self):
        script = self.write(os.path.join("dir with spaces", "ünïcødé", "prøbe script.py"), PROBE)
        cwd = os.path.dirname(script)
        run, state = self.check_like_python(script, ["ärg"], cwd=cwd)
        self.assertEqual(run.metadata["script"], os.path.realpath(script))
        self.assertEqual(run.function("<module>", "prøbe script.py")["file"], state["co_filename"])
        self.assertEqual(os.path.realpath(run.metadata["cwd"]), os.path.realpath(cwd))
        run2, _ = self.check_like_python(os.path.basename(script), [], cwd=cwd)  # relative, non-ASCII
        self.assert_matches_pstats(run2)

    def test_target_modules_named_like_runner_modules_are_the_targets(self):
        self.write("app/target.py", "WHO = 'the target'\n")
        self.write("app/metadata.py", "WHO = 'the target'\n")
        self.write("app/errors.py", "WHO = 'the target'\n")
        script = self.write("app/main.py", """
            import target, metadata, errors
            print(target.WHO, metadata.WHO, errors.WHO)
        """)
        run = self.runner(script)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"the target the target the target\n")

    def test_standard_module_names_in_script_dir_do_not_break_the_runner(self):
        for name in ("json", "platform", "sysconfig", "re", "traceback", "pstats"):
            self.write("shadow/%s.py" % name, "print('imported the shadow %s')\n" % name)
        script = self.write("shadow/main.py", """
            def work():
                return 42
            work()
            print("done")
        """)
        run = self.runner(script)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"done\n")
        self.assertEqual(run.stderr, b"")
        self.assertEqual(run.function("work")["totalCalls"], 1)

    def test_classes_of_the_script_pickle_like_in_main(self):
        script = self.write("pickles.py", """
            import pickle
            class Point(object):
                def __init__(self, x):
                    self.x = x
            print(pickle.loads(pickle.dumps(Point(7))).x)
        """)
        run = self.runner(script)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"7\n")

    def test_coding_cookie(self):
        script = self.write("latin.py", "# -*- coding: latin-1 -*-\nprint(repr('\u00e9t\u00e9'))\n", encoding="latin-1")
        run = self.runner(script)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, self.plain(script).stdout)

    def test_result_paths_survive_chdir_in_target(self):
        script = self.write("chdir.py", """
            import os
            os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        """)
        out_dir = os.path.join(self.tmp, "rel")
        os.makedirs(out_dir)
        completed = subprocess.run(
            [PYTHON, RUNNER, "cprofile", "--out", "r.json", "--prof-out=r.prof", "--", script],
            cwd=out_dir, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        self.assertEqual(sorted(os.listdir(out_dir)), ["r.json", "r.prof"])  # and no temp file left over
        with open(os.path.join(out_dir, "r.json")) as stream:
            result = json.load(stream)
        self.assertEqual(os.path.realpath(result["metadata"]["cwd"]), os.path.realpath(out_dir))
        self.assertEqual(pstats.Stats(os.path.join(out_dir, "r.prof")).stats.keys(),
                         set((f["file"], f["line"], f["name"]) for f in result["functions"]))

    def test_dash_m_invocation(self):
        script = self.write("m/probe.py", PROBE)
        out = os.path.join(self.tmp, "m.json")
        completed = subprocess.run(
            [PYTHON, "-m", "pyrometer_runner", "cprofile", "--out", out, "--", script, "x"],
            cwd=self.tmp, env=child_env(PYTHONPATH=os.path.join(REPO, "python")),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        state = json.loads(completed.stdout.decode("utf-8"))
        self.assertEqual(state["argv"], [script, "x"])
        self.assertEqual(state["name"], "__main__")
        self.assertEqual(state["path"][0], os.path.dirname(os.path.realpath(script)))
        self.assertNotIn(self.tmp, state["path"][1:])
        with open(out) as stream:
            self.assertEqual(json.load(stream)["metadata"]["exitCode"], 0)


class OutputTest(RunnerTestCase):
    def test_output_passes_through_unchanged(self):
        script = self.write("talk.py", """
            import sys
            print("line one")
            sys.stdout.write("no newline, ")
            sys.stdout.flush()
            sys.stderr.write("to stderr\\n")
            sys.stdout.buffer.write(b"\\xc3\\xbc raw bytes \\xff\\n")
            print("ünïcødé", end="")
            print("err ü", file=sys.stderr)
        """)
        run = self.runner(script)
        plain = self.plain(script)
        self.assertEqual(run.returncode, 0)
        self.assertEqual(run.stdout, plain.stdout)
        self.assertEqual(run.stderr, plain.stderr)
        self.assertIn(b"\xff", run.stdout)

    def test_large_output(self):
        script = self.write("big.py", """
            import sys
            line = "x" * 99 + "\\n"
            for i in range(40000):
                sys.stdout.write(line)
            sys.stderr.write("e" * 300000)
        """)
        run = self.runner(script)
        self.assertEqual(run.returncode, 0, run.stderr[-200:])
        self.assertEqual(len(run.stdout), 4000000)
        self.assertEqual(run.stdout, (b"x" * 99 + b"\n") * 40000)
        self.assertEqual(run.stderr, b"e" * 300000)
        self.assertEqual(run.function("<module>")["totalCalls"], 1)


class MetadataTest(RunnerTestCase):
    def test_metadata_fields_and_types(self):
        import platform

        script = self.write("meta.py", WORK % "pass")
        before = time.time()
        run = self.runner(script, ["one"])
        after = time.time()
        self.assertEqual(run.returncode, 0, run.stderr)
        meta = run.metadata
        self.assertEqual(meta["tool"], "cProfile")
        python = meta["python"]
        self.assertEqual(python["version"], platform.python_version())
        self.assertEqual(python["implementation"], platform.python_implementation())
        self.assertEqual(python["executable"], sys.executable)
        self.assertEqual(python["build"], list(platform.python_build()))
        self.assertEqual(python["compiler"], platform.python_compiler())
        self.assertIs(python["debugBuild"], hasattr(sys, "gettotalrefcount"))
        self.assertEqual(python["optimizeLevel"], 0)
        self.assertIs(python["gilDisabled"], False)
        self.assertIsInstance(meta["platform"], str)
        if sys.platform.startswith("linux"):
            expected = platform.platform()
            if sys.version_info < (3, 9):  # 3.8 reads the glibc version out of the executable
                expected = expected.split("-with-")[0]
            self.assertTrue(meta["platform"].startswith(expected), (meta["platform"], platform.platform()))
        self.assertEqual(meta["argv"], [script, "one"])
        self.assertEqual(os.path.realpath(meta["cwd"]), os.path.realpath(self.tmp))
        self.assertEqual(meta["script"], script)
        self.assertRegex(meta["startedAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        started = calendar.timegm(time.strptime(meta["startedAt"][:19], "%Y-%m-%dT%H:%M:%S"))
        self.assertTrue(before - 2 <= started <= after + 2, (before, started, after))
        for name in ("wallSeconds", "cpuSeconds"):
            self.assertIsInstance(meta[name], float)
            self.assertGreaterEqual(meta[name], 0.0)
        self.assertIs(type(meta["exitCode"]), int)
        self.assertIsNone(meta["exception"])
        self.assertIs(type(meta["threadsSeen"]), int)
        capabilities = meta["capabilities"]
        self.assertEqual(sorted(capabilities), sorted(["sysMonitoring", "adaptiveDis", "perfTrampoline", "perfJit",
                                                       "cprofileSeesThreads", "freeThreading"]))
        for name, value in capabilities.items():
            self.assertIs(type(value), bool, name)
        self.assertIs(capabilities["sysMonitoring"], hasattr(sys, "monitoring"))
        self.assertIs(capabilities["adaptiveDis"], sys.version_info >= (3, 11))
        self.assertIs(capabilities["cprofileSeesThreads"], sys.version_info >= (3, 12))
        self.assertIs(capabilities["freeThreading"], False)
        if sys.version_info < (3, 12):
            self.assertIs(capabilities["perfTrampoline"], False)
        if not capabilities["perfTrampoline"] or sys.version_info < (3, 13):
            self.assertIs(capabilities["perfJit"], False)
        self.assertIsInstance(run.result["totalSeconds"], float)

    def test_optimize_level(self):
        script = self.write("opt.py", "assert False, 'asserts are stripped under -O'\n")
        out = os.path.join(self.tmp, "o.json")
        completed = subprocess.run([PYTHON, "-O", RUNNER, "cprofile", "--out", out, "--", script], cwd=self.tmp,
                                   env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        with open(out) as stream:
            self.assertEqual(json.load(stream)["metadata"]["python"]["optimizeLevel"], 1)


THREADS = """
    import threading, _thread

    def worker(n):
        return sum(range(n))

    def main():
        threads = [threading.Thread(target=worker, args=(10000,)) for _ in range(%d)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        %s

    main()
"""


class ThreadsTest(RunnerTestCase):
    def test_threads_seen_counts_a_started_thread(self):
        run = self.runner(self.write("one_thread.py", THREADS % (1, "pass")))
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.metadata["threadsSeen"], 1)
        self.assert_matches_pstats(run)
        self.assert_no_runner_code(run, allow_thread_counter=True)
        counter = run.function(THREAD_COUNTER)
        self.assertEqual(counter["totalCalls"], 1)
        if sys.version_info < (3, 12):  # cProfile sees the main thread only
            self.assertNotIn("worker", run.names())
        else:  # monitoring-based cProfile sees every thread
            self.assertIn("worker", run.names())

    def test_threads_seen_counts_raw_threads_and_imported_threading(self):
        raw = ("done = threading.Event()\n"
               "        _thread.start_new_thread(lambda: (worker(10), done.set()), ())\n"
               "        done.wait()")
        run = self.runner(self.write("three_threads.py", THREADS % (2, raw)))
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.metadata["threadsSeen"], 3)
        self.assert_matches_pstats(run)

    def test_no_threads(self):
        run = self.runner(self.write("no_threads.py", THREADS % (0, "pass")))
        self.assertEqual(run.metadata["threadsSeen"], 0)
        self.assert_no_runner_code(run)


if __name__ == "__main__":
    unittest.main()
