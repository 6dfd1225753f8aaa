import { familyOf, instructionsOnLine } from './bytecodeResult';
import type { BytecodeListing, Instruction } from './bytecodeResult';
import { STATUS_MARKERS } from './bytecodeDocument';
import { escapeMarkdown } from './markdownText';
import { groupThousands } from './pstatsNumbers';

/*
 * Hover texts for specialized bytecode: what one source line's instructions became, and what a family of
 * specialized instructions is about. The family and suffix texts are ours, short, and describe what the
 * specialization relies on; the authority for which forms exist is the interpreter's table in the listing.
 */

/** What each generic instruction does and what its specializations bet on. */
const FAMILY_TEXT: Readonly<Record<string, string>> = {
  LOAD_ATTR: 'Reads an attribute (`obj.name`), or looks up a method to call. A specialized form remembers the type ' +
    '(and where the attribute lives: instance values, a slot, the class, a module) and re-checks only a version tag; ' +
    'a site that sees many unrelated types stays generic.',
  LOAD_GLOBAL: 'Reads a global or builtin name. Specialized forms cache the entry of the globals or builtins ' +
    'dictionary and re-check the dictionary\'s version, so the lookup becomes an index.',
  BINARY_OP: 'An arithmetic or bitwise operator (`+`, `-`, `*`, `+=`, …). Only a few exact type pairs have fast ' +
    'forms (int/int, float/float, str + str); any other operands, such as Decimal or a mix of int and float, ' +
    'keep it generic.',
  CALL: 'Calls something. Specialized forms know the kind of callable (a Python function with the right number ' +
    'of arguments, a bound method, a builtin such as len or isinstance, a class) and skip the generic call machinery.',
  COMPARE_OP: 'A comparison (`<`, `==`, …). Fast forms exist when both sides are ints, floats or strs.',
  BINARY_SUBSCR: 'Indexing (`obj[key]`). Fast forms for a list or tuple with an int index, a dict, a str with an ' +
    'int index, and classes whose `__getitem__` is written in Python.',
  STORE_ATTR: 'Assigns an attribute (`obj.name = value`). Specialized forms write straight into the instance\'s ' +
    'values, a slot or its dictionary, once the type is known.',
  STORE_SUBSCR: 'Assigns an item (`obj[key] = value`). Fast forms for a list with an int index and for a dict.',
  FOR_ITER: 'Takes the next item of a `for` loop. Fast forms for lists, tuples, range objects and generators; ' +
    'other iterables use the iterator protocol.',
  UNPACK_SEQUENCE: 'Unpacks a sequence into names (`a, b = pair`). Fast forms for tuples (and pairs) and lists of ' +
    'the expected length.',
  LOAD_SUPER_ATTR: 'Reads an attribute through `super()`. Specialized forms skip creating the `super` object when ' +
    '`super` is the builtin.',
  CONTAINS_OP: 'A membership test (`x in container`). Fast forms for sets and dicts.',
  TO_BOOL: 'Turns a value into a truth value for `if`/`while`/`and`/`or`. Fast forms for bool, int, None, str, ' +
    'list, and classes with no `__bool__` or `__len__`.',
  SEND: 'Sends a value into a generator or coroutine (`yield from`, `await`). The fast form handles Python ' +
    'generators and coroutines directly.',
  LOAD_METHOD: 'Python 3.11: looks up a method for a call (later merged into LOAD_ATTR). Specialized forms know ' +
    'where the method is found.',
  PRECALL: 'Python 3.11: prepares a call. Specialized forms recognise builtins and method descriptors.',
  RESUME: 'Starts or resumes a frame. Its quickened form (RESUME_QUICK on 3.11, RESUME_CHECK on 3.13) only marks ' +
    'that the code has been prepared; it says nothing about types.',
  JUMP_BACKWARD: 'The jump back to the top of a loop. JUMP_BACKWARD_QUICK (3.11) is its quickened form.',
  EXTENDED_ARG: 'Extends the next instruction\'s argument. EXTENDED_ARG_QUICK (3.11) is its quickened form.',
  LOAD_FAST: 'Reads a local variable. On 3.11/3.12 it can be fused with the next instruction into a ' +
    'superinstruction (LOAD_FAST__LOAD_FAST) when the code is quickened; nothing adaptive.',
  STORE_FAST: 'Assigns a local variable. On 3.11/3.12 it can be fused with the next instruction into a ' +
    'superinstruction when the code is quickened; nothing adaptive.',
  LOAD_CONST: 'Pushes a constant. On 3.11/3.12 it can be fused with a following LOAD_FAST when the code is ' +
    'quickened; nothing adaptive.',
};

/** What a specialized form's suffix says it handles, where the name makes that clear. */
const SUFFIX_TEXT: Readonly<Record<string, string>> = {
  ADAPTIVE: 'the generic form, quickened (3.11): it counts executions and tries to specialize',
  INSTANCE_VALUE: 'the attribute is stored in the instance\'s inline values, for one known class',
  SLOT: 'the attribute is a `__slots__` slot',
  WITH_HINT: 'the attribute is in the instance dictionary, at a remembered position',
  MODULE: 'the object is a module: a lookup in its dictionary at a known position',
  CLASS: 'the attribute is read from a class object',
  PROPERTY: 'the attribute is a Python `property`: its getter is called directly',
  GETATTRIBUTE_OVERRIDDEN: 'the class defines `__getattribute__` in Python, which is called directly',
  METHOD_WITH_VALUES: 'a method looked up on an instance with inline values',
  METHOD_NO_DICT: 'a method looked up on an instance without a `__dict__`',
  METHOD_LAZY_DICT: 'a method looked up on an instance whose `__dict__` was not created yet',
  NONDESCRIPTOR_WITH_VALUES: 'a plain class attribute read through an instance with inline values',
  NONDESCRIPTOR_NO_DICT: 'a plain class attribute read through an instance without a `__dict__`',
  BUILTIN: 'the name is a builtin (and not shadowed by a global)',
  ADD_INT: '`+` on two ints', SUBTRACT_INT: '`-` on two ints', MULTIPLY_INT: '`*` on two ints',
  ADD_FLOAT: '`+` on two floats', SUBTRACT_FLOAT: '`-` on two floats', MULTIPLY_FLOAT: '`*` on two floats',
  ADD_UNICODE: '`+` on two strs', INPLACE_ADD_UNICODE: '`s += t` on strs, appending in place when it can',
  LIST_INT: 'a list with an int index', TUPLE_INT: 'a tuple with an int index', STR_INT: 'a str with an int index',
  DICT: 'a dict', GETITEM: 'a class whose `__getitem__` is a Python function, called directly',
  INT: 'two ints', FLOAT: 'two floats', STR: 'two strs',
  INT_JUMP: 'two ints, fused with the following conditional jump (3.11)',
  FLOAT_JUMP: 'two floats, fused with the following conditional jump (3.11)',
  STR_JUMP: 'two strs, fused with the following conditional jump (3.11)',
  LIST: 'a list', TUPLE: 'a tuple', RANGE: 'a range', GEN: 'a Python generator or coroutine', SET: 'a set',
  TWO_TUPLE: 'a tuple of exactly two items', BOOL: 'a bool', NONE: 'None',
  ALWAYS_TRUE: 'an instance of a class without `__bool__` or `__len__` (always true)',
  PY_EXACT_ARGS: 'a Python function called with exactly its number of parameters',
  PY_WITH_DEFAULTS: 'a Python function called with some parameters left to their defaults',
  PY_GENERAL: 'a Python function, any arguments', PYFUNC: 'a Python function',
  BOUND_METHOD_EXACT_ARGS: 'a bound method of a Python function, exact number of arguments',
  BOUND_METHOD_GENERAL: 'a bound method of a Python function, any arguments',
  NON_PY_GENERAL: 'a callable that is not a Python function',
  ALLOC_AND_ENTER_INIT: 'a class with a Python `__init__`: the object is allocated and `__init__` entered directly',
  BUILTIN_CLASS: 'a builtin class', BUILTIN_O: 'a builtin function taking one argument',
  BUILTIN_FAST: 'a builtin function with the fast calling convention',
  BUILTIN_FAST_WITH_KEYWORDS: 'a builtin function with the fast calling convention and keywords',
  LEN: 'the builtin `len`', ISINSTANCE: 'the builtin `isinstance`', LIST_APPEND: '`list.append`',
  TYPE_1: '`type(x)`', STR_1: '`str(x)`', TUPLE_1: '`tuple(x)`',
  METHOD_DESCRIPTOR_O: 'a method of a builtin type taking one argument',
  METHOD_DESCRIPTOR_NOARGS: 'a method of a builtin type taking no argument',
  METHOD_DESCRIPTOR_FAST: 'a method of a builtin type with the fast calling convention',
  METHOD_DESCRIPTOR_FAST_WITH_KEYWORDS: 'a method of a builtin type with the fast calling convention and keywords',
  WITH_VALUES: 'a method looked up on an instance with inline values (3.11)',
  WITH_DICT: 'a method looked up on an instance with a `__dict__` (3.11)',
  NO_DICT: 'a method looked up on an instance without a `__dict__` (3.11)',
  BOUND_METHOD: 'a bound method', ATTR: 'an attribute read through `super()`', METHOD: 'a method looked up through `super()`',
  QUICK: 'the quickened form: prepared once, nothing adaptive', CHECK: 'the prepared form: checks only that nothing changed since',
};

/** Short words for each status, for the hover table. */
const STATUS_WORDS: Readonly<Record<Instruction['status'], string>> = {
  specialized: STATUS_MARKERS.specialized,
  failed: STATUS_MARKERS.failed,
  unspecialized: STATUS_MARKERS.unspecialized,
  cold: STATUS_MARKERS.cold,
  plain: 'not adaptive',
};

/** 3.13's superinstructions are instructions of their own (no family): LOAD_FAST_LOAD_FAST, STORE_FAST_LOAD_FAST, … */
const FUSED_FAST = /^(LOAD|STORE)_FAST_(LOAD|STORE)_FAST$/;

/**
 * The family of an opname: from the interpreter's table when the listing gives one (never guessed then: a name
 * such as STORE_FAST_MAYBE_NULL is no specialization of STORE_FAST); without a table, the longest family name the
 * opname starts with.
 */
function familyName(opname: string, families?: ReadonlyMap<string, readonly string[]>): string | undefined {
  if (FAMILY_TEXT[opname] !== undefined) return opname;
  if (families) return familyOf(families, opname);
  let best: string | undefined;
  for (const base of Object.keys(FAMILY_TEXT)) {
    if (opname.startsWith(`${base}_`) && (!best || base.length > best.length)) best = base;
  }
  return best;
}

/** What the suffix after the family name says, for names the table above covers ('' when not inferable). */
function suffixMeaning(opname: string, base: string): string {
  let suffix = opname.slice(base.length).replace(/^_+/, '');
  let noKeywords = false;
  if (suffix.startsWith('NO_KW_')) {
    noKeywords = true; // 3.11/3.12 call forms: called without keyword arguments
    suffix = suffix.slice('NO_KW_'.length);
  }
  const meaning = SUFFIX_TEXT[suffix];
  if (!meaning) return '';
  return noKeywords ? `${meaning}, called without keyword arguments` : meaning;
}

/**
 * Markdown explaining an instruction name: a family (LOAD_ATTR) gets its description; a specialized form
 * (LOAD_ATTR_INSTANCE_VALUE) gets its family, what its suffix means when the name makes it clear, and the family's
 * description; a superinstruction (LOAD_FAST__LOAD_FAST) is said to be one. Undefined for names we know nothing of.
 */
export function familyExplanationMarkdown(opname: string, families?: ReadonlyMap<string, readonly string[]>): string | undefined {
  if (FUSED_FAST.test(opname)) {
    return `\`${opname}\` is a superinstruction: two instructions fused into one by the compiler. Nothing adaptive.`;
  }
  const base = familyName(opname, families);
  if (!base) return undefined;
  const description = FAMILY_TEXT[base];
  if (base === opname) {
    const forms = families?.get(base);
    const known = forms && forms.length > 0 ? `\n\nSpecialized forms on this Python: ${forms.map(f => `\`${f}\``).join(', ')}.` : '';
    return `**\`${base}\`**${description ? ` — ${description}` : ' — a family of specialized instructions.'}${known}`;
  }
  if (opname.startsWith(`${base}__`)) {
    return `\`${opname}\` is a superinstruction: \`${base}\` fused with the next instruction when the code was ` +
      `quickened. Nothing adaptive.${description ? `\n\n**\`${base}\`** — ${description}` : ''}`;
  }
  const meaning = suffixMeaning(opname, base);
  const head = opname === `${base}_ADAPTIVE`
    ? `\`${opname}\` is the generic \`${base}\` after quickening (3.11): it counts executions and tries to specialize.`
    : `\`${opname}\` is a specialized form of \`${base}\`${meaning ? `: ${meaning}` : ''}.`;
  return description ? `${head}\n\n**\`${base}\`** — ${description}` : head;
}

/** What an adaptive counter says about a generic instruction (high 12 bits: countdown, low 4: backoff). */
function counterNote(i: Instruction): string {
  if (i.counter === null || i.status === 'specialized' || i.status === 'plain') return '';
  const backoff = i.counter & 15;
  const countdown = i.counter >> 4;
  const next = countdown === 0 ? 'tries again on its next execution'
    : `next attempt after ${groupThousands(countdown)} more ${countdown === 1 ? 'execution' : 'executions'}`;
  if (i.status === 'failed') return `backoff ${backoff}: ${next}`;
  if (i.status === 'cold') return 'not run since the code was quickened';
  return next;
}

function argumentCell(i: Instruction): string {
  return i.argrepr ? escapeMarkdown(i.argrepr) : '';
}

/**
 * The hover of one 1-based source line: its instructions in every code object with their status, then what the
 * notable ones (specialized, failed, not yet, cold) are. Undefined when the line has no instructions.
 */
export function specializationHoverMarkdown(listing: BytecodeListing, sourceLine: number): string | undefined {
  const found = instructionsOnLine(listing, sourceLine);
  if (found.length === 0) return undefined;
  const python = escapeMarkdown(listing.metadata.python.version);
  const warm = listing.warmup.mode === 'call'
    ? `after ${groupThousands(listing.warmup.repeat)} ${listing.warmup.repeat === 1 ? 'call' : 'calls'} of \`${listing.warmup.call ?? '?'}\``
    : 'after running the script';
  const parts = [`**Bytecode of line ${sourceLine}** — Python ${python}, ${warm}`];
  if (!listing.adaptive.available) {
    parts.push('', `_${escapeMarkdown(listing.adaptive.reason ?? 'adaptive specialization is not available')}_`);
  }
  const notable = new Map<string, Instruction>();
  for (const { codeObject, instructions } of found) {
    const code = listing.codeObjects[codeObject];
    if (found.length > 1) parts.push('', `in \`${code.qualname}\``);
    parts.push('', '| offset | instruction | argument | status |', '|--:|---|---|---|');
    for (const i of instructions) {
      const note = counterNote(i);
      const status = listing.adaptive.available ? `${STATUS_WORDS[i.status]}${note ? ` (${note})` : ''}` : '';
      parts.push(`| ${i.offset} | \`${i.opname}\` | ${argumentCell(i)} | ${status} |`);
      if (i.status !== 'plain' && !notable.has(i.opname)) notable.set(i.opname, i);
    }
  }
  for (const opname of notable.keys()) {
    const explanation = familyExplanationMarkdown(opname, listing.families);
    if (explanation) parts.push('', explanation);
  }
  return parts.join('\n');
}
