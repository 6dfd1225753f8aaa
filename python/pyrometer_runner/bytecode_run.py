"""``bytecode`` subcommand: warm a script up, then write the specialized-bytecode listing of its file.

    bytecode --out RESULT.json [--call QUALNAME [--call-args PYTHON_LITERAL] [--repeat N]] -- SCRIPT [ARGS...]

Without --call the warm-up is the script run as ``__main__``, exactly as the other subcommands run it (Target:
load, install, run; the same Outcome, exit status and stderr). With --call the script runs as an imported module
and one function is called N times (call_warmup). Then every code object of the script's file is listed from the
module code object that ran (bytecode_listing). The result (schema ``pyrometer.bytecode/1``) is written in every
case, also when the script or the call raised; docs/runner-bytecode.md describes it.

``dis`` (through bytecode_listing) and ``ast`` are imported when this module loads, before the target runs, so a
script directory cannot shadow them; the target's own ``import dis`` then costs nothing, which does not matter
here: nothing is timed.
"""
import ast

from pyrometer_runner import bytecode_listing, call_warmup, cli_options, errors, subcommand

SCHEMA = "pyrometer.bytecode/1"
USAGE = ("usage: pyrometer_runner bytecode --out RESULT.json [--call QUALNAME [--call-args PYTHON_LITERAL]"
         " [--repeat N]] -- SCRIPT [ARGS...]")


def _call_args(text):
    """The argument tuple for --call-args: a tuple literal is the argument list, anything else one argument."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        raise errors.UsageError("--call-args must be a Python literal (%s: %s)" % (type(exc).__name__, exc))
    return value if isinstance(value, tuple) else (value,)


def _call_args_option(name, text):
    return _call_args(text)


def _repeat(name, text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise errors.UsageError("--repeat needs a whole number of calls, at least 1 (got %r)" % text)
    return value


def _qualname(name, text):
    parts = text.split(".")
    if not all(part.isidentifier() for part in parts):
        raise errors.UsageError("--call takes a dotted name of a module-level function or a method, "
                                "like main or Class.method (got %r)" % text)
    return text


def _call_mode(options):
    if options.call is None and (options.call_args is not None or options.repeat is not None):
        raise errors.UsageError("--call-args and --repeat need --call")
    if options.call_args is None:
        options.call_args = ()
    if options.call is not None and options.repeat is None:
        options.repeat = call_warmup.DEFAULT_REPEAT


def parse_args(argv):
    """Options from the subcommand's arguments (``--opt value`` or ``--opt=value``; ``--`` before the script)."""
    options = cli_options.parse(argv, {"--out": cli_options.absolute_path, "--call": _qualname,
                                       "--call-args": _call_args_option, "--repeat": _repeat},
                                empty_ok=("--call-args",), validate=_call_mode)
    if options.call is not None and options.module is not None:
        # --call imports the script's file under its own name; a module (-m) already has one: not supported.
        raise errors.UsageError("--call needs a script, not -m %s" % options.module)
    return options


def warm_up(job, options):
    """Run the script (and, with --call, the calls): the Outcome of the whole warm-up."""
    if options.call is None:
        return job.run(subcommand.nothing, subcommand.nothing)
    call_warmup.install_as_import(job)
    module_run = call_warmup.ModuleRun()
    outcome = job.run(module_run.start, module_run.stop)
    if module_run.raised:
        return outcome  # the module did not import (or exited): there is nothing to call
    calls = call_warmup.call(job, options.call, options.call_args, options.repeat)
    calls.wall_seconds += outcome.wall_seconds
    calls.cpu_seconds += outcome.cpu_seconds
    return calls


def warmup_block(options):
    if options.call is None:
        return {"mode": "script", "call": None, "repeat": 1}
    return {"mode": "call", "call": options.call, "repeat": options.repeat}


def bytecode_result(metadata_block, listing, warmup):
    """The ``pyrometer.bytecode/1`` result: also written by ``run --bytecode-out`` after an unprofiled run."""
    return {
        "schema": SCHEMA,
        "metadata": metadata_block,
        "adaptive": listing["adaptive"],
        "warmup": warmup,
        "families": listing["families"],
        "codeObjects": listing["codeObjects"],
    }


class Warmup(subcommand.Instrument):
    """Nothing switched on: the script (or the calls) run, then the bytecode is read."""

    def __init__(self, job, options):
        self.options = options
        self.listing = None

    def run(self, job):
        return warm_up(job, self.options)

    def read(self, run):
        # Read the bytecode before anything else can run the target's code (its sys.excepthook, for one).
        self.listing = bytecode_listing.listing(run.job.code, run.job.path)

    def result(self, run):
        return bytecode_result(run.metadata("dis"), self.listing, warmup_block(self.options))


def main(argv):
    return subcommand.main(argv, parse_args, USAGE,
                           lambda options: subcommand.run_script(options, lambda job: Warmup(job, options)))
