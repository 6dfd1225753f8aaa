"""Run one module as ``__main__`` the way ``python -m MODULE ARGS`` does, with the same interface as target.Target.

What ``python -m MODULE ARGS`` gives the module, and this reproduces (checked on 3.8-3.13):
- ``sys.path[0]`` = the current directory as an absolute path (nothing is added under -P / -I), put there before
  the module is looked up, so that a module of the cwd is found;
- ``sys.argv == [ORIGIN, *ARGS]`` where ORIGIN is the module's file (``spec.origin``), as ``-m`` sets it;
- a ``__main__`` module with ``__name__ = "__main__"``, ``__file__`` = ORIGIN, ``__spec__`` the module's spec,
  ``__package__`` its parent package, ``__loader__``/``__cached__`` from the spec; a package runs its ``__main__``.

How runpy's ``_run_module_as_main`` (what ``-m`` calls) finds the code is reused: ``runpy._get_module_details``
(present with the same signature in 3.8-3.13). It imports the parent packages (as ``-m`` does before running the
module): that happens in load(), before the profiler starts, so their ``__init__`` code is not in the profile.
``runpy.run_module(alter_sys=True)`` is not used to run the code itself: it would put runpy's own frames inside the
profile and put the previous ``__main__`` and ``sys.argv[0]`` back when the module ends.

A module that cannot be found or run ends like ``python -m``: the runner prints ``No module named X`` (or runpy's
reason, e.g. a package without ``__main__``) and exits 1; a module that fails to compile raises SyntaxError (phase
``compile``); an exception while importing a parent package is reported with its traceback (phase ``start``).
"""
import builtins
import os
import sys

from pyrometer_runner import target

#: `python -m missing` exits 1 (unlike `python missing.py`, 2).
EXIT_NO_MODULE = 1


class _NotRunnable(ImportError):
    """runpy's reason why a module cannot be run (its own message, e.g. "No module named 'x'")."""


class ModuleTarget(object):
    """One module and its arguments: looked up, installed as ``__main__`` and run (the interface of target.Target)."""

    def __init__(self, module_name, args):
        self.module_name = module_name
        self.args = list(args)
        self.script = module_name  # until found: what the metadata names when the module cannot be found
        self.path = ""
        self.filename = ""
        self.search_dir = os.getcwd()  # what `-m` puts at sys.path[0]
        self.code = None
        self.module = None
        self.spec = None
        self._path_added = False

    def argv(self):
        """The command line as ``python -m`` would show it: ``-m MODULE ARGS`` (sys.argv holds the file instead)."""
        return ["-m", self.module_name] + self.args

    def load(self):
        """Find the module and its code. Returns None when it is ready to run, else the Outcome of the failure."""
        if not (getattr(sys.flags, "safe_path", False) or sys.flags.isolated):
            sys.path.insert(0, self.search_dir)  # before the look-up, as -m does: the cwd's modules are found
            self._path_added = True
        import runpy
        try:
            _name, spec, code = runpy._get_module_details(self.module_name, _NotRunnable)
        except _NotRunnable as exc:
            return _no_module(str(exc), self.search_dir if self._path_added else None)
        except SyntaxError as exc:
            return target.Outcome.raised(exc, None, target.PHASE_COMPILE)
        except ImportError as exc:  # raised by a parent package's own imports
            return target.Outcome.raised(exc, exc.__traceback__, target.PHASE_START)
        except Exception as exc:  # a parent package's __init__ raised
            return target.Outcome.raised(exc, exc.__traceback__, target.PHASE_START)
        self.spec = spec
        self.code = code
        origin = spec.origin if isinstance(spec.origin, str) else code.co_filename
        self.script = origin
        self.filename = code.co_filename
        self.path = os.path.abspath(origin)
        return None

    def install(self):
        """Give the interpreter what ``python -m MODULE ARGS`` gives it: argv and a fresh ``__main__``."""
        sys.argv = [self.script] + self.args
        spec = self.spec
        module = type(sys)("__main__")
        namespace = module.__dict__
        namespace["__builtins__"] = builtins
        namespace["__file__"] = spec.origin if spec.has_location else None
        namespace["__cached__"] = spec.cached if spec.has_location else None
        namespace["__loader__"] = spec.loader
        namespace["__package__"] = spec.parent
        namespace["__spec__"] = spec
        namespace["__doc__"] = None
        self._runner_main = sys.modules.get("__main__")  # keep the runner's own module alive
        sys.modules["__main__"] = module
        self.module = module

    def run(self, start, stop):
        """Run the module's code between start() and stop(), like target.Target.run."""
        return target.run_code(self.code, self.module.__dict__, start, stop)


def _no_module(reason, search_dir):
    """runpy's reason, as ``python -m`` prints it, and where the module was looked for (the user's next step)."""
    exc_type = ModuleNotFoundError if reason.startswith("No module named") else ImportError
    where = (" (looked up from %s and the interpreter's sys.path; check the module name and the working directory)"
             % search_dir) if search_dir is not None and exc_type is ModuleNotFoundError else ""
    outcome = target.Outcome.runner_failure(exc_type(reason), reason + where)
    outcome.exit_code = outcome.exit_value = EXIT_NO_MODULE
    return outcome


def make(options):
    """The target of the parsed options: a module (``-m MODULE``) or a script."""
    if getattr(options, "module", None) is not None:
        return ModuleTarget(options.module, options.args)
    return target.Target(options.script, options.args)
