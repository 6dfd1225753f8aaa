"""The ``bytecode`` subcommand (python/pyrometer_runner/bytecode_run.py): warm-up, then the specialized-bytecode
listing of the script's file (docs/runner-bytecode.md).

unittest only. Every test starts the runner as a subprocess with the interpreter running the tests:

    python <repo>/python/pyrometer_runner bytecode --out R.json [--call ...] -- SCRIPT ARGS

What the listing says is checked against ``dis`` itself, read in a separate child that imports the same program,
warms it up the same way and disassembles the functions (INDEPENDENT_DIS): opnames, lines, counters and jump
targets must be equal, never a value guessed here. The statuses are checked against the documented rule applied
by this file's own code (``expected_status``) to what that child read.
"""
import json
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
ATTRIBUTES = os.path.join(WORKLOADS, "attributes.py")
PYTHON = sys.executable
SCHEMA = "pyrometer.bytecode/1"
ADAPTIVE = sys.implementation.name == "cpython" and sys.version_info >= (3, 11)
STATUSES = {"specialized", "unspecialized", "failed", "cold", "plain"}
INSTRUCTION_KEYS = sorted(["offset", "line", "opname", "baseOpname", "arg", "argrepr", "status", "counter",
                           "jumpTarget"])
CODE_OBJECT_KEYS = sorted(["name", "qualname", "kind", "file", "firstLine", "lastLine", "parent", "instructions",
                           "summary"])

needs_adaptive = unittest.skipUnless(ADAPTIVE, "adaptive specialization is CPython 3.11+")

# Run in a child: sys.argv[1] = JSON {"path": dir to import from, "module": name, "setup": code run after the
# import (the warm-up), "functions": {key: expression giving the function}}. Prints, per function, dis's own
# view: [offset, opname, line, counter] for every non-CACHE instruction, and the jump-target offsets of the
# original (non-adaptive) bytecode.
INDEPENDENT_DIS = r'''
import dis, importlib, json, sys
spec = json.loads(sys.argv[1])
sys.path.insert(0, spec["path"])
module = importlib.import_module(spec["module"])
exec(spec["setup"], {"module": module})
out = {}
for key, expression in spec["functions"].items():
    found = eval(expression, {"module": module})
    code = getattr(found, "__code__", found)
    if sys.version_info >= (3, 13):
        listed = list(dis.get_instructions(code, adaptive=True))
    else:
        listed = list(dis.get_instructions(code, adaptive=True, show_caches=True))
    rows = []
    for index, ins in enumerate(listed):
        if ins.opname == "CACHE":
            continue
        counter = None
        if sys.version_info >= (3, 13):
            for name, size, data in ins.cache_info or ():
                if name == "counter":
                    counter = int.from_bytes(data, sys.byteorder)
        elif index + 1 < len(listed) and listed[index + 1].opname == "CACHE":
            text = listed[index + 1].argrepr
            if text.startswith("counter: "):
                counter = int(text.split(": ")[1])
        line = ins.positions.lineno
        rows.append([ins.offset, ins.opname, line if line else None, counter])  # 3.12+: line 0 is no line
    targets = [ins.offset for ins in dis.get_instructions(code) if ins.is_jump_target]
    out[key] = {"rows": rows, "jumpTargets": targets}
print(json.dumps(out))
'''

# The interpreter's own table of specialization families, read in a child of the same interpreter.
OWN_FAMILIES = r'''
import json, sys, opcode
table = {}
if sys.version_info >= (3, 13):
    import _opcode_metadata
    table = _opcode_metadata._specializations
elif hasattr(opcode, "_specializations"):
    table = opcode._specializations
print(json.dumps({"families": table}))
'''

# The generic instruction names that carry an inline cache (so an adaptive counter), from the interpreter.
OWN_CACHED = r'''
import json, opcode, sys
table = opcode._inline_cache_entries
if isinstance(table, dict):
    cached = [name for name, size in table.items() if size]
else:
    cached = [opcode.opname[code] for code, size in enumerate(table) if size]
print(json.dumps(cached))
'''


def child_json(code, *args):
    completed = subprocess.run([PYTHON, "-c", code] + [json.dumps(a) for a in args], env=child_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    if completed.returncode != 0:
        raise AssertionError("child failed: %s" % completed.stderr.decode("utf-8", "replace"))
    return json.loads(completed.stdout.decode("utf-8"))


def expected_status(opname, base, counter, families, cached):
    """The documented classification (docs/runner-bytecode.md), applied to what dis showed in the child."""
    if base not in families or base not in cached:
        return "plain"
    if opname != base and opname != base + "_ADAPTIVE":
        return "specialized"
    if sys.version_info[:2] == (3, 11):
        if opname == base or counter == 0:
            return "cold"
    elif counter == 17:
        return "cold"
    if counter is not None and counter & 15 >= 2:
        return "failed"
    return "unspecialized"


def line_of(path, needle, after_line=1):
    """The 1-based number of the first line at or after after_line containing needle."""
    with open(path, "rb") as stream:
        lines = stream.read().decode("utf-8").splitlines()
    for number in range(after_line, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    raise AssertionError("%r not found in %s" % (needle, path))


class Run(object):
    def __init__(self, completed, out):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.result = read_result(out)

    @property
    def metadata(self):
        return self.result["metadata"]

    def code_object(self, qualname):
        found = [c for c in self.result["codeObjects"] if c["qualname"] == qualname]
        if len(found) != 1:
            raise AssertionError("expected one code object %r, found %d (have %r)" % (
                qualname, len(found), [c["qualname"] for c in self.result["codeObjects"]]))
        return found[0]

    def instructions_at(self, qualname, line, base=None):
        return [i for i in self.code_object(qualname)["instructions"]
                if i["line"] == line and (base is None or i["baseOpname"] == base)]


def run_runner(tmp, script, runner_options=(), args=(), cwd=None):
    out = os.path.join(tmp, "out", "result.json")
    if os.path.exists(out):
        os.unlink(out)
    if not os.path.isdir(os.path.dirname(out)):
        os.makedirs(os.path.dirname(out))
    command = [PYTHON, RUNNER, "bytecode", "--out", out] + list(runner_options) + ["--", script] + list(args)
    completed = subprocess.run(command, cwd=cwd or tmp, env=child_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=300)
    return Run(completed, out)


class BytecodeTestCase(ScriptDirTestCase):
    TMP_PREFIX = "pyrometer-bytecode-test-"


    def runner(self, script, runner_options=(), args=()):
        return run_runner(self.tmp, script, runner_options, args)

    def assert_well_formed(self, run):
        result = run.result
        self.assertIsNotNone(result, "no result written; stderr: %r" % run.stderr)
        self.assertEqual(result["schema"], SCHEMA)
        self.assertEqual(list(result), ["schema", "metadata", "adaptive", "warmup", "families", "codeObjects"])
        self.assertEqual(result["metadata"]["tool"], "dis")
        for index, code in enumerate(result["codeObjects"]):
            self.assertEqual(sorted(code), CODE_OBJECT_KEYS)
            parent = code["parent"]
            if index == 0:
                self.assertIsNone(parent)
                self.assertEqual(code["kind"], "module")
            else:
                self.assertTrue(0 <= parent < index, "parent %r of %d" % (parent, index))
            self.assertLessEqual(code["firstLine"], code["lastLine"])
            counts = dict((s, 0) for s in STATUSES)
            for instruction in code["instructions"]:
                self.assertEqual(sorted(instruction), INSTRUCTION_KEYS)
                self.assertIn(instruction["status"], STATUSES)
                self.assertNotEqual(instruction["opname"], "CACHE")
                counts[instruction["status"]] += 1
            summary = code["summary"]
            for status in ("specialized", "unspecialized", "failed", "cold"):
                self.assertEqual(summary[status], counts[status], "%s of %s" % (status, code["qualname"]))
            self.assertEqual(summary["specializable"], len(code["instructions"]) - counts["plain"])


class AttributesWorkloadTest(BytecodeTestCase):
    """The shared attributes.py workload, run as a script (its main() is the warm-up)."""

    @classmethod
    def setUpClass(cls):
        cls.class_tmp = tempfile.mkdtemp(prefix="pyrometer-bytecode-attributes-")
        cls.result_run = run_runner(cls.class_tmp, ATTRIBUTES, cwd=WORKLOADS)
        cls.dis = None
        if ADAPTIVE:
            cls.dis = child_json(INDEPENDENT_DIS, {
                "path": WORKLOADS, "module": "attributes", "setup": "module.main()",
                "functions": {"total_price": "module.total_price", "mixed_total": "module.mixed_total"}})

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.class_tmp, True)

    def test_result_is_complete_and_the_run_clean(self):
        run = self.result_run
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"")
        self.assertEqual(run.stderr, b"")
        self.assert_well_formed(run)
        self.assertEqual(run.result["warmup"], {"mode": "script", "call": None, "repeat": 1})
        self.assertEqual(run.metadata["script"], ATTRIBUTES)
        self.assertEqual(run.metadata["exitCode"], 0)
        for code in run.result["codeObjects"]:
            self.assertEqual(code["file"], ATTRIBUTES)
        total = run.code_object("total_price")
        self.assertEqual(total["kind"], "function")
        self.assertEqual(total["firstLine"], line_of(ATTRIBUTES, "def total_price"))
        self.assertEqual(total["lastLine"], line_of(ATTRIBUTES, "return total", total["firstLine"]))
        self.assertEqual(run.result["codeObjects"][total["parent"]]["kind"], "module")

    @needs_adaptive
    def test_monomorphic_site_is_a_specialized_attribute_load(self):
        line = line_of(ATTRIBUTES, "item.price", line_of(ATTRIBUTES, "def total_price"))
        loads = self.result_run.instructions_at("total_price", line, "LOAD_ATTR")
        self.assertEqual(len(loads), 1, loads)
        load = loads[0]
        self.assertEqual(load["argrepr"], "price")
        self.assertEqual(load["status"], "specialized")
        self.assertTrue(load["opname"].startswith("LOAD_ATTR_"), load["opname"])
        self.assertIn(load["opname"], self.result_run.result["families"]["LOAD_ATTR"])
        self.assertFalse(load["opname"].endswith("_ADAPTIVE"))

    @needs_adaptive
    def test_listing_equals_what_dis_shows_after_the_same_warm_up(self):
        cached = child_json(OWN_CACHED)
        families = self.result_run.result["families"]
        for name in ("total_price", "mixed_total"):
            ours = self.result_run.code_object(name)["instructions"]
            theirs = self.dis[name]
            self.assertEqual([[i["offset"], i["opname"], i["line"], i["counter"]] for i in ours], theirs["rows"], name)
            self.assertEqual([i["offset"] for i in ours if i["jumpTarget"]], theirs["jumpTargets"], name)
            for instruction in ours:
                expected = expected_status(instruction["opname"], instruction["baseOpname"], instruction["counter"],
                                           families, cached)
                self.assertEqual(instruction["status"], expected, "%s %r" % (name, instruction))

    @needs_adaptive
    def test_polymorphic_site_status_is_what_dis_reports(self):
        line = line_of(ATTRIBUTES, "item.price", line_of(ATTRIBUTES, "def mixed_total"))
        loads = self.result_run.instructions_at("mixed_total", line, "LOAD_ATTR")
        self.assertEqual(len(loads), 1, loads)
        load = loads[0]
        row = [r for r in self.dis["mixed_total"]["rows"] if r[0] == load["offset"]]
        self.assertEqual(row, [[load["offset"], load["opname"], line, load["counter"]]])
        expected = expected_status(row[0][1], "LOAD_ATTR", row[0][3], self.result_run.result["families"],
                                   child_json(OWN_CACHED))
        self.assertEqual(load["status"], expected)

    def test_families_are_the_interpreters_own(self):
        self.assertEqual(self.result_run.result["families"], child_json(OWN_FAMILIES)["families"])

    def test_adaptive_block(self):
        adaptive = self.result_run.result["adaptive"]
        if ADAPTIVE:
            self.assertEqual(adaptive, {"available": True, "reason": None})
            self.assertTrue(self.result_run.metadata["capabilities"]["adaptiveDis"])
        else:
            self.assertFalse(adaptive["available"])
            version = "%d.%d.%d" % sys.version_info[:3]
            self.assertEqual(adaptive["reason"], "adaptive specialization needs Python 3.11+ (this is %s); "
                                                 "this is the plain dis listing" % version)


DECIMALS = """
    from decimal import Decimal

    def total(values):
        result = Decimal(0)
        for value in values:
            result = result + value
        return result

    def never_called(obj):
        return obj.attribute + obj[0]

    total([Decimal(i) for i in range(2000)])
"""


class StatusTest(BytecodeTestCase):
    @needs_adaptive
    def test_binary_op_on_decimal_stays_generic_and_failed(self):
        script = self.write("decimals.py", DECIMALS)
        run = self.runner(script)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assert_well_formed(run)
        adds = run.instructions_at("total", line_of(script, "result + value"), "BINARY_OP")
        self.assertEqual(len(adds), 1, adds)
        self.assertIn(adds[0]["opname"], ("BINARY_OP", "BINARY_OP_ADAPTIVE"))  # generic (3.11: its adaptive form)
        self.assertEqual(adds[0]["status"], "failed")
        self.assertGreaterEqual(adds[0]["counter"] & 15, 2)
        self.assertGreaterEqual(run.code_object("total")["summary"]["failed"], 1)

    @needs_adaptive
    def test_function_never_called_is_cold(self):
        script = self.write("decimals.py", DECIMALS)
        run = self.runner(script)
        code = run.code_object("never_called")
        sites = [i for i in code["instructions"] if i["baseOpname"] in ("LOAD_ATTR", "BINARY_SUBSCR", "BINARY_OP")]
        self.assertEqual(sorted(i["baseOpname"] for i in sites), ["BINARY_OP", "BINARY_SUBSCR", "LOAD_ATTR"])
        for site in sites:
            self.assertEqual(site["status"], "cold", site)
            self.assertEqual(site["opname"], site["baseOpname"])  # never specialized, never quickened
        self.assertEqual(code["summary"]["specialized"], 0)
        self.assertEqual(code["summary"]["cold"], code["summary"]["specializable"])

    @unittest.skipIf(ADAPTIVE, "the plain listing is for interpreters without adaptive specialization")
    def test_plain_listing_before_3_11(self):
        script = self.write("decimals.py", DECIMALS)
        run = self.runner(script)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assert_well_formed(run)
        self.assertFalse(run.result["adaptive"]["available"])
        self.assertIn("needs Python 3.11+", run.result["adaptive"]["reason"])
        self.assertIn("this is the plain dis listing", run.result["adaptive"]["reason"])
        self.assertEqual(run.result["families"], {})
        for code in run.result["codeObjects"]:
            self.assertEqual(code["summary"]["specializable"], 0)
            for instruction in code["instructions"]:
                self.assertEqual(instruction["status"], "plain")
                self.assertEqual(instruction["opname"], instruction["baseOpname"])
                self.assertIsNone(instruction["counter"])
        adds = run.instructions_at("total", line_of(script, "result + value"))
        self.assertIn("BINARY_ADD", [i["opname"] for i in adds])  # 3.8's own name for it


NESTED = """
    class Shape:
        class Corner:
            def where(self):
                return 0

        def scaled(self, values, factor):
            grow = lambda v: v * factor
            squares = [grow(v) for v in values]
            return sum(s for s in squares)

    def outer():
        def inner():
            return 1
        return inner()

    Shape().scaled([1, 2, 3], 2)
    outer()
"""


class NestedCodeObjectsTest(BytecodeTestCase):
    def test_methods_lambdas_comprehensions_have_their_parents(self):
        script = self.write("nested.py", NESTED)
        run = self.runner(script)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assert_well_formed(run)
        objects = run.result["codeObjects"]

        def parent_of(qualname):
            return objects[run.code_object(qualname)["parent"]]["qualname"]

        self.assertEqual(run.code_object("Shape")["kind"], "class")
        self.assertEqual(run.code_object("Shape.Corner")["kind"], "class")
        self.assertEqual(parent_of("Shape.Corner"), "Shape")
        self.assertEqual(parent_of("Shape.Corner.where"), "Shape.Corner")
        self.assertEqual(parent_of("Shape.scaled"), "Shape")
        self.assertEqual(run.code_object("Shape.scaled")["kind"], "function")
        self.assertEqual(parent_of("Shape.scaled.<locals>.<lambda>"), "Shape.scaled")
        self.assertEqual(run.code_object("Shape.scaled.<locals>.<lambda>")["kind"], "lambda")
        self.assertEqual(parent_of("Shape.scaled.<locals>.<genexpr>"), "Shape.scaled")
        self.assertEqual(run.code_object("Shape.scaled.<locals>.<genexpr>")["kind"], "generator-expression")
        self.assertEqual(parent_of("outer.<locals>.inner"), "outer")
        if sys.version_info < (3, 12):  # 3.12 inlines list comprehensions (PEP 709): no code object of their own
            self.assertEqual(parent_of("Shape.scaled.<locals>.<listcomp>"), "Shape.scaled")
            self.assertEqual(run.code_object("Shape.scaled.<locals>.<listcomp>")["kind"], "comprehension")
        else:
            self.assertEqual([c for c in objects if c["name"] == "<listcomp>"], [])
        scaled = run.code_object("Shape.scaled")
        self.assertEqual(scaled["firstLine"], line_of(script, "def scaled"))
        self.assertEqual(scaled["lastLine"], line_of(script, "return sum("))

    def test_every_code_constant_is_listed_once_in_order(self):
        script = self.write("nested.py", NESTED)
        run = self.runner(script)
        expected = child_json(r'''
import json, sys, types
source = open(json.loads(sys.argv[1]), "rb").read()
found = []
def walk(code, parent):
    index = len(found)
    found.append([code.co_name, code.co_firstlineno, parent])
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            walk(const, index)
walk(compile(source, "x", "exec"), None)
print(json.dumps(found))
''', script)
        self.assertEqual([[c["name"], c["firstLine"], c["parent"]] for c in run.result["codeObjects"]], expected)

    def test_function_objects_run_the_walked_constants(self):
        # What makes the listing show the warm-up: the code a function object runs *is* the constant the walk
        # reaches from the module code. Checked for a method, a lambda, a nested function and a generator
        # expression; comprehension functions (before 3.12) are made by the same MAKE_FUNCTION from a constant.
        identical = child_json(r'''
import json, sys, types
source = """
class Shape:
    def scaled(self, values):
        grow = lambda v: v * 2
        def inner():
            return [v for v in values]
        return grow, inner, (v for v in values), inner()
"""
module_code = compile(source, "shape.py", "exec")
walked = []
def walk(code):
    walked.append(code)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            walk(const)
walk(module_code)
namespace = {"__name__": "shape"}
exec(module_code, namespace)
grow, inner, genexpr, _ = namespace["Shape"]().scaled([1])
running = {"method": namespace["Shape"].scaled.__code__, "lambda": grow.__code__, "nested": inner.__code__,
           "genexpr": genexpr.gi_code}
print(json.dumps(dict((k, any(c is w for w in walked)) for k, c in running.items())))
''')
        self.assertEqual(identical, {"method": True, "lambda": True, "nested": True, "genexpr": True})

    @needs_adaptive
    def test_nested_code_listing_equals_dis_of_the_function_objects(self):
        script = self.write("nested.py", NESTED)
        run = self.runner(script)
        # Importing nested.py runs its module body, the same warm-up as running it as a script.
        lambda_code = "[c for c in module.Shape.scaled.__code__.co_consts if getattr(c, 'co_name', '') == '<lambda>'][0]"
        theirs = child_json(INDEPENDENT_DIS, {
            "path": self.tmp, "module": "nested", "setup": "",
            "functions": {"Shape.Corner.where": "module.Shape.Corner.where", "Shape.scaled": "module.Shape.scaled",
                          "Shape.scaled.<locals>.<lambda>": lambda_code}})
        for qualname, listed in theirs.items():
            ours = run.code_object(qualname)["instructions"]
            self.assertEqual([[i["offset"], i["opname"], i["line"], i["counter"]] for i in ours], listed["rows"],
                             qualname)


CALLABLE = """
    import sys

    with open(sys.argv[1], "a") as log:
        log.write("imported as %s\\n" % __name__)

    def add(path, a, b):
        with open(path, "a") as log:
            log.write("%r\\n" % (a + b,))
        return a + b

    def work(a, b):
        return a * b + a

    def boom(divisor):
        return 1 / divisor

    class Box:
        def __init__(self):
            self.scale = 3

        def scaled(self, values):
            return [v * self.scale for v in values]

        @staticmethod
        def twice(x):
            return x * 2

    if __name__ == "__main__":
        print("main block ran")
        sys.exit(5)
"""


class CallModeTest(BytecodeTestCase):
    def setUp(self):
        BytecodeTestCase.setUp(self)
        self.script = self.write("callable.py", CALLABLE)
        self.log = os.path.join(self.tmp, "log.txt")

    def log_lines(self):
        with open(self.log) as stream:
            return stream.read().splitlines()

    def test_call_with_args_skips_the_main_block_and_repeats(self):
        args = "(%r, 2, 3)" % self.log
        run = self.runner(self.script, ["--call", "add", "--call-args", args, "--repeat", "7"], [self.log])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout, b"")
        self.assertEqual(run.stderr, b"")
        self.assert_well_formed(run)
        self.assertEqual(self.log_lines(), ["imported as callable"] + ["5"] * 7)
        self.assertEqual(run.result["warmup"], {"mode": "call", "call": "add", "repeat": 7})
        self.assertEqual(run.metadata["exitCode"], 0)
        self.assertEqual(run.metadata["argv"], [self.script, self.log])

    def test_single_value_is_one_argument_and_default_repeat_warms_up(self):
        run = self.runner(self.script, ["--call", "Box.twice", "--call-args", "21"], [self.log])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.result["warmup"]["repeat"], 1000)
        if ADAPTIVE:
            multiply = run.instructions_at("Box.twice", line_of(self.script, "return x * 2"), "BINARY_OP")
            self.assertEqual([i["status"] for i in multiply], ["specialized"])
            self.assertEqual(multiply[0]["opname"], "BINARY_OP_MULTIPLY_INT")

    def test_method_is_called_on_a_fresh_instance(self):
        run = self.runner(self.script, ["--call", "Box.scaled", "--call-args", "([1, 2],)", "--repeat", "50"],
                          [self.log])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assert_well_formed(run)
        if ADAPTIVE:
            line = line_of(self.script, "v * self.scale")
            owner = "Box.scaled" if sys.version_info >= (3, 12) else "Box.scaled.<locals>.<listcomp>"
            loads = run.instructions_at(owner, line, "LOAD_ATTR")
            self.assertEqual([i["status"] for i in loads], ["specialized"], loads)

    def test_exception_in_the_call_is_reported_and_the_listing_written(self):
        run = self.runner(self.script, ["--call", "boom", "--call-args", "0", "--repeat", "3"], [self.log])
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stdout, b"")
        self.assert_well_formed(run)
        exception = run.metadata["exception"]
        self.assertEqual(exception["type"], "ZeroDivisionError")
        self.assertEqual(exception["phase"], "run")
        self.assertIn("in boom", exception["traceback"])
        self.assertNotIn("pyrometer_runner", exception["traceback"])
        self.assertEqual(run.stderr.decode("utf-8"), exception["traceback"])
        self.assertEqual(run.metadata["exitCode"], 1)
        self.assertIn("boom", [c["qualname"] for c in run.result["codeObjects"]])

    def test_unknown_name_is_reported_like_a_target_exception(self):
        run = self.runner(self.script, ["--call", "Box.missing"], [self.log])
        self.assertEqual(run.returncode, 1)
        exception = run.metadata["exception"]
        self.assertEqual(exception["type"], "AttributeError")
        self.assertIn("missing", exception["message"])
        self.assertNotIn("pyrometer_runner", exception["traceback"])
        self.assertGreater(len(run.result["codeObjects"]), 1)

    def test_usage_errors_exit_2_with_the_runner_prefix(self):
        cases = [["--call-args", "1"], ["--call", "add", "--repeat", "0"], ["--call", "add", "--call-args", "f("],
                 ["--call", "f.<locals>.g"], ["--bogus"]]
        for options in cases:
            run = self.runner(self.script, options, [self.log])
            self.assertEqual(run.returncode, 2, options)
            self.assertTrue(run.stderr.startswith(b"pyrometer-runner: "), (options, run.stderr))
            self.assertIsNone(run.result, options)


class EndingsTest(BytecodeTestCase):
    def test_crashing_script_still_writes_the_listing(self):
        script = self.write("crash.py", """
            def helper(x):
                return x + 1

            helper(1)
            raise RuntimeError("crashed after helper")
        """)
        run = self.runner(script)
        self.assertEqual(run.returncode, 1)
        self.assert_well_formed(run)
        self.assertEqual(run.metadata["exception"]["type"], "RuntimeError")
        self.assertEqual(run.metadata["exception"]["phase"], "run")
        self.assertIn("crashed after helper", run.stderr.decode("utf-8"))
        self.assertEqual(run.code_object("helper")["kind"], "function")

    def test_exit_status_and_output_pass_through(self):
        script = self.write("exits.py", """
            import sys
            print("hello")
            sys.exit(3)
        """)
        run = self.runner(script)
        self.assertEqual(run.returncode, 3)
        self.assertEqual(run.stdout, b"hello\n")
        self.assertEqual(run.stderr, b"")
        self.assertEqual(run.metadata["exitCode"], 3)
        self.assertIsNone(run.metadata["exception"])

    def test_syntax_error_writes_an_empty_listing(self):
        script = self.write("broken.py", "def broken(:\n    pass\n")
        run = self.runner(script)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.metadata["exception"]["phase"], "compile")
        self.assertEqual(run.result["codeObjects"], [])

    def test_missing_script_is_exit_2_phase_start(self):
        run = self.runner(os.path.join(self.tmp, "nope.py"))
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.metadata["exception"]["phase"], "start")
        self.assertEqual(run.result["codeObjects"], [])


if __name__ == "__main__":
    unittest.main()
