"""What the runner tests share: the environment a runner child gets, and reading its result file."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

PYTHON = sys.executable


def child_env(**extra):
    """os.environ without what would change how the child Python behaves, plus `extra`."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONINSPECT", "FORCE_COLOR", "PYTHON_COLORS"):
        env.pop(name, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def read_result(path):
    """The runner's RESULT.json (ASCII JSON, as the runner writes it), or None when it wrote none."""
    if not os.path.exists(path):
        return None
    with open(path, "rb") as stream:
        return json.loads(stream.read().decode("ascii"))


def run_bench(python, runner, out, options, script, cwd, timeout):
    """The runner's bench subcommand on SCRIPT: (the completed child, its RESULT.json or None)."""
    completed = subprocess.run([python, runner, "bench", "--out", out] + list(options) + ["--", script], cwd=cwd,
                               env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return completed, read_result(out)


class ScriptDirTestCase(unittest.TestCase):
    """A fresh temporary directory per test, scripts written into it, and `python SCRIPT` run there for comparison."""
    maxDiff = None
    TMP_PREFIX = "pyrometer-test-"

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix=self.TMP_PREFIX)
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, relative, text):
        """`text` dedented, as UTF-8, at tmp/relative (directories made); returns the path."""
        path = os.path.join(self.tmp, relative)
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        with open(path, "wb") as stream:
            stream.write(textwrap.dedent(text).encode("utf-8"))
        return path

    def plain(self, script, args=(), cwd=None):
        return subprocess.run([PYTHON, script] + list(args), cwd=cwd or self.tmp, env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
