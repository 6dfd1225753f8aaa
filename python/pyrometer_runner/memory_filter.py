"""Which allocation sites the ``memory`` result leaves out: memory the program did not allocate itself.

Excluded (by the file of the most recent frame of a trace, i.e. the allocating line):

- ``<frozen importlib.*>``: the import machinery (``_bootstrap``, ``_bootstrap_external``, ``util``,
  ``machinery``); a module's code objects and dictionaries are allocated there when it is imported;
- ``<unknown>``: blocks allocated when no Python frame was running (tracemalloc's name for an empty traceback);
- tracemalloc itself (``tracemalloc.py``, as ``__file__`` and as its code objects name it): the runner's own
  snapshots are allocated there while tracing is on;
- the runner's own files (``pyrometer_runner/*``, as imported and with symlinks resolved).

This is exactly what ``snapshot.filter_traces([tracemalloc.Filter(False, p) for p in patterns()])`` keeps
(``Filter`` looks at the most recent frame only unless ``all_frames=True``): the result's numbers are grouped
first with tracemalloc's own ``statistics``/``compare_to`` and the excluded groups dropped afterwards, which gives
the same groups with the same sizes and counts, without running ``fnmatch`` (and its ``re`` caches) while the
program is traced. The tests compare both ways on the same snapshots.
"""
import os
import tracemalloc

from pyrometer_runner import file_origin

FROZEN_IMPORTLIB = "<frozen importlib."
UNKNOWN = "<unknown>"


def _normalized(path):
    """tracemalloc's own normalisation of a filter pattern (a compiled file's ``.pyc`` becomes its ``.py``)."""
    return path[:-1] if path.lower().endswith(".pyc") else path


def tracemalloc_files():
    return sorted(set(_normalized(path) for path in (tracemalloc.__file__,
                                                     tracemalloc.take_snapshot.__code__.co_filename)))


class Excluded(object):
    """``excluded(filename)``: True for a site the result leaves out (cached per file name)."""

    def __init__(self):
        self._exact = frozenset([UNKNOWN] + tracemalloc_files())
        self._cache = {}

    def __call__(self, filename):
        answer = self._cache.get(filename)
        if answer is None:
            answer = (filename in self._exact or file_origin.is_runner_file(filename)
                      or (filename.startswith(FROZEN_IMPORTLIB) and filename.endswith(">")))
            self._cache[filename] = answer
        return answer

    @staticmethod
    def patterns():
        """The same exclusion as ``tracemalloc.Filter`` patterns (each with ``inclusive=False``)."""
        return ([FROZEN_IMPORTLIB + "*>", UNKNOWN] + tracemalloc_files()
                + [prefix + "*" for prefix in file_origin.RUNNER_PREFIXES])
