"""Where a code file belongs: the script, the script's project, an installed library, the standard library.

The memory and events results tag every site with an ``origin`` so that the extension can tell the program's own
lines from the interpreter's without knowing this machine's paths:

- ``script``: the script file itself;
- ``library``: a path with a ``site-packages`` or ``dist-packages`` component (checked before ``project``, so a
  virtual environment inside the project folder counts as libraries, not as the project);
- ``stdlib``: the standard library directory (the one ``os`` was loaded from, and its ``lib-dynload``) and the
  interpreter's frozen modules (``<frozen ...>``);
- ``project``: any other file under the script's directory;
- ``other``: everything else, including pseudo-files such as ``<string>`` (code run by ``exec``) and ``<unknown>``.

Relative file names (code objects keep them as they were imported, e.g. the script given relative on 3.8) are
resolved against the cwd the run started in. Paths are compared after ``realpath``/``normcase``, once per distinct
file name (cached).

The runner's own files are recognised here too (``is_runner_file``): both result kinds leave them out.
"""
import os

ORIGINS = ("script", "project", "library", "stdlib", "other")
_LIBRARY_DIRS = ("site-packages", "dist-packages")


def _key(path):
    return os.path.normcase(os.path.realpath(path))


def _runner_prefixes():
    """The runner package directory as ``__file__`` gives it and as its code objects name it (both, in case the
    package was imported through a relative or symlinked sys.path entry)."""
    prefixes = set()
    for path in (os.path.abspath(__file__), _runner_prefixes.__code__.co_filename):
        directory = os.path.dirname(path)
        if directory:
            prefixes.add(os.path.join(directory, ""))
            prefixes.add(os.path.join(os.path.normcase(os.path.realpath(directory)), ""))
    return tuple(sorted(prefixes))


RUNNER_PREFIXES = _runner_prefixes()


def runner_directory():
    """The runner package directory (absolute, as imported), for documentation and filters."""
    return os.path.dirname(os.path.abspath(__file__))


def is_runner_file(filename):
    """True for a code file of this package (the runner itself), as code objects and tracemalloc name them."""
    return filename.startswith(RUNNER_PREFIXES)


class OriginOf(object):
    """``origin(filename)`` for one run: the script's path and the cwd are fixed when the run starts."""

    def __init__(self, script_path, cwd):
        self.cwd = cwd
        self.script = _key(script_path)
        self.project = os.path.join(os.path.dirname(self.script), "")
        stdlib = os.path.dirname(_key(os.__file__))
        self.stdlib = (os.path.join(stdlib, ""),)
        self._cache = {}

    def __call__(self, filename):
        origin = self._cache.get(filename)
        if origin is None:
            origin = self._classify(filename)
            self._cache[filename] = origin
        return origin

    def _classify(self, filename):
        if filename.startswith("<"):
            return "stdlib" if filename.startswith("<frozen ") else "other"
        if not filename:
            return "other"
        try:
            path = _key(os.path.join(self.cwd, filename))
        except (OSError, ValueError):
            return "other"
        if path == self.script:
            return "script"
        parts = path.split(os.sep)
        if any(part in _LIBRARY_DIRS for part in parts):
            return "library"
        if path.startswith(self.stdlib):
            return "stdlib"
        if path.startswith(self.project):
            return "project"
        return "other"


def code_name(code):
    """The function's qualified name where the interpreter keeps one (3.11+), else its plain name."""
    return getattr(code, "co_qualname", None) or code.co_name
