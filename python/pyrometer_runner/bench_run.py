"""``bench``: time an expression or a function of a script with ``timeit`` or pyperf, and keep every measurement.

    python <runner> bench --out RESULT.json (--stmt CODE | --call QUALNAME [--call-args LITERAL])
                          [--repeat N] [--number N] [--engine timeit|pyperf|auto]
                          [--pyperf-mode fast|default|rigorous] [--compare-to PREVIOUS_PYPERF.json] -- SCRIPT

- The script is imported first, as ``import`` would (its ``__name__`` is its stem, so its main block does not
  run; ``sys.path[0]`` is its directory), and the statement or call runs in its namespace: names the selection
  uses resolve as they would inside the file.
- ``--call`` resolves QUALNAME like the bytecode warm-up (``func``, ``Class.method``; an instance method on an
  instance made with no arguments) and calls it with the ``--call-args`` literal (a tuple is the argument list).
- timeit's own procedure: ``Timer.autorange()`` picks the loop count (the first 1, 2, 5, 10, … that takes
  ≥ 0.2 s) unless ``--number`` is given, then ``Timer.repeat(repeat, number)``; every repetition's per-loop time is
  kept (``valuesSeconds``), and min/median/mean/stdev come from them (``statistics``, as timeit's CLI reports
  the best). Nothing is printed on stdout; the result is written even when the statement raises (``error``).
- ``--engine pyperf`` (``auto``: pyperf when it is installed in this interpreter, else timeit) runs
  ``python -m pyperf timeit`` instead (bench_pyperf.py): warm-ups, several processes, and ``--compare-to`` a previous
  pyperf JSON with ``pyperf compare_to``; ``--repeat`` is timeit's only, ``--number`` becomes pyperf's ``--loops``.
"""
import os
import sys
import time
import types

from pyrometer_runner import cli_options, errors, metadata, result_file

SCHEMA = "pyrometer.bench/1"
USAGE = ("usage: pyrometer_runner bench --out RESULT.json (--stmt CODE | --call QUALNAME [--call-args LITERAL])"
         " [--repeat N] [--number N] [--engine timeit|pyperf|auto] [--pyperf-mode fast|default|rigorous]"
         " [--compare-to PREVIOUS_PYPERF.json] -- SCRIPT")
ENGINES = ("timeit", "pyperf", "auto")
PYPERF_MODES = ("fast", "default", "rigorous")
DEFAULT_REPEAT = 7  # timeit's command line repeats 5 times; 7 gives a median that one outlier does not move


def _validate(options):
    if (options.stmt is None) == (options.call is None):
        raise errors.UsageError("give exactly one of --stmt and --call")
    if options.call_args is not None and options.call is None:
        raise errors.UsageError("--call-args goes with --call")
    if options.compare_to is not None and options.engine == "timeit":
        raise errors.UsageError("--compare-to is a pyperf JSON: it goes with --engine pyperf or auto")


def _one_of(choices):
    def convert(name, value):
        if value not in choices:
            raise errors.UsageError("%s is one of %s, not %r" % (name, ", ".join(choices), value))
        return value
    return convert


def parse_args(argv):
    return cli_options.parse(argv, valued={
        "--out": cli_options.absolute_path,
        "--stmt": lambda _name, value: value,
        "--call": lambda _name, value: value,
        "--call-args": lambda _name, value: value,
        "--repeat": cli_options.whole_number(1, 1000),
        "--number": cli_options.whole_number(1, 10 ** 9),
        "--engine": _one_of(ENGINES),
        "--pyperf-mode": _one_of(PYPERF_MODES),
        "--compare-to": cli_options.absolute_path,
    }, defaults={"repeat": DEFAULT_REPEAT, "engine": "timeit", "pyperf_mode": "fast"}, validate=_validate)


def import_script(path):
    """The script executed as a module named for its stem (its main block skipped), registered in sys.modules."""
    path = os.path.abspath(path)
    name = os.path.splitext(os.path.basename(path))[0]
    module = types.ModuleType(name)
    module.__file__ = path
    sys.path.insert(0, os.path.dirname(path))
    with open(path, "rb") as stream:
        code = compile(stream.read(), path, "exec")
    sys.modules.setdefault(name, module)
    exec(code, module.__dict__)
    return module


def _literal_args(text):
    if text is None:
        return ()
    import ast
    value = ast.literal_eval(text)
    return value if isinstance(value, tuple) else (value,)


def summary(values):
    """min / median / mean / stdev (sample; 0 for one value) of the per-loop seconds."""
    import statistics
    return {
        "minSeconds": min(values),
        "maxSeconds": max(values),
        "medianSeconds": statistics.median(values),
        "meanSeconds": statistics.mean(values),
        "stdevSeconds": statistics.stdev(values) if len(values) > 1 else 0.0,
    }


def measure(timer, repeat, number):
    """(loops per repetition, per-loop seconds of each repetition, whether autorange chose the loops)."""
    autoranged = number is None
    if autoranged:
        number, _elapsed = timer.autorange()
    totals = timer.repeat(repeat=repeat, number=number)
    return number, [total / number for total in totals], autoranged


def _timeit_fields(options):
    """The timeit engine's part of the result; ``error`` set when the statement (or the import) raised."""
    import timeit
    try:
        module = import_script(options.script)
        if options.call is not None:
            from pyrometer_runner import call_warmup
            function = call_warmup.resolve(module, options.call)
            arguments = _literal_args(options.call_args)
            timer = timeit.Timer(lambda: function(*arguments))
        else:
            timer = timeit.Timer(options.stmt, globals=module.__dict__)
        number, values, autoranged = measure(timer, options.repeat, options.number)
        fields = {"number": number, "autorange": autoranged, "valuesSeconds": values, "error": None}
        fields.update(summary(values))
        return fields
    except BaseException as exc:  # the statement's own failure is the result, not a runner crash
        if isinstance(exc, KeyboardInterrupt):
            raise
        import traceback
        return {"number": 0, "autorange": options.number is None, "valuesSeconds": [],
                "error": {"type": type(exc).__name__, "message": str(exc),
                          "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))}}


def main(argv):
    try:
        options = parse_args(argv)
    except errors.UsageError as exc:
        errors.report("%s; %s" % (exc, USAGE))
        return errors.RUNNER_ERROR_EXIT
    started = time.time()
    result = {"schema": SCHEMA, "engine": "timeit", "script": os.path.abspath(options.script),
              "stmt": options.stmt, "call": options.call, "callArgs": options.call_args, "repeat": options.repeat}
    from pyrometer_runner import bench_pyperf
    if options.engine == "pyperf" or (options.engine == "auto" and bench_pyperf.installed()):
        result.update(bench_pyperf.measure(options, options.out))
        if result["error"] is None:
            result.update(summary(result["valuesSeconds"]))
    else:
        result.update(_timeit_fields(options))
    exit_code = 0 if result["error"] is None else 1
    python, platform_string, _capabilities = metadata.describe()
    from pyrometer_runner import machine
    result["metadata"] = {"tool": result["engine"], "python": python, "platform": platform_string,
                          "startedAt": metadata.iso_utc(started), "cwd": os.getcwd(),
                          "machine": machine.describe_machine(os.getcwd())}
    try:
        result_file.write_json(options.out, result)
    except Exception as exc:
        errors.report("cannot write the result: %s: %s" % (type(exc).__name__, exc))
        return errors.RUNNER_ERROR_EXIT
    return exit_code
