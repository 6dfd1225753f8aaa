"""tracemalloc around the script for the ``memory`` subcommand: start, snapshots, stop.

``start()`` (called by ``Target.run`` right before the script's code) starts tracemalloc with ``--frames`` frames
and takes the ``start`` snapshot; ``stop()`` (right after it, however it ended) stops the interval thread, reads
``get_traced_memory()`` and ``get_tracemalloc_memory()``, takes the ``end`` snapshot and stops tracemalloc.
Everything else (grouping, diffs, JSON) happens after the run, with tracing off (memory_report).

Interval snapshots (``--interval SECONDS``) are taken by a thread of the runner while the program runs:

- It is a raw ``_thread`` thread, started before tracing begins and waiting on a lock until ``start()``: the
  program never sees it (not in ``threading.enumerate()``, not counted in ``threadsSeen``) and its start-up
  allocations are not traced. It waits on locks only (``lock.acquire(timeout=...)`` allocates nothing), so between
  snapshots it holds no traced memory. At interpreter exit it dies like a daemon thread; ``stop()`` waits for it.
- ``tracemalloc.take_snapshot()`` copies the trace table under tracemalloc's own lock and builds the snapshot with
  the GIL held, so a snapshot is one consistent moment even while the program's threads allocate. The program
  keeps running between the runner's bytecodes while the snapshot is grouped (roughly a second per million live
  blocks, during which the program runs slower); only the grouped figures are kept, not the snapshot.
- A snapshot is itself memory: while it exists the traced memory grows by about 100 bytes per live block. So the
  thread reads the peak before each snapshot and, on 3.9+, calls ``tracemalloc.reset_peak()`` once the snapshot is
  gone; ``peakBytes`` is the largest of those readings and tracemalloc's peak at the end: the program's own peak,
  except for the moments the runner's snapshots are being taken. Python 3.8 has no ``reset_peak``: there the peak
  includes the snapshots (the result's note says so).
- The thread's allocations happen in tracemalloc and in the runner's files, both excluded from the figures
  (memory_filter). If the program stops tracemalloc itself, the thread stops taking snapshots (``interval.error``).
- At most ``MAX_INTERVAL_SNAPSHOTS`` are taken (``interval.stoppedEarly``); a tick missed because a snapshot took
  longer than the interval is skipped, not taken late twice.
"""
import _thread
import os
import tracemalloc
from time import perf_counter

from pyrometer_runner import memory_report, memory_retainers

MAX_INTERVAL_SNAPSHOTS = 100
STOPPED_BY_PROGRAM = "the program stopped tracemalloc; no more interval snapshots"


def interval_label(seconds, tick):
    """``+5.0s``, ``+0.25s``: the tick's nominal time since the start, with the interval's decimals (1 to 3)."""
    decimals = 1
    while decimals < 3 and abs(round(seconds, decimals) - seconds) > 1e-9:
        decimals += 1
    return "+%.*fs" % (decimals, tick * seconds)


class IntervalSnapshots(object):
    def __init__(self, seconds, excluded, dump_dir=None):
        self.seconds = seconds
        self.excluded = excluded
        self.dump_dir = dump_dir
        self.records = []  # memory_report.SnapshotFigures, in order
        self.diffs = []  # memory_report interval diffs (JSON), consecutive pairs
        self.previous = None  # SnapshotFigures of the last snapshot
        self.peak_before = 0
        self.stopped_early = False
        self.error = None
        self.t0 = None
        self._stopping = False
        self._go = _thread.allocate_lock()
        self._stop = _thread.allocate_lock()
        self._done = _thread.allocate_lock()
        self._launched = False
        for lock in (self._go, self._stop, self._done):
            lock.acquire()

    def launch(self):
        """Start the thread (before tracing); it waits for begin()."""
        _thread.start_new_thread(self._loop, ())
        self._launched = True

    def begin(self, t0, start_figures):
        self.t0 = t0
        self.previous = start_figures
        self._go.release()

    def finish(self):
        """Stop the thread and wait until it has stopped (after the snapshot it may be taking)."""
        if not self._launched:
            return
        self._launched = False
        self._stopping = True
        self._stop.release()
        if self.t0 is None:
            self._go.release()  # the script never started: let the thread see _stopping and end
        self._done.acquire()

    def _loop(self):
        try:
            self._go.acquire()
            tick = 1
            while not self._stopping:
                wait = self.t0 + tick * self.seconds - perf_counter()
                if wait > 0 and self._stop.acquire(True, min(wait, _thread.TIMEOUT_MAX)):
                    break
                if self._stopping:
                    break
                if len(self.records) >= MAX_INTERVAL_SNAPSHOTS:
                    self.stopped_early = True
                    break
                if not self._take(interval_label(self.seconds, tick)):
                    break
                elapsed = perf_counter() - self.t0
                tick = max(tick + 1, int(elapsed / self.seconds) + 1)
        except BaseException as exc:  # never let a runner problem surface in the program
            if not tracemalloc.is_tracing():  # the program stopped it while a snapshot was being taken
                self.error = STOPPED_BY_PROGRAM
            else:
                self.error = "%s: %s" % (type(exc).__name__, exc)
        finally:
            self._done.release()

    def _take(self, label):
        if not tracemalloc.is_tracing():
            self.error = STOPPED_BY_PROGRAM
            return False
        current, peak = tracemalloc.get_traced_memory()
        if peak > self.peak_before:
            self.peak_before = peak
        snapshot = tracemalloc.take_snapshot()
        at = perf_counter() - self.t0
        figures = memory_report.SnapshotFigures(label, at, snapshot.statistics("lineno"), self.excluded)
        if self.dump_dir is not None:
            snapshot.dump(os.path.join(self.dump_dir, "%s.pickle" % label))
        del snapshot
        self.diffs.append(memory_report.interval_diff(self.previous, figures))
        self.previous = figures
        self.records.append(figures)
        reset_peak = getattr(tracemalloc, "reset_peak", None)
        if reset_peak is not None:
            reset_peak()
        return True


class MemoryTracer(object):
    """Start/stop for Target.run, and what they collected."""

    def __init__(self, frames, interval_seconds, excluded, dump_dir=None, origin_of=None):
        self.frames = frames
        self.origin_of = origin_of  # None: no retainers (what the globals keep alive) are looked for
        self.excluded = excluded
        self.dump_dir = dump_dir
        self.intervals = None if interval_seconds is None else IntervalSnapshots(interval_seconds, excluded, dump_dir)
        self.was_tracing = tracemalloc.is_tracing()
        self.t0 = None
        self.start_snapshot = None
        self.start_figures = None
        self.end_snapshot = None
        self.end_at = None
        self.current_bytes = None
        self.peak_bytes = None
        self.overhead_bytes = None
        self.problem = None
        self.retainers = None  # memory_retainers.Root list, sampled while tracing; measured after (result())
        self.retainers_error = None

    def prepare(self):
        """Before the script is installed: start the interval thread (it waits for start())."""
        if self.intervals is not None:
            self.intervals.launch()

    def start(self):
        if not self.was_tracing:
            tracemalloc.start(self.frames)
        self.t0 = perf_counter()
        self.start_snapshot = tracemalloc.take_snapshot()
        if self.intervals is not None:
            self.start_figures = memory_report.SnapshotFigures(
                "start", 0.0, self.start_snapshot.statistics("lineno"), self.excluded)
            self.intervals.begin(self.t0, self.start_figures)

    def stop(self):
        """Never raises (it runs in the finally around the script: an error here is not the program's)."""
        try:
            if self.intervals is not None:
                self.intervals.finish()
            if self.t0 is None:
                return
            self.end_at = perf_counter() - self.t0
            if not tracemalloc.is_tracing():
                self.problem = "the program stopped tracemalloc before it ended: there is no end snapshot"
                return
            self.current_bytes, peak = tracemalloc.get_traced_memory()
            self.peak_bytes = max(peak, self.intervals.peak_before if self.intervals is not None else 0)
            self.overhead_bytes = tracemalloc.get_tracemalloc_memory()
            self.end_snapshot = tracemalloc.take_snapshot()
            self._sample_retainers()
            if not self.was_tracing:
                tracemalloc.stop()
        except BaseException as exc:
            self.problem = "the end snapshot failed: %s: %s" % (type(exc).__name__, exc)

    def _sample_retainers(self):
        if self.origin_of is None:
            return
        try:
            roots = memory_retainers.find_roots(self.origin_of)
            memory_retainers.sample_sites(roots, tracemalloc._get_object_traceback)
            self.retainers = roots
        except Exception as exc:
            self.retainers_error = "looking for what the globals keep alive failed: %s: %s" % (type(exc).__name__, exc)

    def finish_without_run(self):
        """The script never ran: end the interval thread."""
        if self.intervals is not None:
            self.intervals.finish()
