"""Garbage collections of the ``events`` subcommand, from ``gc.callbacks`` (every Python version).

The callback runs at the ``start`` and ``stop`` of every collection, in the thread that triggered it. At ``start`` it
finds where the program was (``site``): the innermost frame below the callback that is not the runner's own (the
program's code that allocated, or on 3.12+ the code running when the interpreter got round to the collection it
had scheduled), then reads ``perf_counter_ns``; at ``stop`` it reads the clock first. So a pause is the
collection itself (plus any callbacks the program registered), without this callback's own work. Collections
cannot overlap (the interpreter runs one at a time), so one pending start is enough.

Everything is buffered in memory and written after the run. The summary is exact over every collection; the
event list keeps the first ``MAX_EVENTS`` (a long program collects generation 0 tens of thousands of times) and
counts the rest in ``eventsOmitted``; the longest collection is always kept in ``summary.longest``. Recording adds
two small objects per collection, ~0.3% more allocations towards the generation-0 threshold.
"""
import gc
import sys
from time import perf_counter_ns

from pyrometer_runner import file_origin

MAX_EVENTS = 10000

#: Event tuple fields.
E_GENERATION, E_START, E_DURATION, E_COLLECTED, E_UNCOLLECTABLE, E_SITE = range(6)


def _site(frame):
    """(file, line, function) of the innermost frame that is not the runner's, or None."""
    while frame is not None and file_origin.is_runner_file(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return None
    code = frame.f_code
    return (code.co_filename, frame.f_lineno, file_origin.code_name(code))


class GcRecorder(object):
    def __init__(self):
        self.thresholds = list(gc.get_threshold())
        generations = len(gc.get_count())
        # per generation: collections, total pause ns, longest pause ns, collected, uncollectable
        self.per_generation = [[0, 0, 0, 0, 0] for _ in range(generations)]
        self.events = []
        self.omitted = 0
        self.longest = None
        self.t0 = 0
        self._pending = None
        self._stopped = False
        self._callback = self._make_callback()

    def start(self, t0_ns):
        self.t0 = t0_ns
        self.thresholds = list(gc.get_threshold())
        gc.callbacks.append(self._callback)

    def stop(self):
        callbacks = gc.callbacks
        for index in range(len(callbacks) - 1, -1, -1):
            if callbacks[index] is self._callback:
                del callbacks[index]
        self._stopped = True  # a collection another thread is finishing must not add to what is being written
        self._pending = None

    def _make_callback(self):
        recorder = self
        getframe = sys._getframe

        def on_gc(phase, info):
            if phase == "start":
                site = _site(getframe(1))
                recorder._pending = (perf_counter_ns(), site)
                return
            now = perf_counter_ns()
            pending = recorder._pending
            recorder._pending = None
            if pending is None or recorder._stopped:  # started before recording did, or ended after it
                return
            start, site = pending
            generation = info.get("generation", 0)
            event = (generation, start - recorder.t0, now - start, info.get("collected", 0),
                     info.get("uncollectable", 0), site)
            recorder._add(event)

        return on_gc

    def _add(self, event):
        generation = event[E_GENERATION]
        while generation >= len(self.per_generation):
            self.per_generation.append([0, 0, 0, 0, 0])
        totals = self.per_generation[generation]
        duration = event[E_DURATION]
        totals[0] += 1
        totals[1] += duration
        if duration > totals[2]:
            totals[2] = duration
        totals[3] += event[E_COLLECTED]
        totals[4] += event[E_UNCOLLECTABLE]
        if self.longest is None or duration > self.longest[E_DURATION]:
            self.longest = event
        if len(self.events) < MAX_EVENTS:
            self.events.append(event)
        else:
            self.omitted += 1

    def result_json(self, origin_of):
        def event_json(event):
            site = event[E_SITE]
            return {
                "generation": event[E_GENERATION], "startNs": event[E_START], "durationNs": event[E_DURATION],
                "collected": event[E_COLLECTED], "uncollectable": event[E_UNCOLLECTABLE],
                "site": None if site is None else {"file": site[0], "line": site[1], "function": site[2],
                                                   "origin": origin_of(site[0])},
            }

        by_generation = [{"generation": g, "collections": t[0], "totalPauseNs": t[1], "longestPauseNs": t[2],
                          "collected": t[3], "uncollectable": t[4]} for g, t in enumerate(self.per_generation)]
        summary = {
            "collections": [t[0] for t in self.per_generation],
            "totalPauseNs": sum(t[1] for t in self.per_generation),
            "longestPauseNs": max([t[2] for t in self.per_generation] or [0]),
            "collected": sum(t[3] for t in self.per_generation),
            "uncollectable": sum(t[4] for t in self.per_generation),
            "byGeneration": by_generation,
            "longest": None if self.longest is None else event_json(self.longest),
        }
        note = None
        if self.omitted:
            note = ("the event list keeps the first %d collections; %d later ones are only in the summary"
                    % (MAX_EVENTS, self.omitted))
        return {
            "thresholds": self.thresholds,
            "events": [event_json(event) for event in self.events],
            "eventsOmitted": self.omitted,
            "summary": summary,
            "note": note,
        }
