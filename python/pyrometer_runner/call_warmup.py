"""The ``--call`` warm-up of the ``bytecode`` subcommand: run the script as an imported module, then call one of its
functions many times, so that the function's bytecode is specialized for the arguments given.

- The module runs with ``__name__`` set to the file's stem (``attributes`` for ``attributes.py``), the name
  ``import attributes`` would give it, so its ``if __name__ == "__main__":`` block is skipped. A file named
  ``__main__.py`` gets ``__mp_main__`` instead (multiprocessing's name for a main script run without its main
  block). The module is also registered as ``sys.modules[stem]`` unless a module of that name is loaded already, so
  that the script importing itself, or pickle looking up its classes, finds this module instead of running the file
  a second time. ``sys.argv``, ``sys.path[0]`` and ``sys.modules["__main__"]`` are what Target.install made them.
- QUALNAME is dotted: ``func``, ``Class.method``, ``Outer.Inner.method``, resolved with getattr from the module.
  When the last step is a plain function defined in a class (an instance method), the class is instantiated once
  with no arguments and the method is called on that instance; static and class methods, and anything else, are
  called as the attribute is. Nested functions (``f.<locals>.g``) cannot be reached.
- The arguments are one ``ast.literal_eval`` value: a tuple is the argument list, any other value is the single
  argument. The same objects are passed to every call (a function that mutates them sees its own changes).
- An exception while resolving, instantiating or calling ends the warm-up and is reported like a target exception
  (exit status 1, phase ``run``); ``sys.exit`` in the call ends it like ``sys.exit`` in a script.
"""
import os
import sys
import time

from pyrometer_runner import target

#: Calls made when --repeat is not given. Warming up needs, per call site: 3.11 quickens a code object after 8
#: calls (or loop turns); a specialization that keeps missing is dropped after 53 misses (3.11's miss counter,
#: 3.12/3.13's cooldown 52), and a generic instruction retries after 31 (3.11) or 52 (3.12/3.13) executions, then
#: with exponential backoff after each failure. A function without loops goes through that whole cycle in about
#: 120 calls; 1000 calls go through it several times, so what is listed is the steady state. It is cheap for the
#: small functions one warms this way; pass a smaller --repeat for a slow function (a loop inside warms it too).
DEFAULT_REPEAT = 1000


def module_name(filename):
    """The ``__name__`` the script's module gets in call mode."""
    stem = os.path.splitext(os.path.basename(filename))[0]
    return "__mp_main__" if stem == "__main__" else stem


def install_as_import(job):
    """Rename the module Target.install made, so that running it skips the main block. Returns the name."""
    name = module_name(job.filename)
    job.module.__dict__["__name__"] = name
    if name not in sys.modules:
        sys.modules[name] = job.module
    return name


class ModuleRun(object):
    """Start/stop for Target.run that remembers whether the module body ended by raising (SystemExit included).

    Target.run maps ``sys.exit(0)`` and a normal end to the same Outcome; an imported module that exits is not
    importable, so the calls must not follow it. ``stop`` runs in Target.run's ``finally``, where ``sys.exc_info()``
    is the exception being propagated, if any.
    """

    def __init__(self):
        self.raised = False

    def start(self):
        pass

    def stop(self):
        self.raised = sys.exc_info()[0] is not None


def _missing(owner, part, qualname):
    what = "module %r" % owner.__name__ if isinstance(owner, type(sys)) else "%r" % (owner,)
    return AttributeError("%s has no attribute %r (--call %s)" % (what, part, qualname))


def _static_lookup(cls, name):
    """The attribute as stored in the class or its bases (no descriptor binding), or None."""
    for klass in getattr(cls, "__mro__", (cls,)):
        stored = getattr(klass, "__dict__", {})
        if name in stored:
            return stored[name]
    return None


def resolve(module, qualname):
    """The callable QUALNAME names in module (an instance method comes bound to a fresh instance)."""
    parts = qualname.split(".")
    owner = module
    for part in parts[:-1]:
        try:
            owner = getattr(owner, part)
        except AttributeError:
            raise _missing(owner, part, qualname) from None
    last = parts[-1]
    if isinstance(owner, type) and isinstance(_static_lookup(owner, last), type(resolve)):
        owner = owner()  # an instance method: call it on an instance made with no arguments
    try:
        return getattr(owner, last)
    except AttributeError:
        raise _missing(owner, last, qualname) from None


def _from_module_frame(tb, namespace):
    """The traceback from the first frame running the module's code on (no runner frames); None if none does."""
    entry = tb
    while entry is not None:
        if entry.tb_frame.f_globals is namespace:
            return entry
        entry = entry.tb_next
    return None


def call(job, qualname, args, repeat):
    """Resolve QUALNAME in the executed module and call it ``repeat`` times: the Outcome of the calls."""
    namespace = job.module.__dict__
    wall0 = time.perf_counter()
    cpu0 = time.process_time()
    try:
        function = resolve(job.module, qualname)
        for _ in range(repeat):
            function(*args)
    except SystemExit as exc:
        outcome = target.Outcome.system_exit(exc)
    except BaseException as exc:
        outcome = target.Outcome.raised(exc, _from_module_frame(exc.__traceback__, namespace), target.PHASE_RUN)
    else:
        outcome = target.Outcome.finished()
    outcome.wall_seconds = time.perf_counter() - wall0
    outcome.cpu_seconds = time.process_time() - cpu0
    return outcome
