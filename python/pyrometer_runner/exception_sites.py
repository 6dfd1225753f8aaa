"""Counting raised exceptions per raising site, shared by the two mechanisms of the ``events`` subcommand
(``exceptions_monitoring`` on 3.12+, ``exceptions_settrace`` before).

Both mechanisms see an exception once in every frame it passes through: sys.monitoring fires ``RAISE`` and
``sys.settrace`` an ``exception`` event in the frame where it is raised *and again in each caller it propagates
into* (checked on 3.8, 3.11, 3.12, 3.13). A site counts only the first: the frame where the exception appeared.

Telling the two apart (``is_propagation``): when an exception leaves a frame G (monitoring: ``PY_UNWIND``;
settrace: the ``exception`` event in G itself, since G has no handler event), the thread remembers
``(id(exc), id(G's frame))``. An event for the same exception in a frame F is a propagation when the exception's
traceback, after F's own entry, continues with that very frame object G. The traceback keeps G's frame object
alive, so its id cannot have been reused; a fresh exception (even one allocated at a freed exception's address)
has no entry after F's, and an exception raised again by ``raise err`` after being caught in F continues with F's
own older entry. Only ids are kept, never the exception or the frame: holding them would keep their locals alive
and change when the program's objects are freed.

Rows are keyed by ``(id(code), line, exception type)``, with the code object kept alive so that its id stays
valid (``hash(code)`` is slow, docs/python-facts.md). The runner's own frames are not counted.
"""
from pyrometer_runner import file_origin
from pyrometer_runner.target import _type_name

#: Per-thread state fields: the exception that last left a frame (id) and that frame (id); the last counted raise
#: (its row, the exception's id, whether a handler has it now) for ``caughtCount`` (sys.monitoring only).
T_LAST_EXC, T_LAST_FRAME, T_PENDING_ROW, T_PENDING_EXC, T_PENDING_HANDLED = range(5)

#: Row fields: raised count, caught count.
R_COUNT, R_CAUGHT = range(2)

#: At most this many sites in the result (the most frequent first); the rest is summed in ``sitesOmitted``.
MAX_SITES = 1000


def new_thread_state():
    return [None, None, None, None, False]


def is_propagation(state, frame, exc, tb):
    """True when exc arrived in frame from a callee it just left (see the module docstring). tb is the exception's
    traceback as the event gives it (settrace: the event's; before 3.12 ``exc.__traceback__`` is not updated
    until a handler takes the exception)."""
    if state[T_LAST_EXC] != id(exc):
        return False
    if tb is not None and tb.tb_frame is frame:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame is not frame and id(tb.tb_frame) == state[T_LAST_FRAME]


class SiteTable(object):
    def __init__(self):
        self.rows = {}  # (id(code), line, type) -> [count, caught]
        self.codes = {}  # id(code) -> code, so that ids stay valid
        self.runner_codes = {}  # id(code) -> bool: is it the runner's own code (cached)

    def is_runner(self, code):
        known = self.runner_codes.get(id(code))
        if known is None:
            known = file_origin.is_runner_file(code.co_filename)
            self.runner_codes[id(code)] = known
            self.codes[id(code)] = code
        return known

    def row(self, code, line, exc_type):
        """The row of a site (created at 0), or None for the runner's own code."""
        if self.is_runner(code):
            return None
        key = (id(code), line, exc_type)
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = [0, 0]
        return row

    def sites_json(self, origin_of, with_caught):
        """(sites, sitesOmitted, totalRaised): the most frequent MAX_SITES sites, then what was left out."""
        sites = []
        for (code_id, line, exc_type), row in self.rows.items():
            if row[R_COUNT] == 0:
                continue
            code = self.codes[code_id]
            sites.append({
                "file": code.co_filename, "line": line, "function": file_origin.code_name(code),
                "type": _type_name(exc_type), "count": row[R_COUNT],
                "caughtCount": row[R_CAUGHT] if with_caught else None,
                "origin": origin_of(code.co_filename),
            })
        sites.sort(key=lambda s: (-s["count"], s["file"], s["line"], s["type"]))
        total = sum(s["count"] for s in sites)
        kept = sites[:MAX_SITES]
        left = sites[MAX_SITES:]
        omitted = {"sites": len(left), "raises": sum(s["count"] for s in left)}
        return kept, omitted, total
