"""``cprofile`` subcommand: run a script under cProfile, write RESULT.json (and the pstats ``.prof``).

    cprofile --out RESULT.json [--prof-out RUN.prof] -- SCRIPT [ARGS...]

The numbers are pstats' own: ``pstats.Stats(profile)`` takes ``profile.create_stats()``'s dict as its ``stats``
unchanged, and that same dict is both dumped to the ``.prof`` (marshal, as ``Profile.dump_stats`` does) and
converted to JSON; ``totalSeconds`` is summed in the same order as pstats' ``total_tt``. pstats itself is not
imported (it pulls in dataclasses/inspect on 3.9+, which would then cost the target nothing to import).
The ``.prof`` is written only when the target ran (pstats refuses an empty profile); a stale one is removed.
"""
import cProfile
import marshal
import os
import time

from pyrometer_runner import errors, metadata, result_file, target, threads

SCHEMA = "pyrometer.cprofile/1"
USAGE = "usage: pyrometer_runner cprofile --out RESULT.json [--prof-out RUN.prof] -- SCRIPT [ARGS...]"


class Options(object):
    def __init__(self):
        self.out = None
        self.prof_out = None
        self.script = None
        self.args = []


def parse_args(argv):
    """Options from the subcommand's arguments; result paths made absolute (the target may chdir)."""
    options = Options()
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            index += 1
            break
        name, has_value, value = arg.partition("=")
        if name in ("--out", "--prof-out"):
            if not has_value:
                index += 1
                if index >= len(argv):
                    raise errors.UsageError("%s needs a value" % name)
                value = argv[index]
            if not value:
                raise errors.UsageError("%s needs a value" % name)
            if name == "--out":
                options.out = os.path.abspath(value)
            else:
                options.prof_out = os.path.abspath(value)
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


def pstats_dict(profiler):
    """What ``pstats.Stats(profiler).stats`` is: ``{(file, line, name): (cc, nc, tt, ct, callers)}``."""
    profiler.create_stats()
    return profiler.stats


def functions_json(stats):
    """(functions, totalSeconds) for the result: every pstats entry, numbers untouched, caller edges named."""
    functions = []
    total_tt = 0  # pstats: total_tt starts at 0 and adds tt in dict order
    for (file, line, name), (cc, nc, tt, ct, callers) in stats.items():
        total_tt += tt
        edges = []
        for (caller_file, caller_line, caller_name), edge in callers.items():
            edge_nc, edge_cc, edge_tt, edge_ct = edge  # caller edges are (nc, cc, tt, ct)
            edges.append({
                "file": caller_file, "line": caller_line, "name": caller_name,
                "totalCalls": edge_nc, "primitiveCalls": edge_cc,
                "selfSeconds": edge_tt, "cumulativeSeconds": edge_ct,
            })
        functions.append({
            "file": file, "line": line, "name": name,
            "primitiveCalls": cc, "totalCalls": nc, "selfSeconds": tt, "cumulativeSeconds": ct,
            "callers": edges,
        })
    return functions, total_tt


def main(argv):
    try:
        options = parse_args(argv)
    except errors.UsageError as exc:
        errors.report("%s; %s" % (exc, USAGE))
        return errors.RUNNER_ERROR_EXIT

    started_at = time.time()
    cwd = os.getcwd()
    job = target.Target(options.script, options.args)
    profiler = cProfile.Profile()
    counter = threads.ThreadCounter()
    profiled = False

    outcome = job.load()
    if outcome is None:
        job.install()
        counter.install()
        try:
            outcome = job.run(profiler.enable, profiler.disable)
            profiled = True
        except Exception as exc:  # enable() refused, e.g. 3.12+: "Another profiling tool is already active"
            outcome = target.Outcome.runner_failure(exc, "cannot start cProfile: %s" % (exc,))
        finally:
            counter.uninstall()

    stats = pstats_dict(profiler) if profiled else {}
    outcome.report()  # the traceback / runner error on stderr, as Python would print it

    functions, total_seconds = functions_json(stats)
    result = {
        "schema": SCHEMA,
        "metadata": metadata.run_block("cProfile", options, cwd, job, started_at, outcome, counter.count),
        "totalSeconds": total_seconds,
        "functions": functions,
    }
    try:
        if options.prof_out is not None:
            if profiled:
                result_file.write_bytes(options.prof_out, marshal.dumps(stats))
            elif os.path.lexists(options.prof_out):
                os.unlink(options.prof_out)  # nothing was profiled; pstats cannot load an empty profile
        result_file.write_json(options.out, result)
    except Exception as exc:
        errors.report("cannot write the result: %s: %s" % (type(exc).__name__, exc))
        return errors.RUNNER_ERROR_EXIT
    return outcome.exit_value
