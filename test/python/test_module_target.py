"""``-m MODULE``: every target-running subcommand runs a module as ``python -m MODULE ARGS`` would
(python/pyrometer_runner/module_target.py). Each test compares with plain ``python -m`` in the same directory."""
import json
import os
import subprocess
import sys
import unittest

from runner_support import PYTHON, ScriptDirTestCase, child_env, read_result

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(os.path.dirname(HERE), "..", "python", "pyrometer_runner")
RUNNER = os.path.normpath(RUNNER)

# What the module sees of its start, printed as JSON so the runner's run and plain `python -m` can be compared.
REPORT = """\
import json, os, sys
def work(n):
    return sum(i * i for i in range(n))
work(20000)
print(json.dumps({"argv": sys.argv, "path0": sys.path[0], "name": __name__, "file": __file__,
                  "package": __package__, "spec": __spec__.name, "cwd": os.getcwd(),
                  "env": os.environ.get("PYRO_MODULE_TEST")}))
"""

SUBCOMMANDS = ("cprofile", "run", "lines", "memory", "events")


class ModuleTargetTest(ScriptDirTestCase):
    TMP_PREFIX = "pyrometer-module-test-"

    def setUp(self):
        super(ModuleTargetTest, self).setUp()
        self.write("app/__init__.py", "")
        self.write("app/tool.py", REPORT)
        self.write("app/cli/__init__.py", "")
        self.write("app/cli/__main__.py", REPORT)
        self.out = os.path.join(self.tmp, "result.json")

    def runner(self, subcommand, target_argv, extra=()):
        completed = subprocess.run([PYTHON, RUNNER, subcommand, "--out", self.out] + list(extra) + ["--"]
                                   + list(target_argv), cwd=self.tmp, env=child_env(PYRO_MODULE_TEST="seen"),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        return completed, read_result(self.out)

    def plain_module(self, target_argv):
        return subprocess.run([PYTHON] + list(target_argv), cwd=self.tmp, env=child_env(PYRO_MODULE_TEST="seen"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)

    def test_every_subcommand_gives_the_module_what_python_dash_m_gives_it(self):
        plain = self.plain_module(["-m", "app.tool", "first", "--flag", "x y"])
        self.assertEqual(plain.returncode, 0, plain.stderr)
        expected = json.loads(plain.stdout.decode())
        self.assertEqual(expected["argv"][1:], ["first", "--flag", "x y"])  # the comparison can fail
        self.assertEqual(os.path.realpath(expected["path0"]), os.path.realpath(self.tmp))
        for subcommand in SUBCOMMANDS:
            completed, result = self.runner(subcommand, ["-m", "app.tool", "first", "--flag", "x y"])
            self.assertEqual(completed.returncode, 0, (subcommand, completed.stderr))
            self.assertEqual(json.loads(completed.stdout.decode()), expected, subcommand)
            self.assertEqual(completed.stderr, b"", subcommand)
            metadata = result["metadata"]
            self.assertEqual(metadata["argv"], ["-m", "app.tool", "first", "--flag", "x y"], subcommand)
            self.assertEqual(metadata["module"], "app.tool", subcommand)
            self.assertEqual(os.path.realpath(metadata["script"]),
                             os.path.realpath(os.path.join(self.tmp, "app", "tool.py")), subcommand)
            self.assertEqual(metadata["exitCode"], 0, subcommand)

    def test_a_package_runs_its_main_like_python_dash_m(self):
        plain = self.plain_module(["-m", "app.cli", "a"])
        completed, result = self.runner("cprofile", ["-m", "app.cli", "a"])
        self.assertEqual(completed.returncode, plain.returncode)
        self.assertEqual(json.loads(completed.stdout.decode()), json.loads(plain.stdout.decode()))
        self.assertEqual(json.loads(plain.stdout.decode())["spec"], "app.cli.__main__")

    def test_cprofile_profiles_the_module_code_with_its_file_names(self):
        completed, result = self.runner("cprofile", ["-m", "app.tool"])
        self.assertEqual(completed.returncode, 0, completed.stderr)
        work = [f for f in result["functions"] if f["name"] == "work"]
        self.assertEqual(len(work), 1)
        self.assertEqual(os.path.realpath(work[0]["file"]), os.path.realpath(os.path.join(self.tmp, "app", "tool.py")))
        self.assertEqual(work[0]["totalCalls"], 1)
        self.assertEqual(work[0]["line"], 2)
        runpy_frames = [f for f in result["functions"] if f["file"].endswith("runpy.py")]
        self.assertEqual(runpy_frames, [])  # the look-up happens before profiling starts

    def test_lines_times_the_module_file_by_default(self):
        completed, result = self.runner("lines", ["-m", "app.tool"])
        self.assertEqual(completed.returncode, 0, completed.stderr)
        names = [f["name"] for f in result["functions"]]
        self.assertIn("work", names)

    def test_a_missing_module_fails_like_python_dash_m_with_a_clear_message(self):
        plain = self.plain_module(["-m", "no_such_module_here"])
        completed, result = self.runner("cprofile", ["-m", "no_such_module_here"])
        self.assertEqual(completed.returncode, plain.returncode)
        self.assertEqual(completed.returncode, 1)
        stderr = completed.stderr.decode()
        self.assertTrue(stderr.startswith("pyrometer-runner: No module named no_such_module_here"), stderr)
        self.assertIn(self.tmp, stderr)
        self.assertEqual(completed.stdout, b"")
        self.assertEqual(result["metadata"]["exitCode"], 1)
        self.assertEqual(result["metadata"]["exception"]["type"], "ModuleNotFoundError")
        self.assertEqual(result["metadata"]["exception"]["phase"], "start")
        self.assertEqual(result["functions"], [])

    def test_a_module_that_does_not_compile_is_a_compile_error(self):
        self.write("app/broken.py", "def f(:\n")
        plain = self.plain_module(["-m", "app.broken"])
        completed, result = self.runner("cprofile", ["-m", "app.broken"])
        self.assertEqual(completed.returncode, plain.returncode)
        self.assertEqual(result["metadata"]["exception"]["type"], "SyntaxError")
        self.assertEqual(result["metadata"]["exception"]["phase"], "compile")

    def test_sys_exit_status_passes_through(self):
        self.write("app/quits.py", "import sys\nsys.exit(3)\n")
        completed, result = self.runner("run", ["-m", "app.quits"])
        self.assertEqual(completed.returncode, 3)
        self.assertEqual(result["metadata"]["exitCode"], 3)

    def test_bytecode_lists_the_module_file_and_refuses_call_mode(self):
        completed, result = self.runner("bytecode", ["-m", "app.tool"])
        self.assertEqual(completed.returncode, 0, completed.stderr)
        names = [c["name"] for c in result["codeObjects"]]
        self.assertIn("work", names)
        completed, result = self.runner("bytecode", ["-m", "app.tool"], extra=["--call", "work"])
        self.assertEqual(completed.returncode, 2)
        self.assertIn(b"--call needs a script, not -m app.tool", completed.stderr)

    def test_dash_m_without_a_name_is_a_usage_error(self):
        completed, result = self.runner("cprofile", ["-m"])
        self.assertEqual(completed.returncode, 2)
        self.assertIn(b"-m needs a module name", completed.stderr)
        self.assertIsNone(result)


if __name__ == "__main__":
    unittest.main()
