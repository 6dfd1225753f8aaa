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
the metadata are the shared modules' (subcommand, target, threads, metadata, result_file): only the assembly is here.
"""
from pyrometer_runner import cli_options, errors, result_file, subcommand

SCHEMA = "pyrometer.run/1"
USAGE = "usage: pyrometer_runner run --out RESULT.json [--bytecode-out BYTECODE.json] -- SCRIPT [ARGS...]"


def _no_profile(options):
    if options.prof_out is not None:
        raise errors.UsageError("unknown option '--prof-out' (the run subcommand writes no profile)")


def parse_args(argv):
    """Options of ``run``: the cprofile subcommand's, without ``--prof-out``, plus ``--bytecode-out``."""
    return cli_options.parse(argv, {"--out": cli_options.absolute_path, "--prof-out": cli_options.absolute_path,
                                    "--bytecode-out": cli_options.absolute_path},
                             not_dash_dash=("--bytecode-out",), validate=_no_profile)


class PlainRun(subcommand.Instrument):
    """Nothing switched on; with --bytecode-out, the script's bytecode read after the run."""

    def __init__(self, job):
        self.listing = None

    def read(self, run):
        if run.options.bytecode_out is not None:
            # Imported only now: dis is not pre-imported for the target, and it is read before anything else runs.
            from pyrometer_runner import bytecode_listing
            self.listing = bytecode_listing.listing(run.job.code, run.job.path)

    def result(self, run):
        return {"schema": SCHEMA, "metadata": run.metadata("none")}

    def write(self, run, result):
        if self.listing is not None:
            from pyrometer_runner import bytecode_run
            result_file.write_json(run.options.bytecode_out, bytecode_run.bytecode_result(
                dict(result["metadata"], tool="dis"), self.listing, {"mode": "script", "call": None, "repeat": 1}))
        result_file.write_json(run.options.out, result)


def main(argv):
    return subcommand.main(argv, parse_args, USAGE, lambda options: subcommand.run_script(options, PlainRun))
