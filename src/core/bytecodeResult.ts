import { parseRunMetadata } from './cprofileResult';
import {
  asArray, asObject, JsonObject, numberField, optionalBoolean, optionalString, parseResultRoot, stringField, Where,
} from './jsonFields';
import { ProfileFormatError } from './profileErrors';
import type { RunMetadata } from './profileModel';

export const BYTECODE_SCHEMA = 'pyrometer.bytecode/1';

/**
 * What the adaptive interpreter did with one instruction (docs/runner-bytecode.md, "Classification"):
 * specialized = a specialized form runs; failed = still generic after failed attempts (backoff >= 2);
 * unspecialized = generic, ran, no failed attempt yet; cold = not run since the code was quickened (or never
 * quickened); plain = nothing adaptive about it (its family does not specialize, or Python < 3.11).
 */
export type SpecializationStatus = 'specialized' | 'unspecialized' | 'failed' | 'cold' | 'plain';
export const SPECIALIZATION_STATUSES: readonly SpecializationStatus[] = ['specialized', 'unspecialized', 'failed', 'cold', 'plain'];

export type CodeObjectKind = 'module' | 'class' | 'function' | 'lambda' | 'comprehension' | 'generator-expression';
const CODE_OBJECT_KINDS: readonly CodeObjectKind[] = ['module', 'class', 'function', 'lambda', 'comprehension', 'generator-expression'];

export interface Instruction {
  /** Byte offset in the code object, as dis shows it. */
  readonly offset: number;
  /** 1-based source line; null for an instruction without one. */
  readonly line: number | null;
  /** The instruction as it runs after the warm-up (e.g. LOAD_ATTR_INSTANCE_VALUE). */
  readonly opname: string;
  /** Its generic instruction (LOAD_ATTR); equal to opname when it is not specialized. */
  readonly baseOpname: string;
  readonly arg: number | null;
  /** dis's rendering of the argument (a name, a constant, "to L1"); '' when none. */
  readonly argrepr: string;
  readonly status: SpecializationStatus;
  /** The raw 16-bit adaptive counter (high 12 bits: countdown, low 4: backoff exponent); null when unknown. */
  readonly counter: number | null;
  readonly jumpTarget: boolean;
}

/** Counts of a code object's adaptive instructions; specializable = the sum of the other four. */
export interface SpecializationSummary {
  readonly specializable: number;
  readonly specialized: number;
  readonly unspecialized: number;
  readonly failed: number;
  readonly cold: number;
}

export interface CodeObjectListing {
  readonly name: string;
  readonly qualname: string;
  readonly kind: CodeObjectKind;
  /** Absolute path of the script. */
  readonly file: string;
  /** 1-based co_firstlineno (the first decorator's line for a decorated function). */
  readonly firstLine: number;
  /** 1-based last line of its instructions or of any code object nested in it. */
  readonly lastLine: number;
  /** Index of the enclosing code object in `BytecodeListing.codeObjects`; null for the module. */
  readonly parent: number | null;
  readonly instructions: readonly Instruction[];
  readonly summary: SpecializationSummary;
}

export interface AdaptiveSupport {
  readonly available: boolean;
  /** Why there are no statuses (Python < 3.11, not CPython, built without specialization); null when available. */
  readonly reason: string | null;
}

export interface WarmUp {
  /** script: the script ran as __main__; call: the module was imported and `call` was called `repeat` times. */
  readonly mode: 'script' | 'call';
  readonly call: string | null;
  readonly repeat: number;
}

export interface BytecodeListing {
  readonly metadata: RunMetadata;
  readonly adaptive: AdaptiveSupport;
  readonly warmup: WarmUp;
  /** The interpreter's own specialization families: base opname → its specialized forms. Empty before 3.11. */
  readonly families: ReadonlyMap<string, readonly string[]>;
  /** Parents before children, the module first. */
  readonly codeObjects: readonly CodeObjectListing[];
}

/** Parses the runner's bytecode result (docs/runner-bytecode.md); throws ProfileFormatError on anything unexpected. */
export function parseBytecodeResult(text: string): BytecodeListing {
  const root = parseResultRoot(text, BYTECODE_SCHEMA, 'bytecode');
  const metadata = parseRunMetadata(asObject(root.metadata, 'metadata'));
  const adaptiveObject = asObject(root.adaptive, 'adaptive');
  const available = optionalBoolean(adaptiveObject, 'available');
  if (available === undefined) throw new ProfileFormatError('adaptive.available should be true or false');
  const adaptive: AdaptiveSupport = { available, reason: nullableString(adaptiveObject, 'reason', 'adaptive') };
  const codeObjects: CodeObjectListing[] = [];
  asArray(root.codeObjects, 'codeObjects').forEach((entry, i) => {
    codeObjects.push(parseCodeObject(asObject(entry, () => `codeObjects[${i}]`), i));
  });
  return {
    metadata, adaptive,
    warmup: parseWarmUp(asObject(root.warmup, 'warmup')),
    families: parseFamilies(asObject(root.families, 'families')),
    codeObjects,
  };
}

function parseWarmUp(o: JsonObject): WarmUp {
  const mode = o.mode;
  if (mode !== 'script' && mode !== 'call') {
    throw new ProfileFormatError(`warmup.mode should be "script" or "call", not ${JSON.stringify(mode)}`);
  }
  const call = nullableString(o, 'call', 'warmup');
  if (mode === 'call' && call === null) throw new ProfileFormatError('warmup.call should name the function called');
  return { mode, call, repeat: wholeNumber(o, 'repeat', 'warmup') };
}

function parseFamilies(o: JsonObject): ReadonlyMap<string, readonly string[]> {
  const families = new Map<string, readonly string[]>();
  for (const [base, members] of Object.entries(o)) {
    families.set(base, asArray(members, `families.${base}`).map((m, j) => {
      if (typeof m !== 'string') throw new ProfileFormatError(`families.${base}[${j}] should be a string`);
      return m;
    }));
  }
  return families;
}

function parseCodeObject(o: JsonObject, index: number): CodeObjectListing {
  const where = () => `codeObjects[${index}]`;
  const kind = o.kind;
  if (!CODE_OBJECT_KINDS.includes(kind as CodeObjectKind)) {
    throw new ProfileFormatError(`${where()}.kind should be one of ${CODE_OBJECT_KINDS.join(', ')}, not ${JSON.stringify(kind)}`);
  }
  const parent = o.parent;
  if (index === 0 ? parent !== null : !(Number.isInteger(parent) && (parent as number) >= 0 && (parent as number) < index)) {
    throw new ProfileFormatError(index === 0
      ? 'codeObjects[0] should be the module, with parent null'
      : `${where()}.parent should be the index of an earlier code object, not ${JSON.stringify(parent)}`);
  }
  const instructions = asArray(o.instructions, () => `${where()}.instructions`)
    .map((entry, j) => parseInstruction(asObject(entry, () => `${where()}.instructions[${j}]`), () => `${where()}.instructions[${j}]`));
  const s = asObject(o.summary, () => `${where()}.summary`);
  const sw = () => `${where()}.summary`;
  return {
    name: stringField(o, 'name', where),
    qualname: stringField(o, 'qualname', where),
    kind: kind as CodeObjectKind,
    file: stringField(o, 'file', where),
    firstLine: wholeNumber(o, 'firstLine', where),
    lastLine: wholeNumber(o, 'lastLine', where),
    parent: parent as number | null,
    instructions,
    summary: {
      specializable: wholeNumber(s, 'specializable', sw),
      specialized: wholeNumber(s, 'specialized', sw),
      unspecialized: wholeNumber(s, 'unspecialized', sw),
      failed: wholeNumber(s, 'failed', sw),
      cold: wholeNumber(s, 'cold', sw),
    },
  };
}

function parseInstruction(o: JsonObject, where: () => string): Instruction {
  const status = o.status;
  if (!SPECIALIZATION_STATUSES.includes(status as SpecializationStatus)) {
    throw new ProfileFormatError(`${where()}.status should be one of ${SPECIALIZATION_STATUSES.join(', ')}, not ${JSON.stringify(status)}`);
  }
  const jumpTarget = optionalBoolean(o, 'jumpTarget');
  if (jumpTarget === undefined) throw new ProfileFormatError(`${where()}.jumpTarget should be true or false`);
  return {
    offset: wholeNumber(o, 'offset', where),
    line: nullableWholeNumber(o, 'line', where),
    opname: stringField(o, 'opname', where),
    baseOpname: stringField(o, 'baseOpname', where),
    arg: nullableWholeNumber(o, 'arg', where),
    argrepr: stringField(o, 'argrepr', where),
    status: status as SpecializationStatus,
    counter: nullableWholeNumber(o, 'counter', where),
    jumpTarget,
  };
}

const describe = (where: Where): string => (typeof where === 'string' ? where : where());

function wholeNumber(o: JsonObject, key: string, where: Where): number {
  const v = numberField(o, key, where);
  if (!Number.isInteger(v)) throw new ProfileFormatError(`${describe(where)}.${key} should be a whole number`);
  return v;
}

function nullableWholeNumber(o: JsonObject, key: string, where: Where): number | null {
  return o[key] === null ? null : wholeNumber(o, key, where);
}

function nullableString(o: JsonObject, key: string, where: Where): string | null {
  if (o[key] === null) return null;
  const v = optionalString(o, key);
  if (v === undefined) throw new ProfileFormatError(`${describe(where)}.${key} should be a string or null`);
  return v;
}

/** The instructions of one code object on one source line, in offset order. */
export interface LineInstructions {
  /** Index into `BytecodeListing.codeObjects`. */
  readonly codeObject: number;
  readonly instructions: readonly Instruction[];
}

/** Every code object's instructions on a 1-based source line (a line can hold a function's and a lambda's code). */
export function instructionsOnLine(listing: BytecodeListing, sourceLine: number): LineInstructions[] {
  const found: LineInstructions[] = [];
  listing.codeObjects.forEach((code, index) => {
    const instructions = code.instructions.filter(i => i.line === sourceLine);
    if (instructions.length > 0) found.push({ codeObject: index, instructions });
  });
  return found;
}

/** Per 1-based source line, the counts of its adaptive instructions over all code objects (for source decorations). */
export function lineSummaries(listing: BytecodeListing): ReadonlyMap<number, SpecializationSummary> {
  const counts = new Map<number, { specializable: number; specialized: number; unspecialized: number; failed: number; cold: number }>();
  for (const code of listing.codeObjects) {
    for (const instruction of code.instructions) {
      if (instruction.line === null || instruction.status === 'plain') continue;
      let c = counts.get(instruction.line);
      if (!c) counts.set(instruction.line, c = { specializable: 0, specialized: 0, unspecialized: 0, failed: 0, cold: 0 });
      c.specializable++;
      c[instruction.status]++;
    }
  }
  return counts;
}

/** The family an opname belongs to, from the interpreter's own table (the opname itself for a base). */
export function familyOf(families: ReadonlyMap<string, readonly string[]>, opname: string): string | undefined {
  if (families.has(opname)) return opname;
  for (const [base, members] of families) if (members.includes(opname)) return base;
  return undefined;
}
