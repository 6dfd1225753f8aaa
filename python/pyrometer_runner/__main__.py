"""Entry point: ``python <ext>/python/pyrometer_runner SUBCOMMAND ...`` (or ``python -m pyrometer_runner ...``).

Dispatches to one module per subcommand. Exit codes: the target's own, or 2 for a fatal runner error (printed on
stderr with the ``pyrometer-runner:`` prefix).
"""
import os
import sys


def _runner_slot(package_dir):
    """Index of the sys.path entry Python added for the runner itself, or None."""
    wanted = os.path.normcase(os.path.realpath(package_dir))
    for index, entry in enumerate(sys.path):
        try:
            if os.path.normcase(os.path.realpath(entry or os.curdir)) == wanted:
                return index
        except (OSError, ValueError):
            continue
    return None


# subcommand -> module of this package; only the chosen one is imported, so that a cProfile run does not
# pre-import what the line timer or the bytecode reader need (dis, ...) and make the target's imports look free.
SUBCOMMAND_MODULES = {
    "cprofile": "cprofile_run",
    "run": "plain_run",
    "lines": "lines_run",
    "bytecode": "bytecode_run",
    "pstats": "pstats_read",
    "memory": "memory_run",
    "events": "events_run",
    "bench": "bench_run",
}


def _import_package_module(name):
    """``pyrometer_runner.<name>`` imported, then the runner's own sys.path entry dropped.

    Running the directory puts the package directory itself on sys.path (at index 0); ``-m`` puts the cwd there
    (unless -P/-I). Either way that entry belongs to the runner, not to the target, which gets its script directory
    like ``python SCRIPT`` gives it. The modules are imported as ``pyrometer_runner.*`` so that names such as
    ``target`` stay free for the target's own modules.
    """
    import importlib
    package_dir = os.path.dirname(os.path.abspath(__file__))
    if __package__:  # python -m pyrometer_runner: the package is already importable
        module = importlib.import_module("pyrometer_runner." + name)
        if sys.path and not (getattr(sys.flags, "safe_path", False) or sys.flags.isolated):
            del sys.path[0]
        return module
    # python <dir>: sys.path[0] is <dir>; import the package from its parent directory
    slot = _runner_slot(package_dir)
    if slot is None:
        sys.path.insert(0, os.path.dirname(package_dir))
        slot = 0
    else:
        sys.path[slot] = os.path.dirname(package_dir)
    try:
        return importlib.import_module("pyrometer_runner." + name)
    finally:
        del sys.path[slot]


USAGE = ("usage: pyrometer_runner cprofile --out RESULT.json [--prof-out RUN.prof] -- SCRIPT [ARGS...]"
         " | run --out RESULT.json [--bytecode-out BYTECODE.json] -- SCRIPT [ARGS...]"
         " | lines|bytecode|memory|events ... -- SCRIPT [ARGS...] | pstats --out RESULT.json PROF_FILE"
         " (docs/runner-protocol.md, runner-lines.md, runner-bytecode.md, runner-memory.md)")


def main(argv):
    if not argv or argv[0] not in SUBCOMMAND_MODULES:
        errors = _import_package_module("errors")
        given = repr(argv[0]) if argv else "none"
        errors.report("unknown subcommand %s (known: %s); %s" % (given, ", ".join(sorted(SUBCOMMAND_MODULES)), USAGE))
        return errors.RUNNER_ERROR_EXIT
    subcommand = _import_package_module(SUBCOMMAND_MODULES[argv[0]])
    from pyrometer_runner import errors  # importable now: the package is in sys.modules
    try:
        return subcommand.main(argv[1:])
    except Exception as exc:  # a runner bug: say so, never pretend it was the target
        errors.report("internal error: %s: %s" % (type(exc).__name__, exc))
        try:
            sys.__excepthook__(type(exc), exc, exc.__traceback__)
        except Exception:
            pass
        return errors.RUNNER_ERROR_EXIT


def _flush_std_streams():
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            pass


if __name__ == "__main__":
    _status = main(sys.argv[1:])
    _flush_std_streams()
    # The target's sys.exit() value goes through as is, so Python itself prints a message (sys.exit("msg")) and
    # maps None/int/other to the exit status exactly as it would have for `python SCRIPT`.
    sys.exit(_status)
