"""Which code the line timers time: the scope from ``--file``/``--function``, resolved before the target runs.

Every file of the scope is compiled here from its source (``compile()``, then ``co_consts`` walked recursively), so
functions that never run are still reported, with ``calls`` 0 and every executable line at 0 hits. The source is
also parsed to an AST (through the builtin ``_ast``, which imports nothing) for what code objects do not know:
where a ``def`` ends and where its decorators start, so that ``--function PATH:LINE`` finds the innermost
``def``/``async def`` whose span (decorators through last line) holds LINE.

At run time a code object is matched to a compiled one by (realpath of ``co_filename``, ``co_firstlineno``,
``co_name``). Two compiled code objects with the same key (two lambdas on one line) are indistinguishable that
way and are reported as one function. The decision is cached per runtime code object by ``id(code)`` (``hash(code)``
is slow, docs/python-facts.md), with the code object kept alive so that its id cannot be reused.
"""
import _ast
import os

from pyrometer_runner import line_code

#: Site tuple fields (one site per runtime code object in scope): the record's accumulators and what the timers
#: need to start an activation.
S_ACC, S_BASE, S_FIRST, S_RESUME, S_SUSPENDS, S_RANGES, S_RECORD = range(7)
#: One hit (or call) in an accumulator entry: ``hits * HIT + nanoseconds`` (see FunctionRecord).
HIT_SHIFT = 64
HIT = 1 << HIT_SHIFT
TIME_MASK = HIT - 1

_DEF_NODES = (_ast.FunctionDef, _ast.AsyncFunctionDef)
_NAMED_NODES = {_ast.Lambda: "<lambda>", _ast.GeneratorExp: "<genexpr>", _ast.ListComp: "<listcomp>",
                _ast.SetComp: "<setcomp>", _ast.DictComp: "<dictcomp>"}


def file_key(path):
    """The form paths are compared in: realpath, then normcase."""
    return os.path.normcase(os.path.realpath(path))


def _count(entry):
    """The count of an accumulator entry (0 for a negative entry: something opened and never closed)."""
    return entry >> HIT_SHIFT if entry > 0 else 0


def _ns(entry):
    return entry & TIME_MASK if entry > 0 else 0


class FunctionRecord(object):
    """One function of the scope (one or more compiled code objects with the same key) and its accumulators.

    ``acc`` is the one list the timers update. ``acc[line - base]`` (``base`` is one below the lowest line) covers
    every line the code's own instructions use, so that a line event never falls outside it; ``acc[0]`` is the
    function's own entry. Each entry holds a count and nanoseconds in one integer, ``count * HIT + ns`` (``HIT`` =
    2**64: a total would need 584 years to spill over), so that an event updates one entry: opening a line
    subtracts ``now - HIT`` (one hit, minus the start time), closing it adds the closing time; a start subtracts
    ``now - HIT`` from ``acc[0]`` (one call), a resume ``now``, a return/yield/unwind adds ``now``. The report lists
    the executable lines plus any other line that got data.
    """

    def __init__(self, file, codes, qualname, last_line):
        code = codes[0]
        self.file = file
        self.name = code.co_name
        self.qualname = qualname
        self.first_line = code.co_firstlineno
        self.codes = codes
        lines = set()
        low = high = code.co_firstlineno
        for each in codes:
            ranges = line_code.line_ranges(each)
            lines.update(line_code.executable_lines(each, ranges))
            each_low, each_high = line_code.line_span(ranges, each.co_firstlineno)
            low, high = min(low, each_low), max(high, each_high)
        self.lines = sorted(lines)
        self.last_line = max(last_line or 0, high)
        self.base = low - 1
        self.acc = [0] * (high - low + 2)
        self.calls_known = True

    def covers(self, low, high):
        return self.base < low and high < self.base + len(self.acc)

    def set_line(self, line, hits, ns):
        """Store a line's figures taken from elsewhere (the line_profiler engine); False when line is not covered."""
        index = line - self.base
        if not 0 < index < len(self.acc):
            return False
        self.acc[index] = hits * HIT + ns
        return True

    def set_function(self, calls, ns):
        self.acc[0] = (calls or 0) * HIT + ns

    @property
    def calls(self):
        return _count(self.acc[0])

    @property
    def total_ns(self):
        return _ns(self.acc[0])

    def line_totals(self):
        """[(line, hits, ns)] for every covered line."""
        base = self.base
        return [(base + index, _count(value), _ns(value)) for index, value in enumerate(self.acc) if index]

    def to_json(self):
        base = self.base
        acc = self.acc
        shown = set(self.lines)
        shown.update(base + index for index in range(1, len(acc)) if acc[index])
        return {
            "file": self.file,
            "name": self.name,
            "qualname": self.qualname,
            "firstLine": self.first_line,
            "lastLine": self.last_line,
            "calls": self.calls if self.calls_known else None,
            "totalNs": self.total_ns,
            "lines": [{"line": line, "hits": _count(acc[line - base]), "totalNs": _ns(acc[line - base])}
                      for line in sorted(shown)],
        }


class _Node(object):
    """A compiled code object and its place in the file's code tree."""

    def __init__(self, code, parent, qualname):
        self.code = code
        self.parent = parent
        self.qualname = qualname
        self.children = []

    def subtree(self):
        found = [self]
        for child in self.children:
            found.extend(child.subtree())
        return found


def _ast_spans(tree, line_count):
    """({(first line, name): last line} for code-creating nodes, [(start, end, name)] of defs) from the AST."""
    ends = {}
    defs = []
    stack = [tree]
    while stack:
        node = stack.pop()
        kind = type(node)
        name = None
        start = getattr(node, "lineno", None)
        if kind in _DEF_NODES or kind is _ast.ClassDef:
            name = node.name
            start = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
        elif kind in _NAMED_NODES:
            name = _NAMED_NODES[kind]
        if name is not None:
            end = getattr(node, "end_lineno", None) or start
            key = (start, name)
            ends[key] = max(ends.get(key, 0), end)
            if kind in _DEF_NODES:
                defs.append((start, end, name))
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, _ast.AST))
            elif isinstance(value, _ast.AST):
                stack.append(value)
    ends[(1, "<module>")] = max(line_count, 1)
    return ends, defs


class CompiledFile(object):
    """One source file of the scope: its code tree and def spans, or why it could not be compiled."""

    def __init__(self, path):
        self.path = os.path.realpath(path)
        self.error = None
        self.root = None
        self.nodes = []
        self.defs = []
        self.ends = {}
        try:
            with open(self.path, "rb") as stream:
                source = stream.read()
        except OSError as exc:
            self.error = "cannot read %s: %s" % (self.path, exc.strerror or exc)
            return
        try:
            code = compile(source, self.path, "exec", dont_inherit=True)
            tree = compile(source, self.path, "exec", _ast.PyCF_ONLY_AST, dont_inherit=True)
        except Exception as exc:  # SyntaxError, ValueError (NUL bytes)
            self.error = "cannot compile %s: %s: %s" % (self.path, type(exc).__name__, exc)
            return
        self.ends, self.defs = _ast_spans(tree, source.count(b"\n") + (0 if source.endswith(b"\n") else 1))
        self.root = self._walk(code, None)

    def _walk(self, code, parent):
        qualname = line_code.qualified_name(code, parent.code if parent else None, parent.qualname if parent else None)
        node = _Node(code, parent, qualname)
        self.nodes.append(node)
        for child in line_code.nested_codes(code):
            node.children.append(self._walk(child, node))
        return node

    def innermost_def(self, line):
        """The nodes of the innermost def whose span holds line (several if their keys collide), or []."""
        best = None
        for start, end, name in self.defs:
            if start <= line <= end and (best is None or (start, -end) > (best[0], -best[1])):
                best = (start, end, name)
        if best is None:
            return []
        return [node for node in self.nodes if (node.code.co_firstlineno, node.code.co_name) == (best[0], best[2])]


class Scope(object):
    """The resolved scope: the records to report, the unmatched requests, and the runtime lookup."""

    def __init__(self, script_filename, files, functions, whole_script=True):
        """script_filename: the script as the target compiles it; files: --file paths; functions: (path, line);
        whole_script: with neither files nor functions, time the whole script (off: a module that was not found)."""
        self.requested_files = [os.path.realpath(path) for path in files]
        self.requested_functions = [(os.path.realpath(path), line) for path, line in functions]
        whole_files = list(self.requested_files)
        if not files and not functions and whole_script:
            whole_files = [os.path.realpath(script_filename)]
            self.requested_files = list(whole_files)
        self.unmatched = []
        self.records = []
        self._by_key = {}  # normcased realpath -> {(first line, name): record}
        self._compiled = {}
        # co_filename -> file key or None; the script's (relative on 3.8) is resolved now, before it can chdir
        self._filename_keys = {script_filename: file_key(script_filename)}
        chosen = {}  # file key -> {id(node): node}, in request order
        for path in whole_files:
            compiled = self._compile(path)
            if compiled.error is not None:
                self.unmatched.append({"file": compiled.path, "line": None, "reason": compiled.error})
                continue
            picked = chosen.setdefault(file_key(path), {})
            for node in compiled.nodes:
                picked[id(node)] = node
        for path, line in self.requested_functions:
            compiled = self._compile(path)
            if compiled.error is not None:
                self.unmatched.append({"file": compiled.path, "line": line, "reason": compiled.error})
                continue
            found = compiled.innermost_def(line)
            if not found:
                self.unmatched.append({"file": compiled.path, "line": line,
                                       "reason": "no function contains line %d" % line})
                continue
            picked = chosen.setdefault(file_key(path), {})
            for top in found:
                for node in top.subtree():
                    picked[id(node)] = node
        for key, picked in chosen.items():
            compiled = self._compiled[key]
            groups = {}
            for node in compiled.nodes:  # file order (pre-order), not request order
                if id(node) in picked:
                    groups.setdefault((node.code.co_firstlineno, node.code.co_name), []).append(node)
            by_key = self._by_key.setdefault(key, {})
            for code_key, nodes in groups.items():
                last_line = compiled.ends.get(code_key)
                record = FunctionRecord(compiled.path, [node.code for node in nodes], nodes[0].qualname, last_line)
                by_key[code_key] = record
                self.records.append(record)
        self.records.sort(key=lambda record: (record.file, record.first_line, record.name))

    def _compile(self, path):
        key = file_key(path)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = CompiledFile(path)
        return compiled

    def file_key_of(self, filename):
        """The comparison key of a co_filename (cached; None for pseudo files such as ``<string>``)."""
        try:
            return self._filename_keys[filename]
        except KeyError:
            pass
        key = None
        if filename and not (filename.startswith("<") and filename.endswith(">")):
            try:
                key = file_key(filename)
            except (OSError, ValueError):
                key = None
        self._filename_keys[filename] = key
        return key

    def resolve(self, code):
        """The record a runtime code object belongs to, or None when it is out of scope."""
        by_key = self._by_key.get(self.file_key_of(code.co_filename))
        if by_key is None:
            return None
        return by_key.get((code.co_firstlineno, code.co_name))

    def files_in_scope(self):
        """Comparison keys of the files that have records (for the line_profiler engine's import hook)."""
        return set(self._by_key)

    def scope_json(self):
        return {
            "files": list(self.requested_files),
            "functions": [{"file": path, "line": line} for path, line in self.requested_functions],
        }

    def functions_json(self):
        return [record.to_json() for record in self.records]


class Sites(object):
    """Runtime code object -> site tuple (or False when out of scope), decided once per code object.

    ``table`` is keyed by ``id(code)``; every code object decided is kept in ``_alive`` so that the id stays its
    own for the whole run. The timers read ``table`` directly in their hot callbacks.
    """

    def __init__(self, scope):
        self.scope = scope
        self.table = {}
        self._alive = []
        self.in_scope_codes = []
        self.mismatched = []  # records whose runtime code did not fit the compiled one (file changed on disk?)

    def decide(self, code):
        self._alive.append(code)
        site = False
        record = self.scope.resolve(code)
        if record is not None:
            ranges = line_code.line_ranges(code)
            low, high = line_code.line_span(ranges, code.co_firstlineno)
            if record.covers(low, high):
                first = line_code.first_executed_line(code, ranges)
                site = (record.acc, record.base, first - record.base, {},
                        bool(code.co_flags & line_code.SUSPENDING_FLAGS), ranges, record)
                self.in_scope_codes.append(code)
            else:
                self.mismatched.append(record)
        self.table[id(code)] = site
        return site


def resume_index(site, offset):
    """Index (line - base) of the line a suspended activation resumes at, cached per offset in the site."""
    cache = site[S_RESUME]
    index = cache.get(offset)
    if index is None:
        line = line_code.line_at(site[S_RANGES], offset)
        index = (line - site[S_BASE]) if line is not None else site[S_FIRST]
        if not 0 < index < len(site[S_ACC]):
            index = site[S_FIRST]
        cache[offset] = index
    return index
