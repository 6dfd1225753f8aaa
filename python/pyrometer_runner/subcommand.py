"""The skeleton every subcommand shares: parse the options (a usage error is reported with the subcommand's usage
line and exit code 2), load the script, install it as ``__main__``, count its threads, run it between the
subcommand's start and stop, report how it ended, write the result ("cannot write the result" is exit code 2) and
return the target's exit value.

A subcommand describes what differs in an Instrument: what it switches on and off around the script, and what it
makes of the run. Only modules the subcommands import anyway are imported here (see the package docstring).
"""
import os
import time

from pyrometer_runner import errors, metadata, module_target, result_file, target, threads


def main(argv, parse_args, usage, body):
    """``body(options)`` for the parsed options, or the usage error reported and RUNNER_ERROR_EXIT."""
    try:
        options = parse_args(argv)
    except errors.UsageError as exc:
        errors.report("%s; %s" % (exc, usage))
        return errors.RUNNER_ERROR_EXIT
    return body(options)


def write(write_result, exit_value):
    """``write_result()``, then exit_value; RUNNER_ERROR_EXIT (and why on stderr) when it raised."""
    try:
        write_result()
    except Exception as exc:
        errors.report("cannot write the result: %s: %s" % (type(exc).__name__, exc))
        return errors.RUNNER_ERROR_EXIT
    return exit_value


def nothing():
    """Start/stop for Target.run: nothing to switch on or off."""


class Instrument(object):
    """What a subcommand switches on and off around the script, and what it makes of the run.

    ``start`` and ``stop`` are handed to Target.run as they are (cProfile's own enable/disable, so that no runner
    frame is profiled). The defaults switch nothing and write ``result()`` to ``--out``.
    """

    #: "cannot start X": start() raising is a runner error saying so (the script did not run). None: it is a bug.
    start_failure = None
    #: "cannot prepare X": prepare() raising is a runner error saying so. None: it is a bug.
    prepare_failure = None
    start = staticmethod(nothing)
    stop = staticmethod(nothing)

    def prepare(self, job):
        """After the script loaded, before it is installed as ``__main__``."""

    def run(self, job):
        """Run the installed script; the Outcome."""
        return job.run(self.start, self.stop)

    def undo_start(self):
        """After start() raised (with start_failure set): undo what did start."""

    def not_loaded(self):
        """The script could not be loaded (it will not run): give back what was taken."""

    def read(self, run):
        """After the run, before the outcome is reported (the target's sys.excepthook may run then)."""

    def result(self, run):
        """The result to write."""
        raise NotImplementedError

    def write(self, run, result):
        result_file.write_json(run.options.out, result)


class Run(object):
    """One run of the target script and the facts the result's ``metadata`` block reports about it."""

    def __init__(self, options):
        self.options = options
        self.started_at = time.time()
        self.cwd = os.getcwd()
        self.job = module_target.make(options)  # a script, or a module with -m
        self.counter = threads.ThreadCounter()
        self.outcome = None
        self.ran = False  # the instrument started and the script ran (however it ended)

    def metadata(self, tool):
        return metadata.run_block(tool, self.options, self.cwd, self.job, self.started_at, self.outcome,
                                  self.counter.count)


def _failure(exc, what):
    return target.Outcome.runner_failure(exc, "%s: %s" % (what, exc))


def run_script(options, make_instrument):
    """Run options.script under ``make_instrument(job)`` and write its result; the exit value."""
    run = Run(options)
    job, counter = run.job, run.counter
    instrument = make_instrument(job)

    outcome = job.load()
    if outcome is None:
        if instrument.prepare_failure is None:
            instrument.prepare(job)
        else:
            try:
                instrument.prepare(job)
            except Exception as exc:
                outcome = _failure(exc, instrument.prepare_failure)
        if outcome is None:
            job.install()
            counter.install()
            try:
                outcome = instrument.run(job)
                run.ran = True
            except Exception as exc:  # start() refused, e.g. 3.12+: "Another profiling tool is already active"
                if instrument.start_failure is None:
                    raise
                instrument.undo_start()
                outcome = _failure(exc, instrument.start_failure)
            finally:
                counter.uninstall()
    else:
        instrument.not_loaded()
    run.outcome = outcome
    instrument.read(run)
    outcome.report()  # the traceback / runner error on stderr, as Python would print it

    result = instrument.result(run)
    return write(lambda: instrument.write(run, result), outcome.exit_value)
