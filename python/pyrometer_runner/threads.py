"""Count the threads the target starts, without threading.setprofile and without importing threading.

The thread-starting functions of ``_thread`` (``start_new_thread``, and ``start_joinable_thread`` on 3.13) are
replaced by a counting wrapper for the duration of the run; ``threading`` takes them from ``_thread`` when it is
imported, and if it was imported already its private aliases are swapped too. Every ``threading.Thread.start()``
and every raw ``_thread.start_new_thread()`` goes through the wrapper, from any thread.

The wrapper is Python code, so when the target starts threads the profile shows it once per start, under
``threading.py(start)``; it does nothing else (a ``+=``, no call that cProfile would merge with the target's).
"""
import _thread
import sys

_THREAD_FUNCTIONS = ("start_new_thread", "start_new", "start_joinable_thread")
_THREADING_ALIASES = ("_start_new_thread", "_start_joinable_thread")


class ThreadCounter(object):
    def __init__(self):
        self.count = 0
        self.active = False
        self._wrapper_of = {}  # id(original) -> wrapper
        self._original_of = {}  # id(wrapper) -> original
        self._patched = []  # (namespace object, attribute name, original)

    def _wrapper(self, original):
        wrapper = self._wrapper_of.get(id(original))
        if wrapper is None:
            counter = self

            def count_started_thread(*args, **kwargs):
                if counter.active:
                    counter.count += 1
                return original(*args, **kwargs)

            wrapper = count_started_thread
            self._wrapper_of[id(original)] = wrapper
            self._original_of[id(wrapper)] = original
        return wrapper

    def _patch(self, namespace, names):
        for name in names:
            original = getattr(namespace, name, None)
            if original is None or id(original) in self._original_of:
                continue
            if namespace is not _thread and id(original) not in self._wrapper_of:
                continue  # only swap threading's aliases of the _thread functions
            setattr(namespace, name, self._wrapper(original))
            self._patched.append((namespace, name, original))

    def install(self):
        self._patch(_thread, _THREAD_FUNCTIONS)
        threading = sys.modules.get("threading")
        if threading is not None:
            self._patch(threading, _THREADING_ALIASES)
        self.active = True

    def uninstall(self):
        """Stop counting and put the original functions back (also in a threading imported during the run)."""
        self.active = False
        for namespace, name, original in reversed(self._patched):
            if id(getattr(namespace, name, None)) in self._original_of:
                setattr(namespace, name, original)
        self._patched = []
        threading = sys.modules.get("threading")
        if threading is not None:
            for name in _THREADING_ALIASES:
                original = self._original_of.get(id(getattr(threading, name, None)))
                if original is not None:
                    setattr(threading, name, original)
