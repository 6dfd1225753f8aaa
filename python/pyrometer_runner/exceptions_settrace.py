"""Exception counts on ``sys.settrace`` (every Python; the mechanism of the ``events`` subcommand before 3.12).

A trace function only receives ``exception`` events in frames it traces, so the global trace function traces
every frame: on each ``call`` it turns the frame's line events off (``frame.f_trace_lines = False``) and returns
the local trace function, which then sees the frame's ``exception`` and ``return`` events only. **Cost: two Python
calls per Python function call (the call and the return event), whether or not anything is raised** — measured
in docs/runner-memory.md; code that makes few calls pays little, call-heavy code several times its run time.

An ``exception`` event fires in the frame where the exception is raised and again in each caller it propagates
into; exception_sites.is_propagation keeps the first. ``return`` with a value (not ``None``) ends the frame
normally, so the exception it may have caught is no longer travelling (a function that catches an exception and
returns it must not make a later ``raise`` of it look like propagation). There is no handler event, so
``caughtCount`` is not known (null).

Threads: ``threading.settrace`` gives every thread started through ``threading`` its own trace function and
state; threads started with ``_thread.start_new_thread`` are not traced. A trace function the program installs
itself (a debugger, coverage) replaces this one for its thread.
"""
import sys

from pyrometer_runner import exception_sites, settrace_threads
from pyrometer_runner.exception_sites import T_LAST_EXC, T_LAST_FRAME, is_propagation, new_thread_state

NAME = "settrace"


class SettraceExceptions(settrace_threads.AllThreads):
    name = NAME
    counts_caught = False
    tool_id = None
    claimed_tool_id = None

    def __init__(self):
        settrace_threads.AllThreads.__init__(self)
        self.table = exception_sites.SiteTable()

    def claim(self):
        return None

    def note(self):
        return ("sys.settrace with line events off: every Python call and return goes through a trace function "
                "(expect call-heavy code to run several times slower); threads started with _thread directly are "
                "not traced")

    def _tracer(self):
        """A new global trace function for one thread, with its local trace function and its own state."""
        table = self.table
        active = self._active
        state = new_thread_state()

        def trace_local(frame, event, arg, is_runner=table.is_runner):
            if not active[0]:  # recording stopped while this thread ran on: stop tracing this frame
                return None
            if event == "exception":
                exc = arg[1]
                if is_propagation(state, frame, exc, arg[2]):
                    state[T_LAST_FRAME] = id(frame)  # it leaves this frame next, unless caught here
                    return trace_local
                state[T_LAST_EXC] = id(exc)
                state[T_LAST_FRAME] = id(frame)
                row = table.row(frame.f_code, frame.f_lineno, arg[0])
                if row is not None:
                    row[0] += 1
            elif (event == "return" and arg is not None and state[T_LAST_EXC] is not None
                  and not is_runner(frame.f_code)):
                # The exception stopped travelling. Not when the runner's own code returns: a gc.callbacks
                # callback (gc_events) runs whenever a collection happens, also while an exception propagates.
                state[T_LAST_EXC] = state[T_LAST_FRAME] = None
            return trace_local

        def trace_call(frame, event, arg):
            if not active[0]:
                sys.settrace(None)
                return None
            frame.f_trace_lines = False
            return trace_local

        return trace_call
