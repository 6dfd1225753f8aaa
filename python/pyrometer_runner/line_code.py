"""What a code object says about its lines, the same way on Python 3.8-3.13.

The line timers need, per code object: the lines it can report (its "executable lines"), the line its first line
event will be for, the line a generator resumes at (from a bytecode offset), and a qualified name. The line table
is ``co_lines()`` on 3.10+ and ``dis.findlinestarts`` before (``dis`` is imported only there).

Executable lines are the code object's own line starts: lines of nested code objects (inner defs, lambdas,
comprehensions) belong to those, except the line where the nested object is created (``def``/decorator line,
the lambda's line), which runs in the outer code. From 3.11 every code object starts with a prologue at
``co_firstlineno`` (``RESUME``; ``RETURN_GENERATOR``/``POP_TOP`` for generators; ``MAKE_CELL``/``COPY_FREE_VARS``
for closures), and a module's ``RESUME`` is at line 0. Those instructions never produce a line event, so a line
that holds nothing else (the ``def`` or first decorator line, line 0) is not executable; a one-line
``def f(): return 1`` keeps its line, because the body is there too.
"""
import sys

#: co_flags of code whose frames suspend and resume (generator, coroutine, iterable coroutine, async generator).
SUSPENDING_FLAGS = 0x20 | 0x80 | 0x100 | 0x200
#: co_flags bit of function-like code (defs, lambdas, comprehensions); class bodies and modules lack it.
CO_OPTIMIZED = 0x1

HAS_CO_LINES = sys.version_info >= (3, 10)
HAS_CO_QUALNAME = sys.version_info >= (3, 11)
HAS_PROLOGUE = sys.version_info >= (3, 11)

if HAS_PROLOGUE:
    import opcode as _opcode

    _PROLOGUE_OPS = frozenset(_opcode.opmap[name] for name in (
        "RESUME", "RETURN_GENERATOR", "POP_TOP", "MAKE_CELL", "COPY_FREE_VARS", "CACHE", "EXTENDED_ARG", "NOP")
        if name in _opcode.opmap)
else:
    _PROLOGUE_OPS = frozenset()

if not HAS_CO_LINES:
    import dis as _dis


def is_code(value):
    return type(value) is _CODE_TYPE


_CODE_TYPE = type(compile("", "<line_code>", "exec"))


def nested_codes(code):
    """The code objects directly nested in code (its constants), in order."""
    return [const for const in code.co_consts if type(const) is _CODE_TYPE]


def line_ranges(code):
    """[(start offset, end offset, line)] in offset order; line None for instructions without one (3.10+)."""
    if HAS_CO_LINES:
        return list(code.co_lines())
    starts = list(_dis.findlinestarts(code))
    size = len(code.co_code)
    ranges = []
    for index, (offset, line) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else size
        ranges.append((offset, end, line))
    return ranges


def _prologue_only(code, ranges, line):
    """Whether every instruction on `line` is a prologue instruction (never a line event)."""
    co_code = code.co_code
    for start, end, range_line in ranges:
        if range_line != line:
            continue
        for offset in range(start, end, 2):
            if co_code[offset] not in _PROLOGUE_OPS:
                return False
    return True


def executable_lines(code, ranges=None):
    """The sorted lines of code itself that can get line events (see the module docstring)."""
    if ranges is None:
        ranges = line_ranges(code)
    lines = set(line for _, _, line in ranges if line is not None)
    if HAS_PROLOGUE:
        for candidate in (code.co_firstlineno, 0):
            if candidate in lines and _prologue_only(code, ranges, candidate):
                lines.discard(candidate)
    return sorted(lines)


def first_executed_line(code, ranges=None):
    """The line of the first instruction after the prologue: where a fresh activation's first line event is.

    The time from the activation's start to that event is counted on this line (see docs/runner-lines.md).
    """
    if ranges is None:
        ranges = line_ranges(code)
    co_code = code.co_code
    for start, end, line in ranges:
        if line is None:
            continue
        if not HAS_PROLOGUE:
            return line
        for offset in range(start, end, 2):
            if co_code[offset] not in _PROLOGUE_OPS:
                return line
    for _, _, line in ranges:
        if line is not None:
            return line
    return code.co_firstlineno


def first_executed_offset(code, ranges=None):
    """The offset of the first instruction after the prologue (0 before 3.11): a generator thrown into at an
    earlier offset had not started yet."""
    if not HAS_PROLOGUE:
        return 0
    if ranges is None:
        ranges = line_ranges(code)
    co_code = code.co_code
    for start, end, _ in ranges:
        for offset in range(start, end, 2):
            if co_code[offset] not in _PROLOGUE_OPS:
                return offset
    return 0


def line_span(ranges, first_line):
    """(lowest, highest) line the code's own instructions use, counting ``co_firstlineno``."""
    lines = [line for _, _, line in ranges if line is not None]
    lines.append(first_line)
    return min(lines), max(lines)


def line_at(ranges, offset):
    """The line of the instruction at `offset` (where a generator resumes), or None."""
    for start, end, line in ranges:
        if start <= offset < end:
            return line
    return None


def qualified_name(code, parent_code, parent_qualname):
    """co_qualname on 3.11+; before, rebuilt the way the compiler builds it from the nesting."""
    if HAS_CO_QUALNAME:
        return code.co_qualname
    if parent_code is None or parent_qualname is None:
        return code.co_name
    if parent_code.co_name == "<module>" and not parent_code.co_flags & CO_OPTIMIZED:
        return code.co_name
    if parent_code.co_flags & CO_OPTIMIZED:  # a function: its locals
        return parent_qualname + ".<locals>." + code.co_name
    return parent_qualname + "." + code.co_name  # a class body
