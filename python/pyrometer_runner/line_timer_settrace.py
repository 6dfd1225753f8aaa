"""Line timing on ``sys.settrace`` (every Python): the ``settrace`` engine of the ``lines`` subcommand.

The global trace function sees only ``call`` events; it decides each code object once (cached by ``id(code)``) and
returns the local tracer only for frames in scope, so frames out of scope get no line events at all. Each thread
has its own pair of closures holding that thread's stack top, so no thread lookup is needed per event; threads
started through ``threading`` get their pair from the ``threading.settrace`` hook, which counts them. Threads
started with ``_thread.start_new_thread`` are not traced (the engine note says so when the script started any).
``threading`` is imported before the script runs for this.

A ``call`` event on a generator/coroutine frame whose ``f_trace`` is already set is a resume (the frame keeps the
local tracer across suspensions; a fresh frame has none): it opens a new activation record at the frame's current
line without counting a call. ``return`` closes both a return and a suspension; ``exception`` is ignored (if the
exception leaves the frame a ``return`` follows).

Records, accumulators and timing rules are the monitoring engine's (line_timer_monitoring, line_scope.FunctionRecord),
with the frame in place of the code object: ``[line index, acc, base, parent, frame]``, one clock reading per event,
every function called before any state changes. When timing stops, each traced thread's open records are closed and
its stack emptied; a thread still running then stops tracing at its next event.
"""
import sys
from time import perf_counter_ns

from pyrometer_runner import line_scope, settrace_threads

NAME = "settrace"
HIT = line_scope.HIT

R_LINE, R_ACC, R_BASE, R_PARENT, R_FRAME = range(5)


def _sentinel():
    return [0, [0], 0, None, None]


def _close_all(record, now):
    while record is not None and record[R_FRAME] is not None:
        acc = record[R_ACC]
        acc[record[R_LINE]] += now
        acc[0] += now
        record = record[R_PARENT]


def _resume_index(site, frame):
    line = frame.f_lineno
    index = line - site[line_scope.S_BASE] if line is not None else 0
    if not 0 < index < len(site[line_scope.S_ACC]):
        index = site[line_scope.S_FIRST]
    return index


class SettraceTimer(settrace_threads.AllThreads):
    name = NAME
    version = None
    timer = "perf_counter_ns"

    def __init__(self, scope):
        settrace_threads.AllThreads.__init__(self)
        self.scope = scope
        self.sites = line_scope.Sites(scope)
        self._closers = []  # one per traced thread: close(now) closes and empties that thread's stack

    def prepare(self, job):
        """Nothing to do before the target is installed."""

    def stop(self):
        settrace_threads.AllThreads.stop(self)
        now = perf_counter_ns()
        for close in self._closers:
            close(now)

    def functions_json(self):
        return self.scope.functions_json()

    def note(self, threads_started):
        notes = []
        if threads_started > self.threads_traced:
            notes.append("%d of the %d threads the script started were not traced: the settrace engine traces "
                         "threads started through threading.Thread, not _thread.start_new_thread; the monitoring "
                         "engine (Python 3.12+) sees every thread" % (threads_started - self.threads_traced,
                                                                     threads_started))
        if self.sites.mismatched:
            from pyrometer_runner import line_timer_monitoring
            notes.append(line_timer_monitoring.mismatch_note(self.sites.mismatched))
        return "; ".join(notes) if notes else None

    def _tracer(self):
        """A new global trace function for one thread (with its local tracer and its own stack)."""
        sites = self.sites
        table = sites.table
        active = self._active
        top = _sentinel()

        def decide(code):
            try:
                return sites.decide(code)
            except Exception:  # never let a runner problem surface in the target
                table[id(code)] = False
                return False

        def close(now):
            nonlocal top
            _close_all(top, now)
            top = _sentinel()

        def stray(frame, now):
            """The record of frame after closing those above it (exits not seen), or None (event ignored)."""
            nonlocal top
            record = top
            while record is not None and record[R_FRAME] is not frame:
                record = record[R_PARENT]
            if record is None:
                return None
            above = top
            while above is not record:
                acc = above[R_ACC]
                acc[above[R_LINE]] += now
                acc[0] += now
                above = above[R_PARENT]
            top = record
            return record

        def trace_call(frame, event, arg, table_get=table.get, perf_counter_ns=perf_counter_ns, decide=decide,
                       active=active, HIT=HIT):
            nonlocal top
            code = frame.f_code
            site = table_get(id(code))
            if not site:
                if site is None:
                    site = decide(code)
                if not site:
                    if not active[0]:
                        sys.settrace(None)
                    return None
            if not active[0]:  # timing stopped while this thread ran on
                sys.settrace(None)
                return None
            if site[4] and frame.f_trace is not None:  # S_SUSPENDS: a generator/coroutine resuming
                index = _resume_index(site, frame)
                now = perf_counter_ns()
                acc = site[0]
                acc[0] -= now
            else:
                index = site[2]  # S_FIRST
                now = perf_counter_ns()
                acc = site[0]
                acc[0] -= now - HIT
            acc[index] -= now
            top = [index, acc, site[1], top, frame]
            return trace_local

        def trace_local(frame, event, arg, perf_counter_ns=perf_counter_ns, HIT=HIT, stray=stray, active=active):
            nonlocal top
            now = perf_counter_ns()
            record = top
            if record[4] is not frame:
                record = stray(frame, now)
                if record is None:
                    return trace_local if active[0] else None
            if event == "line":
                index = frame.f_lineno - record[2]
                acc = record[1]
                acc[record[0]] += now
                acc[index] -= now - HIT
                record[0] = index
            elif event == "return":
                acc = record[1]
                acc[record[0]] += now
                acc[0] += now
                top = record[3]
            return trace_local

        self._closers.append(close)
        return trace_call
