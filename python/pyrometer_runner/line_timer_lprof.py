"""Line timing by the line_profiler package: the ``line_profiler`` engine of the ``lines`` subcommand.

The numbers are line_profiler's own: hits and time per line from ``LineProfiler.get_stats()``, time converted to
nanoseconds with its ``unit``. line_profiler counts no calls and measures no function time, so every function has
``calls: null`` and ``totalNs`` = the sum of its lines (line_profiler's "Total time").

Getting the scope's code into line_profiler (checked against line_profiler 5.1): ``LineProfiler.add_function``
takes any object with a ``__code__``; it pads the bytecode with NOPs (so that twins stay apart), registers the
padded code object and assigns it back to ``obj.__code__``. Only code that runs as that padded object is profiled,
so the padded objects are put where the interpreter will take them from before anything runs:
- the script: its compiled module code is rebuilt bottom-up, each code object of the scope replaced by its padded
  twin inside its parent's ``co_consts`` (a function defined at run time is made from those constants);
- files of the scope the script imports: ``SourceFileLoader.get_code`` is wrapped during the run so that a module
  from such a file gets the same rebuild (the ``.pyc`` is written from the untouched code, before the wrapper);
- files of the scope imported before the run (already in ``sys.modules``): their live function objects (found
  with ``gc``) get the rebuilt code as ``__code__``; their module-level code has run already and stays at 0.
Code loaded another way (zip imports, extension modules, ``exec`` of a string) is not timed by this engine.
"""
import gc
import sys
import warnings

from pyrometer_runner import line_code, line_scope

NAME = "line_profiler"
_line_profiler = None


def load():
    """Import line_profiler (before the script runs); None when it is there, else the fatal message."""
    global _line_profiler
    try:
        import line_profiler
    except Exception as exc:
        return ("the line_profiler engine needs the line_profiler package, which %s (Python %d.%d.%d) cannot import "
                "(%s: %s); install it for that interpreter: %s -m pip install line_profiler"
                % (sys.executable, sys.version_info[0], sys.version_info[1], sys.version_info[2],
                   type(exc).__name__, exc, sys.executable))
    _line_profiler = line_profiler
    return None


class _Holder(object):
    """What add_function takes: an object with a settable ``__code__``."""

    def __init__(self, code):
        self.__code__ = code


class LineProfilerTimer(object):
    name = NAME
    timer = "line_profiler hpTimer"

    def __init__(self, scope):
        self.scope = scope
        self.version = getattr(_line_profiler, "__version__", None)
        self.profiler = _line_profiler.LineProfiler()
        self._replaced = {}  # id(original code) -> (original, rebuilt)
        self._holders = []
        self._loader_type = None
        self._loader_had_own = False
        self._loader_original = None

    # -- putting padded code in place -------------------------------------------------------------------------
    def _rebuild(self, code):
        """code with every code object of the scope in its tree (itself included) replaced by a profiled twin."""
        known = self._replaced.get(id(code))
        if known is not None:
            return known[1]
        consts = code.co_consts
        rebuilt_consts = [self._rebuild(const) if line_code.is_code(const) else const for const in consts]
        rebuilt = code
        if any(new is not old for new, old in zip(rebuilt_consts, consts)):
            rebuilt = code.replace(co_consts=tuple(rebuilt_consts))
        if self.scope.resolve(code) is not None:
            holder = _Holder(rebuilt)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.profiler.add_function(holder)
            self._holders.append(holder)
            rebuilt = holder.__code__
        self._replaced[id(code)] = (code, rebuilt)
        self._replaced[id(rebuilt)] = (rebuilt, rebuilt)  # never pad a profiled twin again
        return rebuilt

    def _patch_loaded_functions(self):
        """Give live functions of already imported files of the scope their profiled code."""
        wanted = self.scope.files_in_scope()
        loaded = False
        for module in list(sys.modules.values()):
            filename = getattr(module, "__file__", None)
            if isinstance(filename, str) and self.scope.file_key_of(filename) in wanted:
                loaded = True
                break
        if not loaded:
            return
        function_type = type(_Holder.__init__)
        for obj in gc.get_objects():
            if type(obj) is function_type and self.scope.file_key_of(obj.__code__.co_filename) in wanted:
                rebuilt = self._rebuild(obj.__code__)
                if rebuilt is not obj.__code__:
                    obj.__code__ = rebuilt

    def prepare(self, job):
        job.code = self._rebuild(job.code)
        self._patch_loaded_functions()

    def _wrap_loader(self):
        loader_type = sys.modules["_frozen_importlib_external"].SourceFileLoader
        timer = self
        wanted = self.scope.files_in_scope()
        original = loader_type.get_code

        def get_code(loader, fullname):
            code = original(loader, fullname)
            try:
                if code is not None and timer.scope.file_key_of(code.co_filename) in wanted:
                    code = timer._rebuild(code)
            except Exception:
                pass
            return code

        self._loader_type = loader_type
        self._loader_had_own = "get_code" in vars(loader_type)
        self._loader_original = original
        loader_type.get_code = get_code

    def _unwrap_loader(self):
        loader_type = self._loader_type
        if loader_type is None:
            return
        self._loader_type = None
        if self._loader_had_own:
            loader_type.get_code = self._loader_original
        else:
            del loader_type.get_code

    def start(self):
        self._wrap_loader()
        try:
            self.profiler.enable_by_count()
        except BaseException:
            self._unwrap_loader()
            raise

    def stop(self):
        try:
            self.profiler.disable_by_count()
        finally:
            self._unwrap_loader()

    # -- results ----------------------------------------------------------------------------------------------
    def functions_json(self):
        by_label = {}
        for record in self.scope.records:
            record.calls_known = False
            name = record.qualname if line_code.HAS_CO_QUALNAME else record.name
            by_label[(line_scope.file_key(record.file), record.first_line, name)] = record
        if self._holders:
            stats = self.profiler.get_stats()
            to_ns = stats.unit * 1e9
            for (filename, first_line, name), entries in stats.timings.items():
                record = by_label.get((self.scope.file_key_of(filename), first_line, name))
                if record is None:
                    continue
                for line, hits, duration in entries:
                    record.set_line(line, hits, int(round(duration * to_ns)))
        for record in self.scope.records:
            record.set_function(None, sum(ns for _, _, ns in record.line_totals()))
        return self.scope.functions_json()

    def note(self, threads_started):
        notes = ["line_profiler counts no calls (calls is null) and times no functions (totalNs is the sum of the "
                 "function's lines)"]
        if threads_started and sys.version_info < (3, 12):
            notes.append("before Python 3.12 line_profiler traces only the thread that started it: threads the "
                         "script started (%d) were not timed" % threads_started)
        return "; ".join(notes)
