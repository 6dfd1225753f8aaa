"""``memory`` subcommand: run a script under tracemalloc, write allocation sites and their growth as RESULT.json.

    memory --out RESULT.json [--frames N] [--interval SECONDS] [--top N] -- SCRIPT [ARGS...]

The contract is docs/runner-memory.md (schema ``pyrometer.memory/1``). The script runs exactly as under the
cprofile subcommand (target, threads, metadata, result_file); memory_tracer starts tracemalloc right before the
script's code and takes the snapshots, memory_report turns them into the result with tracemalloc's own numbers,
memory_filter says which sites are left out.

- ``--frames N`` (1-100, default 1): frames kept per allocation. **tracemalloc is expensive**: on 3.11+ about
  ×6-7 the run time with 1 frame and ×34-45 with 10 (docs/python-facts.md); memory use grows too
  (``trackingOverheadBytes``).
- ``--interval SECONDS`` (at least 0.01): also snapshot every SECONDS from a runner thread (memory_tracer).
- ``--top N`` (0-100, default 20): how many of the largest-growing lines get their tracebacks.
- ``--snapshots-out DIR`` (for tests): also dump every snapshot taken (``start``, the interval labels, ``end``)
  with ``Snapshot.dump`` as ``DIR/<label>.pickle``, so tracemalloc itself can be asked about the same snapshots.

``tracemalloc`` (and what it imports: ``fnmatch``, ``linecache``, ``pickle``...) is imported before the script
runs, unlike with the other subcommands: the script's own imports of those modules then look free.
"""
import os

from pyrometer_runner import cli_options, errors, file_origin, result_file, subcommand

SCHEMA = "pyrometer.memory/1"
USAGE = ("usage: pyrometer_runner memory --out RESULT.json [--frames N] [--interval SECONDS] [--top N]"
         " -- SCRIPT [ARGS...]")
MAX_FRAMES = 100
MAX_TOP = 100


def _snapshots_dir(options):
    if options.snapshots_out is not None and not os.path.isdir(options.snapshots_out):
        raise errors.UsageError("--snapshots-out %s is not a directory" % options.snapshots_out)


def parse_args(argv):
    return cli_options.parse(argv, {
        "--out": cli_options.absolute_path,
        "--frames": cli_options.whole_number(1, MAX_FRAMES),
        "--interval": cli_options.seconds_at_least(0.01),
        "--top": cli_options.whole_number(0, MAX_TOP),
        "--snapshots-out": cli_options.absolute_path,
    }, defaults={"frames": 1, "top": 20}, validate=_snapshots_dir)


def cost_note(frames, was_tracing, peak_includes_snapshots):
    parts = ["tracemalloc with %d frame%s per allocation: expect the program to run several times slower "
             "(about x6-7 with 1 frame and x34-45 with 10 on Python 3.11+) and to use more memory "
             "(trackingOverheadBytes)" % (frames, "" if frames == 1 else "s")]
    if was_tracing:
        parts.append("tracemalloc was already tracing when the script started (PYTHONTRACEMALLOC or -X "
                     "tracemalloc), so it kept its own frame limit and the blocks it traced before")
    if peak_includes_snapshots:
        parts.append("Python 3.8 cannot reset tracemalloc's peak, so peakBytes includes the memory of the "
                     "interval snapshots themselves")
    return "; ".join(parts)


class Tracemalloc(subcommand.Instrument):
    """tracemalloc started right before the script's code (memory_tracer), its snapshots made into the result."""
    start_failure = "cannot start tracemalloc"

    def __init__(self, job, options):
        from pyrometer_runner import memory_filter, memory_tracer  # loaded already (_run)
        self.options = options
        self.excluded = memory_filter.Excluded()
        self.tracer = memory_tracer.MemoryTracer(options.frames, options.interval, self.excluded,
                                                 options.snapshots_out,
                                                 file_origin.OriginOf(job.filename, os.getcwd()))
        self.start = self.tracer.start
        self.stop = self.tracer.stop

    def prepare(self, job):
        self.tracer.prepare()  # the interval thread starts here, before the thread counter and tracing

    def undo_start(self):
        self.tracer.stop()

    def not_loaded(self):
        self.tracer.finish_without_run()

    def result(self, run):
        import tracemalloc  # loaded already (_run): nothing is imported after the script ran
        from pyrometer_runner import memory_filter, memory_report, memory_retainers, memory_tracer
        options, tracer, excluded = self.options, self.tracer, self.excluded
        origin_of = file_origin.OriginOf(run.job.filename, run.cwd)
        frames = tracemalloc.get_traceback_limit() if tracer.t0 is not None else options.frames
        intervals = tracer.intervals
        snapshots = []
        statistics, statistics_omitted = [], {"entries": 0, "bytes": 0, "blocks": 0}
        start_figures = tracer.start_figures
        if tracer.start_snapshot is not None and start_figures is None:
            start_figures = memory_report.SnapshotFigures("start", 0.0,
                                                          tracer.start_snapshot.statistics("lineno"), excluded)
        if start_figures is not None:
            snapshots.append(start_figures.snapshot_json())
        if intervals is not None:
            snapshots.extend(figures.snapshot_json() for figures in intervals.records)
        interval_diffs = list(intervals.diffs) if intervals is not None else []
        if tracer.end_snapshot is not None:
            end_figures = memory_report.SnapshotFigures("end", tracer.end_at,
                                                        tracer.end_snapshot.statistics("lineno"), excluded)
            snapshots.append(end_figures.snapshot_json())
            statistics, statistics_omitted = memory_report.statistics_json(end_figures, origin_of)
            diff = memory_report.diff_json(tracer.start_snapshot, tracer.end_snapshot, excluded, origin_of,
                                           options.top, frames)
            if intervals is not None and intervals.previous is not None:
                interval_diffs.append(memory_report.interval_diff(intervals.previous, end_figures))
        else:
            diff = memory_report.empty_diff(tracer.problem or "the script did not run: no snapshots")
        for interval in interval_diffs:  # origins looked up now, not in the interval thread (they stat files)
            for entry in interval["entries"]:
                entry["origin"] = origin_of(entry["file"])

        retainers = None
        if tracer.retainers is not None:
            try:
                truncated_walk = memory_retainers.measure(tracer.retainers)  # tracemalloc has stopped: full speed
                retainers = memory_retainers.block(tracer.retainers, truncated_walk, origin_of)
            except Exception as exc:
                retainers = memory_retainers.block([], False, origin_of, "measuring what the globals keep alive "
                                                   "failed: %s: %s" % (type(exc).__name__, exc))
            tracer.retainers = None
        elif tracer.retainers_error is not None:
            retainers = memory_retainers.block([], False, origin_of, tracer.retainers_error)
        notes = [cost_note(frames, tracer.was_tracing, intervals is not None
                           and not hasattr(tracemalloc, "reset_peak") and bool(intervals.records))]
        if tracer.problem:
            notes.append(tracer.problem)
        interval_block = None
        if intervals is not None:
            interval_block = {"seconds": options.interval, "taken": len(intervals.records),
                              "limit": memory_tracer.MAX_INTERVAL_SNAPSHOTS,
                              "stoppedEarly": intervals.stopped_early, "error": intervals.error}
        truncated = bool(statistics_omitted["entries"] or diff["entriesOmitted"]["entries"]
                         or any(site.get("tracebacksOmitted") for site in diff["growth"])
                         or any(d["entriesOmitted"]["entries"] for d in interval_diffs)
                         or (intervals is not None and intervals.stopped_early))
        return {
            "schema": SCHEMA,
            "metadata": run.metadata("tracemalloc"),
            "tracemalloc": {"frames": frames, "peakBytes": tracer.peak_bytes, "endBytes": tracer.current_bytes,
                            "trackingOverheadBytes": tracer.overhead_bytes, "note": "; ".join(notes)},
            "filter": {"exclude": memory_filter.Excluded.patterns()},
            "interval": interval_block,
            "snapshots": snapshots,
            "statistics": statistics,
            "statisticsOmitted": statistics_omitted,
            "diff": diff,
            "intervalDiffs": interval_diffs,
            "retainers": retainers,
            "limits": {"statistics": memory_report.MAX_STATISTICS, "diffEntries": memory_report.MAX_DIFF_ENTRIES,
                       "tracebacksPerSite": memory_report.MAX_TRACEBACKS_PER_SITE,
                       "intervalSnapshots": memory_tracer.MAX_INTERVAL_SNAPSHOTS,
                       "intervalDiffEntries": memory_report.MAX_INTERVAL_DIFF_ENTRIES},
            "truncated": truncated,
        }

    def write(self, run, result):
        snapshots_out = self.options.snapshots_out
        if snapshots_out is not None:
            for label, snapshot in (("start", self.tracer.start_snapshot), ("end", self.tracer.end_snapshot)):
                if snapshot is not None:
                    snapshot.dump(os.path.join(snapshots_out, label + ".pickle"))
        result_file.write_json(run.options.out, result)


def _run(options):
    # tracemalloc and the modules using it: imported before the script (see the module docstring); Tracemalloc's
    # methods then find them in sys.modules.
    import tracemalloc  # noqa: F401
    from pyrometer_runner import memory_filter, memory_report, memory_retainers, memory_tracer  # noqa: F401
    return subcommand.run_script(options, lambda job: Tracemalloc(job, options))


def main(argv):
    return subcommand.main(argv, parse_args, USAGE, _run)
