import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { ProfileFormatError } from '../../../src/core/profileErrors';

/**
 * The property every parser must have, checked on generated inputs: for any text it returns a model or throws our
 * ProfileFormatError with a non-empty message; never a TypeError/RangeError or anything else. Inputs are random
 * strings and mutations of real tool output (the seeds): character flips, insertions, truncation at any point,
 * deleted/duplicated lines, numbers replaced by NaN/-1/1e308/1e400/huge integers and, for JSON, fields deleted,
 * renamed or changed to another type (prototype names included) and deep nesting.
 *
 * Runs are reproducible: one fixed seed (PYROMETER_FUZZ_SEED overrides it); PYROMETER_FUZZ_RUNS multiplies the
 * number of runs. Every input tried is counted, and the totals are printed at the end of the mocha run.
 */
export const FUZZ_SEED = Number(process.env.PYROMETER_FUZZ_SEED ?? 20261125);
const RUNS_FACTOR = Number(process.env.PYROMETER_FUZZ_RUNS ?? 1);

export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures');

export function readFixture(relative: string): string {
  return fs.readFileSync(path.join(FIXTURES, relative), 'utf8');
}

/** What happened to the inputs of one parser. */
interface Tally { inputs: number; models: number; typedErrors: number; otherExceptions: number }
const tallies = new Map<string, Tally>();

function tallyOf(parser: string): Tally {
  let t = tallies.get(parser);
  if (!t) tallies.set(parser, (t = { inputs: 0, models: 0, typedErrors: 0, otherExceptions: 0 }));
  return t;
}

/** Counts an outcome of an input that was not run through `checkParse` (the adversarial worker runs). */
export function countInput(parser: string, outcome: 'model' | 'typed'): void {
  const t = tallyOf(parser);
  t.inputs++;
  if (outcome === 'model') t.models++;
  else t.typedErrors++;
}

/** The totals, printed once after all suites: the figure the closing note of issue 12 reports. */
export function fuzzTotals(): { inputs: number; parsers: number; otherExceptions: number; lines: string[] } {
  let inputs = 0;
  let otherExceptions = 0;
  const lines: string[] = [];
  for (const [name, t] of tallies) {
    inputs += t.inputs;
    otherExceptions += t.otherExceptions;
    lines.push(`${name}: ${t.inputs} inputs (${t.models} models, ${t.typedErrors} ProfileFormatErrors, ${t.otherExceptions} other exceptions)`);
  }
  const parsers = new Set([...tallies.keys()].map(name => name.split(' ')[0])).size;
  return { inputs, parsers, otherExceptions, lines };
}

// A root hook: mocha runs it after every suite of the run.
after(function () {
  const totals = fuzzTotals();
  if (totals.inputs === 0) return;
  console.log(`\n  fuzz (seed ${FUZZ_SEED}): ${totals.inputs} inputs tried on ${totals.parsers} parsers, ${totals.otherExceptions} other exceptions or bad models (shrinking reruns included)`);
  for (const l of totals.lines) console.log(`    ${l}`);
});

export interface ParserUnderTest<T> {
  readonly name: string;
  readonly parse: (text: string) => T;
  /** Real tool output. */
  readonly seeds: readonly string[];
  /** Whether the seeds are JSON (adds structural mutations). */
  readonly json: boolean;
  /** Extra checks on a returned model (e.g. indices in range); throws to fail. */
  readonly checkModel?: (model: T, input: string) => void;
}

/** Runs the parser on one input and checks the outcome; throws (fails the property) with the reason. */
export function checkParse<T>(p: ParserUnderTest<T>, input: string): void {
  const t = tallyOf(p.name);
  t.inputs++;
  let model: T;
  try {
    model = p.parse(input);
  } catch (e) {
    if (!(e instanceof ProfileFormatError)) {
      t.otherExceptions++;
      const err = e as Error;
      throw new Error(`${p.name} threw ${err?.name ?? typeof e} (not ProfileFormatError): ${err?.message}\n${err?.stack ?? ''}`);
    }
    assert.ok(e.message.trim().length > 0, `${p.name} threw a ProfileFormatError with an empty message`);
    t.typedErrors++;
    return;
  }
  t.models++;
  try {
    assertFiniteNumbers(model, p.name);
    p.checkModel?.(model, input);
  } catch (e) {
    t.otherExceptions++;
    throw e;
  }
}

/** No NaN or ±Infinity anywhere in a model: a view would print "NaN" or "Infinity" as if the tool had said so. */
export function assertFiniteNumbers(value: unknown, where: string): void {
  const stack: [unknown, string][] = [[value, where]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error(`${at} is ${v}: a parser let a non-finite number into the model`);
    } else if (v instanceof Map) {
      for (const [k, x] of v) stack.push([x, `${at}.get(${String(k)})`]);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], `${at}[${i}]`]);
    } else if (typeof v === 'object' && v !== null) {
      for (const k of Object.keys(v)) stack.push([(v as Record<string, unknown>)[k], `${at}.${k}`]);
    }
  }
}

// ---- mutations -------------------------------------------------------------------------------------------------

/** Values a number in a file is replaced with: each a way real files go wrong (or get forged). */
const NUMBER_TEXTS = ['NaN', '-1', '0', '-0', '1.5', '1e308', '-1e308', '1e400', '-1e400', '1e-320', 'Infinity',
  '99999999999999999999999', '9007199254740993', '4294967296', 'null', '"7"', '[]', '{}', 'true', ''];

const KEY_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'length', '', 'x', 'schema'];

/** Replacement values for a JSON field: other types, prototype traps, extremes, deep nesting. */
function weirdJsonValue(choice: number, depth: number): unknown {
  const nested = (n: number, leaf: unknown): unknown => {
    let v = leaf;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  const values: unknown[] = [
    null, true, false, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, '', 'x', 'NaN', '../../etc/passwd',
    [], {}, [null], [[]], [{}], { toString: 1, valueOf: 'x' }, { __proto__: null, constructor: 1 },
    nested(depth, 0), nested(depth, {}), 'é\u0000\ud800'.repeat(3), Array.from({ length: 50 }, (_, i) => i - 1),
  ];
  return values[choice % values.length];
}

type Mutation =
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'deleteLine'; line: number }
  | { kind: 'duplicateLine'; line: number; times: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'number'; which: number; replacement: number }
  | { kind: 'jsonDelete'; which: number }
  | { kind: 'jsonRename'; which: number; key: number }
  | { kind: 'jsonReplace'; which: number; value: number; depth: number }
  | { kind: 'jsonDuplicate'; which: number };

const position = fc.nat({ max: 1 << 30 });
const textMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, char: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, text: fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom(';', '(', ')', '"', ':', ' ', '\n', '\r\n', '|', '\u0000', '\ufeff', ' 1', ';;', '()')) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('deleteLine' as const), line: position }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: position, times: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('swapLines' as const), a: position, b: position }),
  fc.record({ kind: fc.constant('number' as const), which: position, replacement: position }),
);
const jsonMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('jsonDelete' as const), which: position }),
  fc.record({ kind: fc.constant('jsonRename' as const), which: position, key: position }),
  fc.record({ kind: fc.constant('jsonReplace' as const), which: position, value: position, depth: fc.integer({ min: 1, max: 2000 }) }),
  fc.record({ kind: fc.constant('jsonDuplicate' as const), which: position }),
);

function splitLines(text: string): string[] {
  return text.split('\n');
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

export function applyMutation(text: string, m: Mutation): string {
  const at = (n: number): number => (text.length === 0 ? 0 : n % (text.length + 1));
  switch (m.kind) {
    case 'flip': { const i = at(m.at); return text.slice(0, i) + m.char + text.slice(i + 1); }
    case 'insert': { const i = at(m.at); return text.slice(0, i) + m.text + text.slice(i); }
    case 'delete': { const i = at(m.at); return text.slice(0, i) + text.slice(i + m.length); }
    case 'truncate': return text.slice(0, at(m.at));
    case 'deleteLine': { const ls = splitLines(text); ls.splice(m.line % ls.length, 1); return ls.join('\n'); }
    case 'duplicateLine': {
      const ls = splitLines(text);
      const i = m.line % ls.length;
      ls.splice(i, 0, ...Array<string>(m.times).fill(ls[i]));
      return ls.join('\n');
    }
    case 'swapLines': {
      const ls = splitLines(text);
      const a = m.a % ls.length;
      const b = m.b % ls.length;
      [ls[a], ls[b]] = [ls[b], ls[a]];
      return ls.join('\n');
    }
    case 'number': {
      const matches = [...text.matchAll(NUMBER)];
      if (matches.length === 0) return text;
      const hit = matches[m.which % matches.length];
      const i = hit.index ?? 0;
      return text.slice(0, i) + NUMBER_TEXTS[m.replacement % NUMBER_TEXTS.length] + text.slice(i + hit[0].length);
    }
    default: return applyJsonMutation(text, m);
  }
}

/** Every (container, key) slot of a JSON value, in document order. */
function jsonSlots(root: unknown): { container: Record<string, unknown> | unknown[]; key: string | number }[] {
  const slots: { container: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      v.forEach((x, i) => { slots.push({ container: v, key: i }); stack.push(x); });
    } else if (typeof v === 'object' && v !== null) {
      for (const k of Object.keys(v)) { slots.push({ container: v as Record<string, unknown>, key: k }); stack.push((v as Record<string, unknown>)[k]); }
    }
  }
  return slots;
}

function applyJsonMutation(text: string, m: Mutation): string {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return text; // an earlier text mutation broke the JSON: keep that
  }
  const slots = jsonSlots(root);
  if (slots.length === 0) return text;
  const slot = slots[(m as { which: number }).which % slots.length];
  const { container, key } = slot;
  if (m.kind === 'jsonDelete') {
    if (Array.isArray(container)) container.splice(key as number, 1);
    else delete container[key as string];
  } else if (m.kind === 'jsonRename') {
    if (Array.isArray(container)) container.splice(key as number, 1);
    else {
      const v = container[key as string];
      delete container[key as string];
      Object.defineProperty(container, KEY_NAMES[m.key % KEY_NAMES.length], { value: v, enumerable: true, configurable: true, writable: true });
    }
  } else if (m.kind === 'jsonReplace') {
    const v = weirdJsonValue(m.value, m.depth);
    if (Array.isArray(container)) container[key as number] = v;
    else Object.defineProperty(container, key as string, { value: v, enumerable: true, configurable: true, writable: true });
  } else if (m.kind === 'jsonDuplicate') {
    const v = (container as Record<string | number, unknown>)[key];
    if (Array.isArray(container)) container.splice(key as number, 0, v, v);
    else if (Array.isArray(v)) v.push(...v.slice(0, 3));
  }
  return JSON.stringify(root);
}

/**
 * Each kind of field of a JSON seed (its path with array indices generalised: `functions[].callers[].file`), at its
 * first occurrence, replaced by each trap value and, once, deleted: systematic where random mutation is thin.
 */
export function fieldTrapInputs(seed: string): string[] {
  const traps: unknown[] = [null, 'x', -1, 1e308, [], {}, [[[]]], { toString: 1, valueOf: 'x' }, true];
  const inputs: string[] = [];
  const seen = new Set<string>();
  const walk = (v: unknown, generic: string, concrete: (string | number)[]): void => {
    if (!seen.has(generic) && concrete.length > 0) {
      seen.add(generic);
      for (let t = 0; t <= traps.length; t++) {
        const root = JSON.parse(seed) as unknown;
        let container = root as Record<string | number, unknown>;
        for (const k of concrete.slice(0, -1)) container = container[k] as Record<string | number, unknown>;
        const last = concrete[concrete.length - 1];
        if (t === traps.length) delete container[last];
        else Object.defineProperty(container, last, { value: traps[t], enumerable: true, configurable: true, writable: true });
        inputs.push(JSON.stringify(root));
      }
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${generic}[]`, [...concrete, i]));
    else if (typeof v === 'object' && v !== null) {
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], `${generic}.${k}`, [...concrete, k]);
    }
  };
  walk(JSON.parse(seed), '', []);
  return inputs;
}

// ---- the properties --------------------------------------------------------------------------------------------

export interface FuzzRuns {
  /** Random strings (any UTF-16 code unit) and random bytes decoded as UTF-8. */
  readonly random: number;
  /** Mutations of the seeds. */
  readonly mutated: number;
}

function runs(n: number): number {
  return Math.max(1, Math.round(n * RUNS_FACTOR));
}

/** Declares the mocha tests of one parser: random inputs, mutated seeds. */
export function describeParserFuzz<T>(p: ParserUnderTest<T>, counts: FuzzRuns): void {
  describe(`${p.name}: fuzzed`, function () {
    this.timeout(120_000);

    it('seeds (real tool output) parse to a model', () => {
      for (const s of p.seeds) {
        checkParse(p, s);
        p.parse(s); // a seed must not be an error
      }
    });

    it(`random text and bytes: a model or a ProfileFormatError (${runs(counts.random)} inputs)`, () => {
      const decoder = new TextDecoder('utf-8');
      const arbitrary = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.string({ unit: fc.constantFrom(...'{}[]":,;() 0123456789\n\r\t|.-eE_abimportle'.split('')), maxLength: 400 }),
        fc.uint8Array({ maxLength: 400 }).map((b) => decoder.decode(b)),
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      );
      fc.assert(fc.property(arbitrary, (input) => { checkParse(p, input); }), { seed: FUZZ_SEED, numRuns: runs(counts.random) });
    });

    if (p.json) {
      it('every kind of field replaced by another type, a prototype trap or an extreme, or deleted', () => {
        for (const seed of p.seeds) for (const input of fieldTrapInputs(seed)) checkParse(p, input);
      });
    }

    it(`mutated real files: a model or a ProfileFormatError (${runs(counts.mutated)} inputs)`, () => {
      const mutation = p.json ? fc.oneof({ weight: 1, arbitrary: textMutation }, { weight: 2, arbitrary: jsonMutation }) : textMutation;
      const arbitrary = fc.tuple(fc.nat({ max: p.seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }))
        .map(([seed, ms]) => ms.reduce(applyMutation, p.seeds[seed]));
      fc.assert(fc.property(arbitrary, (input) => { checkParse(p, input); }), { seed: FUZZ_SEED, numRuns: runs(counts.mutated) });
    });
  });
}
