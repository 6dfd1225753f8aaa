"""``events`` subcommand: garbage collections and raised exceptions of a script, written as RESULT.json.

    events --out RESULT.json [--no-gc] [--no-exceptions] -- SCRIPT [ARGS...]

The contract is docs/runner-memory.md (schema ``pyrometer.events/1``). The script runs exactly as under the
cprofile subcommand (target, threads, metadata, result_file); the recorders are switched on and off by
``Target.run`` around it. No tracemalloc here: its allocation hooks would lengthen every collection and distort
the pauses being measured.

- GC: gc_events (``gc.callbacks``), on every version.
- Exceptions: exceptions_monitoring (sys.monitoring) on 3.12+, exceptions_settrace (sys.settrace) before, or when
  every sys.monitoring tool id is taken; ``exceptions.mechanism`` says which, ``exceptions.note`` what it costs.

Everything the recorders need (``threading`` for settrace) is imported before the script runs; nothing after.
"""
import sys
from time import perf_counter_ns

from pyrometer_runner import cli_options, file_origin, subcommand

SCHEMA = "pyrometer.events/1"
USAGE = "usage: pyrometer_runner events --out RESULT.json [--no-gc] [--no-exceptions] -- SCRIPT [ARGS...]"


def parse_args(argv):
    return cli_options.parse(argv, {"--out": cli_options.absolute_path}, flags=("--no-gc", "--no-exceptions"))


def exception_recorder():
    """(recorder, note about a fallback or None): sys.monitoring when it is there and a tool id is free."""
    fallback = None
    from pyrometer_runner import exceptions_monitoring
    if exceptions_monitoring.available():
        recorder = exceptions_monitoring.MonitoringExceptions()
        problem = recorder.claim()
        if problem is None:
            return recorder, None
        fallback = "%s, so sys.settrace was used instead" % problem
    from pyrometer_runner import exceptions_settrace
    return exceptions_settrace.SettraceExceptions(), fallback


class Recorders(object):
    """The GC and exception recorders, started and stopped together around the script."""

    def __init__(self, gc_recorder, exceptions):
        self.gc = gc_recorder
        self.exceptions = exceptions
        self.t0_ns = 0

    def start(self):
        self.t0_ns = perf_counter_ns()
        if self.gc is not None:
            self.gc.start(self.t0_ns)
        if self.exceptions is not None:
            self.exceptions.start()

    def stop(self):
        if self.exceptions is not None:
            self.exceptions.stop()
        if self.gc is not None:
            self.gc.stop()

    def release(self):
        """Give back what was claimed when the script never ran (a sys.monitoring tool id)."""
        if self.exceptions is not None and self.exceptions.tool_id is not None:
            sys.monitoring.free_tool_id(self.exceptions.tool_id)
            self.exceptions.tool_id = None


def exceptions_json(recorder, fallback, origin_of, threads_started):
    sites, omitted, total = recorder.table.sites_json(origin_of, recorder.counts_caught)
    notes = [recorder.note()]
    if fallback:
        notes.insert(0, fallback)
    traced = getattr(recorder, "threads_traced", None)
    if traced is not None and threads_started > traced:
        notes.append("%d of the %d threads the script started were not traced (started with _thread directly)"
                     % (threads_started - traced, threads_started))
    return {
        "mechanism": recorder.name,
        "toolId": recorder.claimed_tool_id,
        "note": "; ".join(notes),
        "totalRaised": total,
        "sites": sites,
        "sitesOmitted": omitted,
    }


class Events(subcommand.Instrument):
    """The GC and exception recorders (each unless turned off), started and stopped together around the script."""
    start_failure = "cannot start recording events"

    def __init__(self, job, options):
        self.gc_recorder = None
        if not options.no_gc:
            from pyrometer_runner import gc_events
            self.gc_recorder = gc_events.GcRecorder()
        self.exceptions, self.fallback = (None, None) if options.no_exceptions else exception_recorder()
        self.recorders = Recorders(self.gc_recorder, self.exceptions)
        self.start = self.recorders.start
        self.stop = self.recorders.stop

    def undo_start(self):  # a recorder refused to start: undo what did start
        try:
            self.recorders.stop()
        except Exception:
            pass

    def not_loaded(self):
        self.recorders.release()

    def result(self, run):
        gc_recorder, exceptions = self.gc_recorder, self.exceptions
        origin_of = file_origin.OriginOf(run.job.filename, run.cwd)
        tools = ([] if gc_recorder is None else ["gc.callbacks"]) + ([] if exceptions is None else [exceptions.name])
        return {
            "schema": SCHEMA,
            "metadata": run.metadata(" + ".join(tools) or "none"),
            "gc": None if gc_recorder is None else gc_recorder.result_json(origin_of),
            "exceptions": None if exceptions is None else exceptions_json(exceptions, self.fallback, origin_of,
                                                                          run.counter.count),
        }


def main(argv):
    return subcommand.main(argv, parse_args, USAGE,
                           lambda options: subcommand.run_script(options, lambda job: Events(job, options)))
