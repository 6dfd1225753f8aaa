"""The memory runner (python/pyrometer_runner memory) run as the extension runs it, checked against tracemalloc.

unittest only. Every run starts the runner as a subprocess with the interpreter running the tests:

    python <repo>/python/pyrometer_runner memory --out R.json --snapshots-out DIR [...] -- SCRIPT ARGS

``--snapshots-out`` makes the runner dump the very snapshots its figures come from; the tests load them with
``tracemalloc.Snapshot.load``, apply the documented filter with ``tracemalloc.Filter`` and ask tracemalloc for
``statistics``/``compare_to``: the result must hold exactly those numbers, in that order.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
import unittest

from runner_support import ScriptDirTestCase, child_env, read_result

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(REPO, "python", "pyrometer_runner")
WORKLOADS = os.path.join(os.path.dirname(REPO), "shared", "workloads")
PYTHON = sys.executable
ALLOCATIONS = os.path.join(WORKLOADS, "allocations.py")


def documented_filters():
    """docs/runner-memory.md's exclusion, written out independently of the runner."""
    patterns = ["<frozen importlib.*>", "<unknown>", tracemalloc.__file__, os.path.join(RUNNER, "*")]
    return [tracemalloc.Filter(False, pattern) for pattern in patterns]


def line_of(path, text):
    with open(path) as stream:
        for number, line in enumerate(stream, 1):
            if text in line:
                return number
    raise AssertionError("%r not in %s" % (text, path))


def strip_runner_frames(frames):
    """Frames oldest first without those that started the script (up to the last runner frame), as documented."""
    runner_frames = [i for i, frame in enumerate(frames[:-1]) if frame[0].startswith(os.path.join(RUNNER, ""))]
    return frames[runner_frames[-1] + 1:] if runner_frames else frames


class MemoryRun(object):
    def __init__(self, completed, result_path, snapshots_dir):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.result = read_result(result_path)
        self.snapshots_dir = snapshots_dir

    @property
    def metadata(self):
        return self.result["metadata"]

    def snapshot(self, label):
        """The dumped snapshot, with the documented filter applied by tracemalloc itself."""
        return tracemalloc.Snapshot.load(os.path.join(self.snapshots_dir, label + ".pickle")).filter_traces(
            documented_filters())


def run_memory(tmp, script, runner_args=(), args=(), cwd=None, env=None, timeout=600):
    out = os.path.join(tmp, "out", "result.json")
    snapshots = os.path.join(tmp, "snapshots")
    for directory in (os.path.dirname(out), snapshots):
        if os.path.isdir(directory):
            shutil.rmtree(directory)
        os.makedirs(directory)
    command = ([PYTHON, RUNNER, "memory", "--out", out, "--snapshots-out", snapshots] + list(runner_args)
               + ["--", script] + list(args))
    completed = subprocess.run(command, cwd=cwd or tmp, env=env or child_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
    return MemoryRun(completed, out, snapshots)


def statistics_rows(snapshot):
    return [(s.traceback[0].filename, s.traceback[0].lineno, s.size, s.count) for s in snapshot.statistics("lineno")]


def diff_rows(new, old):
    return [(s.traceback[0].filename, s.traceback[0].lineno, s.size, s.count, s.size_diff, s.count_diff)
            for s in new.compare_to(old, "lineno")]


def result_diff_rows(entries):
    return [(e["file"], e["line"], e["bytes"], e["blocks"], e["bytesDiff"], e["blocksDiff"]) for e in entries]


class MemoryTestCase(ScriptDirTestCase):
    TMP_PREFIX = "pyrometer-memory-test-"


    def assert_exact(self, run, top=20):
        """statistics, diff entries, snapshot totals and growth tracebacks are tracemalloc's own numbers."""
        result = run.result
        start, end = run.snapshot("start"), run.snapshot("end")
        expected = statistics_rows(end)
        self.assertLessEqual(len(expected), result["limits"]["statistics"])
        self.assertEqual([(s["file"], s["line"], s["bytes"], s["blocks"]) for s in result["statistics"]], expected)
        self.assertEqual(result["statisticsOmitted"], {"entries": 0, "bytes": 0, "blocks": 0})
        expected_diff = diff_rows(end, start)
        self.assertEqual(result_diff_rows(result["diff"]["entries"]), expected_diff)
        labels = [s["label"] for s in result["snapshots"]]
        self.assertEqual(labels[0], "start")
        self.assertEqual(labels[-1], "end")
        for figures in (result["snapshots"][0], result["snapshots"][-1]):
            snapshot = start if figures["label"] == "start" else end
            self.assertEqual(figures["totalBytes"], sum(s.size for s in snapshot.statistics("lineno")))
            self.assertEqual(figures["totalBlocks"], sum(s.count for s in snapshot.statistics("lineno")))
        # growth: the `top` largest positive bytesDiff, each with its tracebacks from compare_to('traceback')
        growing = sorted([row for row in expected_diff if row[4] > 0], key=lambda row: row[4], reverse=True)[:top]
        growth = result["diff"]["growth"]
        self.assertEqual(result_diff_rows(growth), growing)
        by_site = {}
        for stat in end.compare_to(start, "traceback"):
            newest = stat.traceback[len(stat.traceback) - 1]
            by_site.setdefault((newest.filename, newest.lineno), []).append(stat)
        for site in growth:
            stats = sorted(by_site[(site["file"], site["line"])], key=lambda s: s.size_diff, reverse=True)
            self.assertEqual(site["tracebacksOmitted"], max(0, len(stats) - 10))
            got = [(t["bytes"], t["blocks"], t["bytesDiff"], t["blocksDiff"],
                    [(f["file"], f["line"]) for f in t["frames"]]) for t in site["tracebacks"]]
            want = [(s.size, s.count, s.size_diff, s.count_diff,
                     strip_runner_frames([(f.filename, f.lineno) for f in s.traceback])) for s in stats[:10]]
            self.assertEqual(got, want)
            if not site["tracebacksOmitted"]:
                self.assertEqual(sum(t["bytesDiff"] for t in site["tracebacks"]), site["bytesDiff"])
            for traceback in site["tracebacks"]:
                self.assertEqual((traceback["frames"][-1]["file"], traceback["frames"][-1]["line"]),
                                 (site["file"], site["line"]), "frames are oldest first, the site last")


class AllocationsWorkloadTest(MemoryTestCase):
    """One run of the shared allocations.py workload (slow under tracemalloc), checked several ways."""

    @classmethod
    def setUpClass(cls):
        cls.class_tmp = tempfile.mkdtemp(prefix="pyrometer-memory-allocations-")
        cls.run_result = run_memory(cls.class_tmp, ALLOCATIONS)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.class_tmp, True)

    def test_runs_silently_and_writes_the_schema(self):
        run = self.run_result
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"")
        self.assertEqual(run.stderr, b"")
        result = run.result
        self.assertEqual(result["schema"], "pyrometer.memory/1")
        self.assertEqual(result["metadata"]["tool"], "tracemalloc")
        self.assertEqual(result["metadata"]["exitCode"], 0)
        self.assertEqual(result["metadata"]["threadsSeen"], 0)
        block = result["tracemalloc"]
        self.assertEqual(block["frames"], 1)
        for name in ("peakBytes", "endBytes", "trackingOverheadBytes"):
            self.assertIs(type(block[name]), int, name)
        self.assertGreaterEqual(block["peakBytes"], block["endBytes"])
        self.assertIn("slower", block["note"])
        self.assertIsNone(result["interval"])
        self.assertEqual(result["intervalDiffs"], [])
        self.assertFalse(result["truncated"])

    def test_the_filter_is_the_documented_one(self):
        exclude = self.run_result.result["filter"]["exclude"]
        for pattern in ("<frozen importlib.*>", "<unknown>", tracemalloc.__file__, os.path.join(RUNNER, "*")):
            self.assertIn(pattern, exclude)
        for entry in self.run_result.result["statistics"] + self.run_result.result["diff"]["entries"]:
            self.assertFalse(entry["file"].startswith(os.path.join(RUNNER, "")), entry)
            self.assertFalse(entry["file"].startswith("<frozen importlib."), entry)
            self.assertNotEqual(entry["file"], tracemalloc.__file__)

    def test_figures_are_tracemallocs_own(self):
        self.assert_exact(self.run_result)

    def test_the_cache_keeps_growing_and_the_rows_it_keeps_are_the_top_site(self):
        """remember()'s `_cache[key] = value` grows (the dict's table); but tracemalloc charges memory to the line
        that allocated it, and the 100,000 row dicts the cache keeps alive were allocated by rows_as_dicts: that
        line is the top growing site, the keys' line (in main) the second, the cache's own line the third."""
        growth = self.run_result.result["diff"]["growth"]
        cache_line = line_of(ALLOCATIONS, "_cache[key] = value")
        rows_line = line_of(ALLOCATIONS, '[{"id": i')
        keys_line = line_of(ALLOCATIONS, "remember((round_")
        sites = [(g["file"], g["line"]) for g in growth]
        self.assertEqual(sites[:3], [(ALLOCATIONS, rows_line), (ALLOCATIONS, keys_line), (ALLOCATIONS, cache_line)])
        cache = growth[2]
        self.assertGreater(cache["bytesDiff"], 4 * 1024 * 1024)  # a table for 100,000 keys
        self.assertLessEqual(cache["blocksDiff"], 2)
        self.assertEqual(cache["origin"], "script")
        self.assertEqual([[(f["file"], f["line"]) for f in t["frames"]] for t in cache["tracebacks"]],
                         [[(ALLOCATIONS, cache_line)]])
        self.assertIn("1 frame", self.run_result.result["diff"]["note"])
        statistics = dict(((s["file"], s["line"]), s) for s in self.run_result.result["statistics"])
        self.assertEqual(statistics[(ALLOCATIONS, cache_line)]["bytes"], cache["bytes"])

    def test_the_cache_is_the_global_that_keeps_the_most_alive(self):
        """The retainers block answers "who holds it": _cache (defined on line 3) keeps the 100,000 row dicts,
        their lists, names and ids, and the 100,000 key tuples; sampled objects point at the lines that built
        them. Sizes are sys.getsizeof; for the rows they come close to tracemalloc's own figure for the
        comprehension's line (every row it allocated is still held by the cache, nothing else is)."""
        block = self.run_result.result["retainers"]
        self.assertIsNone(block["error"])
        self.assertFalse(block["truncated"])
        top = block["roots"][0]
        self.assertEqual((top["module"], top["file"], top["name"], top["line"], top["type"]),
                         ("__main__", ALLOCATIONS, "_cache", line_of(ALLOCATIONS, "_cache = {}"), "dict"))
        types = dict((t["type"], t) for t in top["types"])
        self.assertEqual(top["typesOmitted"], 0)
        self.assertEqual(sum(t["bytes"] for t in top["types"]), top["bytes"])
        self.assertEqual(sum(t["objects"] for t in top["types"]), top["objects"])
        self.assertEqual(types["dict"]["objects"], 100001)  # the rows and the cache itself
        self.assertEqual(types["list"]["objects"], 100000)
        self.assertEqual(types["str"]["objects"], 100000)
        self.assertEqual(types["tuple"]["objects"], 100000)
        rows_line = line_of(ALLOCATIONS, '[{"id": i')
        keys_line = line_of(ALLOCATIONS, "remember((round_")
        for name, line in (("dict", rows_line), ("list", rows_line), ("str", rows_line), ("tuple", keys_line)):
            site = types[name]["sites"][0]
            self.assertEqual((site["file"], site["line"], site["origin"]), (ALLOCATIONS, line, "script"), name)
            self.assertGreaterEqual(site["sampled"], types[name]["sampled"] - 2, name)
            self.assertGreater(types[name]["sampled"], 50, name)
        row_bytes = sum(types[name]["bytes"] for name in ("list", "str", "int")) + types["dict"]["bytes"] \
            - sys.getsizeof({}) - self._cache_table_bytes()
        traced = dict(((s["file"], s["line"]), s["bytes"]) for s in self.run_result.result["statistics"])
        self.assertAlmostEqual(row_bytes / traced[(ALLOCATIONS, rows_line)], 1.0, delta=0.1)
        others = [r["name"] for r in block["roots"][1:]]
        self.assertNotIn("rows", others)  # deleted before the end
        self.assertTrue(all(r["bytes"] < top["bytes"] / 100 for r in block["roots"][1:]), block["roots"][1:])

    def _cache_table_bytes(self):
        """The cache's own table: what getsizeof adds to an empty dict for 100,000 keys (allocated by line 15)."""
        table = {}
        for i in range(100000):
            table[(i // 20000, i)] = None
        return sys.getsizeof(table) - sys.getsizeof({})


class RetainersTest(MemoryTestCase):
    def test_every_kind_of_root_and_exact_sizes(self):
        self.write("helper.py", """
            REGISTRY = [bytearray(500) for _ in range(10)]
        """)
        script = self.write("main.py", """
            import functools
            import helper

            class Store:
                items = {}
                label = "not a container"

            @functools.lru_cache(maxsize=None)
            def square(n):
                return bytearray(n)

            holder = [bytearray(1000) for _ in range(50)]
            for i in range(20):
                Store.items[i] = bytearray(2000)
            square(3000)
            small = 7
        """)
        run = run_memory(self.tmp, script)
        self.assertEqual(run.returncode, 0, run.stderr)
        roots = dict((r["name"], r) for r in run.result["retainers"]["roots"])
        holder = roots["holder"]
        self.assertEqual((holder["module"], holder["line"], holder["objects"]), ("__main__", 13, 51))
        self.assertEqual(holder["bytes"], sys.getsizeof([bytearray(1000) for _ in range(50)])
                         + 50 * sys.getsizeof(bytearray(1000)))
        by_type = dict((t["type"], t) for t in holder["types"])
        self.assertEqual(by_type["bytearray"]["objects"], 50)
        self.assertEqual(by_type["bytearray"]["bytes"], 50 * sys.getsizeof(bytearray(1000)))
        self.assertEqual(by_type["bytearray"]["sites"][0]["line"], 13)
        self.assertEqual(by_type["list"]["objects"], 1)
        store = roots["Store.items"]
        self.assertEqual((store["line"], store["type"]), (6, "dict"))
        self.assertEqual(dict((t["type"], t["objects"]) for t in store["types"])["bytearray"], 20)
        self.assertNotIn("Store.label", roots)
        self.assertNotIn("Store", roots)
        cache = roots["square"]
        self.assertEqual(cache["line"], 10)  # the def line
        self.assertIn("bytearray", [t["type"] for t in cache["types"]])
        registry = roots["REGISTRY"]
        self.assertEqual((registry["module"], registry["file"], registry["line"]),
                         ("helper", os.path.join(self.tmp, "helper.py"), 2))
        self.assertEqual(dict((t["type"], t["objects"]) for t in registry["types"])["bytearray"], 10)
        self.assertNotIn("functools", roots)  # modules are structure, not data
        self.assertEqual(roots["small"]["objects"], 1)
        ranked = [r["bytes"] for r in run.result["retainers"]["roots"]]
        self.assertEqual(ranked, sorted(ranked, reverse=True))

    def test_a_program_that_raises_still_gets_its_retainers(self):
        script = self.write("boom.py", """
            kept = [bytes(100) for _ in range(30)]
            raise SystemExit(3)
        """)
        run = run_memory(self.tmp, script)
        self.assertEqual(run.returncode, 3)
        kept = dict((r["name"], r) for r in run.result["retainers"]["roots"])["kept"]
        self.assertEqual(kept["objects"], 31)


NESTED = """
    keep = []

    def leaf(n):
        out = []  # a loop, not a comprehension: before 3.12 a comprehension is a frame of its own
        for _ in range(n):
            out.append(bytes(1000))
        return out

    def via_a():
        keep.extend(leaf(200))

    def via_b():
        keep.extend(leaf(100))

    via_a()
    via_b()
    print(len(keep))
"""


class TracebackTest(MemoryTestCase):
    def test_three_frames_give_each_caller_its_traceback(self):
        script = self.write("nested.py", NESTED)
        run = run_memory(self.tmp, script, ["--frames", "3"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"300\n")
        self.assertEqual(run.result["tracemalloc"]["frames"], 3)
        self.assert_exact(run)
        leaf_line = line_of(script, "bytes(1000)")
        site = [g for g in run.result["diff"]["growth"] if g["line"] == leaf_line and g["file"].endswith("nested.py")]
        self.assertEqual(len(site), 1)
        tracebacks = site[0]["tracebacks"]
        self.assertEqual([[f["line"] for f in t["frames"]] for t in tracebacks],
                         [[line_of(script, "via_a()\n"), line_of(script, "leaf(200)"), leaf_line],
                          [line_of(script, "via_b()\n"), line_of(script, "leaf(100)"), leaf_line]])
        self.assertGreaterEqual(tracebacks[0]["blocksDiff"], 200)  # the bytes objects, and the list
        self.assertGreaterEqual(tracebacks[1]["blocksDiff"], 100)
        self.assertLess(tracebacks[1]["blocksDiff"], 200)
        self.assertIn("3 frames", run.result["diff"]["note"])

    def test_runner_frames_are_not_in_tracebacks(self):
        script = self.write("nested.py", NESTED)
        run = run_memory(self.tmp, script, ["--frames", "10"])
        self.assertEqual(run.returncode, 0, run.stderr)
        for site in run.result["diff"]["growth"]:
            for traceback in site["tracebacks"]:
                for frame in traceback["frames"]:
                    self.assertNotIn("pyrometer_runner", frame["file"])


GROWING = """
    import time
    data = []
    for step in range(4):
        data.append(bytearray(1000000))
        time.sleep(0.3)
    del data[0]
"""


class IntervalTest(MemoryTestCase):
    def test_interval_snapshots_and_their_diffs_are_tracemallocs(self):
        script = self.write("growing.py", GROWING)
        run = run_memory(self.tmp, script, ["--interval", "0.25"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stderr, b"")
        result = run.result
        self.assert_exact(run)
        interval = result["interval"]
        self.assertEqual(interval["seconds"], 0.25)
        self.assertIsNone(interval["error"])
        self.assertFalse(interval["stoppedEarly"])
        snapshots = result["snapshots"]
        labels = [s["label"] for s in snapshots]
        self.assertGreaterEqual(interval["taken"], 3)
        self.assertEqual(len(labels), interval["taken"] + 2)
        self.assertEqual(len(set(labels)), len(labels))
        for label in labels[1:-1]:
            self.assertRegex(label, r"^\+\d+\.\d\ds$")
        times = [s["atSeconds"] for s in snapshots]
        self.assertEqual(times, sorted(times))
        # consecutive diffs, each exactly tracemalloc's compare_to of the two dumped snapshots (top entries)
        diffs = result["intervalDiffs"]
        self.assertEqual([(d["from"], d["to"]) for d in diffs], list(zip(labels, labels[1:])))
        for figures in snapshots[1:-1]:
            stats = run.snapshot(figures["label"]).statistics("lineno")
            self.assertEqual(figures["totalBytes"], sum(s.size for s in stats))
            self.assertEqual(figures["totalBlocks"], sum(s.count for s in stats))
        for diff in diffs:
            expected = diff_rows(run.snapshot(diff["to"]), run.snapshot(diff["from"]))
            limit = result["limits"]["intervalDiffEntries"]
            self.assertEqual(result_diff_rows(diff["entries"]), expected[:limit])
            self.assertEqual(diff["entriesOmitted"]["entries"], max(0, len(expected) - limit))
        growth_line = line_of(script, "bytearray(1000000)")
        first = [e for e in diffs[0]["entries"] if e["line"] == growth_line and e["file"].endswith("growing.py")]
        self.assertGreaterEqual(first[0]["blocksDiff"], 1)
        self.assertGreaterEqual(first[0]["bytesDiff"], 1000000)
        # the peak: three buffers at most were alive (the runner's snapshots are not counted on 3.9+)
        peak = result["tracemalloc"]["peakBytes"]
        self.assertGreaterEqual(peak, 4000000)
        if sys.version_info >= (3, 9):
            self.assertLess(peak, 4500000)
        else:
            self.assertIn("3.8", result["tracemalloc"]["note"])

    def test_the_interval_thread_is_invisible_to_the_program(self):
        script = self.write("threads.py", """
            import threading, time
            time.sleep(0.3)
            print(threading.active_count(), [t.name for t in threading.enumerate()])
        """)
        run = run_memory(self.tmp, script, ["--interval", "0.05"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, self.plain(script).stdout)
        self.assertEqual(run.metadata["threadsSeen"], 0)
        self.assertGreaterEqual(run.result["interval"]["taken"], 2)

    def test_the_program_stopping_tracemalloc(self):
        script = self.write("stops.py", """
            import time, tracemalloc
            keep = [bytearray(1000) for _ in range(10)]
            time.sleep(0.2)
            tracemalloc.stop()
            time.sleep(0.2)
        """)
        run = run_memory(self.tmp, script, ["--interval", "0.05"])
        self.assertEqual(run.returncode, 0, run.stderr)
        result = run.result
        self.assertIn("stopped tracemalloc", result["tracemalloc"]["note"])
        self.assertIsNone(result["tracemalloc"]["endBytes"])
        self.assertIn("stopped tracemalloc", result["interval"]["error"])
        self.assertEqual(result["statistics"], [])
        self.assertEqual([s["label"] for s in result["snapshots"]][0], "start")
        self.assertNotIn("end", [s["label"] for s in result["snapshots"]])


class CapsTest(MemoryTestCase):
    def test_lists_are_capped_and_say_what_was_cut(self):
        lines = ["keep = []"] + ["keep.append([0] * %d)" % (10 + i) for i in range(1100)]
        lines += ["def alloc():", "    return bytes(5000)"]
        lines += ["def caller_%d():" % i + "\n    keep.append(alloc())" for i in range(12)]
        lines += ["caller_%d()" % i for i in range(12)]
        script = self.write("many.py", "\n".join(lines) + "\n")
        run = run_memory(self.tmp, script, ["--frames", "2", "--top", "100"])
        self.assertEqual(run.returncode, 0, run.stderr)
        result = run.result
        self.assertTrue(result["truncated"])
        end = run.snapshot("end")
        expected = statistics_rows(end)
        self.assertGreater(len(expected), 1000)
        self.assertEqual([(s["file"], s["line"], s["bytes"], s["blocks"]) for s in result["statistics"]],
                         expected[:1000])
        omitted = result["statisticsOmitted"]
        self.assertEqual(omitted["entries"], len(expected) - 1000)
        self.assertEqual(omitted["bytes"], sum(row[2] for row in expected[1000:]))
        self.assertEqual(omitted["blocks"], sum(row[3] for row in expected[1000:]))
        expected_diff = diff_rows(end, run.snapshot("start"))
        self.assertEqual(result_diff_rows(result["diff"]["entries"]), expected_diff[:1000])
        self.assertEqual(result["diff"]["entriesOmitted"]["entries"], len(expected_diff) - 1000)
        self.assertEqual(result["diff"]["entriesOmitted"]["bytesDiff"], sum(row[4] for row in expected_diff[1000:]))
        self.assertEqual(len(result["diff"]["growth"]), 100)
        alloc_line = line_of(script, "return bytes(5000)")
        site = [g for g in result["diff"]["growth"] if g["line"] == alloc_line][0]
        self.assertEqual(len(site["tracebacks"]), 10)
        self.assertEqual(site["tracebacksOmitted"], 2)
        self.assertEqual(site["blocksDiff"], 12)


class RunLikePythonTest(MemoryTestCase):
    def test_exit_status_passes_through(self):
        script = self.write("exit3.py", "keep = [bytearray(100) for _ in range(50)]\nimport sys\nsys.exit(3)\n")
        run = run_memory(self.tmp, script)
        self.assertEqual(run.returncode, 3)
        self.assertEqual(run.stderr, b"")
        self.assertEqual(run.metadata["exitCode"], 3)
        self.assertIsNone(run.metadata["exception"])
        self.assertTrue(any(s["line"] == 1 and s["blocks"] >= 50 for s in run.result["statistics"]))

    def test_a_crashing_script_still_writes_the_result(self):
        script = self.write("crash.py", """
            keep = [bytearray(100) for _ in range(50)]

            def fail():
                raise RuntimeError("boom")

            fail()
        """)
        run = run_memory(self.tmp, script)
        plain = self.plain(script)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stderr, plain.stderr)
        exception = run.metadata["exception"]
        self.assertEqual((exception["type"], exception["message"], exception["phase"]), ("RuntimeError", "boom", "run"))
        self.assertEqual(exception["traceback"], plain.stderr.decode("utf-8"))
        self.assertTrue(any(s["line"] == 2 and s["blocks"] >= 50 for s in run.result["statistics"]))
        self.assert_exact(run)

    def test_output_passes_through(self):
        script = self.write("talk.py", """
            import sys
            print("out")
            sys.stderr.write("err\\n")
        """)
        run = run_memory(self.tmp, script, ["--interval", "0.01"])
        self.assertEqual(run.returncode, 0)
        self.assertEqual(run.stdout, b"out\n")
        self.assertEqual(run.stderr, b"err\n")

    def test_missing_script_and_syntax_error(self):
        run = run_memory(self.tmp, os.path.join(self.tmp, "missing.py"), ["--interval", "1"])
        self.assertEqual(run.returncode, 2)
        self.assertTrue(run.stderr.startswith(b"pyrometer-runner: "), run.stderr)
        self.assertEqual(run.metadata["exception"]["phase"], "start")
        self.assertEqual(run.result["snapshots"], [])
        self.assertEqual(run.result["statistics"], [])
        self.assertEqual(run.result["diff"]["growth"], [])
        self.assertIsNone(run.result["tracemalloc"]["peakBytes"])
        bad = self.write("bad.py", "def broken(:\n    pass\n")
        run = run_memory(self.tmp, bad)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.metadata["exception"]["phase"], "compile")
        self.assertEqual(run.result["snapshots"], [])

    def test_usage_errors_exit_2_without_a_result(self):
        script = self.write("ok.py", "pass\n")
        for bad in (["--frames", "0"], ["--frames", "101"], ["--top", "-1"], ["--top", "101"], ["--interval", "0"],
                    ["--interval", "x"], ["--nope"]):
            run = run_memory(self.tmp, script, bad)
            self.assertEqual(run.returncode, 2, bad)
            self.assertTrue(run.stderr.startswith(b"pyrometer-runner: "), run.stderr)
            self.assertIsNone(run.result, bad)


if __name__ == "__main__":
    unittest.main()
