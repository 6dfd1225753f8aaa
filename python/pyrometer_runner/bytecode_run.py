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
import os
import time

from pyrometer_runner import bytecode_listing, call_warmup, errors, metadata, result_file, target, threads

SCHEMA = "pyrometer.bytecode/1"
USAGE = ("usage: pyrometer_runner bytecode --out RESULT.json [--call QUALNAME [--call-args PYTHON_LITERAL]"
         " [--repeat N]] -- SCRIPT [ARGS...]")

_VALUE_OPTIONS = ("--out", "--call", "--call-args", "--repeat")


class Options(object):
    def __init__(self):
        self.out = None
        self.call = None
        self.call_args = ()
        self.call_args_text = None
        self.repeat = None
        self.script = None
        self.args = []


def _call_args(text):
    """The argument tuple for --call-args: a tuple literal is the argument list, anything else one argument."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        raise errors.UsageError("--call-args must be a Python literal (%s: %s)" % (type(exc).__name__, exc))
    return value if isinstance(value, tuple) else (value,)


def _repeat(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise errors.UsageError("--repeat needs a whole number of calls, at least 1 (got %r)" % text)
    return value


def _qualname(text):
    parts = text.split(".")
    if not all(part.isidentifier() for part in parts):
        raise errors.UsageError("--call takes a dotted name of a module-level function or a method, "
                                "like main or Class.method (got %r)" % text)
    return text


def parse_args(argv):
    """Options from the subcommand's arguments (``--opt value`` or ``--opt=value``; ``--`` before the script)."""
    options = Options()
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            index += 1
            break
        name, has_value, value = arg.partition("=")
        if name in _VALUE_OPTIONS:
            if not has_value:
                index += 1
                if index >= len(argv):
                    raise errors.UsageError("%s needs a value" % name)
                value = argv[index]
            if not value and name != "--call-args":
                raise errors.UsageError("%s needs a value" % name)
            if name == "--out":
                options.out = os.path.abspath(value)  # absolute: the target may chdir
            elif name == "--call":
                options.call = _qualname(value)
            elif name == "--call-args":
                options.call_args_text = value
                options.call_args = _call_args(value)
            else:
                options.repeat = _repeat(value)
            index += 1
        elif arg.startswith("-"):
            raise errors.UsageError("unknown option %r" % arg)
        else:
            break  # the script (the `--` is recommended, not required)
    if options.out is None:
        raise errors.UsageError("--out is required")
    if options.call is None and (options.call_args_text is not None or options.repeat is not None):
        raise errors.UsageError("--call-args and --repeat need --call")
    if options.call is not None and options.repeat is None:
        options.repeat = call_warmup.DEFAULT_REPEAT
    if index >= len(argv):
        raise errors.UsageError("no script given")
    options.script = argv[index]
    options.args = argv[index + 1:]
    return options


def _nothing():
    """Start/stop for Target.run: nothing to switch on or off around a plain run."""


def warm_up(job, options):
    """Run the script (and, with --call, the calls): the Outcome of the whole warm-up."""
    if options.call is None:
        return job.run(_nothing, _nothing)
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
        if options.call is not None:
            call_warmup.install_as_import(job)
        counter.install()
        try:
            outcome = warm_up(job, options)
        finally:
            counter.uninstall()
    # Read the bytecode before anything else can run the target's code (its sys.excepthook, for one).
    listing = bytecode_listing.listing(job.code, job.path)
    outcome.report()  # the traceback / runner error on stderr, as Python would print it

    result = bytecode_result(metadata.run_block("dis", options, cwd, job, started_at, outcome, counter.count),
                             listing, warmup_block(options))
    try:
        result_file.write_json(options.out, result)
    except Exception as exc:
        errors.report("cannot write the result: %s: %s" % (type(exc).__name__, exc))
        return errors.RUNNER_ERROR_EXIT
    return outcome.exit_value
