"""The specialized-bytecode listing of one file's code: every code object, its instructions as ``dis`` shows them
with ``adaptive=True``, and what each generic instruction's adaptive counter says about it.

Used by the ``bytecode`` subcommand after the warm-up (docs/runner-bytecode.md). Everything comes from the running
interpreter: the families of specialized instructions (``_specializations``), which instructions carry an inline
cache (``_inline_cache_entries``), the code-object flags (``dis.COMPILER_FLAG_NAMES``); nothing is a hard-coded
opcode table, because those tables change with every minor version.

The code objects are the constants of the module code object the target compiled and executed, walked recursively.
A function's ``__code__`` is that same constant object (checked on 3.8 and 3.11-3.13 for functions, methods, nested
classes, nested functions, lambdas, comprehensions and generator expressions), and CPython quickens bytecode in
place in the code object, so these constants carry what the warm-up did to them.

``dis`` and ``opcode`` are imported here, when the subcommand module is loaded, i.e. before the target runs: a
script directory holding a ``dis.py`` cannot shadow them.
"""
import dis
import opcode
import sys

STATUS_SPECIALIZED = "specialized"
STATUS_UNSPECIALIZED = "unspecialized"
STATUS_FAILED = "failed"
STATUS_COLD = "cold"
STATUS_PLAIN = "plain"

#: The counted statuses of a code object's summary (``specializable`` is their sum: every non-``plain`` instruction).
SUMMARY_STATUSES = (STATUS_SPECIALIZED, STATUS_UNSPECIALIZED, STATUS_FAILED, STATUS_COLD)

#: The adaptive counter's low bits hold the backoff exponent (CPython's ADAPTIVE_BACKOFF_BITS, 3.11-3.13).
BACKOFF_MASK = 15
#: A backoff exponent this high means at least one specialization attempt failed (python-facts, re-measured).
FAILED_BACKOFF = 2
#: 3.12/3.13: every code object is quickened when created, with this counter (warmup value 1, backoff 1).
WARMUP_COUNTER = 17

#: Versions whose counter meanings were measured (docs/runner-bytecode.md); CPython changed them in 3.14.
_COUNTER_RULES_VERIFIED = ((3, 11), (3, 12), (3, 13))

_COMPREHENSIONS = ("<listcomp>", "<setcomp>", "<dictcomp>")


def _flag(name, fallback):
    """A CO_* flag value as ``dis`` names it (``OPTIMIZED`` -> 1), from the interpreter's own table."""
    for value, flag_name in getattr(dis, "COMPILER_FLAG_NAMES", {}).items():
        if flag_name == name:
            return value
    return fallback


_CO_OPTIMIZED = _flag("OPTIMIZED", 1)
_CO_NEWLOCALS = _flag("NEWLOCALS", 2)


def _version_text():
    return "%d.%d.%d" % sys.version_info[:3]


def specialization_families():
    """``{BASE: [SPECIALIZED, ...]}`` as the running interpreter defines it; ``{}`` before 3.11.

    3.11/3.12 keep it in ``opcode._specializations`` (3.11 includes the ``*_ADAPTIVE`` forms, the quickened
    generic instruction); 3.13 generates it into ``_opcode_metadata._specializations``, which ``opcode`` and
    ``dis`` re-export as the same object. Copied, in the interpreter's order.
    """
    table = None
    for module in (sys.modules.get("_opcode_metadata"), opcode, dis):
        table = getattr(module, "_specializations", None)
        if isinstance(table, dict):
            break
    if not isinstance(table, dict):
        return {}
    return dict((str(base), [str(name) for name in names]) for base, names in table.items())


def _specialization_enabled():
    """False when the interpreter was built without specialization (e.g. 3.13's free-threaded build)."""
    for module in (opcode, sys.modules.get("_opcode")):
        flag = getattr(module, "ENABLE_SPECIALIZATION", None)
        if flag is not None:
            return bool(flag)
    return True


def adaptive_support():
    """``(available, reason)``: whether this interpreter specializes and ``dis`` can show it, and if not, why."""
    if sys.implementation.name != "cpython":
        return False, ("adaptive specialization is CPython's (this is %s %s); this is the plain dis listing"
                       % (sys.implementation.name, _version_text()))
    if sys.version_info < (3, 11):
        return False, ("adaptive specialization needs Python 3.11+ (this is %s); this is the plain dis listing"
                       % _version_text())
    if not _specialization_enabled():
        return False, ("this Python %s was built without adaptive specialization (free-threaded builds of 3.13 "
                       "do not specialize); this is the dis listing without statuses" % _version_text())
    return True, None


def _cache_entries(base):
    """How many inline cache entries the generic instruction ``base`` has (0 when it has none)."""
    table = getattr(opcode, "_inline_cache_entries", None)
    if table is None:
        table = getattr(dis, "_inline_cache_entries", None)
    if isinstance(table, dict):  # 3.13: by name
        return table.get(base, 0)
    code = opcode.opmap.get(base)
    if table is None or code is None or code >= len(table):
        return 0
    return table[code]


def _counter_from_cache_info(cache_info):
    """3.13+: the first cache entry named ``counter`` as an int (native byte order, as dis prints it)."""
    for entry in cache_info or ():
        if entry[0] == "counter":
            return int.from_bytes(entry[2], sys.byteorder)
    return None


def _counter_from_argrepr(text):
    """3.11/3.12: the ``counter: N`` argrepr of the first CACHE entry after the instruction."""
    prefix = "counter: "
    if text.startswith(prefix):
        try:
            return int(text[len(prefix):])
        except ValueError:
            return None
    return None


class _Raw(object):
    """One instruction as read from dis: what the classification needs, plus what the result shows."""
    __slots__ = ("offset", "line", "end_line", "opname", "base", "arg", "argrepr", "counter", "jump_target")


def _source_line(line):
    """A 1-based source line, or None: 3.12+ gives a module's RESUME line 0, which is no line of the file."""
    return line if line is not None and line >= 1 else None


def _line_of(instruction, previous_line):
    """(line, end line) of an instruction: positions on 3.11+, else the last ``starts_line`` seen (3.8)."""
    positions = getattr(instruction, "positions", None)
    if positions is not None:
        return _source_line(positions.lineno), _source_line(positions.end_lineno)
    starts = instruction.starts_line
    line = _source_line(starts if starts is not None else previous_line)
    return line, line


def _is_jump_target(instruction):
    value = getattr(instruction, "is_jump_target", False)
    return bool(value)


def _raw_instructions(code, adaptive, deopt):
    """The instructions of one code object (CACHE entries folded into their instruction's counter)."""
    if not adaptive:
        listed = dis.get_instructions(code)
    elif sys.version_info >= (3, 13):
        listed = dis.get_instructions(code, adaptive=True)  # caches come as cache_info; show_caches is a no-op
    else:
        listed = dis.get_instructions(code, adaptive=True, show_caches=True)
    jump_targets = None
    if adaptive and sys.version_info < (3, 13):
        # 3.11's dis finds jump targets in the adaptive bytes, where a specialized jump (JUMP_BACKWARD_QUICK,
        # COMPARE_OP_INT_JUMP) is not a jump; the offsets are the same in the original bytes, so take them there.
        jump_targets = set(i.offset for i in dis.get_instructions(code) if i.is_jump_target)
    out = []
    line = None
    expect_counter = None  # the instruction whose first CACHE entry comes next (3.11/3.12)
    for instruction in listed:
        if instruction.opname == "CACHE":
            if expect_counter is not None:
                expect_counter.counter = _counter_from_argrepr(instruction.argrepr or "")
                expect_counter = None
            continue
        raw = _Raw()
        raw.offset = instruction.offset
        raw.line, raw.end_line = _line_of(instruction, line)
        if instruction.starts_line is not None and not isinstance(instruction.starts_line, bool):
            line = instruction.starts_line
        raw.opname = instruction.opname
        raw.base = getattr(instruction, "baseopname", None) or deopt.get(instruction.opname, instruction.opname)
        raw.arg = instruction.arg
        raw.argrepr = instruction.argrepr or ""
        raw.counter = _counter_from_cache_info(getattr(instruction, "cache_info", None))
        raw.jump_target = _is_jump_target(instruction) if jump_targets is None else raw.offset in jump_targets
        expect_counter = raw if adaptive and sys.version_info < (3, 13) else None
        out.append(raw)
    return out


def classify(opname, base, counter, families, version=None):
    """The status of one instruction (docs/runner-bytecode.md, "Classification").

    - ``plain``: its base cannot specialize (not in ``families``), or its family has no inline cache: those
      (3.11/3.12 superinstructions such as LOAD_FAST__LOAD_FAST, 3.11's RESUME_QUICK/JUMP_BACKWARD_QUICK/
      EXTENDED_ARG_QUICK, 3.13's RESUME_CHECK) are rewritten once when the code is quickened or first run, even in
      a function never called on 3.12, and say nothing about the types the code saw.
    - ``specialized``: a specialized form (opname != base; 3.11's ``*_ADAPTIVE`` is the generic form, not one).
    - generic forms with a cache, by the adaptive counter: ``cold`` = never quickened / never run since (3.11: the
      base name itself, or ``*_ADAPTIVE`` with counter 0; 3.12/3.13: the creation value 17); ``failed`` = backoff
      exponent (counter & 15) >= 2; else ``unspecialized``.
    """
    version = tuple(version or sys.version_info[:2])
    if base not in families or not _cache_entries(base):
        return STATUS_PLAIN
    if opname != base and opname != base + "_ADAPTIVE":
        return STATUS_SPECIALIZED
    if version not in _COUNTER_RULES_VERIFIED:
        return STATUS_UNSPECIALIZED  # generic, but what its counter means is unmeasured on this version
    if version == (3, 11):
        if opname == base:
            return STATUS_COLD  # 3.11 quickens a code object only after it warmed up (8 calls or loop turns)
        if counter == 0:
            return STATUS_COLD  # quickened, but this instruction has not run since
    elif counter == WARMUP_COUNTER:
        return STATUS_COLD
    if counter is not None and counter & BACKOFF_MASK >= FAILED_BACKOFF:
        return STATUS_FAILED
    return STATUS_UNSPECIALIZED


def _kind(code, is_root):
    if is_root:
        return "module"
    name = code.co_name
    if name == "<lambda>":
        return "lambda"
    if name == "<genexpr>":
        return "generator-expression"
    if name in _COMPREHENSIONS:
        return "comprehension"
    if not code.co_flags & (_CO_OPTIMIZED | _CO_NEWLOCALS):
        return "class"  # a class body: no fast locals, no new locals dict of its own (like a module)
    return "function"


def _qualname(code, kind, parent_entry):
    """``co_qualname`` on 3.11+; before, rebuilt by the compiler's rule (``Outer.<locals>.f``, ``Class.m``)."""
    qualname = getattr(code, "co_qualname", None)
    if qualname is not None:
        return qualname
    if parent_entry is None:
        return code.co_name
    if parent_entry["kind"] == "module":
        return code.co_name
    if parent_entry["kind"] == "class":
        return parent_entry["qualname"] + "." + code.co_name
    return parent_entry["qualname"] + ".<locals>." + code.co_name


def _walk(module_code):
    """(code, parent index) for the module code and every code constant under it, parents first."""
    order = []
    seen = set()
    stack = [(module_code, None)]
    while stack:
        code, parent = stack.pop()
        if id(code) in seen:
            continue
        seen.add(id(code))
        index = len(order)
        order.append((code, parent))
        children = [const for const in code.co_consts if isinstance(const, type(module_code))]
        for child in reversed(children):  # reversed onto the stack: listed in co_consts order
            stack.append((child, index))
    return order


def code_objects(module_code, path, families=None):
    """The ``codeObjects`` list of the result for the module code object the target compiled and ran.

    ``path`` is the absolute file name to report (co_filename may be relative on 3.8, and the target may have
    changed directory since).
    """
    if families is None:
        families = specialization_families()
    available, _ = adaptive_support()
    version = sys.version_info[:2]
    adaptive_dis = sys.implementation.name == "cpython" and version >= (3, 11)  # dis's adaptive= is 3.11+
    deopt = {}
    for base, names in families.items():
        for name in names:
            deopt[name] = base
    entries = []
    for code, parent in _walk(module_code):
        parent_entry = entries[parent] if parent is not None else None
        kind = _kind(code, parent is None)
        raws = _raw_instructions(code, adaptive_dis, deopt)
        summary = dict((status, 0) for status in SUMMARY_STATUSES)
        instructions = []
        last_line = code.co_firstlineno
        for raw in raws:
            status = classify(raw.opname, raw.base, raw.counter, families, version) if available else STATUS_PLAIN
            if status != STATUS_PLAIN:
                summary[status] += 1
            for line in (raw.line, raw.end_line):
                if line is not None and line > last_line:
                    last_line = line
            instructions.append({
                "offset": raw.offset, "line": raw.line, "opname": raw.opname, "baseOpname": raw.base,
                "arg": raw.arg, "argrepr": raw.argrepr, "status": status, "counter": raw.counter,
                "jumpTarget": raw.jump_target,
            })
        entries.append({
            "name": code.co_name,
            "qualname": _qualname(code, kind, parent_entry),
            "kind": kind,
            "file": path,
            "firstLine": code.co_firstlineno,
            "lastLine": last_line,
            "parent": parent,
            "instructions": instructions,
            "summary": {
                "specializable": sum(summary.values()),
                "specialized": summary[STATUS_SPECIALIZED],
                "unspecialized": summary[STATUS_UNSPECIALIZED],
                "failed": summary[STATUS_FAILED],
                "cold": summary[STATUS_COLD],
            },
        })
    # A code object's span covers the code objects nested in it (children come after their parent).
    for index in range(len(entries) - 1, 0, -1):
        parent = entries[index]["parent"]
        if parent is not None and entries[index]["lastLine"] > entries[parent]["lastLine"]:
            entries[parent]["lastLine"] = entries[index]["lastLine"]
    return entries


def listing(module_code, path):
    """``adaptive``, ``families`` and ``codeObjects`` of the result (``module_code`` None: nothing compiled)."""
    available, reason = adaptive_support()
    families = specialization_families()
    objects = code_objects(module_code, path, families) if module_code is not None else []
    return {
        "adaptive": {"available": available, "reason": reason},
        "families": families,
        "codeObjects": objects,
    }
