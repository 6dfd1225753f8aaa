"""Run one script as ``__main__`` the way ``python SCRIPT ARGS`` does, and say how it ended.

What ``python SCRIPT ARGS`` gives the script, and this module reproduces (checked on 3.8-3.13):
- ``sys.argv == [SCRIPT, *ARGS]`` with SCRIPT as typed;
- ``sys.path[0]`` = the directory of the script with symlinks resolved (nothing is added under -P / -I);
- a fresh ``__main__`` module in ``sys.modules`` with ``__file__`` = SCRIPT as typed on 3.8 and
  ``os.path.join(cwd, SCRIPT)`` (not normalised) from 3.9, which is also the code's ``co_filename``;
  ``__loader__`` a SourceFileLoader, ``__spec__``/``__package__``/``__cached__`` None, ``__annotations__`` ``{}``.
How it ends maps to an exit status as Python maps it: normal end 0; ``sys.exit(n)`` n (None 0, non-int 1 with the
value printed on stderr by Python itself); an uncaught exception 1 after ``sys.excepthook`` printed it;
KeyboardInterrupt 130; a SyntaxError while compiling 1; a script that cannot be read 2.
"""
import builtins
import io
import os
import sys
import time

from pyrometer_runner import errors

PHASE_START = "start"
PHASE_COMPILE = "compile"
PHASE_RUN = "run"

EXIT_UNCAUGHT = 1
EXIT_KEYBOARD_INTERRUPT = 130


def _type_name(exc_type):
    """The type as Python's traceback names it: bare for builtins and ``__main__``, else ``module.Qualname``."""
    module = getattr(exc_type, "__module__", None)
    qualname = getattr(exc_type, "__qualname__", None) or getattr(exc_type, "__name__", "?")
    if not isinstance(module, str) or module in ("builtins", "__main__"):
        return qualname
    return module + "." + qualname


def _strip_ansi(text):
    """Remove colour sequences (3.13 colours tracebacks when FORCE_COLOR is set)."""
    while "\x1b[" in text:
        start = text.index("\x1b[")
        end = start + 2
        while end < len(text) and not ("@" <= text[end] <= "~"):
            end += 1
        text = text[:start] + text[end + 1:]
    return text


def _formatted(exc, tb):
    """The text Python's default excepthook prints for exc (traceback tb), without importing traceback here."""
    buffer = io.StringIO()
    saved = sys.stderr
    sys.stderr = buffer
    try:
        sys.__excepthook__(type(exc), exc, tb)
    except Exception:
        buffer.write("%s: %s\n" % (_type_name(type(exc)), exc))
    finally:
        sys.stderr = saved
    return _strip_ansi(buffer.getvalue())


def _print_uncaught(exc, tb):
    """Print exc on stderr the way the interpreter does for an uncaught exception: through sys.excepthook."""
    hook = getattr(sys, "excepthook", None)
    try:
        if hook is None:
            raise RuntimeError("lost sys.excepthook")
        hook(type(exc), exc, tb)
    except Exception as hook_error:
        try:
            stream = sys.stderr
            stream.write("Error in sys.excepthook:\n")
            sys.__excepthook__(type(hook_error), hook_error, hook_error.__traceback__)
            stream.write("\nOriginal exception was:\n")
            sys.__excepthook__(type(exc), exc, tb)
        except Exception:
            pass


class Outcome(object):
    """How the target ended: the exit status, the value for sys.exit, and the exception (if it raised)."""

    def __init__(self, exit_code, exit_value=None, exception=None, traceback=None, phase=None, runner_message=None):
        self.exit_code = exit_code  # int for the result file
        self.exit_value = exit_code if exit_value is None else exit_value  # what the runner passes to sys.exit
        self.exception = exception
        self.traceback = traceback
        self.phase = phase
        self.runner_message = runner_message  # a fatal runner error to print instead of a Python traceback
        self.wall_seconds = 0.0
        self.cpu_seconds = 0.0

    @classmethod
    def finished(cls):
        return cls(0)

    @classmethod
    def system_exit(cls, exc):
        code = exc.code
        if code is None:
            status = 0
        elif isinstance(code, int):
            status = int(code)
        else:
            status = 1  # Python prints the value on stderr: re-raised as is by the runner's sys.exit(code)
        return cls(status, exit_value=code if code is not None else 0)

    @classmethod
    def raised(cls, exc, tb, phase):
        status = EXIT_KEYBOARD_INTERRUPT if isinstance(exc, KeyboardInterrupt) else EXIT_UNCAUGHT
        exc.__traceback__ = tb  # printers (3.13's excepthook) read it from the exception
        return cls(status, exception=exc, traceback=tb, phase=phase)

    @classmethod
    def runner_failure(cls, exc, message):
        """The run could not start (script unreadable, profiler unavailable): exit 2 with a runner message."""
        exc.__traceback__ = None  # its frames are the runner's, not the target's
        return cls(errors.RUNNER_ERROR_EXIT, exception=exc, traceback=None, phase=PHASE_START, runner_message=message)

    def exception_info(self):
        """The ``exception`` object of the result file, or None."""
        if self.exception is None:
            return None
        exc = self.exception
        try:
            message = str(exc)
        except Exception:
            message = "<unprintable %s object>" % type(exc).__name__
        return {
            "type": _type_name(type(exc)),
            "message": message,
            "traceback": _formatted(exc, self.traceback),
            "phase": self.phase,
        }

    def report(self):
        """Print what Python (or the runner, for its own failures) prints on stderr for this ending."""
        if self.runner_message is not None:
            errors.report(self.runner_message)
        elif self.exception is not None:
            _print_uncaught(self.exception, self.traceback)


class Target(object):
    """One script and its arguments, loaded, installed as ``__main__`` and run."""

    def __init__(self, script, args):
        self.script = script  # as given: becomes sys.argv[0]
        self.args = list(args)
        self.path = os.path.abspath(script)  # for the result's metadata.script
        if sys.version_info >= (3, 9) and not os.path.isabs(script):
            self.filename = os.path.join(os.getcwd(), script)  # what Python 3.9+ uses for __file__/co_filename
        else:
            self.filename = script
        self.code = None
        self.module = None
        self._runner_main = None

    def load(self):
        """Read and compile the script. Returns None when it is ready to run, else the Outcome of the failure."""
        try:
            with open(self.filename, "rb") as source_file:
                source = source_file.read()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if exc.errno is not None:
                reason = "[Errno %d] %s" % (exc.errno, reason)
            return Outcome.runner_failure(exc, "can't open file %r: %s" % (self.script, reason))
        try:
            # Bytes, so that PEP 263 coding cookies and a BOM are honoured exactly as for `python SCRIPT`.
            self.code = compile(source, self.filename, "exec", dont_inherit=True)
        except Exception as exc:  # SyntaxError and friends; ValueError for NUL bytes on 3.8-3.11
            return Outcome.raised(exc, None, PHASE_COMPILE)
        return None

    def install(self):
        """Give the interpreter the state ``python SCRIPT ARGS`` would give it: argv, sys.path[0], __main__."""
        sys.argv = [self.script] + self.args
        if not (getattr(sys.flags, "safe_path", False) or sys.flags.isolated):
            sys.path.insert(0, self.search_dir)
        module = type(sys)("__main__")  # __name__, __doc__, __package__, __loader__, __spec__ as for a script
        namespace = module.__dict__
        loader_type = getattr(sys.modules.get("_frozen_importlib_external"), "SourceFileLoader", None)
        if loader_type is not None:
            namespace["__loader__"] = loader_type("__main__", self.filename)
        if sys.version_info < (3, 14):
            namespace["__annotations__"] = {}
        namespace["__builtins__"] = builtins
        namespace["__file__"] = self.filename
        namespace["__cached__"] = None
        self._runner_main = sys.modules.get("__main__")  # keep the runner's own module alive
        sys.modules["__main__"] = module
        self.module = module

    def argv(self):
        """The command line the result's metadata reports: SCRIPT ARGS as given."""
        return [self.script] + self.args

    @property
    def search_dir(self):
        """What ``python SCRIPT`` puts at sys.path[0]: the script's directory, symlinks resolved."""
        return os.path.dirname(os.path.realpath(self.filename))

    def run(self, start, stop):
        """Run the compiled script between start() and stop() (the profiler's enable/disable).

        Nothing else of the runner executes between the two calls, so the profile holds the target and, of the
        runner, only the ``exec`` builtin that runs it and the ``stop`` call. start() failing is the caller's
        error and propagates; everything the target raises is caught and becomes the Outcome.
        """
        return run_code(self.code, self.module.__dict__, start, stop)


def run_code(code, namespace, start, stop):
    """Exec code in namespace between start() and stop(); the Outcome (see Target.run)."""
    wall0 = time.perf_counter()
    cpu0 = time.process_time()
    start()
    try:
        try:
            exec(code, namespace)
        finally:
            stop()
    except SystemExit as exc:
        outcome = Outcome.system_exit(exc)
    except BaseException as exc:
        outcome = Outcome.raised(exc, _from_target_frame(exc.__traceback__, code), PHASE_RUN)
    else:
        outcome = Outcome.finished()
    outcome.wall_seconds = time.perf_counter() - wall0
    outcome.cpu_seconds = time.process_time() - cpu0
    return outcome


def _from_target_frame(tb, code):
    """The traceback from the target's ``<module>`` frame on, like Python prints it (no runner frames)."""
    entry = tb
    while entry is not None:
        if entry.tb_frame.f_code is code:
            return entry
        entry = entry.tb_next
    return tb
