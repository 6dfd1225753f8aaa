"""The ``lines`` subcommand (python/pyrometer_runner/lines_run.py): deterministic line timing, run as the extension
runs it, on real programs.

unittest only. Every test starts the runner as a subprocess with the interpreter running the tests:

    python <repo>/python/pyrometer_runner lines --out R.json [--engine E] [--file F] [--function F:L] -- SCRIPT ARGS

Hit counts are compared with a reference counter that runs the same script in its own process and counts the
interpreter's line events with nothing but a dict (REFERENCE_COUNTER below): ``sys.settrace`` 'line' events for
the settrace engine, ``sys.monitoring`` LINE events for the monitoring engine. Where Python defines the count
(a loop body run N times) the literal is checked too. No test asserts a duration: times are only checked for
consistency (a function's lines add up to its total; time suspended in a generator is not counted).

The line_profiler engine tests need an interpreter that can import line_profiler: PYROMETER_LPROF_PYTHON_3_11 /
PYROMETER_LPROF_PYTHON_3_12 (the venvs scripts/setup-python-tools.sh makes) for the Python family running the
tests, else this interpreter if it has line_profiler; otherwise they are skipped.
"""
import json
import os
import subprocess
import sys
import textwrap
import unittest

from runner_support import ScriptDirTestCase, child_env, read_result

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(REPO, "python", "pyrometer_runner")
WORKLOADS = os.path.join(os.path.dirname(REPO), "shared", "workloads")
PYTHON = sys.executable
SCHEMA = "pyrometer.lines/1"
HAS_MONITORING = sys.version_info >= (3, 12)
ENGINES = ["settrace"] + (["monitoring"] if HAS_MONITORING else [])
ENGINE_NAMES = {"settrace": "settrace", "monitoring": "sys.monitoring", "line_profiler": "line_profiler"}
LPROF_ENV = "PYROMETER_LPROF_PYTHON_%d_%d" % sys.version_info[:2]

#: Counts line events per (code name, first line, line) of one file, for `python REF MODE FILE OUT SCRIPT ARGS`.
REFERENCE_COUNTER = r'''
import json, os, runpy, sys, threading
mode, wanted, out, script = sys.argv[1:5]
sys.argv = sys.argv[4:]
wanted = os.path.realpath(wanted)
sys.path[0] = os.path.dirname(os.path.realpath(script))
counts = {}
files = {}
def in_file(code):
    name = code.co_filename
    if name not in files:
        files[name] = os.path.realpath(name) == wanted
    return files[name]
def count(code, line):
    key = "%s:%d:%d" % (code.co_name, code.co_firstlineno, line)
    counts[key] = counts.get(key, 0) + 1
if mode == "settrace":
    def local(frame, event, arg):
        if event == "line":
            count(frame.f_code, frame.f_lineno)
        return local
    def call(frame, event, arg):
        return local if in_file(frame.f_code) else None
    threading.settrace(call)
    sys.settrace(call)
else:  # LINE turned on per code object at its first start, as the engine does (3.13 reports a code object's
    # first line, when the def line holds it too, only that way: one-line functions, lambdas, class lines)
    mon = sys.monitoring
    def start(code, offset):
        if not in_file(code):
            return mon.DISABLE
        mon.set_local_events(5, code, mon.events.LINE)
    def line(code, line):
        count(code, line)
    mon.use_tool_id(5, "reference")
    mon.register_callback(5, mon.events.PY_START, start)
    mon.register_callback(5, mon.events.LINE, line)
    mon.set_events(5, mon.events.PY_START)
try:
    runpy.run_path(script, run_name="__main__")
except SystemExit:
    pass
finally:
    sys.settrace(None)
    threading.settrace(None)
    if mode != "settrace":
        sys.monitoring.set_events(5, 0)
with open(out, "w") as stream:
    json.dump(counts, stream)
'''


def lprof_python():
    """(interpreter with line_profiler, None) or (None, reason to skip)."""
    configured = os.environ.get(LPROF_ENV)
    if configured:
        if os.path.exists(configured):
            return configured, None
        return None, "%s=%s does not exist" % (LPROF_ENV, configured)
    try:
        import line_profiler  # noqa: F401
        return PYTHON, None
    except ImportError:
        return None, "line_profiler is not importable here and %s is not set" % LPROF_ENV


class Run(object):
    def __init__(self, completed, result_path):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.result_path = result_path
        self.result = read_result(result_path)

    @property
    def metadata(self):
        return self.result["metadata"]

    def functions(self, name=None, file_suffix=None):
        return [f for f in self.result["functions"]
                if (name is None or f["qualname"] == name or f["name"] == name)
                and (file_suffix is None or f["file"].endswith(file_suffix))]

    def function(self, name, file_suffix=None):
        found = self.functions(name, file_suffix)
        if len(found) != 1:
            raise AssertionError("expected one function %r, found %d: %r" % (
                name, len(found), [f["qualname"] for f in self.result["functions"]]))
        return found[0]

    def lines(self, name, file_suffix=None):
        """{line: (hits, totalNs)} of one function."""
        return dict((entry["line"], (entry["hits"], entry["totalNs"]))
                    for entry in self.function(name, file_suffix)["lines"])

    def hits(self, name, file_suffix=None):
        return dict((line, hits) for line, (hits, _) in self.lines(name, file_suffix).items())


class LinesTestCase(ScriptDirTestCase):
    TMP_PREFIX = "pyrometer-lines-test-"

    def write(self, relative, text):
        path = os.path.join(self.tmp, relative)
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            os.makedirs(directory)
        with open(path, "wb") as stream:
            stream.write(textwrap.dedent(text).lstrip("\n").encode("utf-8"))
        return path

    def lines_runner(self, script, args=(), engine=None, files=(), functions=(), python=None, cwd=None,
                     extra=(), timeout=600):
        out = os.path.join(self.tmp, "out", "lines.json")
        if os.path.exists(out):
            os.unlink(out)
        if not os.path.isdir(os.path.dirname(out)):
            os.makedirs(os.path.dirname(out))
        command = [python or PYTHON, RUNNER, "lines", "--out", out]
        if engine is not None:
            command += ["--engine", engine]
        for path in files:
            command += ["--file", path]
        for path, line in functions:
            command += ["--function", "%s:%d" % (path, line)]
        command += list(extra) + ["--", script] + list(args)
        completed = subprocess.run(command, cwd=cwd or self.tmp, env=child_env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=timeout)
        return Run(completed, out)

    def reference_hits(self, engine, script, measured_file=None, args=()):
        """{(name, firstLine): {line: hits}} of the interpreter's own line events, counted without the runner."""
        counter = os.path.join(self.tmp, "reference_counter.py")
        with open(counter, "w") as stream:
            stream.write(REFERENCE_COUNTER)
        out = os.path.join(self.tmp, "reference.json")
        mode = "settrace" if engine == "settrace" else "monitoring"
        completed = subprocess.run([PYTHON, counter, mode, measured_file or script, out, script] + list(args),
                                   cwd=self.tmp, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   timeout=600)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        with open(out) as stream:
            counts = json.load(stream)
        found = {}
        for key, hits in counts.items():
            name, first, line = key.rsplit(":", 2)
            found.setdefault((name, int(first)), {})[int(line)] = hits
        return found

    def assert_hits_match_reference(self, run, reference, file_suffix):
        """Every line event the reference counted is a hit of the same function and line, and nothing else."""
        compared = 0
        for function in run.functions(file_suffix=file_suffix):
            expected = reference.get((function["name"], function["firstLine"]), {})
            got = dict((entry["line"], entry["hits"]) for entry in function["lines"] if entry["hits"])
            self.assertEqual(got, expected, "%s (line %d)" % (function["qualname"], function["firstLine"]))
            compared += 1
        reported = set((f["name"], f["firstLine"]) for f in run.functions(file_suffix=file_suffix))
        self.assertTrue(set(reference) <= reported, "functions the reference saw but the result lacks: %r"
                        % sorted(set(reference) - reported))
        self.assertGreater(compared, 0)

    def assert_lines_add_up(self, run, min_total_ns=1000000, tolerance=0.05):
        """For every function with a total of at least min_total_ns: its lines add up to it within tolerance."""
        checked = 0
        for function in run.result["functions"]:
            total = function["totalNs"]
            if total < min_total_ns:
                continue
            lines = sum(entry["totalNs"] for entry in function["lines"])
            self.assertLessEqual(abs(lines - total), tolerance * total,
                                 "%s: lines %d vs total %d" % (function["qualname"], lines, total))
            checked += 1
        return checked

    def assert_ok(self, run):
        self.assertEqual(run.returncode, 0, run.stderr.decode("utf-8", "replace"))
        self.assertIsNotNone(run.result, "no result written")
        self.assertEqual(run.result["schema"], SCHEMA)


LOOPS = """
    def deco(function):
        return function


    @deco
    def loops(n):
        total = 0
        for i in range(n):
            total += i
            if i < 0:
                total = -1
        j = 0
        while j < 3:
            j += 1
        return total + j


    def never_called(x):
        y = x * 2
        return y


    class Shape(object):
        def area(self):
            return 0

    loops(1000)
    loops(10)
    """
LOOP_BODY, NEVER_RUN, WHILE_BODY = 9, 11, 14


class LoopsTest(LinesTestCase):
    def test_hits_are_the_interpreters_line_events(self):
        script = self.write("loops.py", LOOPS)
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine)
                self.assert_ok(run)
                self.assertEqual(run.result["engine"]["name"], ENGINE_NAMES[engine])
                self.assert_hits_match_reference(run, self.reference_hits(engine, script), "loops.py")
                hits = run.hits("loops")
                self.assertEqual(hits[LOOP_BODY], 1010)  # the body of `for i in range(n)`, n = 1000 then 10
                self.assertEqual(hits[NEVER_RUN], 0)  # `total = -1` never runs: listed with 0 hits
                self.assertEqual(hits[WHILE_BODY], 6)
                self.assertEqual(hits[7], 2)  # `total = 0`, once per call
                loops = run.function("loops")
                self.assertEqual(loops["calls"], 2)
                self.assertEqual(loops["firstLine"], 5)  # the decorator line, as co_firstlineno
                self.assertEqual(loops["lastLine"], 15)
                self.assertEqual(sorted(hits), list(range(7, 16)))  # no decorator/def line, every body line
                self.assertEqual([e["line"] for e in loops["lines"]], sorted(hits))

    def test_function_never_called_is_listed_with_zero_calls(self):
        script = self.write("loops.py", LOOPS)
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine)
                self.assert_ok(run)
                never = run.function("never_called")
                self.assertEqual(never["calls"], 0)
                self.assertEqual(never["totalNs"], 0)
                self.assertEqual([(e["line"], e["hits"], e["totalNs"]) for e in never["lines"]],
                                 [(19, 0, 0), (20, 0, 0)])
                area = run.function("Shape.area")
                self.assertEqual((area["name"], area["calls"], area["firstLine"], area["lastLine"]), ("area", 0, 24, 25))
                self.assertEqual(run.function("Shape")["calls"], 1)  # the class body ran once
                module = run.function("<module>")
                self.assertEqual(module["calls"], 1)
                self.assertEqual(module["firstLine"], 1)
                self.assertEqual(module["lastLine"], 28)

    def test_result_shape(self):
        script = self.write("loops.py", LOOPS)
        run = self.lines_runner(script)
        self.assert_ok(run)
        result = run.result
        self.assertEqual(sorted(result), ["engine", "functions", "metadata", "schema", "scope", "unmatched"])
        self.assertEqual(sorted(result["engine"]), ["name", "note", "timer", "version"])
        self.assertEqual(result["engine"]["timer"], "perf_counter_ns")
        self.assertIsNone(result["engine"]["version"])
        self.assertEqual(result["metadata"]["tool"], "line timing")
        self.assertEqual(result["scope"], {"files": [os.path.realpath(script)], "functions": []})
        self.assertEqual(result["unmatched"], [])
        for function in result["functions"]:
            self.assertEqual(sorted(function), ["calls", "file", "firstLine", "lastLine", "lines", "name", "qualname",
                                                "totalNs"])
            self.assertEqual(function["file"], os.path.realpath(script))
            self.assertIs(type(function["calls"]), int)
            self.assertIs(type(function["totalNs"]), int)
            self.assertLessEqual(function["firstLine"], function["lastLine"])
            lines = [entry["line"] for entry in function["lines"]]
            self.assertEqual(lines, sorted(set(lines)))
            for entry in function["lines"]:
                self.assertEqual(sorted(entry), ["hits", "line", "totalNs"])
                self.assertGreaterEqual(entry["totalNs"], 0)
                self.assertTrue(function["firstLine"] <= entry["line"] <= function["lastLine"], entry)
        names = [(f["firstLine"], f["qualname"]) for f in result["functions"]]
        self.assertEqual(names, sorted(names))
        self.assertEqual([q for _, q in names], ["<module>", "deco", "loops", "never_called", "Shape", "Shape.area"])

    def test_engine_auto_follows_the_python_version(self):
        run = self.lines_runner(self.write("loops.py", LOOPS))
        self.assert_ok(run)
        self.assertEqual(run.result["engine"]["name"], "sys.monitoring" if HAS_MONITORING else "settrace")
        explicit = self.lines_runner(self.write("loops.py", LOOPS), engine="auto")
        self.assertEqual(explicit.result["engine"]["name"], run.result["engine"]["name"])


GENERATORS = """
    import asyncio
    import time

    def numbers(n):
        for i in range(n):
            yield i * 2
        return n

    def consume():
        out = []
        for value in numbers(4):
            time.sleep(0.05)
            out.append(value)
        return out

    async def worker(k):
        total = 0
        for i in range(3):
            await asyncio.sleep(0.05)
            total += i
        return total + k

    async def both():
        return await asyncio.gather(worker(1), worker(2))

    consume()
    asyncio.run(both())
    """


class SuspendingTest(LinesTestCase):
    def test_generator_counts_one_call_and_not_the_time_it_was_suspended(self):
        script = self.write("gens.py", GENERATORS)
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine)
                self.assert_ok(run)
                self.assert_hits_match_reference(run, self.reference_hits(engine, script), "gens.py")
                numbers = run.function("numbers")
                self.assertEqual(numbers["calls"], 1)  # resumes are not calls
                self.assertEqual(run.hits("numbers"), {5: 5, 6: 4, 7: 1})
                consume = run.function("consume")
                # the consumer slept 4 x 50 ms while the generator was suspended: none of it is the generator's
                self.assertGreater(consume["totalNs"], 180000000)
                self.assertLess(numbers["totalNs"], 0.25 * consume["totalNs"])
                self.assertEqual(sum(e["totalNs"] for e in numbers["lines"]), numbers["totalNs"])

    def test_generator_throw_and_close(self):
        script = self.write("throws.py", """
            def guarded():
                try:
                    yield 1
                except ValueError:
                    yield 2
                yield 3

            def pair():
                yield 1
                yield 2

            it = guarded()
            next(it)
            it.throw(ValueError)
            next(it)
            closed = pair()
            next(closed)
            closed.close()
            try:
                guarded().throw(KeyError)  # thrown into before it ever ran
            except KeyError:
                pass
            """)
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine)
                self.assert_ok(run)
                self.assert_hits_match_reference(run, self.reference_hits(engine, script), "throws.py")
                self.assertEqual(run.hits("guarded"), {2: 1, 3: 1, 4: 1, 5: 1, 6: 1})
                self.assertEqual(run.function("guarded")["calls"], 2)  # the one thrown into before it ran counts
                self.assertEqual(run.function("pair")["calls"], 1)
                self.assertEqual(run.hits("pair"), {9: 1, 10: 0})
                for name in ("guarded", "pair"):
                    function = run.function(name)
                    self.assertEqual(sum(e["totalNs"] for e in function["lines"]), function["totalNs"], name)

    def test_asyncio_coroutine(self):
        script = self.write("gens.py", GENERATORS)
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine)
                self.assert_ok(run)
                worker = run.function("worker")
                self.assertEqual(worker["calls"], 2)
                hits = run.hits("worker")
                self.assertEqual(hits[19], 6)  # the await line, 3 times per coroutine
                self.assertEqual(hits[20], 6)
                self.assertEqual(hits[21], 2)
                self.assertEqual(sum(e["totalNs"] for e in worker["lines"]), worker["totalNs"])
                # 3 awaits of 50 ms each: the coroutines were suspended most of the time, which is not their time
                module = run.function("<module>")
                self.assertGreater(module["totalNs"], 140000000)  # asyncio.run(both()) waited >= 150 ms
                self.assertLess(worker["totalNs"], 0.5 * module["totalNs"])
                self.assertEqual(run.function("both")["calls"], 1)


FLOW = """
    import sys

    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    def inner(x):
        if x < 0:
            raise ValueError("negative")
        return x

    def catches():
        try:
            inner(-1)
        except ValueError:
            return "caught"

    def propagates():
        inner(-2)
        return "not reached"

    def outer():
        try:
            propagates()
        except ValueError:
            pass
        return catches()

    print(fib(12))
    print(outer())
    if len(sys.argv) > 1:
        inner(-3)
    """


class ControlFlowTest(LinesTestCase):
    def test_recursion(self):
        script = self.write("flow.py", FLOW)
        calls = {0: 1, 1: 1}
        for i in range(2, 13):
            calls[i] = 1 + calls[i - 1] + calls[i - 2]
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine)
                self.assert_ok(run)
                fib = run.function("fib")
                self.assertEqual(fib["calls"], calls[12])
                self.assertEqual(run.hits("fib"), {4: calls[12]})
                # nested activations count again (as line times do): the lines still add up exactly
                self.assertEqual(sum(e["totalNs"] for e in fib["lines"]), fib["totalNs"])

    def test_exceptions_caught_and_propagating(self):
        script = self.write("flow.py", FLOW)
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine)
                self.assert_ok(run)
                self.assertEqual(run.stdout, b"144\ncaught\n")
                self.assert_hits_match_reference(run, self.reference_hits(engine, script), "flow.py")
                self.assertEqual(run.hits("inner"), {7: 2, 8: 2, 9: 0})
                self.assertEqual(run.hits("propagates"), {18: 1, 19: 0})
                self.assertEqual(run.hits("catches"), {12: 1, 13: 1, 14: 1, 15: 1})
                self.assertEqual(run.hits("outer")[24], 1)  # `except ValueError:` after the propagated raise
                for name in ("inner", "catches", "propagates", "outer"):
                    function = run.function(name)
                    self.assertEqual(sum(e["totalNs"] for e in function["lines"]), function["totalNs"], name)
                self.assertEqual(run.function("propagates")["calls"], 1)

    def test_uncaught_exception_is_passed_through_and_the_result_written(self):
        script = self.write("flow.py", FLOW)
        plain = self.plain(script, ["raise"])
        self.assertEqual(plain.returncode, 1)
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, ["raise"], engine=engine)
                self.assertEqual(run.returncode, 1)
                self.assertEqual(run.stdout, plain.stdout)
                self.assertEqual(run.stderr, plain.stderr)  # the same traceback, no runner frames
                self.assertIsNotNone(run.result)
                exception = run.metadata["exception"]
                self.assertEqual((exception["type"], exception["message"], exception["phase"]),
                                 ("ValueError", "negative", "run"))
                self.assertEqual(run.metadata["exitCode"], 1)
                self.assertEqual(run.function("inner")["calls"], 3)
                self.assertEqual(run.hits("inner")[8], 3)
                module = run.function("<module>")
                self.assertEqual(module["calls"], 1)
                self.assertEqual(sum(e["totalNs"] for e in module["lines"]), module["totalNs"])
                self.assertEqual(sorted(os.listdir(os.path.dirname(run.result_path))), ["lines.json"])


THREADS = """
    import _thread
    import threading

    def spin(n):
        total = 0
        for i in range(n):
            total += i
        return total

    def raw(done):
        spin(50)
        done.set()

    worker = threading.Thread(target=spin, args=(1000,))
    worker.start()
    worker.join()
    done = threading.Event()
    _thread.start_new_thread(raw, (done,))
    done.wait()
    """


class ThreadsTest(LinesTestCase):
    def test_thread_started_with_threading(self):
        script = self.write("threads.py", THREADS)
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine)
                self.assert_ok(run)
                self.assertEqual(run.metadata["threadsSeen"], 2)
                spin = run.function("spin")
                hits = run.hits("spin")
                if engine == "monitoring":  # every thread
                    self.assertEqual(spin["calls"], 2)
                    self.assertEqual(hits[7], 1050)
                    self.assertEqual(run.function("raw")["calls"], 1)
                    self.assertIsNone(run.result["engine"]["note"])
                else:  # threads started through threading only, and the note says so
                    self.assertEqual(spin["calls"], 1)
                    self.assertEqual(hits[7], 1000)
                    self.assertEqual(run.function("raw")["calls"], 0)
                    self.assertIn("1 of the 2 threads", run.result["engine"]["note"])
                self.assertEqual(sum(e["totalNs"] for e in spin["lines"]), spin["totalNs"])

    @unittest.skipUnless(HAS_MONITORING, "the monitoring engine needs Python 3.12+")
    def test_two_threads_in_the_same_function(self):
        script = self.write("same.py", """
            import threading

            def spin(n):
                total = 0
                for i in range(n):
                    total += i % 7
                return total

            threads = [threading.Thread(target=spin, args=(20000,)) for _ in range(3)]
            for t in threads:
                t.start()
            spin(20000)
            for t in threads:
                t.join()
            """)
        run = self.lines_runner(script, engine="monitoring")
        self.assert_ok(run)
        self.assertEqual(run.function("spin")["calls"], 4)
        self.assertEqual(run.hits("spin"), {4: 4, 5: 80004, 6: 80000, 7: 4})
        spin = run.function("spin")
        self.assertEqual(sum(e["totalNs"] for e in spin["lines"]), spin["totalNs"])


NESTED = """
    import functools


    def outer(values):
        scale = 2

        @functools.lru_cache(maxsize=None)
        def inner(v):
            doubled = [x * scale for x in range(v)]
            return sum(doubled)

        key = lambda v: -v
        return [inner(v) for v in sorted(values, key=key)]


    class Box(object):
        size = 3

        def grow(self, by):
            self.size += by
            return self.size


    def other():
        return 1


    print(outer([3, 1, 2]))
    Box().grow(2)
    other()
    """


class FunctionScopeTest(LinesTestCase):
    def setUp(self):
        LinesTestCase.setUp(self)
        self.script = self.write("nested.py", NESTED)

    def test_line_in_inner_function_selects_the_innermost_def_and_its_nested_code(self):
        run = self.lines_runner(self.script, functions=[(self.script, 9)])
        self.assert_ok(run)
        self.assertEqual(run.stdout, self.plain(self.script).stdout)
        names = sorted(f["qualname"] for f in run.result["functions"])
        expected = ["outer.<locals>.inner"]
        if sys.version_info < (3, 12):  # comprehensions are code objects of their own before 3.12
            expected.append("outer.<locals>.inner.<locals>.<listcomp>")
        self.assertEqual(names, sorted(expected))
        inner = run.function("outer.<locals>.inner")
        self.assertEqual((inner["name"], inner["firstLine"], inner["lastLine"], inner["calls"]), ("inner", 7, 10, 3))
        self.assertEqual(run.hits("outer.<locals>.inner"), {9: 3, 10: 3})
        self.assertEqual(run.result["scope"], {"files": [], "functions": [{"file": os.path.realpath(self.script),
                                                                            "line": 9}]})
        self.assertEqual(run.result["unmatched"], [])

    def test_decorator_line_selects_the_decorated_function(self):
        run = self.lines_runner(self.script, functions=[(self.script, 7)])
        self.assert_ok(run)
        self.assertIn("outer.<locals>.inner", [f["qualname"] for f in run.result["functions"]])
        self.assertNotIn("outer", [f["qualname"] for f in run.result["functions"]])

    def test_line_in_outer_function_selects_everything_nested(self):
        run = self.lines_runner(self.script, functions=[(self.script, 13)])
        self.assert_ok(run)
        names = set(f["qualname"] for f in run.result["functions"])
        self.assertTrue({"outer", "outer.<locals>.inner", "outer.<locals>.<lambda>"} <= names, names)
        self.assertNotIn("<module>", names)
        self.assertNotIn("Box.grow", names)
        self.assertEqual(run.function("outer")["calls"], 1)
        self.assertEqual(run.function("outer.<locals>.<lambda>")["calls"], 3)
        if sys.version_info < (3, 12):
            self.assertEqual(run.function("outer.<locals>.<listcomp>")["calls"], 1)

    def test_method_and_unmatched_lines(self):
        run = self.lines_runner(self.script, functions=[(self.script, 20), (self.script, 17), (self.script, 2),
                                                        (self.script, 99)])
        self.assert_ok(run)
        self.assertEqual([f["qualname"] for f in run.result["functions"]], ["Box.grow"])
        self.assertEqual(run.function("Box.grow")["calls"], 1)
        real = os.path.realpath(self.script)
        self.assertEqual(run.result["unmatched"], [
            {"file": real, "line": 17, "reason": "no function contains line 17"},  # class body, not a def
            {"file": real, "line": 2, "reason": "no function contains line 2"},
            {"file": real, "line": 99, "reason": "no function contains line 99"},
        ])

    def test_line_in_no_function_still_runs_the_script(self):
        run = self.lines_runner(self.script, functions=[(self.script, 28)])
        self.assert_ok(run)
        self.assertEqual(run.stdout, self.plain(self.script).stdout)
        self.assertEqual(run.result["functions"], [])
        self.assertEqual(run.result["unmatched"], [{"file": os.path.realpath(self.script), "line": 28,
                                                    "reason": "no function contains line 28"}])

    def test_missing_file_is_unmatched(self):
        missing = os.path.join(self.tmp, "missing.py")
        run = self.lines_runner(self.script, functions=[(missing, 3)], files=[missing])
        self.assert_ok(run)
        self.assertEqual([(u["file"], u["line"]) for u in run.result["unmatched"]], [(missing, None), (missing, 3)])
        self.assertTrue(run.result["unmatched"][0]["reason"].startswith("cannot read "))


class FileScopeTest(LinesTestCase):
    def test_second_module_imported_by_the_script(self):
        self.write("pkg/helpers.py", """
            def square(x):
                return x * x


            def unused():
                return 0

            TABLE = square(3)
            """)
        script = self.write("pkg/main.py", """
            import helpers

            def main():
                return sum(helpers.square(i) for i in range(10))

            print(main())
            """)
        helpers = os.path.join(self.tmp, "pkg", "helpers.py")
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine, files=[helpers])
                self.assert_ok(run)
                self.assertEqual(run.stdout, b"285\n")
                self.assertEqual(run.result["scope"], {"files": [os.path.realpath(helpers)], "functions": []})
                self.assertEqual(set(f["file"] for f in run.result["functions"]), {os.path.realpath(helpers)})
                self.assertEqual(run.function("square")["calls"], 11)
                self.assertEqual(run.hits("square"), {2: 11})
                self.assertEqual(run.function("unused")["calls"], 0)
                self.assertEqual(run.function("<module>")["calls"], 1)
                self.assertEqual(run.hits("<module>")[8], 1)
                self.assert_hits_match_reference(run, self.reference_hits(engine, script, helpers), "helpers.py")

    def test_file_and_function_together(self):
        self.write("lib.py", "def f():\n    return 1\n")
        script = self.write("app.py", "import lib\n\ndef g():\n    return lib.f()\n\ng()\n")
        run = self.lines_runner(script, files=[os.path.join(self.tmp, "lib.py")], functions=[(script, 4)])
        self.assert_ok(run)
        self.assertEqual(sorted((os.path.basename(f["file"]), f["qualname"]) for f in run.result["functions"]),
                         [("app.py", "g"), ("lib.py", "<module>"), ("lib.py", "f")])


class WorkloadsTest(LinesTestCase):
    """The 5% sum check on the shared workloads: a function's lines add up to its total in the same run."""

    def workload(self, name):
        script = os.path.join(WORKLOADS, name)
        self.assertTrue(os.path.exists(script), "missing workload " + script)
        return script

    def test_calls_workload(self):
        script = self.workload("calls.py")
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine)
                self.assert_ok(run)
                self.assertEqual(run.function("inc")["calls"], 3000000)
                self.assertEqual(run.hits("inc"), {5: 3000000})
                self.assertEqual(run.hits("work"), {9: 3, 10: 3000003, 11: 3000000, 12: 3})
                self.assertEqual(run.function("work")["calls"], 3)
                self.assertGreaterEqual(self.assert_lines_add_up(run), 4)  # <module>, main, work, inc

    def test_mixed_app_workload(self):
        script = self.workload("mixed_app.py")
        for engine in ENGINES:
            with self.subTest(engine=engine):
                run = self.lines_runner(script, engine=engine)
                self.assert_ok(run)
                self.assertEqual(run.function("parse")["calls"], 1)
                self.assertEqual(run.hits("parse")[20], 60000)
                self.assertEqual(run.function("Node.__init__")["calls"], 2000 * 51)
                self.assertEqual(run.function("io_worker")["calls"], 1)  # the worker thread (threading.Thread)
                self.assertGreaterEqual(self.assert_lines_add_up(run), 6)

    def test_mixed_app_scoped_to_hot_functions(self):
        script = self.workload("mixed_app.py")
        with open(script) as stream:
            source = stream.read().splitlines()
        wanted = ["def parse(", "def count_codes(", "def slow_unique("]
        lines = [index + 1 for index, text in enumerate(source) if text.startswith(tuple(wanted))]
        self.assertEqual(len(lines), 3)
        run = self.lines_runner(script, functions=[(script, line + 1) for line in lines])
        self.assert_ok(run)
        self.assertEqual(sorted(f["qualname"] for f in run.result["functions"]),
                         ["count_codes", "parse", "slow_unique"])
        self.assertEqual(self.assert_lines_add_up(run), 3)


class TargetTest(LinesTestCase):
    def test_exit_status_and_output_passed_through(self):
        script = self.write("exits.py", """
            import sys

            def work():
                return sum(range(100))

            print("out", work())
            sys.stderr.write("err\\n")
            sys.exit(3)
            """)
        plain = self.plain(script)
        run = self.lines_runner(script)
        self.assertEqual(run.returncode, 3)
        self.assertEqual(run.stdout, plain.stdout)
        self.assertEqual(run.stderr, plain.stderr)
        self.assertEqual(run.metadata["exitCode"], 3)
        self.assertIsNone(run.metadata["exception"])
        self.assertEqual(run.function("work")["calls"], 1)

    def test_crash_still_writes_the_result_atomically(self):
        script = self.write("crash.py", """
            def boom():
                raise RuntimeError("boom")

            boom()
            """)
        out_dir = os.path.join(self.tmp, "out")
        os.makedirs(out_dir)
        with open(os.path.join(out_dir, "lines.json"), "w") as stream:
            stream.write("stale")
        run = self.lines_runner(script)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stderr, self.plain(script).stderr)
        self.assertEqual(sorted(os.listdir(out_dir)), ["lines.json"])  # replaced, no temporary file left
        self.assertEqual(run.metadata["exception"]["type"], "RuntimeError")
        self.assertEqual(run.function("boom")["calls"], 1)
        self.assertEqual(run.hits("boom"), {2: 1})

    def test_syntax_error_and_missing_script(self):
        bad = self.write("bad.py", "def broken(:\n    pass\n")
        run = self.lines_runner(bad)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.metadata["exception"]["phase"], "compile")
        self.assertEqual(run.result["functions"], [])
        missing = self.lines_runner(os.path.join(self.tmp, "nope.py"))
        self.assertEqual(missing.returncode, 2)
        self.assertEqual(missing.metadata["exception"]["phase"], "start")

    def test_usage_errors_write_nothing(self):
        script = self.write("ok.py", "pass\n")
        for extra, message in (
                (["--engine", "fast"], b"unknown engine 'fast'"),
                (["--function", "ok.py"], b"--function needs PATH:LINE"),
                (["--function", "ok.py:0"], b"--function needs PATH:LINE"),
                (["--bogus"], b"unknown option '--bogus'")):
            with self.subTest(extra=extra):
                run = self.lines_runner(script, extra=extra)
                self.assertEqual(run.returncode, 2)
                self.assertIsNone(run.result)
                self.assertTrue(run.stderr.startswith(b"pyrometer-runner: "), run.stderr)
                self.assertIn(message, run.stderr)

    @unittest.skipIf(HAS_MONITORING, "sys.monitoring exists on this Python")
    def test_monitoring_engine_refused_before_3_12(self):
        run = self.lines_runner(self.write("ok.py", "pass\n"), engine="monitoring")
        self.assertEqual(run.returncode, 2)
        self.assertIsNone(run.result)
        self.assertEqual(run.stdout, b"")
        version = "%d.%d.%d" % sys.version_info[:3]
        self.assertEqual(run.stderr.decode("ascii"), "pyrometer-runner: the monitoring engine needs Python 3.12+ "
                                                     "(this is %s); use --engine settrace\n" % version)

    @unittest.skipUnless(HAS_MONITORING, "the monitoring engine needs Python 3.12+")
    def test_monitoring_leaves_cprofile_usable_by_the_script(self):
        script = self.write("uses_cprofile.py", """
            import cProfile

            def work():
                return sum(range(1000))

            profile = cProfile.Profile()
            profile.enable()
            work()
            profile.disable()
            print("profiled")
            """)
        run = self.lines_runner(script, engine="monitoring")
        self.assert_ok(run)
        self.assertEqual(run.stdout, b"profiled\n")
        self.assertEqual(run.function("work")["calls"], 1)


class LineProfilerTest(LinesTestCase):
    def setUp(self):
        LinesTestCase.setUp(self)
        self.python, reason = lprof_python()
        if self.python is None:
            self.skipTest(reason)

    def test_numbers_are_line_profilers(self):
        self.write("helpers.py", """
            def square(x):
                return x * x
            """)
        script = self.write("main.py", textwrap.dedent(LOOPS).lstrip("\n")
                            + "import helpers\nprint([helpers.square(i) for i in range(5)])\n")
        helpers = os.path.join(self.tmp, "helpers.py")
        run = self.lines_runner(script, engine="line_profiler", python=self.python,
                                functions=[(script, 9)], files=[helpers])
        self.assert_ok(run)
        self.assertEqual(run.stdout, b"[0, 1, 4, 9, 16]\n")
        engine = run.result["engine"]
        self.assertEqual(engine["name"], "line_profiler")
        self.assertRegex(engine["version"], r"^\d+\.\d+")
        self.assertIn("calls is null", engine["note"])
        # line_profiler counts a hit when the line's time is taken, which is every line event (one per loop pass)
        expected = self.direct_line_profiler_hits(script)
        self.assertEqual(run.hits("loops"), dict((line, expected.get(line, 0)) for line in run.hits("loops")))
        self.assertEqual(run.hits("loops")[LOOP_BODY], 1010)
        self.assertEqual(run.hits("square"), {2: 5})
        for function in run.result["functions"]:
            self.assertIsNone(function["calls"])
            self.assertEqual(function["totalNs"], sum(e["totalNs"] for e in function["lines"]))
        self.assertGreater(run.function("loops")["totalNs"], 0)

    def direct_line_profiler_hits(self, script):
        """line_profiler's hits for `loops` when used the documented way (LineProfiler(f), runcall)."""
        probe = self.write("probe_lprof.py", """
            import json, runpy, sys
            from line_profiler import LineProfiler
            namespace = runpy.run_path(sys.argv[1], run_name="not_main")
            profiler = LineProfiler(namespace["loops"])
            profiler.runcall(namespace["loops"], 1000)
            profiler.runcall(namespace["loops"], 10)
            stats = profiler.get_stats()
            hits = {}
            for (_, _, name), entries in stats.timings.items():
                for line, nhits, _ in entries:
                    hits[line] = nhits
            print(json.dumps(hits))
            """)
        completed = subprocess.run([self.python, probe, script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   cwd=self.tmp, env=child_env(), timeout=300)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        return dict((int(line), hits) for line, hits in json.loads(completed.stdout.decode().splitlines()[-1]).items())

    def test_whole_file_and_exit_status(self):
        script = self.write("exits.py", """
            import sys

            def work(n):
                total = 0
                for i in range(n):
                    total += i
                return total

            print(work(100))
            sys.exit(4)
            """)
        run = self.lines_runner(script, engine="line_profiler", python=self.python)
        self.assertEqual(run.returncode, 4)
        self.assertEqual(run.stdout, b"4950\n")
        self.assertEqual(run.hits("work")[6], 100)
        self.assertEqual(run.metadata["exitCode"], 4)


class MissingLineProfilerTest(LinesTestCase):
    def test_line_profiler_engine_without_the_package(self):
        try:
            import line_profiler  # noqa: F401
            self.skipTest("line_profiler is importable by %s" % PYTHON)
        except ImportError:
            pass
        run = self.lines_runner(self.write("ok.py", "pass\n"), engine="line_profiler")
        self.assertEqual(run.returncode, 2)
        self.assertIsNone(run.result)
        text = run.stderr.decode("utf-8")
        self.assertTrue(text.startswith("pyrometer-runner: the line_profiler engine needs the line_profiler package"))
        self.assertIn(PYTHON, text)
        self.assertIn("pip install line_profiler", text)


if __name__ == "__main__":
    unittest.main()
