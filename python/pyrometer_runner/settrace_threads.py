"""``sys.settrace`` on every thread (the settrace line timer and exception recorder): the running thread gets a
trace function on start, each thread started through ``threading`` while tracing is on gets its own from the
``threading.settrace`` hook (counted in ``threads_traced``); threads started with ``_thread`` directly are not
traced. Only start, stop and the once-per-thread hook are here: the trace functions are the subclasses'."""
import sys
import threading


class AllThreads(object):
    """Subclasses give ``_tracer()``: a new global trace function for one thread."""

    def __init__(self):
        self.threads_traced = 0
        self._active = [False]  # read by the trace functions: a thread still running after stop stops tracing

    def _tracer(self):
        raise NotImplementedError

    def start(self):
        self._active[0] = True
        threading.settrace(self._thread_started)
        sys.settrace(self._tracer())

    def stop(self):
        sys.settrace(None)
        threading.settrace(None)
        self._active[0] = False

    def _thread_started(self, frame, event, arg):
        """threading.settrace hook: runs once in each new thread, gives it its own tracer, then traces the call."""
        if not self._active[0]:
            sys.settrace(None)
            return None
        self.threads_traced += 1
        tracer = self._tracer()
        sys.settrace(tracer)
        return tracer(frame, event, arg)
