"""Exception counts on ``sys.monitoring`` (Python 3.12+): the default mechanism of the ``events`` subcommand there.

Events (all global, none of them instrumented into the bytecode: the interpreter checks for them on its
exception path only, so **code that raises nothing runs at full speed**; each exception then costs one Python
callback per event, i.e. per frame it crosses):

- ``RAISE`` in every frame an exception appears in (where it is raised, then in each caller it propagates into);
  the first is the raising site (exception_sites.is_propagation tells them apart);
- ``PY_UNWIND`` when an exception leaves a frame: remembered for that test;
- ``EXCEPTION_HANDLED`` when a handler of the frame takes the exception (``except``, but also ``finally`` and
  ``with`` cleanups, which then re-raise), ``RERAISE`` when a handler raises it on: together they give
  ``caughtCount``, how many of a site's exceptions ended in a handler that did not raise them on. An exception
  that C code swallows (a ``for`` loop ending on a ``StopIteration`` from ``__next__``, ``getattr`` with a
  default, ``hasattr``) is raised but not caught by Python code, so it is not in ``caughtCount``. Each thread
  follows its last raise only: an exception re-raised by a bare ``raise`` after another one was raised and caught
  inside its ``except`` block has already been counted as caught.

The tool id is taken from ``TOOL_ID_CHOICES`` (first free), its callbacks registered, and everything freed again
when recording stops (``free_tool_id``), so a script can use cProfile (id 2) or a debugger/coverage tool (ids 0/1).
Callbacks get the code object, not the frame: the frame is ``sys._getframe(1)`` inside the callback (the frame
the event is about; checked on 3.12 and 3.13).
"""
import sys
from _thread import get_ident

from pyrometer_runner import exception_sites, monitoring_tools
from pyrometer_runner.exception_sites import (
    R_CAUGHT, T_LAST_EXC, T_LAST_FRAME, T_PENDING_EXC, T_PENDING_HANDLED, T_PENDING_ROW, is_propagation,
    new_thread_state)

NAME = "sys.monitoring"
#: The ids CPython leaves unassigned first (3, 4), then the profiler's (2) when the script does not use it.
TOOL_ID_CHOICES = (3, 4, 2)
TOOL_NAME = "pyrometer exception counts"


def available():
    return hasattr(sys, "monitoring")


def _finish_pending(state):
    """Close the thread's last counted raise: count it as caught when a handler has it."""
    row = state[T_PENDING_ROW]
    if row is not None and state[T_PENDING_HANDLED]:
        row[R_CAUGHT] += 1
    state[T_PENDING_ROW] = None
    state[T_PENDING_EXC] = None
    state[T_PENDING_HANDLED] = False


class MonitoringExceptions(object):
    name = NAME
    counts_caught = True

    def __init__(self):
        self.table = exception_sites.SiteTable()
        self.tool_id = None  # while held
        self.claimed_tool_id = None  # for the result
        self.states = {}  # thread id -> state (exception_sites.new_thread_state)
        self._events = ()

    def claim(self):
        """Take a free tool id before the script runs; returns None, or why none could be taken."""
        tool_id = monitoring_tools.claim(TOOL_ID_CHOICES, TOOL_NAME)
        if tool_id is None:
            return monitoring_tools.none_free(TOOL_ID_CHOICES)
        self.tool_id = self.claimed_tool_id = tool_id
        return None

    def start(self):
        mon = sys.monitoring
        events = mon.events
        callbacks = self._callbacks()
        self._events = tuple(callbacks)
        for event, callback in callbacks.items():
            mon.register_callback(self.tool_id, event, callback)
        mon.set_events(self.tool_id, events.RAISE | events.PY_UNWIND | events.EXCEPTION_HANDLED | events.RERAISE)

    def stop(self):
        if self.tool_id is None:
            return
        mon = sys.monitoring
        tool_id = self.tool_id
        self.tool_id = None
        try:
            mon.set_events(tool_id, 0)
            for event in self._events:
                mon.register_callback(tool_id, event, None)
        finally:
            mon.free_tool_id(tool_id)
        for state in self.states.values():
            _finish_pending(state)

    def note(self):
        return ("sys.monitoring (RAISE, PY_UNWIND, EXCEPTION_HANDLED, RERAISE): no cost while nothing is raised, "
                "one Python callback per frame an exception crosses; every thread is seen")

    def _callbacks(self):
        events = sys.monitoring.events
        table = self.table
        states = self.states
        getframe = sys._getframe

        def state_of(tid):
            state = states.get(tid)
            if state is None:
                state = states[tid] = new_thread_state()
            return state

        def on_raise(code, offset, exc):
            state = state_of(get_ident())
            frame = getframe(1)
            if is_propagation(state, frame, exc, exc.__traceback__):
                state[T_LAST_EXC] = state[T_LAST_FRAME] = None
                return
            state[T_LAST_EXC] = state[T_LAST_FRAME] = None
            _finish_pending(state)
            row = table.row(code, frame.f_lineno, type(exc))
            if row is not None:
                row[0] += 1
                state[T_PENDING_ROW] = row
                state[T_PENDING_EXC] = id(exc)

        def on_unwind(code, offset, exc):
            state = state_of(get_ident())
            state[T_LAST_EXC] = id(exc)
            state[T_LAST_FRAME] = id(getframe(1))
            if state[T_PENDING_EXC] == id(exc):
                state[T_PENDING_HANDLED] = False

        def on_handled(code, offset, exc, is_runner=table.is_runner):
            state = state_of(get_ident())
            state[T_LAST_EXC] = state[T_LAST_FRAME] = None
            # The runner's own handlers (the finally and except around exec) are not the program catching it:
            # an exception that ends the script is uncaught, as it would be under plain `python SCRIPT`.
            if state[T_PENDING_EXC] == id(exc) and not is_runner(code):
                state[T_PENDING_HANDLED] = True

        def on_reraise(code, offset, exc):
            state = state_of(get_ident())
            if state[T_PENDING_EXC] == id(exc):
                state[T_PENDING_HANDLED] = False

        return {events.RAISE: on_raise, events.PY_UNWIND: on_unwind, events.EXCEPTION_HANDLED: on_handled,
                events.RERAISE: on_reraise}
