import type { StackSource } from './callTree';
import type { Frame } from './profileModel';

/**
 * What a native frame of a mixed (perf) stack is doing, by its C symbol, for two uses:
 * - hiding the interpreter's own frames (the eval loop, call plumbing, the trampolines, startup) in the flame
 *   graph's "Python + native work" and "native only" views;
 * - naming the native work under a Python function in its CodeLens ("dict 38%").
 * Names are CPython 3.12/3.13's (libpython) and glibc's as perf prints them; a symbol matching nothing is 'other'.
 * The lists are documented in docs/runner-perf.md and tested in test/unit/nativeFrames.test.ts.
 */
export type NativeCategory =
  | 'interpreter' | 'dict' | 'regex' | 'unicode' | 'hashing' | 'allocation' | 'gc' | 'int' | 'list'
  | 'import' | 'kernel' | 'other';

/**
 * The interpreter's own frames: running bytecode and passing calls between Python functions, not work a Python
 * program asked for. Matched against the whole symbol (perf's `.cold`/`.isra.0`/`.constprop.0`/`@plt` suffixes are
 * removed first).
 */
const INTERPRETER: readonly RegExp[] = [
  /^_?PyEval_/, // _PyEval_EvalFrameDefault, _PyEval_Vector, PyEval_EvalCode
  /^py_trampoline_evaluator$/, /^_?Py_?(Perf)?Trampoline/i, // 3.12+ perf trampolines
  /^_?PyObject_(Vectorcall|Call)/, /^PyObject_(Vectorcall|Call)/, /^_PyObject_MakeTpCall$/,
  /^_PyFunction_Vectorcall$/, /^PyVectorcall_/, /^_PyVectorcall_/,
  /^(cfunction|method|vectorcall|function)_(vectorcall|call)/, /^cfunction_vectorcall_/, /^method_vectorcall_/,
  /^slot_tp_call$/, /^vectorcall_(method|unbound)$/, /^call_function/, /^do_call_core$/,
  /^(run_eval_code_obj|run_mod|pyrun_file|_PyRun_\w+|PyRun_\w+|Py_RunMain|Py_BytesMain|pymain_\w+|main)$/,
  /^(__libc_start_call_main|__libc_start_main(@@GLIBC_[\d.]+)?|_start)$/,
  /^builtin_exec(_impl)?$/, /^_PyEval_EvalCode$/, /^exec_code_in_module$/, /^_PyInterpreterFrame_/,
];

const CATEGORIES: readonly [NativeCategory, RegExp][] = [
  ['dict', /^(_?PyDict_|dict_|lookdict|unicodekeys_lookup|_Py_dict_lookup|insertdict|insert_to_emptydict|new_keys_object|dictresize|dictiter_|dictkeys_|dictitems_|dictvalues_|free_keys_object|build_indices|find_empty_slot)/],
  ['regex', /^(_?sre_|sre_|_sre_|pattern_|match_|scanner_|SRE_|_PyUnicode_IsLinebreak$)/i],
  ['unicode', /^(_?PyUnicode_|unicode_|ucs[124]lib_|_PyUnicodeWriter_|asciilib_|PyUnicode_|_copy_characters|resize_compact|do_string_format|str_|split_whitespace)/],
  ['hashing', /^(siphash|_Py_HashBytes|_Py_HashDouble|PyObject_Hash|long_hash|tuplehash|pysiphash|fnv)/],
  ['allocation', /^(_?PyObject_(Malloc|Free|Realloc|Calloc|GC_New|GC_Del|GC_Link|New|Init|GC_NewVar)|_?PyMem_|pymalloc_|allocate_from_new_pool|_PyObject_GC_(New|Link|Alloc)|gc_alloc|object_dealloc|subtype_dealloc|_Py_Dealloc|(__)?(libc_)?(malloc|free|calloc|realloc|cfree)$|_int_(malloc|free)|malloc_consolidate|sysmalloc|tcache_|arena_|_PyFreeList|list_dealloc|tuple_dealloc|dict_dealloc|unicode_dealloc|float_dealloc|long_dealloc|_PyLong_New$)/],
  ['gc', /^(gc_collect|_PyGC_|gc_|deduce_unreachable|move_unreachable|visit_|subtract_refs|update_refs|collect_with_callback|_PyObject_GC_TRACK|dict_traverse|list_traverse|tupletraverse|subtype_traverse)/],
  ['int', /^(_?PyLong_|long_|k_mul|x_add|x_sub|x_divrem|l_divmod|PyNumber_)/],
  ['list', /^(_?PyList_|list_|listiter_|_PyTuple_|tuple|PyTuple_|PySequence_)/],
  ['import', /^(_?PyImport_|import_|_imp_|PyMarshal_|r_object|read_object|marshal_)/],
];

/** perf's symbol with compiler clone suffixes and PLT markers removed: `insertdict.isra.0` → `insertdict`. */
export function baseSymbol(name: string): string {
  return name.replace(/@plt$/, '').replace(/(\.(cold|isra|constprop|part|lto_priv)(\.\d+)?)+$/, '');
}

export function isInterpreterSymbol(name: string): boolean {
  const base = baseSymbol(name);
  return INTERPRETER.some(re => re.test(base));
}

export function isInterpreterFrame(frame: Frame): boolean {
  return (frame.kind === 'native' && isInterpreterSymbol(frame.name)) || frame.kind === 'jit';
}

/** The category of one native or kernel frame; python frames are not categorised ('other'). */
export function nativeCategory(frame: Frame): NativeCategory {
  if (frame.kind === 'kernel') return 'kernel';
  if (frame.kind === 'jit') return 'interpreter';
  if (frame.kind !== 'native') return 'other';
  const base = baseSymbol(frame.name);
  if (INTERPRETER.some(re => re.test(base))) return 'interpreter';
  for (const [category, re] of CATEGORIES) if (re.test(base)) return category;
  return 'other';
}

/** The user's words for a category, in CodeLens and hovers. */
export const CATEGORY_LABELS: Readonly<Record<NativeCategory, string>> = {
  interpreter: 'eval loop', dict: 'dict', regex: 'regex', unicode: 'str', hashing: 'hashing', allocation: 'allocation',
  gc: 'GC', int: 'int', list: 'list/tuple', import: 'import', kernel: 'kernel', other: 'other C',
};

/**
 * What the flame graph keeps of a mixed stack:
 * - all: every frame;
 * - noInterpreter: Python frames and native work, without the interpreter's own frames (see INTERPRETER);
 * - python: Python frames only; a sample's native work is merged into its innermost Python function;
 * - native: native and kernel frames without the interpreter's own, Python frames removed.
 */
export type FrameFilter = 'all' | 'noInterpreter' | 'python' | 'native';

export const FRAME_FILTERS: readonly FrameFilter[] = ['all', 'noInterpreter', 'python', 'native'];

/** Per frame of the table, whether the filter keeps it. */
export function framesKept(frames: readonly Frame[], filter: FrameFilter): Uint8Array {
  const keep = new Uint8Array(frames.length);
  frames.forEach((f, i) => {
    const python = f.kind === 'python' || f.kind === 'builtin' || f.kind === 'import';
    keep[i] = filter === 'all' ? 1
      : filter === 'python' ? (python ? 1 : 0)
        : filter === 'native' ? (!python && !isInterpreterFrame(f) ? 1 : 0)
          : (!isInterpreterFrame(f) ? 1 : 0);
  });
  return keep;
}

/** Whether the frames hold both Python and native/kernel frames (a mixed profile: the filter is worth offering). */
export function hasMixedFrames(frames: readonly Frame[]): boolean {
  let python = false, native = false;
  for (const f of frames) {
    if (f.kind === 'python') python = true;
    else if (f.kind === 'native' || f.kind === 'kernel' || f.kind === 'jit') native = true;
    if (python && native) return true;
  }
  return false;
}

/**
 * A stack source with only the frames `keep` marks (see framesKept): removed frames vanish from each stack, so
 * stacks that differ only in them merge into one path in the tree built from it. A stack left with no frame keeps
 * its weight but no path (it counts towards no box). Lines stay with their frames.
 */
export function filteredStackSource(source: StackSource, keep: Uint8Array): StackSource {
  return {
    unit: source.unit,
    frameCount: source.frameCount,
    forEachStack(visit) {
      let frames = new Int32Array(64), lines = new Int32Array(64);
      source.forEachStack((f, l, length, weight) => {
        if (frames.length < length) {
          frames = new Int32Array(length * 2);
          lines = new Int32Array(length * 2);
        }
        let n = 0;
        for (let k = 0; k < length; k++) {
          if (!keep[f[k]]) continue;
          frames[n] = f[k];
          lines[n] = l ? l[k] : 0;
          n++;
        }
        visit(frames, l ? lines : undefined, n, weight);
      });
    },
  };
}
