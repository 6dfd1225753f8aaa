import * as assert from 'assert';
import { familyOf, instructionsOnLine, lineSummaries, parseBytecodeResult } from '../../src/core/bytecodeResult';
import { ProfileFormatError } from '../../src/core/profileErrors';

type Json = Record<string, unknown>;

const instruction = (offset: number, line: number | null, opname: string, baseOpname: string, status: string,
  extra: Json = {}): Json => ({ offset, line, opname, baseOpname, arg: null, argrepr: '', status, counter: null, jumpTarget: false, ...extra });

const summary = (s: Partial<Record<'specializable' | 'specialized' | 'unspecialized' | 'failed' | 'cold', number>> = {}) =>
  ({ specializable: 0, specialized: 0, unspecialized: 0, failed: 0, cold: 0, ...s });

const codeObject = (extra: Json): Json => ({
  name: '<module>', qualname: '<module>', kind: 'module', file: '/w/app.py', firstLine: 1, lastLine: 9, parent: null,
  instructions: [], summary: summary(), ...extra,
});

const resultText = (codeObjects: Json[], extra: Json = {}): string => JSON.stringify({
  schema: 'pyrometer.bytecode/1',
  metadata: { tool: 'dis', python: { version: '3.12.1' }, cwd: '/w', script: '/w/app.py', exitCode: 0, exception: null },
  adaptive: { available: true, reason: null },
  warmup: { mode: 'script', call: null, repeat: 1 },
  families: { LOAD_ATTR: ['LOAD_ATTR_INSTANCE_VALUE', 'LOAD_ATTR_SLOT'], BINARY_OP: ['BINARY_OP_ADD_INT'] },
  codeObjects,
  ...extra,
});

const twoObjects = () => [
  codeObject({ instructions: [instruction(0, null, 'RESUME', 'RESUME', 'plain'), instruction(2, 3, 'LOAD_CONST', 'LOAD_CONST', 'plain', { arg: 0, argrepr: '<code object f>' })] }),
  codeObject({
    name: 'f', qualname: 'f', kind: 'function', firstLine: 3, lastLine: 5, parent: 0,
    instructions: [
      instruction(4, 4, 'LOAD_ATTR_INSTANCE_VALUE', 'LOAD_ATTR', 'specialized', { arg: 0, argrepr: 'price', counter: 832 }),
      instruction(24, 4, 'BINARY_OP', 'BINARY_OP', 'failed', { arg: 0, argrepr: '+', counter: 217, jumpTarget: true }),
      instruction(28, 3, 'LOAD_ATTR', 'LOAD_ATTR', 'cold', { arg: 2, argrepr: 'x', counter: 17 }),
    ],
    summary: summary({ specializable: 3, specialized: 1, failed: 1, cold: 1 }),
  }),
];

describe('reading the bytecode result', () => {
  it('keeps every instruction field and the interpreter families as given', () => {
    const listing = parseBytecodeResult(resultText(twoObjects()));
    assert.strictEqual(listing.metadata.python.version, '3.12.1');
    assert.deepStrictEqual(listing.adaptive, { available: true, reason: null });
    assert.deepStrictEqual(listing.warmup, { mode: 'script', call: null, repeat: 1 });
    assert.deepStrictEqual([...listing.families.keys()], ['LOAD_ATTR', 'BINARY_OP']);
    const f = listing.codeObjects[1];
    assert.deepStrictEqual([f.kind, f.parent, f.firstLine, f.lastLine, f.summary.failed], ['function', 0, 3, 5, 1]);
    assert.deepStrictEqual(f.instructions[1], {
      offset: 24, line: 4, opname: 'BINARY_OP', baseOpname: 'BINARY_OP', arg: 0, argrepr: '+', status: 'failed',
      counter: 217, jumpTarget: true,
    });
    assert.strictEqual(listing.codeObjects[0].instructions[0].line, null);
    assert.strictEqual(listing.codeObjects[0].instructions[0].counter, null);
  });

  it('reads the plain listing of an interpreter without adaptive specialization', () => {
    const reason = 'adaptive specialization needs Python 3.11+ (this is 3.8.18); this is the plain dis listing';
    const listing = parseBytecodeResult(resultText([codeObject({})], { adaptive: { available: false, reason }, families: {} }));
    assert.deepStrictEqual(listing.adaptive, { available: false, reason });
    assert.strictEqual(listing.families.size, 0);
  });

  it('reads a call warm-up and a run that raised', () => {
    const listing = parseBytecodeResult(resultText([codeObject({})], {
      warmup: { mode: 'call', call: 'Box.scaled', repeat: 1000 },
      metadata: { python: { version: '3.13.0' }, cwd: '/w', exitCode: 1,
        exception: { type: 'ZeroDivisionError', message: 'division by zero', traceback: 'tb', phase: 'run' } },
    }));
    assert.deepStrictEqual(listing.warmup, { mode: 'call', call: 'Box.scaled', repeat: 1000 });
    assert.strictEqual(listing.metadata.exception?.type, 'ZeroDivisionError');
  });

  it('finds a line\'s instructions in every code object and counts its statuses', () => {
    const listing = parseBytecodeResult(resultText(twoObjects()));
    const onLine4 = instructionsOnLine(listing, 4);
    assert.deepStrictEqual(onLine4.map(l => [l.codeObject, l.instructions.map(i => i.offset)]), [[1, [4, 24]]]);
    assert.deepStrictEqual(instructionsOnLine(listing, 3).map(l => l.codeObject), [0, 1]);
    assert.deepStrictEqual(instructionsOnLine(listing, 99), []);
    const summaries = lineSummaries(listing);
    assert.deepStrictEqual(summaries.get(4), { specializable: 2, specialized: 1, unspecialized: 0, failed: 1, cold: 0 });
    assert.deepStrictEqual(summaries.get(3), { specializable: 1, specialized: 0, unspecialized: 0, failed: 0, cold: 1 });
  });

  it('names the family of an opname from the interpreter table only', () => {
    const { families } = parseBytecodeResult(resultText(twoObjects()));
    assert.strictEqual(familyOf(families, 'LOAD_ATTR_SLOT'), 'LOAD_ATTR');
    assert.strictEqual(familyOf(families, 'LOAD_ATTR'), 'LOAD_ATTR');
    assert.strictEqual(familyOf(families, 'LOAD_ATTR_NOT_IN_TABLE'), undefined);
  });

  const withInstruction = (i: Json) => resultText([codeObject({}), codeObject({ kind: 'function', parent: 0, instructions: [i] })]);
  const corrupt: [string, string, RegExp][] = [
    ['truncated JSON', resultText([]).slice(0, 50), /not valid JSON/],
    ['another schema', JSON.stringify({ schema: 'pyrometer.cprofile/1' }), /expected pyrometer\.bytecode\/1/],
    ['an unknown status', withInstruction(instruction(0, 1, 'X', 'X', 'fast')), /status should be one of/],
    ['a fractional offset', withInstruction(instruction(0.5, 1, 'X', 'X', 'plain')), /offset should be a whole number/],
    ['a line that is text', withInstruction({ ...instruction(0, 1, 'X', 'X', 'plain'), line: '4' }), /line should be a number/],
    ['a missing jumpTarget', withInstruction({ ...instruction(0, 1, 'X', 'X', 'plain'), jumpTarget: undefined }), /jumpTarget should be true or false/],
    ['an unknown kind', resultText([codeObject({ kind: 'method' })]), /kind should be one of/],
    ['a parent that is not earlier', resultText([codeObject({}), codeObject({ kind: 'function', parent: 1 })]), /parent should be the index of an earlier/],
    ['a module with a parent', resultText([codeObject({ parent: 0 })]), /parent null/],
    ['an unknown warm-up mode', resultText([], { warmup: { mode: 'loop', call: null, repeat: 1 } }), /warmup\.mode/],
    ['a call warm-up without its function', resultText([], { warmup: { mode: 'call', call: null, repeat: 3 } }), /warmup\.call/],
    ['no adaptive flag', resultText([], { adaptive: { reason: null } }), /adaptive\.available/],
    ['a family member that is not a name', resultText([], { families: { CALL: [1] } }), /families\.CALL\[0\]/],
    ['a summary without counts', resultText([codeObject({ summary: {} })]), /summary\.specializable/],
  ];
  for (const [what, text, message] of corrupt) {
    it(`rejects ${what} with a ProfileFormatError saying where`, () => {
      assert.throws(() => parseBytecodeResult(text), (e: unknown) => e instanceof ProfileFormatError && message.test(e.message));
    });
  }
});
