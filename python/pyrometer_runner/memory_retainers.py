"""What the program's globals keep alive at the end: the ``retainers`` block of the memory result.

tracemalloc charges memory to the line that *allocated* it. When a long-lived container keeps objects alive
(``_cache[key] = row``), the growth shows up on the line that built the rows, and the container's line only gets
its own hash table. This module answers the other question — *who holds it* — from the roots a program keeps
its state in: the module-level names of the script and of its project's modules (origin ``script``/``project``),
the container attributes of classes defined there, and ``functools.lru_cache`` wrappers.

Two passes, because tracemalloc makes every allocation of the walk itself expensive (about x4 on 3.11):

1. ``sample_sites()`` runs right after the end snapshot, while tracemalloc still traces: a bounded walk (at most
   ``SAMPLE_OBJECTS`` objects per root) asks ``tracemalloc._get_object_traceback`` where each object was allocated
   and keeps, per root and object type, how many sampled objects came from each line.
2. ``measure()`` runs after tracemalloc stopped: the full walk of each root through ``gc.get_referents`` (not into
   modules, classes, functions, code or frames, which are program structure, not data), adding
   ``sys.getsizeof`` per object and counting objects per type.

Sizes are ``sys.getsizeof`` (the object with its own buffers — a dict's table, a list's array), not tracemalloc's
block sizes: close to them but not equal (allocator rounding, blocks shared by interned objects). An object
reached from two roots counts in both. The walk stops after ``MAX_OBJECTS`` objects in all (``truncated``).
"""
import ast
import functools
import gc
import sys
import types

MAX_ROOTS = 20
MAX_TYPES_PER_ROOT = 8
MAX_SITES_PER_TYPE = 3
SAMPLE_OBJECTS = 5000
SAMPLE_SPREAD = 256
MAX_OBJECTS = 5000000

# Program structure, not data: the walk neither starts at nor goes through these.
_STRUCTURE = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.CodeType,
              types.FrameType, types.MethodType, types.GeneratorType, types.CoroutineType)
_CACHE_WRAPPER = getattr(functools, "_lru_cache_wrapper", ())


class Root(object):
    def __init__(self, module_name, file, name, value, line):
        self.module_name = module_name
        self.file = file
        self.name = name
        self.value = value
        self.line = line
        self.samples = {}  # type name -> {(file, line) or None: sampled objects}
        self.bytes = 0
        self.objects = 0
        self.types = {}  # type name -> [objects, bytes]


def _binding_lines(path):
    """``{name: line}`` of the first module-level statement binding each name, and ``{class: {attr: line}}``."""
    try:
        with open(path, "rb") as source:
            tree = ast.parse(source.read(), path)
    except (OSError, SyntaxError, ValueError):
        return {}, {}
    names, attributes = {}, {}

    def bind(target, line, into):
        if isinstance(target, ast.Name):
            into.setdefault(target.id, line)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                bind(element, line, into)

    def scan(body, into, classes):
        for node in body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    bind(target, node.lineno, into)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For)):
                bind(node.target, node.lineno, into)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                into.setdefault(node.name, node.lineno)
            elif isinstance(node, ast.ClassDef):
                into.setdefault(node.name, node.lineno)
                if classes is not None:
                    scan(node.body, classes.setdefault(node.name, {}), None)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    into.setdefault((alias.asname or alias.name).split(".")[0], node.lineno)
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                scan(node.body, into, classes)
    scan(tree.body, names, attributes)
    return names, attributes


def _is_data(value):
    return not isinstance(value, _STRUCTURE) or isinstance(value, _CACHE_WRAPPER)


def find_roots(origin_of):
    """The roots, in the order modules and names are found: ``__main__`` first."""
    roots = []
    main = sys.modules.get("__main__")
    modules = [main] + [m for m in list(sys.modules.values()) if m is not main]
    for module in modules:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or origin_of(path) not in ("script", "project"):
            continue
        if not path.endswith(".py"):
            continue
        names, attributes = _binding_lines(path)
        module_name = "__main__" if module is main else module.__name__
        for name, value in list(vars(module).items()):
            if name.startswith("__") and name.endswith("__"):
                continue
            if isinstance(value, type) and getattr(value, "__module__", None) == module.__name__:
                for attr, attr_value in list(vars(value).items()):
                    if not attr.startswith("__") and isinstance(attr_value, (dict, list, set, bytearray)):
                        roots.append(Root(module_name, path, "%s.%s" % (name, attr), attr_value,
                                          attributes.get(name, {}).get(attr, names.get(name, 0))))
                continue
            if _is_data(value):
                roots.append(Root(module_name, path, name, value, names.get(name, 0)))
    return roots


def _walk(root_value, limit, visit, spread=None):
    """Depth-first through gc.get_referents from root_value, each object once; visit(obj) per object. Returns
    the number of objects visited (at most limit).

    spread (sampling): of an object with more referents than that, only every k-th is followed, so that a sample
    of a 200,000-entry dict reaches rows *and* what the rows hold instead of stopping at the first level."""
    referents = gc.get_referents
    seen = {id(root_value)}
    stack = [root_value]
    visited = 0
    while stack and visited < limit:
        obj = stack.pop()
        visit(obj)
        visited += 1
        children = referents(obj)
        if spread is not None and len(children) > spread:
            step = len(children) // spread + 1
            children = children[::step | 1]  # odd: a dict's referents alternate key, value
        for child in children:
            if id(child) not in seen and _is_data(child):
                seen.add(id(child))
                stack.append(child)
    return visited


def sample_sites(roots, get_object_traceback):
    """Pass 1, tracemalloc still tracing: allocation sites of the first SAMPLE_OBJECTS objects of each root."""
    for root in roots:
        samples = root.samples

        def visit(obj, samples=samples):
            frames = get_object_traceback(obj)
            site = None if not frames else (frames[0][0], frames[0][1])
            by_site = samples.setdefault(type(obj).__name__, {})
            by_site[site] = by_site.get(site, 0) + 1
        _walk(root.value, SAMPLE_OBJECTS, visit, SAMPLE_SPREAD)


def measure(roots):
    """Pass 2, tracemalloc stopped: sizes and counts of everything each root reaches. True when cut short."""
    budget = MAX_OBJECTS
    getsizeof = sys.getsizeof
    was_enabled = gc.isenabled()
    gc.disable()  # the walk allocates a lot and creates no garbage cycles: collections would only slow it
    try:
        for root in roots:
            if budget <= 0:
                return True
            counts = root.types

            def visit(obj, counts=counts, root=root):
                size = getsizeof(obj)
                name = type(obj).__name__
                entry = counts.get(name)
                if entry is None:
                    counts[name] = [1, size]
                else:
                    entry[0] += 1
                    entry[1] += size
                root.bytes += size
            root.objects = _walk(root.value, budget, visit)
            budget -= root.objects
        return budget <= 0
    finally:
        if was_enabled:
            gc.enable()


def block(roots, truncated, origin_of, error=None):
    """The result's ``retainers`` block: the MAX_ROOTS largest roots."""
    ranked = sorted((r for r in roots if r.objects), key=lambda r: r.bytes, reverse=True)
    out = []
    for root in ranked[:MAX_ROOTS]:
        type_rows = []
        for name, (objects, size) in sorted(root.types.items(), key=lambda kv: kv[1][1], reverse=True):
            sampled = root.samples.get(name, {})
            sites = sorted(((site, n) for site, n in sampled.items() if site is not None),
                           key=lambda kv: kv[1], reverse=True)
            type_rows.append({
                "type": name, "objects": objects, "bytes": size,
                "sampled": sum(sampled.values()),
                "sites": [{"file": f, "line": line, "sampled": n, "origin": origin_of(f)}
                          for (f, line), n in sites[:MAX_SITES_PER_TYPE]],
            })
        out.append({"module": root.module_name, "file": root.file, "name": root.name, "line": root.line,
                    "type": type(root.value).__name__, "bytes": root.bytes, "objects": root.objects,
                    "types": type_rows[:MAX_TYPES_PER_ROOT],
                    "typesOmitted": max(0, len(type_rows) - MAX_TYPES_PER_ROOT)})
    return {"roots": out, "rootsFound": len(roots), "truncated": truncated, "error": error,
            "limits": {"roots": MAX_ROOTS, "typesPerRoot": MAX_TYPES_PER_ROOT, "sitesPerType": MAX_SITES_PER_TYPE,
                       "sampledObjectsPerRoot": SAMPLE_OBJECTS, "objects": MAX_OBJECTS}}
