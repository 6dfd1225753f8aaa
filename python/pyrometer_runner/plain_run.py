"""``run`` subcommand: run a script exactly as the ``cprofile`` subcommand does, but with no profiler, and write
RESULT.json with the same ``metadata`` block.

    run --out RESULT.json [--bytecode-out BYTECODE.json] -- SCRIPT [ARGS...]

``--bytecode-out`` also writes the script's adaptive bytecode as it is after the run (schema
``pyrometer.bytecode/1``, docs/runner-bytecode.md): nothing profiles inside the interpreter here, so this is the
specialization the program really reached (a profiler's hooks hold it back on 3.11 and instrument it on 3.12+).

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
USAGE = "usage: pyrometer_runner run --out RESULT.json [--bytecode-out BYTECODE.json] -- SCRIPT [ARGS...]"


def parse_args(argv):
    """Options of ``run``: the cprofile subcommand's parser (same conventions), without ``--prof-out``, plus
    ``--bytecode-out``."""
    bytecode_out = None
    rest = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--" or not arg.startswith("-"):
            rest.extend(argv[index:])
            break
        name, has_value, value = arg.partition("=")
        if name == "--bytecode-out":
            if not has_value:
                index += 1
                value = argv[index] if index < len(argv) and argv[index] != "--" else ""
            if not value:
                raise errors.UsageError("--bytecode-out needs a value")
            bytecode_out = os.path.abspath(value)
        else:
            rest.append(arg)
            if name in ("--out", "--prof-out") and not has_value and index + 1 < len(argv):
                index += 1
                rest.append(argv[index])  # its value, whatever it looks like
        index += 1
    options = cprofile_run.parse_args(rest)
    if options.prof_out is not None:
        raise errors.UsageError("unknown option '--prof-out' (the run subcommand writes no profile)")
    options.bytecode_out = bytecode_out
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
    listing = None
    if options.bytecode_out is not None:
        # Imported only now: dis is not pre-imported for the target, and it is read before anything else runs.
        from pyrometer_runner import bytecode_listing
        listing = bytecode_listing.listing(job.code, job.path)
    outcome.report()  # the traceback / runner error on stderr, as Python would print it

    result = {
        "schema": SCHEMA,
        "metadata": metadata.run_block("none", options, cwd, job, started_at, outcome, counter.count),
    }
    try:
        if listing is not None:
            from pyrometer_runner import bytecode_run
            result_file.write_json(options.bytecode_out, bytecode_run.bytecode_result(
                dict(result["metadata"], tool="dis"), listing, {"mode": "script", "call": None, "repeat": 1}))
        result_file.write_json(options.out, result)
    except Exception as exc:
        errors.report("cannot write the result: %s: %s" % (type(exc).__name__, exc))
        return errors.RUNNER_ERROR_EXIT
    return outcome.exit_value
