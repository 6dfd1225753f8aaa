"""The events runner (python/pyrometer_runner events): GC collections and raised exceptions of real programs.

unittest only. Every run starts the runner as a subprocess with the interpreter running the tests:

    python <repo>/python/pyrometer_runner events --out R.json [--no-gc] [--no-exceptions] -- SCRIPT ARGS
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from runner_support import ScriptDirTestCase, child_env, read_result

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(REPO, "python", "pyrometer_runner")
WORKLOADS = os.path.join(os.path.dirname(REPO), "shared", "workloads")
PYTHON = sys.executable
MIXED_APP = os.path.join(WORKLOADS, "mixed_app.py")
MONITORING = sys.version_info >= (3, 12)


def line_of(path, text):
    with open(path) as stream:
        for number, line in enumerate(stream, 1):
            if text in line:
                return number
    raise AssertionError("%r not in %s" % (text, path))


class EventsRun(object):
    def __init__(self, completed, result_path):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.result = read_result(result_path)

    @property
    def metadata(self):
        return self.result["metadata"]

    def sites(self, file_suffix):
        return [s for s in self.result["exceptions"]["sites"] if s["file"].endswith(file_suffix)]

    def site(self, file_suffix, line, exc_type):
        found = [s for s in self.sites(file_suffix) if s["line"] == line and s["type"] == exc_type]
        if len(found) != 1:
            raise AssertionError("expected one %s site at %s:%d, found %r" % (exc_type, file_suffix, line, found))
        return found[0]


def run_events(tmp, script, runner_args=(), args=(), env=None, timeout=300):
    out = os.path.join(tmp, "out", "result.json")
    if os.path.exists(out):
        os.unlink(out)
    if not os.path.isdir(os.path.dirname(out)):
        os.makedirs(os.path.dirname(out))
    command = [PYTHON, RUNNER, "events", "--out", out] + list(runner_args) + ["--", script] + list(args)
    completed = subprocess.run(command, cwd=tmp, env=env or child_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
    return EventsRun(completed, out)


class EventsTestCase(ScriptDirTestCase):
    TMP_PREFIX = "pyrometer-events-test-"


    def assert_summary_is_the_sum_of_events(self, gc_block):
        self.assertEqual(gc_block["eventsOmitted"], 0)
        events = gc_block["events"]
        summary = gc_block["summary"]
        generations = len(summary["collections"])
        self.assertEqual(summary["collections"],
                         [sum(1 for e in events if e["generation"] == g) for g in range(generations)])
        self.assertEqual(summary["totalPauseNs"], sum(e["durationNs"] for e in events))
        self.assertEqual(summary["longestPauseNs"], max(e["durationNs"] for e in events))
        self.assertEqual(summary["collected"], sum(e["collected"] for e in events))
        self.assertEqual(summary["uncollectable"], sum(e["uncollectable"] for e in events))
        for row in summary["byGeneration"]:
            mine = [e for e in events if e["generation"] == row["generation"]]
            self.assertEqual(row["collections"], len(mine))
            self.assertEqual(row["totalPauseNs"], sum(e["durationNs"] for e in mine))
            self.assertEqual(row["longestPauseNs"], max([e["durationNs"] for e in mine] or [0]))
            self.assertEqual(row["collected"], sum(e["collected"] for e in mine))
        self.assertEqual(summary["longest"]["durationNs"], summary["longestPauseNs"])
        self.assertIn(summary["longest"], events)


class MixedAppTest(EventsTestCase):
    @classmethod
    def setUpClass(cls):
        cls.class_tmp = tempfile.mkdtemp(prefix="pyrometer-events-mixed-")
        cls.run_result = run_events(cls.class_tmp, MIXED_APP)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.class_tmp, True)

    def test_runs_silently_and_writes_the_schema(self):
        run = self.run_result
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"")
        self.assertEqual(run.stderr, b"")
        self.assertEqual(run.result["schema"], "pyrometer.events/1")
        self.assertEqual(run.metadata["exitCode"], 0)
        self.assertEqual(run.metadata["threadsSeen"], 1)
        self.assertEqual(run.metadata["tool"], "gc.callbacks + " + ("sys.monitoring" if MONITORING else "settrace"))

    def test_count_codes_key_error_has_its_exact_count(self):
        """counts[r["code"]] += 1 raises KeyError once per distinct code: 200 and 404."""
        exceptions = self.run_result.result["exceptions"]
        line = line_of(MIXED_APP, 'counts[r["code"]] += 1')
        site = self.run_result.site("mixed_app.py", line, "KeyError")
        self.assertEqual(site["count"], 2)
        self.assertEqual(site["function"], "count_codes")
        self.assertEqual(site["origin"], "script")
        self.assertEqual(site["file"], MIXED_APP)
        if MONITORING:
            self.assertEqual(exceptions["mechanism"], "sys.monitoring")
            self.assertIn(exceptions["toolId"], (3, 4, 2))
            self.assertEqual(site["caughtCount"], 2)
        else:
            self.assertEqual(exceptions["mechanism"], "settrace")
            self.assertIsNone(exceptions["toolId"])
            self.assertIsNone(site["caughtCount"])
        self.assertIn("settrace" if not MONITORING else "no cost while nothing is raised", exceptions["note"])
        # the script's only raising line; the rest is the standard library's (re's parser, threading, imports)
        self.assertEqual([(s["line"], s["type"]) for s in self.run_result.sites("mixed_app.py")], [(line, "KeyError")])
        for site in exceptions["sites"]:
            self.assertNotIn("pyrometer_runner", site["file"])
            if site["file"] != MIXED_APP:
                self.assertIn(site["origin"], ("stdlib", "other"), site)
        self.assertEqual(exceptions["totalRaised"], sum(s["count"] for s in exceptions["sites"]))
        self.assertEqual(exceptions["sitesOmitted"], {"sites": 0, "raises": 0})

    def test_gc_events_collect_cycles_and_add_up(self):
        gc_block = self.run_result.result["gc"]
        events = gc_block["events"]
        self.assertGreater(len(events), 0)
        self.assertEqual(len(gc_block["thresholds"]), 3)
        self.assert_summary_is_the_sum_of_events(gc_block)
        self.assertGreater(sum(e["collected"] for e in events), 0)  # make_cycles leaves parent<->child cycles
        starts = [e["startNs"] for e in events]
        self.assertEqual(starts, sorted(starts))
        wall_ns = self.run_result.metadata["wallSeconds"] * 1e9
        for event in events:
            self.assertGreaterEqual(event["startNs"], 0)
            self.assertGreater(event["durationNs"], 0)
            self.assertLessEqual(event["startNs"] + event["durationNs"], wall_ns)
            if event["site"] is not None:
                self.assertNotIn("pyrometer_runner", event["site"]["file"])
        # the explicit gc.collect() in main: a full collection that finds the cycles, started at that line
        collect_line = line_of(MIXED_APP, "gc.collect()")
        explicit = [e for e in events if e["site"] and e["site"]["file"] == MIXED_APP and e["site"]["line"] == collect_line]
        self.assertEqual(len(explicit), 1)
        self.assertEqual(explicit[0]["generation"], 2)
        self.assertEqual(explicit[0]["site"]["function"], "main")
        self.assertEqual(explicit[0]["site"]["origin"], "script")
        self.assertGreater(explicit[0]["collected"], 0)
        functions = set(e["site"]["function"] for e in events if e["site"] and e["site"]["file"] == MIXED_APP)
        self.assertTrue(functions & {"make_cycles", "Node.__init__", "__init__"}, functions)


RAISES = """
    import threading

    def inner():
        raise KeyError("x")

    def middle():
        try:
            inner()
        finally:
            pass

    def get_error():
        try:
            inner()
        except KeyError as e:
            return e

    class Exhausted:
        def __iter__(self):
            return self

        def __next__(self):
            raise StopIteration

    def rec(n):
        if n == 0:
            raise ValueError(n)
        rec(n - 1)

    def in_thread():
        try:
            {}[1]
        except KeyError:
            pass

    for _ in range(3):
        try:
            middle()
        except KeyError:
            pass
    for item in Exhausted():
        pass
    try:
        sorted([1, 2], key=lambda v: inner())
    except KeyError as e:
        err = e
    try:
        raise err
    except KeyError:
        pass
    stored = get_error()
    try:
        raise stored
    except KeyError:
        pass
    try:
        rec(5)
    except ValueError:
        pass
    try:
        next(iter([]))
    except StopIteration:
        pass
    worker = threading.Thread(target=in_thread)
    worker.start()
    worker.join()
    raise SystemExit(4)
"""


class ExceptionCountTest(EventsTestCase):
    def test_each_exception_counts_once_where_it_was_raised(self):
        script = self.write("raises.py", RAISES)
        run = run_events(self.tmp, script)
        self.assertEqual(run.returncode, 4, run.stderr)
        self.assertEqual(run.stderr, b"")

        def expect(text, exc_type, count, caught):
            site = run.site("raises.py", line_of(script, text), exc_type)
            self.assertEqual(site["count"], count, (text, site))
            self.assertEqual(site["caughtCount"], caught if MONITORING else None, (text, site))
            return site

        # 3 through middle's finally, 1 through sorted()'s key, 1 caught in get_error: propagation is not counted
        expect('raise KeyError("x")', "KeyError", 5, 5)
        expect("raise StopIteration", "StopIteration", 1, 0)  # the for loop (C) swallows it: not caught by Python
        expect("raise err", "KeyError", 1, 1)  # raised again after being caught: a raise of its own
        expect("raise stored", "KeyError", 1, 1)
        site = expect("raise ValueError(n)", "ValueError", 1, 1)  # once, not once per recursion level
        self.assertEqual(site["function"], "rec")
        expect("next(iter([]))", "StopIteration", 1, 1)
        expect("{}[1]", "KeyError", 1, 1)  # in a thread
        site = expect("raise SystemExit(4)", "SystemExit", 1, 0)  # ends the script: the runner catching it is not the program
        self.assertEqual(site["function"], "<module>")
        self.assertEqual(len(run.sites("raises.py")), 8)
        for site in run.sites("raises.py"):
            self.assertEqual(site["origin"], "script")

    def test_origin_separates_the_script_its_project_and_the_standard_library(self):
        self.write("helper.py", """
            def check(value):
                if value < 0:
                    raise ValueError("negative")
                return value
        """)
        script = self.write("main.py", """
            import json
            import helper
            for value in (1, -1, -2):
                try:
                    helper.check(value)
                except ValueError:
                    pass
            try:
                json.loads("{")
            except ValueError:
                pass
            try:
                int("x")
            except ValueError:
                pass
        """)
        run = run_events(self.tmp, script)
        self.assertEqual(run.returncode, 0, run.stderr)
        helper = run.site("helper.py", 4, "ValueError")
        self.assertEqual((helper["origin"], helper["count"], helper["function"]), ("project", 2, "check"))
        self.assertEqual(run.site("main.py", line_of(script, 'int("x")'), "ValueError")["origin"], "script")
        decoder = [s for s in run.result["exceptions"]["sites"] if s["type"] == "json.decoder.JSONDecodeError"]
        self.assertEqual(len(decoder), 1)
        self.assertEqual(decoder[0]["origin"], "stdlib")
        self.assertTrue(decoder[0]["file"].endswith(os.path.join("json", "decoder.py")))
        # where the JSONDecodeError passed through main.py is propagation, not a raise of the script
        self.assertEqual(run.sites("main.py"), [run.site("main.py", line_of(script, 'int("x")'), "ValueError")])

    def test_monitoring_tool_is_freed_and_settrace_is_removed(self):
        script = self.write("tools.py", """
            import atexit, sys
            def report():
                if hasattr(sys, "monitoring"):
                    print("after:", [sys.monitoring.get_tool(i) for i in range(6)])
                print("trace after:", sys.gettrace())
            atexit.register(report)
            if hasattr(sys, "monitoring"):
                print("during:", [sys.monitoring.get_tool(i) for i in range(6)])
            print("trace during:", sys.gettrace() is not None)
        """)
        run = run_events(self.tmp, script)
        self.assertEqual(run.returncode, 0, run.stderr)
        out = run.stdout.decode("utf-8")
        if MONITORING:
            self.assertIn("during: [None, None, None, 'pyrometer exception counts', None, None]", out)
            self.assertIn("after: [None, None, None, None, None, None]", out)
            self.assertIn("trace during: False", out)
        else:
            self.assertIn("trace during: True", out)
        self.assertIn("trace after: None", out)

    def test_falls_back_to_settrace_when_no_tool_id_is_free(self):
        if not MONITORING:
            self.skipTest("sys.monitoring is 3.12+")
        self.write("site/sitecustomize.py", """
            import sys
            for tool_id in (2, 3, 4):
                sys.monitoring.use_tool_id(tool_id, "someone else")
        """)
        script = self.write("fallback.py", RAISES)
        run = run_events(self.tmp, script, env=child_env(PYTHONPATH=os.path.join(self.tmp, "site")))
        self.assertEqual(run.returncode, 4, run.stderr)
        exceptions = run.result["exceptions"]
        self.assertEqual(exceptions["mechanism"], "settrace")
        self.assertIn("no free sys.monitoring tool id", exceptions["note"])
        self.assertEqual(run.site("fallback.py", line_of(script, 'raise KeyError("x")'), "KeyError")["count"], 5)
        self.assertIsNone(run.site("fallback.py", line_of(script, 'raise KeyError("x")'), "KeyError")["caughtCount"])


class GcTest(EventsTestCase):
    def test_event_list_is_capped_but_the_summary_counts_every_collection(self):
        script = self.write("many_gc.py", """
            import gc
            for _ in range(10050):
                gc.collect(0)
        """)
        run = run_events(self.tmp, script, ["--no-exceptions"])
        self.assertEqual(run.returncode, 0, run.stderr)
        gc_block = run.result["gc"]
        self.assertIsNone(run.result["exceptions"])
        self.assertEqual(len(gc_block["events"]), 10000)
        self.assertGreaterEqual(gc_block["eventsOmitted"], 50)
        summary = gc_block["summary"]
        self.assertEqual(sum(summary["collections"]), 10000 + gc_block["eventsOmitted"])
        self.assertGreaterEqual(summary["collections"][0], 10050)
        self.assertGreaterEqual(summary["totalPauseNs"], sum(e["durationNs"] for e in gc_block["events"]))
        self.assertIn("first 10000", gc_block["note"])
        self.assertEqual(summary["longest"]["durationNs"], summary["longestPauseNs"])

    def test_no_gc_and_no_exceptions(self):
        script = self.write("quiet.py", """
            import gc, sys
            gc.collect()
            print(sys.gettrace() is None)
        """)
        run = run_events(self.tmp, script, ["--no-gc", "--no-exceptions"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"True\n")
        self.assertIsNone(run.result["gc"])
        self.assertIsNone(run.result["exceptions"])
        run = run_events(self.tmp, script, ["--no-exceptions"])
        self.assertEqual(run.result["gc"]["summary"]["collections"][2], 1)
        self.assert_summary_is_the_sum_of_events(run.result["gc"])
        self.assertEqual(run.result["gc"]["events"][0]["site"]["line"], 3)
        self.assertEqual(run.result["gc"]["events"][0]["site"]["function"], "<module>")


class RunLikePythonTest(EventsTestCase):
    def test_exit_status_passes_through(self):
        script = self.write("exit3.py", "import sys\nsys.exit(3)\n")
        run = run_events(self.tmp, script)
        self.assertEqual(run.returncode, 3)
        self.assertEqual(run.stderr, b"")
        self.assertEqual(run.metadata["exitCode"], 3)
        self.assertIsNone(run.metadata["exception"])
        self.assertEqual(run.site("exit3.py", 2, "SystemExit")["count"], 1)

    def test_a_crashing_script_still_writes_the_result(self):
        script = self.write("crash.py", """
            def fail():
                raise RuntimeError("boom")

            fail()
        """)
        run = run_events(self.tmp, script)
        plain = self.plain(script)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stdout, b"")
        self.assertEqual(run.stderr, plain.stderr)
        exception = run.metadata["exception"]
        self.assertEqual((exception["type"], exception["message"], exception["phase"]), ("RuntimeError", "boom", "run"))
        self.assertEqual(exception["traceback"], plain.stderr.decode("utf-8"))
        site = run.site("crash.py", 3, "RuntimeError")
        self.assertEqual(site["count"], 1)
        self.assertEqual(site["caughtCount"], 0 if MONITORING else None)
        self.assertEqual(len(run.sites("crash.py")), 1)  # not again at the fail() call it propagated through

    def test_keyboard_interrupt_is_130(self):
        script = self.write("interrupted.py", "raise KeyboardInterrupt\n")
        run = run_events(self.tmp, script)
        self.assertEqual(run.returncode, 130)
        self.assertEqual(run.metadata["exception"]["type"], "KeyboardInterrupt")

    def test_output_passes_through(self):
        script = self.write("talk.py", """
            import sys
            print("out")
            sys.stderr.write("err\\n")
        """)
        run = run_events(self.tmp, script)
        self.assertEqual((run.returncode, run.stdout, run.stderr), (0, b"out\n", b"err\n"))

    def test_missing_script(self):
        run = run_events(self.tmp, os.path.join(self.tmp, "missing.py"))
        self.assertEqual(run.returncode, 2)
        self.assertTrue(run.stderr.startswith(b"pyrometer-runner: "), run.stderr)
        self.assertEqual(run.metadata["exception"]["phase"], "start")
        self.assertEqual(run.result["exceptions"]["sites"], [])
        self.assertEqual(run.result["gc"]["events"], [])

    def test_usage_errors_exit_2_without_a_result(self):
        script = self.write("ok.py", "pass\n")
        for bad in (["--nope"], ["--no-gc=1"]):
            run = run_events(self.tmp, script, bad)
            self.assertEqual(run.returncode, 2, bad)
            self.assertTrue(run.stderr.startswith(b"pyrometer-runner: "), run.stderr)
            self.assertIsNone(run.result)


if __name__ == "__main__":
    unittest.main()
