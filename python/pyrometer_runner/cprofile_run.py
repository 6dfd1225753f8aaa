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

from pyrometer_runner import cli_options, result_file, subcommand

SCHEMA = "pyrometer.cprofile/1"
USAGE = "usage: pyrometer_runner cprofile --out RESULT.json [--prof-out RUN.prof] -- SCRIPT [ARGS...]"


def parse_args(argv):
    """Options from the subcommand's arguments; result paths made absolute (the target may chdir)."""
    return cli_options.parse(argv, {"--out": cli_options.absolute_path, "--prof-out": cli_options.absolute_path})


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


class CProfile(subcommand.Instrument):
    """cProfile enabled right before the script's code and disabled right after it."""
    start_failure = "cannot start cProfile"  # enable() refused, e.g. 3.12+: "Another profiling tool is already active"

    def __init__(self, job):
        self.profiler = cProfile.Profile()
        self.start = self.profiler.enable
        self.stop = self.profiler.disable
        self.stats = {}

    def read(self, run):
        if run.ran:
            self.stats = pstats_dict(self.profiler)

    def result(self, run):
        functions, total_seconds = functions_json(self.stats)
        return {
            "schema": SCHEMA,
            "metadata": run.metadata("cProfile"),
            "totalSeconds": total_seconds,
            "functions": functions,
        }

    def write(self, run, result):
        prof_out = run.options.prof_out
        if prof_out is not None:
            if run.ran:
                result_file.write_bytes(prof_out, marshal.dumps(self.stats))
            elif os.path.lexists(prof_out):
                os.unlink(prof_out)  # nothing was profiled; pstats cannot load an empty profile
        result_file.write_json(run.options.out, result)


def main(argv):
    return subcommand.main(argv, parse_args, USAGE, lambda options: subcommand.run_script(options, CProfile))
