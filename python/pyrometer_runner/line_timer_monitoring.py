"""Line timing on ``sys.monitoring`` (Python 3.12+): the ``monitoring`` engine of the ``lines`` subcommand.

Events: ``PY_START``, ``PY_UNWIND`` and ``PY_THROW`` are global. ``PY_START`` decides each code object once: out of
scope it returns ``DISABLE`` (that code never calls back again); in scope it turns on the local events ``LINE``,
``PY_RETURN``, ``PY_YIELD`` and ``PY_RESUME`` for that code object alone, so the line and exit callbacks only ever
see code in scope and need no scope check. ``PY_UNWIND``/``PY_THROW`` cannot be disabled; for frames out of scope
they cost a comparison, only when an exception or a ``throw()`` crosses them.

Callbacks get no frame, so each thread keeps a stack of activation records (linked through a parent field), pushed
on start/resume and popped on return/yield/unwind. A record is ``[line index, acc, base, parent, code]``, ``acc``
being the function's one accumulator list (line_scope.FunctionRecord: ``acc[0]`` the function, ``acc[line - base]``
the lines, each entry ``count * HIT + ns``). Times are sums of signed clock readings: an event subtracts its clock
reading from what it opens (a line: ``now - HIT``, which also counts the hit; a start: from ``acc[0]``, with a
call) and adds it to what it closes, so each event reads the clock once, stores no timestamp and updates one entry
per line. The line times of an activation therefore add up exactly to its duration: start (or resume) to its
first line event counts on the first line (or the line it resumed at). Records still open when timing stops
(threads still running) are closed at that moment.

Threads: the callbacks start in single-thread mode, where the thread that started timing (the owner) keeps its
stack top in ``owner_top[0]`` and the line/exit callbacks do no thread lookup at all. Every line or exit event of a
thread is preceded, in that thread, by a start/resume/throw of code in scope, and those callbacks compare
``get_ident()`` with the owner: the first other thread switches every callback to multi-thread mode for good
(other threads' tops in ``tops[get_ident()]``; the owner's stays where it is, so the switch moves no state).

The hot callbacks bind what they use as default arguments (local variable loads), read the clock and call every
function before changing any state (so a thread switch inside a callback, possible at a call, never leaves a
record half-updated) and allocate only the record on start/resume.
"""
import sys
from _thread import get_ident
from time import perf_counter_ns

from pyrometer_runner import line_code, line_scope, monitoring_tools

NAME = "sys.monitoring"
#: Tool ids tried in order: the two ids CPython leaves unassigned first, so that a script may still use cProfile
#: (PROFILER_ID, 2) or a debugger/coverage tool itself; then PROFILER_ID.
TOOL_ID_CHOICES = (3, 4, 2)
TOOL_NAME = "pyrometer line timing"

R_LINE, R_ACC, R_BASE, R_PARENT, R_CODE = range(5)
HIT = line_scope.HIT


def _sentinel():
    """The bottom of every stack: a record of no code (so the hot paths need no None check)."""
    return [0, [0], 0, None, None]


def available():
    return hasattr(sys, "monitoring")


def _close_all(record, now):
    """Close every record from `record` down to the sentinel (activations still running when timing stops)."""
    while record is not None and record[R_CODE] is not None:
        acc = record[R_ACC]
        acc[record[R_LINE]] += now
        acc[0] += now
        record = record[R_PARENT]


def _find(record, code):
    """The topmost record of code on a stack (from `record` down), or None."""
    while record is not None and record[R_CODE] is not code:
        record = record[R_PARENT]
    return record


def _close_above(top, record, now):
    """Close the records above `record` (their frames exited without an event this tool saw)."""
    while top is not record:
        acc = top[R_ACC]
        acc[top[R_LINE]] += now
        acc[0] += now
        top = top[R_PARENT]


class MonitoringTimer(object):
    name = NAME
    version = None
    timer = "perf_counter_ns"

    def __init__(self, scope):
        self.scope = scope
        self.sites = line_scope.Sites(scope)
        self.tool_id = None
        self.owner = None
        self.owner_top = [_sentinel()]
        self.tops = {}
        self.multi_thread = False
        self._events = ()

    def prepare(self, job):
        """Nothing to do before the target is installed (the line_profiler engine instruments code here)."""

    def start(self):
        mon = sys.monitoring
        events = mon.events
        tool_id = monitoring_tools.claim(TOOL_ID_CHOICES, TOOL_NAME)
        if tool_id is None:
            raise RuntimeError(monitoring_tools.none_free(TOOL_ID_CHOICES))
        self.tool_id = tool_id
        self.owner = get_ident()
        try:
            single, multi = self._callbacks(mon, tool_id)
            self._multi = multi
            self._events = tuple(single)
            for event, callback in single.items():
                mon.register_callback(tool_id, event, callback)
            mon.set_events(tool_id, events.PY_START | events.PY_UNWIND | events.PY_THROW)
        except BaseException:
            self._release(mon)
            raise

    def stop(self):
        if self.tool_id is None:
            return
        self._release(sys.monitoring)
        now = perf_counter_ns()
        for holder in [self.owner_top] + [[top] for top in self.tops.values()]:
            _close_all(holder[0], now)
        self.owner_top[0] = _sentinel()
        self.tops.clear()

    def _release(self, mon):
        tool_id = self.tool_id
        self.tool_id = None
        mon.set_events(tool_id, 0)
        for code in self.sites.in_scope_codes:  # free_tool_id does not clear local events on 3.12
            try:
                mon.set_local_events(tool_id, code, 0)
            except Exception:
                pass
        for event in self._events:
            mon.register_callback(tool_id, event, None)
        mon.free_tool_id(tool_id)

    def _switch_to_multi_thread(self):
        """Register the multi-thread callbacks (idempotent; see the module docstring)."""
        if self.multi_thread or self.tool_id is None:
            return
        self.multi_thread = True
        register = sys.monitoring.register_callback
        for event, callback in self._multi.items():
            register(self.tool_id, event, callback)

    def functions_json(self):
        return self.scope.functions_json()

    def note(self, threads_started):
        if self.sites.mismatched:
            return mismatch_note(self.sites.mismatched)
        return None

    def _callbacks(self, mon, tool_id):
        """({event: single-thread callback}, {event: multi-thread callback})."""
        events = mon.events
        local_events = events.LINE | events.PY_RETURN | events.PY_YIELD | events.PY_RESUME
        set_local_events = mon.set_local_events
        DISABLE = mon.DISABLE
        sites = self.sites
        table = sites.table
        owner = self.owner
        owner_top = self.owner_top
        tops = self.tops
        resume_index = line_scope.resume_index
        first_executed_offset = line_code.first_executed_offset
        switch = self._switch_to_multi_thread
        sentinel = _sentinel()

        def decide(code):
            try:
                site = sites.decide(code)
                if site:
                    set_local_events(tool_id, code, local_events)
                return site
            except Exception:  # never let a runner problem surface in the target
                table[id(code)] = False
                return False

        def repair(tid, code, now):
            """The record of code on tid's stack after closing those above it (exits this tool did not see), or
            None when code has no record there (the event is then ignored)."""
            top = owner_top[0] if tid == owner else tops.get(tid, sentinel)
            record = _find(top, code)
            if record is not None:
                _close_above(top, record, now)
                if tid == owner:
                    owner_top[0] = record
                else:
                    tops[tid] = record
            return record

        # ---- multi-thread mode: the owner's top in owner_top[0], every other thread's in tops[tid]
        def m_start(code, offset, table_get=table.get, tops=tops, tops_get=tops.get, get_ident=get_ident,
                    perf_counter_ns=perf_counter_ns, decide=decide, DISABLE=DISABLE, owner=owner,
                    owner_top=owner_top, sentinel=sentinel):
            site = table_get(id(code))
            if not site:
                if site is None:
                    site = decide(code)
                if not site:
                    return DISABLE
            tid = get_ident()
            now = perf_counter_ns()
            index = site[2]
            acc = site[0]
            acc[0] -= now - HIT
            acc[index] -= now
            if tid == owner:
                owner_top[0] = [index, acc, site[1], owner_top[0], code]
            else:
                tops[tid] = [index, acc, site[1], tops_get(tid, sentinel), code]

        def m_resume(code, offset, table_get=table.get, tops=tops, tops_get=tops.get, get_ident=get_ident,
                     perf_counter_ns=perf_counter_ns, resume_index=resume_index, owner=owner, owner_top=owner_top,
                     sentinel=sentinel):
            site = table_get(id(code))
            if not site:
                return None
            index = site[3].get(offset)  # S_RESUME
            if index is None:
                index = resume_index(site, offset)
            tid = get_ident()
            now = perf_counter_ns()
            acc = site[0]
            acc[0] -= now
            acc[index] -= now
            if tid == owner:
                owner_top[0] = [index, acc, site[1], owner_top[0], code]
            else:
                tops[tid] = [index, acc, site[1], tops_get(tid, sentinel), code]

        def m_throw(code, offset, exception, table_get=table.get, decide=decide, m_resume=m_resume):
            site = table_get(id(code))
            if site is None:
                site = decide(code)
            if site:
                if offset < first_executed_offset(code):  # thrown into before it ever ran: it starts now
                    m_start(code, offset)
                else:
                    m_resume(code, offset)

        def m_line(code, line, tops_get=tops.get, get_ident=get_ident, perf_counter_ns=perf_counter_ns,
                   owner=owner, owner_top=owner_top, sentinel=sentinel, repair=repair, HIT=HIT):
            tid = get_ident()
            now = perf_counter_ns()
            record = owner_top[0] if tid == owner else tops_get(tid, sentinel)
            if record[4] is not code:
                record = repair(tid, code, now)
                if record is None:
                    return None
            index = line - record[2]
            acc = record[1]
            acc[record[0]] += now
            acc[index] -= now - HIT
            record[0] = index

        def m_exit(code, offset, value, tops=tops, tops_get=tops.get, get_ident=get_ident,
                   perf_counter_ns=perf_counter_ns, owner=owner, owner_top=owner_top, sentinel=sentinel,
                   repair=repair):
            tid = get_ident()
            now = perf_counter_ns()
            record = owner_top[0] if tid == owner else tops_get(tid, sentinel)
            if record[4] is not code:
                record = repair(tid, code, now)
                if record is None:
                    return None
            acc = record[1]
            acc[record[0]] += now
            acc[0] += now
            if tid == owner:
                owner_top[0] = record[3]
            else:
                tops[tid] = record[3]

        def m_unwind(code, offset, exception, table_get=table.get, m_exit=m_exit):
            if table_get(id(code)):  # in scope: close its activation (repairing the stack if needed)
                m_exit(code, offset, exception)

        # ---- single-thread mode: only the owner has ever run code in scope
        def s_start(code, offset, table_get=table.get, get_ident=get_ident, perf_counter_ns=perf_counter_ns,
                    decide=decide, DISABLE=DISABLE, owner=owner, owner_top=owner_top, switch=switch,
                    m_start=m_start):
            site = table_get(id(code))
            if not site:
                if site is None:
                    site = decide(code)
                if not site:
                    return DISABLE
            if get_ident() != owner:
                switch()
                return m_start(code, offset)
            now = perf_counter_ns()
            index = site[2]
            acc = site[0]
            acc[0] -= now - HIT
            acc[index] -= now
            owner_top[0] = [index, acc, site[1], owner_top[0], code]

        def s_resume(code, offset, table_get=table.get, get_ident=get_ident, perf_counter_ns=perf_counter_ns,
                     resume_index=resume_index, owner=owner, owner_top=owner_top, switch=switch, m_resume=m_resume):
            site = table_get(id(code))
            if not site:
                return None
            if get_ident() != owner:
                switch()
                return m_resume(code, offset)
            index = site[3].get(offset)  # S_RESUME
            if index is None:
                index = resume_index(site, offset)
            now = perf_counter_ns()
            acc = site[0]
            acc[0] -= now
            acc[index] -= now
            owner_top[0] = [index, acc, site[1], owner_top[0], code]

        def s_throw(code, offset, exception, table_get=table.get, decide=decide, s_resume=s_resume):
            site = table_get(id(code))
            if site is None:
                site = decide(code)
            if site:
                if offset < first_executed_offset(code):  # thrown into before it ever ran: it starts now
                    s_start(code, offset)
                else:
                    s_resume(code, offset)

        def s_line(code, line, perf_counter_ns=perf_counter_ns, owner_top=owner_top, HIT=HIT, repair=repair,
                   owner=owner):
            now = perf_counter_ns()
            record = owner_top[0]
            if record[4] is not code:
                record = repair(owner, code, now)
                if record is None:
                    return None
            index = line - record[2]
            acc = record[1]
            acc[record[0]] += now
            acc[index] -= now - HIT
            record[0] = index

        def s_exit(code, offset, value, perf_counter_ns=perf_counter_ns, owner_top=owner_top, repair=repair,
                   owner=owner):
            now = perf_counter_ns()
            record = owner_top[0]
            if record[4] is not code:
                record = repair(owner, code, now)
                if record is None:
                    return None
            acc = record[1]
            acc[record[0]] += now
            acc[0] += now
            owner_top[0] = record[3]

        def s_unwind(code, offset, exception, owner_top=owner_top, table_get=table.get, s_exit=s_exit):
            if owner_top[0][4] is code or table_get(id(code)):
                s_exit(code, offset, exception)

        single = {events.PY_START: s_start, events.PY_RESUME: s_resume, events.PY_THROW: s_throw,
                  events.LINE: s_line, events.PY_RETURN: s_exit, events.PY_YIELD: s_exit, events.PY_UNWIND: s_unwind}
        multi = {events.PY_START: m_start, events.PY_RESUME: m_resume, events.PY_THROW: m_throw,
                 events.LINE: m_line, events.PY_RETURN: m_exit, events.PY_YIELD: m_exit, events.PY_UNWIND: m_unwind}
        return single, multi


def mismatch_note(records):
    names = sorted(set("%s (%s:%d)" % (record.qualname, record.file, record.first_line) for record in records))
    return ("not timed: the code that ran for %s did not match the file as read before the run "
            "(was it changed on disk?)" % ", ".join(names))
