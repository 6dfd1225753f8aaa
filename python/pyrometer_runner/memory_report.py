"""The ``memory`` result's figures, from tracemalloc's own ``statistics`` and ``compare_to`` (docs/runner-memory.md).

Every number is tracemalloc's: groups come from ``Snapshot.statistics('lineno')``,
``Snapshot.compare_to(old, 'lineno')`` and ``Snapshot.compare_to(old, 'traceback')``, in tracemalloc's order, and
the excluded sites (memory_filter) are dropped from them afterwards. The one thing computed here is the diff
between two interval snapshots, which are not kept (a snapshot costs ~100 bytes per live block): it is
``_compare_grouped`` done on the kept ``statistics('lineno')`` figures, same numbers, same order.

Caps (the result must stay small whatever the program allocates):

- ``statistics``: the ``MAX_STATISTICS`` largest lines; the rest summed in ``statisticsOmitted``;
- ``diff.entries``: the first ``MAX_DIFF_ENTRIES`` of tracemalloc's order (largest change first); the rest summed
  in ``diff.entriesOmitted``;
- ``diff.growth``: ``--top`` sites (at most 100), each with its ``MAX_TRACEBACKS_PER_SITE`` largest-growing
  tracebacks (``tracebacksOmitted`` counts the others), each at most ``--frames`` (at most 100) frames;
- ``intervalDiffs``: at most ``MAX_INTERVAL_SNAPSHOTS`` + 1 diffs of ``MAX_INTERVAL_DIFF_ENTRIES`` entries each.
"""
from pyrometer_runner import file_origin

MAX_STATISTICS = 1000
MAX_DIFF_ENTRIES = 1000
MAX_TRACEBACKS_PER_SITE = 10
MAX_INTERVAL_DIFF_ENTRIES = 50


class SnapshotFigures(object):
    """One snapshot reduced to what the result needs: its kept ``statistics('lineno')`` and totals."""

    def __init__(self, label, at_seconds, statistics, excluded):
        self.label = label
        self.at_seconds = at_seconds
        self.statistics = []  # kept tracemalloc.Statistic, in tracemalloc's order
        self.by_site = {}  # (file, line) -> (bytes, blocks)
        self.total_bytes = self.total_blocks = self.excluded_bytes = self.excluded_blocks = 0
        for stat in statistics:
            frame = stat.traceback[0]
            if excluded(frame.filename):
                self.excluded_bytes += stat.size
                self.excluded_blocks += stat.count
                continue
            self.statistics.append(stat)
            self.by_site[(frame.filename, frame.lineno)] = (stat.size, stat.count)
            self.total_bytes += stat.size
            self.total_blocks += stat.count

    def snapshot_json(self):
        return {"label": self.label, "atSeconds": self.at_seconds, "totalBytes": self.total_bytes,
                "totalBlocks": self.total_blocks, "excludedBytes": self.excluded_bytes,
                "excludedBlocks": self.excluded_blocks}


def _diff_entry(file, line, size, count, size_diff, count_diff):
    return {"file": file, "line": line, "bytes": size, "blocks": count, "bytesDiff": size_diff,
            "blocksDiff": count_diff}


def _omitted_diff(entries):
    return {"entries": len(entries), "bytes": sum(e["bytes"] for e in entries),
            "blocks": sum(e["blocks"] for e in entries), "bytesDiff": sum(e["bytesDiff"] for e in entries),
            "blocksDiff": sum(e["blocksDiff"] for e in entries)}


def grouped_diff(old, new):
    """tracemalloc's ``_compare_grouped`` on two ``{(file, line): (bytes, blocks)}``, sorted as ``compare_to``
    sorts ``StatisticDiff``: by (|bytesDiff|, bytes, |blocksDiff|, blocks, site), largest first."""
    rows = []
    for site, (size, count) in new.items():
        old_size, old_count = old.get(site, (0, 0))
        rows.append((size, count, size - old_size, count - old_count, site))
    for site, (old_size, old_count) in old.items():
        if site not in new:
            rows.append((0, 0, -old_size, -old_count, site))
    rows.sort(key=lambda r: (abs(r[2]), r[0], abs(r[3]), r[1], r[4]), reverse=True)
    return [_diff_entry(site[0], site[1], size, count, size_diff, count_diff)
            for size, count, size_diff, count_diff, site in rows]


def interval_diff(old, new):
    entries = grouped_diff(old.by_site, new.by_site)
    return {"from": old.label, "to": new.label, "entries": entries[:MAX_INTERVAL_DIFF_ENTRIES],
            "entriesOmitted": _omitted_diff(entries[MAX_INTERVAL_DIFF_ENTRIES:])}


def statistics_json(figures, origin_of):
    """(statistics, statisticsOmitted) of one snapshot."""
    rows = []
    for stat in figures.statistics[:MAX_STATISTICS]:
        frame = stat.traceback[0]
        rows.append({"file": frame.filename, "line": frame.lineno, "bytes": stat.size, "blocks": stat.count,
                     "origin": origin_of(frame.filename)})
    left = figures.statistics[MAX_STATISTICS:]
    omitted = {"entries": len(left), "bytes": sum(s.size for s in left), "blocks": sum(s.count for s in left)}
    return rows, omitted


def _frames_json(traceback):
    """The traceback's frames oldest first, as tracemalloc orders them, without the frames that started the
    script: everything up to the last runner frame (``runpy`` running the runner, the runner, its ``exec`` of
    the script) is left out; the allocating frame is always kept."""
    frames = [(frame.filename, frame.lineno) for frame in traceback]
    first = 0
    for index in range(len(frames) - 1):
        if file_origin.is_runner_file(frames[index][0]):
            first = index + 1
    return [{"file": file, "line": line} for file, line in frames[first:]]


def diff_json(start, end, excluded, origin_of, top, frames):
    """The ``diff`` block: end compared to start by line (tracemalloc's StatisticDiff numbers), and the
    tracebacks of the ``top`` largest-growing lines."""
    entries = []
    for stat in end.compare_to(start, "lineno"):
        frame = stat.traceback[0]
        if excluded(frame.filename):
            continue
        entry = _diff_entry(frame.filename, frame.lineno, stat.size, stat.count, stat.size_diff, stat.count_diff)
        entry["origin"] = origin_of(frame.filename)
        entries.append(entry)
    growing = [e for e in entries if e["bytesDiff"] > 0]
    growing.sort(key=lambda e: e["bytesDiff"], reverse=True)  # stable: ties stay in tracemalloc's order
    growth = [dict(e) for e in growing[:top]]
    by_site = dict(((e["file"], e["line"]), e) for e in growth)
    tracebacks = dict((site, []) for site in by_site)
    if growth:
        for stat in end.compare_to(start, "traceback"):
            newest = stat.traceback[len(stat.traceback) - 1]  # frames are oldest first
            found = tracebacks.get((newest.filename, newest.lineno))
            if found is not None:
                found.append(stat)
    for site, entry in by_site.items():
        stats = sorted(tracebacks[site], key=lambda s: s.size_diff, reverse=True)
        entry["tracebacks"] = [{"bytes": s.size, "blocks": s.count, "bytesDiff": s.size_diff,
                                "blocksDiff": s.count_diff, "frames": _frames_json(s.traceback)}
                               for s in stats[:MAX_TRACEBACKS_PER_SITE]]
        entry["tracebacksOmitted"] = max(0, len(stats) - MAX_TRACEBACKS_PER_SITE)
    if frames == 1:
        note = ("recorded with 1 frame: each traceback is the allocating line alone; run with --frames N "
                "(slower) to see who called it")
    else:
        note = ("recorded with %d frames: tracebacks hold at most the %d innermost frames, oldest first"
                % (frames, frames))
    return {
        "from": "start", "to": "end",
        "entries": entries[:MAX_DIFF_ENTRIES],
        "entriesOmitted": _omitted_diff(entries[MAX_DIFF_ENTRIES:]),
        "growth": growth,
        "note": note,
    }


def empty_diff(note):
    return {"from": "start", "to": "end", "entries": [], "entriesOmitted": _omitted_diff([]), "growth": [],
            "note": note}
