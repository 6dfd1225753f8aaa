"""``lines`` subcommand: deterministic line-level timing of a chosen scope, written as RESULT.json.

    lines --out RESULT.json [--engine auto|monitoring|settrace|line_profiler] [--file PATH]...
          [--function PATH:LINE]... -- SCRIPT [ARGS...]

The contract is docs/runner-lines.md (schema ``pyrometer.lines/1``). The scope (line_scope) is resolved before the
script runs, from the files' sources, so that never-run functions are reported too; the engine
(line_timer_monitoring, line_timer_settrace, line_timer_lprof) is switched on and off by ``Target.run`` around the
script exactly where the cprofile subcommand switches cProfile. Loading, running, exit statuses, the result file
and the metadata are the shared modules' (subcommand, target, threads, metadata, result_file).

Everything the engine needs (``opcode``, ``threading`` for settrace, line_profiler) is imported before the script
runs, with the script's directory not yet on sys.path; nothing is imported after it ran.
"""
import os
import sys

from pyrometer_runner import cli_options, errors, line_scope, subcommand

SCHEMA = "pyrometer.lines/1"
TOOL = "line timing"
ENGINES = ("auto", "monitoring", "settrace", "line_profiler")
USAGE = ("usage: pyrometer_runner lines --out RESULT.json [--engine auto|monitoring|settrace|line_profiler]"
         " [--file PATH]... [--function PATH:LINE]... -- SCRIPT [ARGS...]")


def _engine(name, value):
    if value not in ENGINES:
        raise errors.UsageError("unknown engine %r (known: %s)" % (value, ", ".join(ENGINES)))
    return value


def _function_request(name, value):
    path, colon, line = value.rpartition(":")
    if not colon or not path or not line.isdigit() or int(line) < 1:
        raise errors.UsageError("--function needs PATH:LINE with a line number >= 1, not %r" % value)
    return os.path.abspath(path), int(line)


def parse_args(argv):
    """Options from the subcommand's arguments (the cprofile subcommand's conventions); paths made absolute.
    ``files`` and ``functions`` ((absolute path, line)) list the --file and --function options."""
    return cli_options.parse(argv, {"--out": cli_options.absolute_path, "--engine": _engine},
                             lists={"--file": ("files", cli_options.absolute_path),
                                    "--function": ("functions", _function_request)},
                             defaults={"engine": "auto"})


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


class LineTiming(subcommand.Instrument):
    """The chosen engine, switched on and off around the script by Target.run."""

    def __init__(self, job, timer_type, options):
        self.timer_type = timer_type
        self.options = options
        self.scope = None
        self.timer = None
        self.prepare_failure = "cannot prepare the %s engine" % timer_type.name
        self.start_failure = "cannot start the %s engine" % timer_type.name  # e.g. no free sys.monitoring tool id
        if getattr(job, "module_name", None) is None:
            self._resolve(job)  # a script's file is known now, before the script can chdir

    def _resolve(self, job):
        """The scope and the engine; for a module (-m) only once load() found its file."""
        if self.scope is None:
            self.scope = line_scope.Scope(job.filename, self.options.files, self.options.functions)
            self.timer = self.timer_type(self.scope)
            self.start = self.timer.start
            self.stop = self.timer.stop

    def prepare(self, job):
        self._resolve(job)
        self.timer.prepare(job)

    def not_loaded(self):
        """The module was not found: its scope is only what was asked for explicitly (nothing to time)."""
        if self.scope is None:
            self.scope = line_scope.Scope("", self.options.files, self.options.functions, whole_script=False)
            self.timer = self.timer_type(self.scope)

    def result(self, run):
        if self.scope is None:
            self.not_loaded()
        timer, scope = self.timer, self.scope
        note = timer.note(run.counter.count)
        try:
            functions = timer.functions_json()
        except Exception as exc:  # the engine's figures could not be read: report the scope, say why
            functions = scope.functions_json()
            note = "; ".join(text for text in (note, "the %s engine's figures could not be read: %s: %s"
                                                     % (timer.name, type(exc).__name__, exc)) if text)
        return {
            "schema": SCHEMA,
            "metadata": run.metadata(TOOL),
            "engine": {"name": timer.name, "version": timer.version, "timer": timer.timer, "note": note},
            "scope": scope.scope_json(),
            "functions": functions,
            "unmatched": scope.unmatched,
        }


def _run(options):
    timer_type, problem = engine_module(options.engine)
    if problem is not None:
        errors.report(problem)
        return errors.RUNNER_ERROR_EXIT
    return subcommand.run_script(options, lambda job: LineTiming(job, timer_type, options))


def main(argv):
    return subcommand.main(argv, parse_args, USAGE, _run)
