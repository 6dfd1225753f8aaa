"""``run`` subcommand: run a script exactly as the ``cprofile`` subcommand does, but with no profiler, and write
RESULT.json with the same ``metadata`` block.

    run --out RESULT.json -- SCRIPT [ARGS...]

This is what an outside sampler (py-spy) launches: ``py-spy record ... -- PYTHON <runner> run --out R.json -- SCRIPT``.
py-spy does not pass the target's exit status on (it exits 0 after ``sys.exit(3)``), so the status, the exception,
wall/CPU time, the interpreter and its capabilities come from this file instead.

RESULT.json (schema ``pyrometer.run/1``)::

    {"schema": "pyrometer.run/1",
     "metadata": {"tool": "none", "python": {...}, "platform": "...", "argv": [...], "cwd": "...",
                  "script": "/abs/script.py", "startedAt": "...", "wallSeconds": 1.2, "cpuSeconds": 1.1,
                  "exitCode": 3, "exception": null, "threadsSeen": 0, "capabilities": {...}}}

``metadata`` has exactly the fields and meanings of the cprofile result's (docs/runner-protocol.md); ``tool`` is
``"none"`` because nothing profiles inside the interpreter. Loading, running, exit statuses, the result file and
the metadata are the shared modules' (target, threads, metadata, result_file): only the assembly is here.
"""
import os
import time

from pyrometer_runner import cprofile_run, errors, metadata, result_file, target, threads

SCHEMA = "pyrometer.run/1"
USAGE = "usage: pyrometer_runner run --out RESULT.json -- SCRIPT [ARGS...]"


def parse_args(argv):
    """Options of ``run``: the cprofile subcommand's parser (same conventions), without ``--prof-out``."""
    options = cprofile_run.parse_args(argv)
    if options.prof_out is not None:
        raise errors.UsageError("unknown option '--prof-out' (the run subcommand writes no profile)")
    return options


def _nothing():
    """Start/stop for Target.run: no profiler to switch on or off."""


def main(argv):
    try:
        options = parse_args(argv)
    except errors.UsageError as exc:
        errors.report("%s; %s" % (exc, USAGE))
        return errors.RUNNER_ERROR_EXIT

    started_at = time.time()
    cwd = os.getcwd()
    job = target.Target(options.script, options.args)
    counter = threads.ThreadCounter()

    outcome = job.load()
    if outcome is None:
        job.install()
        counter.install()
        try:
            outcome = job.run(_nothing, _nothing)
        finally:
            counter.uninstall()
    outcome.report()  # the traceback / runner error on stderr, as Python would print it

    result = {
        "schema": SCHEMA,
        "metadata": metadata.run_block("none", options, cwd, job, started_at, outcome, counter.count),
    }
    try:
        result_file.write_json(options.out, result)
    except Exception as exc:
        errors.report("cannot write the result: %s: %s" % (type(exc).__name__, exc))
        return errors.RUNNER_ERROR_EXIT
    return outcome.exit_value
