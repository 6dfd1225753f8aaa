"""The metadata block's build flags, machine, command line, PYTHON* variables and git commit, on real runs.

Each figure is checked against another source of the same fact: sysconfig, /proc/cpuinfo, os.cpu_count, the
environment given to the child, and `git rev-parse HEAD` on a repository made for the test.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
import unittest

from runner_support import child_env
from test_cprofile_runner import PYTHON, RUNNER, RunnerTestCase, WORK

GIT = shutil.which("git")


class BuildFlagsTest(RunnerTestCase):
    def test_build_flags_follow_sysconfig(self):
        run = self.runner(self.write("b.py", WORK % "pass"))
        self.assertEqual(run.returncode, 0, run.stderr)
        python = run.metadata["python"]
        flags = python["buildFlags"]
        config_args = sysconfig.get_config_var("CONFIG_ARGS")
        self.assertEqual(flags["configureArgs"], config_args)
        self.assertIs(flags["pgo"], "--enable-optimizations" in config_args)
        self.assertIs(flags["lto"], "--with-lto" in config_args or "-flto" in sysconfig.get_config_var("PY_CFLAGS"))
        self.assertIn("-" + flags["cOptimization"][1:], sysconfig.get_config_var("PY_CFLAGS").split())
        self.assertIs(flags["assertions"], "-DNDEBUG" not in sysconfig.get_config_var("PY_CFLAGS"))
        self.assertIs(flags["jitBuild"], "--enable-experimental-jit" in config_args)
        self.assertIs(flags["jitEnabled"], flags["jitBuild"])
        self.assertIs(python["debugBuild"], hasattr(sys, "gettotalrefcount"))
        self.assertIs(python["freeThreadingBuild"], bool(sysconfig.get_config_var("Py_GIL_DISABLED")))


class MachineTest(RunnerTestCase):
    def test_cpu_model_and_counts(self):
        run = self.runner(self.write("m.py", WORK % "pass"))
        machine = run.metadata["machine"]
        self.assertEqual(machine["cpuCount"], os.cpu_count())
        if hasattr(os, "sched_getaffinity"):
            self.assertEqual(machine["cpusUsable"], len(os.sched_getaffinity(0)))
        if sys.platform.startswith("linux"):
            with open("/proc/cpuinfo") as stream:
                models = [line.split(":", 1)[1].strip() for line in stream if line.startswith("model name")]
            if models:
                self.assertEqual(machine["cpuModel"], models[0])

    def test_python_env_holds_only_python_variables(self):
        env = child_env(PYTHONHASHSEED="123", PYROMETER_UNRELATED="x")
        run = self.runner(self.write("e.py", WORK % "pass"), env=env)
        python_env = run.metadata["machine"]["pythonEnv"]
        self.assertEqual(python_env, {k: v for k, v in env.items() if k.startswith("PYTHON")})
        self.assertEqual(python_env["PYTHONHASHSEED"], "123")

    def test_command_line_repeats_the_run_without_pyrometer(self):
        script = self.write("c.py", WORK % "pass")
        out = os.path.join(self.tmp, "o.json")
        completed = subprocess.run([PYTHON, "-OO", "-X", "dev", RUNNER, "cprofile", "--out", out, "--", script, "a b"],
                                   cwd=self.tmp, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   timeout=120)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        import json
        with open(out) as stream:
            meta = json.load(stream)["metadata"]
        self.assertEqual(meta["commandLine"], [sys.executable, "-OO", "-X", "dev", script, "a b"])
        self.assertEqual(meta["python"]["optimizeLevel"], 2)


@unittest.skipIf(GIT is None, "git is not installed")
class GitCommitTest(RunnerTestCase):
    def git(self, *args, cwd=None):
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@t")
        return subprocess.run([GIT] + list(args), cwd=cwd or self.tmp, env=env, check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout.decode().strip()

    def test_commit_and_branch_of_the_workspace(self):
        self.git("init", "-q", "-b", "trunk")
        script = self.write("sub/g.py", WORK % "pass")
        self.git("add", ".")
        self.git("commit", "-q", "-m", "one")
        run = self.runner(script, cwd=os.path.join(self.tmp, "sub"))
        git = run.metadata["machine"]["git"]
        self.assertEqual(git["commit"], self.git("rev-parse", "HEAD"))
        self.assertEqual(git["branch"], "trunk")
        self.assertEqual(os.path.realpath(git["root"]), os.path.realpath(self.tmp))

    def test_packed_refs_detached_head_and_worktree(self):
        self.git("init", "-q", "-b", "trunk")
        script = self.write("g.py", WORK % "pass")
        self.git("add", ".")
        self.git("commit", "-q", "-m", "one")
        self.git("pack-refs", "--all")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, ".git", "refs", "heads", "trunk")))
        first = self.git("rev-parse", "HEAD")
        self.assertEqual(self.runner(script).metadata["machine"]["git"]["commit"], first)
        self.git("commit", "-q", "--allow-empty", "-m", "two")
        worktree = os.path.join(self.tmp, "wt")
        self.git("worktree", "add", "-q", "-b", "side", worktree)
        wt_run = self.runner(os.path.join(worktree, "g.py"), cwd=worktree)
        self.assertEqual(wt_run.metadata["machine"]["git"]["commit"], self.git("rev-parse", "HEAD", cwd=worktree))
        self.assertEqual(wt_run.metadata["machine"]["git"]["branch"], "side")
        self.git("checkout", "-q", "--detach", first)
        detached = self.runner(script).metadata["machine"]["git"]
        self.assertEqual((detached["commit"], detached["branch"]), (first, None))

    def test_no_repository_gives_null(self):
        # tmp dirs live under /tmp, outside any repository
        run = self.runner(self.write("n.py", WORK % "pass"))
        self.assertIsNone(run.metadata["machine"]["git"])


if __name__ == "__main__":
    unittest.main()
