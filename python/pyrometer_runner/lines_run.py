"""``lines`` subcommand: deterministic line-level timing of a chosen scope, written as RESULT.json.

    lines --out RESULT.json [--engine auto|monitoring|settrace|line_profiler] [--file PATH]...
          [--function PATH:LINE]... -- SCRIPT [ARGS...]

The contract is docs/runner-lines.md (schema ``pyrometer.lines/1``). The scope (line_scope) is resolved before the
script runs, from the files' sources, so that never-run functions are reported too; the engine
(line_timer_monitoring, line_timer_settrace, line_timer_lprof) is switched on and off by ``Target.run`` around the
script exactly where the cprofile subcommand switches cProfile. Loading, running, exit statuses, the result file
and the metadata are the shared modules' (target, threads, metadata, result_file).

Everything the engine needs (``opcode``, ``threading`` for settrace, line_profiler) is imported before the script
runs, with the script's directory not yet on sys.path; nothing is imported after it ran.
"""
import os
import sys
import time

from pyrometer_runner import errors, line_scope, metadata, result_file, target, threads

SCHEMA = "pyrometer.lines/1"
TOOL = "line timing"
ENGINES = ("auto", "monitoring", "settrace", "line_profiler")
USAGE = ("usage: pyrometer_runner lines --out RESULT.json [--engine auto|monitoring|settrace|line_profiler]"
         " [--file PATH]... [--function PATH:LINE]... -- SCRIPT [ARGS...]")


class Options(object):
    def __init__(self):
        self.out = None
        self.engine = "auto"
        self.files = []
        self.functions = []  # (absolute path, line)
        self.script = None
        self.args = []


def _function_request(value):
    path, colon, line = value.rpartition(":")
    if not colon or not path or not line.isdigit() or int(line) < 1:
        raise errors.UsageError("--function needs PATH:LINE with a line number >= 1, not %r" % value)
    return os.path.abspath(path), int(line)


def parse_args(argv):
    """Options from the subcommand's arguments (the cprofile subcommand's conventions); paths made absolute."""
    options = Options()
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            index += 1
            break
        name, has_value, value = arg.partition("=")
        if name in ("--out", "--engine", "--file", "--function"):
            if not has_value:
                index += 1
                if index >= len(argv):
                    raise errors.UsageError("%s needs a value" % name)
                value = argv[index]
            if not value:
                raise errors.UsageError("%s needs a value" % name)
            if name == "--out":
                options.out = os.path.abspath(value)
            elif name == "--engine":
                if value not in ENGINES:
                    raise errors.UsageError("unknown engine %r (known: %s)" % (value, ", ".join(ENGINES)))
                options.engine = value
            elif name == "--file":
                options.files.append(os.path.abspath(value))
            else:
                options.functions.append(_function_request(value))
            index += 1
        elif arg.startswith("-"):
            raise errors.UsageError("unknown option %r" % arg)
        else:
            break  # the script (the `--` is recommended, not required)
    if options.out is None:
        raise errors.UsageError("--out is required")
    if index >= len(argv):
        raise errors.UsageError("no script given")
    options.script = argv[index]
    options.args = argv[index + 1:]
    return options


def _python_version():
    return "%d.%d.%d" % tuple(sys.version_info[:3])


def engine_module(name):
    """(module, None) for the chosen engine, or (None, fatal message) when this interpreter cannot run it."""
    if name == "auto":
        name = "monitoring" if hasattr(sys, "monitoring") else "settrace"
    if name == "monitoring":
        if not hasattr(sys, "monitoring"):
            return None, ("the monitoring engine needs Python 3.12+ (this is %s); use --engine settrace"
                          % _python_version())
        from pyrometer_runner import line_timer_monitoring
        return line_timer_monitoring.MonitoringTimer, None
    if name == "settrace":
        from pyrometer_runner import line_timer_settrace
        return line_timer_settrace.SettraceTimer, None
    from pyrometer_runner import line_timer_lprof
    problem = line_timer_lprof.load()
    if problem is not None:
        return None, problem
    return line_timer_lprof.LineProfilerTimer, None


def main(argv):
    try:
        options = parse_args(argv)
    except errors.UsageError as exc:
        errors.report("%s; %s" % (exc, USAGE))
        return errors.RUNNER_ERROR_EXIT
    timer_type, problem = engine_module(options.engine)
    if problem is not None:
        errors.report(problem)
        return errors.RUNNER_ERROR_EXIT

    started_at = time.time()
    cwd = os.getcwd()
    job = target.Target(options.script, options.args)
    scope = line_scope.Scope(job.filename, options.files, options.functions)
    timer = timer_type(scope)
    counter = threads.ThreadCounter()

    outcome = job.load()
    if outcome is None:
        try:
            timer.prepare(job)
        except Exception as exc:
            outcome = target.Outcome.runner_failure(exc, "cannot prepare the %s engine: %s" % (timer.name, exc))
    if outcome is None:
        job.install()
        counter.install()
        try:
            outcome = job.run(timer.start, timer.stop)
        except Exception as exc:  # start() refused, e.g. no free sys.monitoring tool id
            outcome = target.Outcome.runner_failure(exc, "cannot start the %s engine: %s" % (timer.name, exc))
        finally:
            counter.uninstall()
    outcome.report()  # the traceback / runner error on stderr, as Python would print it

    note = timer.note(counter.count)
    try:
        functions = timer.functions_json()
    except Exception as exc:  # the engine's figures could not be read: report the scope, say why
        functions = scope.functions_json()
        note = "; ".join(text for text in (note, "the %s engine's figures could not be read: %s: %s"
                                                 % (timer.name, type(exc).__name__, exc)) if text)
    result = {
        "schema": SCHEMA,
        "metadata": metadata.run_block(TOOL, options, cwd, job, started_at, outcome, counter.count),
        "engine": {"name": timer.name, "version": timer.version, "timer": timer.timer, "note": note},
        "scope": scope.scope_json(),
        "functions": functions,
        "unmatched": scope.unmatched,
    }
    try:
        result_file.write_json(options.out, result)
    except Exception as exc:
        errors.report("cannot write the result: %s: %s" % (type(exc).__name__, exc))
        return errors.RUNNER_ERROR_EXIT
    return outcome.exit_value
