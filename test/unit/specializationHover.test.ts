import * as assert from 'assert';
import { parseBytecodeResult } from '../../src/core/bytecodeResult';
import { familyExplanationMarkdown, specializationHoverMarkdown } from '../../src/core/specializationHover';

type Json = Record<string, unknown>;

const instruction = (offset: number, line: number, opname: string, baseOpname: string, status: string, argrepr: string,
  counter: number | null): Json => ({ offset, line, opname, baseOpname, arg: 0, argrepr, status, counter, jumpTarget: false });

const FAMILIES_312 = {
  LOAD_ATTR: ['LOAD_ATTR_INSTANCE_VALUE', 'LOAD_ATTR_SLOT', 'LOAD_ATTR_METHOD_WITH_VALUES'],
  BINARY_OP: ['BINARY_OP_ADD_INT', 'BINARY_OP_ADD_FLOAT'],
  CALL: ['CALL_PY_EXACT_ARGS', 'CALL_NO_KW_LEN', 'CALL_NO_KW_WEIRD_NEW_THING'],
  LOAD_FAST: ['LOAD_FAST__LOAD_FAST'],
  STORE_FAST: ['STORE_FAST__STORE_FAST'],
};

const listing = (extra: Json = {}) => parseBytecodeResult(JSON.stringify({
  schema: 'pyrometer.bytecode/1',
  metadata: { tool: 'dis', python: { version: '3.12.1' }, cwd: '/w', script: '/w/shop.py', exitCode: 0, exception: null },
  adaptive: { available: true, reason: null },
  warmup: { mode: 'script', call: null, repeat: 1 },
  families: FAMILIES_312,
  codeObjects: [
    { name: '<module>', qualname: '<module>', kind: 'module', file: '/w/shop.py', firstLine: 1, lastLine: 6, parent: null,
      instructions: [], summary: { specializable: 0, specialized: 0, unspecialized: 0, failed: 0, cold: 0 } },
    { name: 'total', qualname: 'Cart.total', kind: 'function', file: '/w/shop.py', firstLine: 2, lastLine: 6, parent: 0,
      instructions: [
        instruction(16, 4, 'LOAD_FAST__LOAD_FAST', 'LOAD_FAST', 'plain', 'total', null),
        instruction(20, 4, 'LOAD_ATTR_INSTANCE_VALUE', 'LOAD_ATTR', 'specialized', 'price', 832),
        instruction(40, 4, 'BINARY_OP', 'BINARY_OP', 'failed', '+=', 217),
        instruction(50, 5, 'LOAD_ATTR', 'LOAD_ATTR', 'unspecialized', 'NULL|self + append', 1),
        instruction(60, 6, 'LOAD_ATTR', 'LOAD_ATTR', 'cold', 'price', 17),
      ],
      summary: { specializable: 4, specialized: 1, unspecialized: 1, failed: 1, cold: 1 } },
    { name: '<lambda>', qualname: 'Cart.total.<locals>.<lambda>', kind: 'lambda', file: '/w/shop.py', firstLine: 6,
      lastLine: 6, parent: 1, instructions: [instruction(4, 6, 'BINARY_OP_ADD_INT', 'BINARY_OP', 'specialized', '+', 832)],
      summary: { specializable: 1, specialized: 1, unspecialized: 0, failed: 0, cold: 0 } },
  ],
  ...extra,
}));

describe('the specialization hover of a source line', () => {
  it('lists the line\'s instructions with their status and explains the notable ones', () => {
    const md = specializationHoverMarkdown(listing(), 4)!;
    assert.ok(md.startsWith('**Bytecode of line 4** — Python 3\\.12\\.1, after running the script'), md);
    assert.ok(md.includes('| 20 | `LOAD_ATTR_INSTANCE_VALUE` | price | ✓ specialized |'), md);
    assert.ok(md.includes('| 40 | `BINARY_OP` | \\+= | ✗ failed to specialize (backoff 9: next attempt after 13 more executions) |'), md);
    assert.ok(md.includes('| 16 | `LOAD_FAST__LOAD_FAST` | total | not adaptive |'), md);
    assert.ok(md.includes('`LOAD_ATTR_INSTANCE_VALUE` is a specialized form of `LOAD_ATTR`: the attribute is stored in the instance\'s inline values'), md);
    assert.ok(md.includes('**`BINARY_OP`** — An arithmetic'), md);
    assert.ok(!md.includes('superinstruction'), 'plain instructions are not explained');
    assert.ok(!md.includes('in `'), 'one code object: no per-object headings');
  });

  it('escapes arguments and says when a generic instruction tries again', () => {
    const md = specializationHoverMarkdown(listing(), 5)!;
    assert.ok(md.includes('| 50 | `LOAD_ATTR` | NULL\\|self \\+ append | … not yet specialized (tries again on its next execution) |'), md);
  });

  it('separates the code objects that share a line', () => {
    const md = specializationHoverMarkdown(listing(), 6)!;
    assert.ok(md.includes('in `Cart.total`'), md);
    assert.ok(md.includes('in `Cart.total.<locals>.<lambda>`'), md);
    assert.ok(md.includes('· cold (not run since the code was quickened)'), md);
    assert.ok(md.includes('`BINARY_OP_ADD_INT` is a specialized form of `BINARY_OP`: `+` on two ints.'), md);
  });

  it('names the warm-up call', () => {
    const md = specializationHoverMarkdown(listing({ warmup: { mode: 'call', call: 'Cart.total', repeat: 1000 } }), 4)!;
    assert.ok(md.startsWith('**Bytecode of line 4** — Python 3\\.12\\.1, after 1,000 calls of `Cart.total`'), md);
  });

  it('gives the reason and no statuses when the interpreter does not specialize', () => {
    const reason = 'adaptive specialization needs Python 3.11+ (this is 3.8.18); this is the plain dis listing';
    const md = specializationHoverMarkdown(listing({ adaptive: { available: false, reason } }), 4)!;
    assert.ok(md.includes('_adaptive specialization needs Python 3\\.11\\+ \\(this is 3\\.8\\.18\\); this is the plain dis listing_'), md);
    assert.ok(md.includes('| 20 | `LOAD_ATTR_INSTANCE_VALUE` | price |  |'), md);
  });

  it('has nothing to say about a line without instructions', () => {
    assert.strictEqual(specializationHoverMarkdown(listing(), 1), undefined);
  });
});

describe('explaining a specialization family', () => {
  const families = listing().families;

  it('describes every family the user is likely to meet, in a sentence or two', () => {
    for (const base of ['LOAD_ATTR', 'LOAD_GLOBAL', 'BINARY_OP', 'CALL', 'COMPARE_OP', 'BINARY_SUBSCR', 'STORE_ATTR',
      'STORE_SUBSCR', 'FOR_ITER', 'UNPACK_SEQUENCE', 'LOAD_SUPER_ATTR', 'CONTAINS_OP', 'TO_BOOL', 'SEND']) {
      const md = familyExplanationMarkdown(base)!;
      assert.ok(md.startsWith(`**\`${base}\`** — `), md);
      assert.ok(md.length > 60 && md.length < 400, `${base}: ${md.length} characters`);
    }
  });

  it('lists the forms this Python has for a family', () => {
    assert.ok(familyExplanationMarkdown('LOAD_ATTR', families)!.endsWith(
      'Specialized forms on this Python: `LOAD_ATTR_INSTANCE_VALUE`, `LOAD_ATTR_SLOT`, `LOAD_ATTR_METHOD_WITH_VALUES`.'));
  });

  it('reads the suffix of a specialized form when the name says what it handles', () => {
    assert.ok(familyExplanationMarkdown('LOAD_ATTR_SLOT', families)!.startsWith(
      '`LOAD_ATTR_SLOT` is a specialized form of `LOAD_ATTR`: the attribute is a `__slots__` slot.'));
    assert.ok(familyExplanationMarkdown('CALL_NO_KW_LEN', families)!.startsWith(
      '`CALL_NO_KW_LEN` is a specialized form of `CALL`: the builtin `len`, called without keyword arguments.'));
    assert.ok(familyExplanationMarkdown('CALL_NO_KW_WEIRD_NEW_THING', families)!.startsWith(
      '`CALL_NO_KW_WEIRD_NEW_THING` is a specialized form of `CALL`.\n\n'), 'an unknown suffix is not guessed');
    assert.ok(familyExplanationMarkdown('COMPARE_OP_INT_JUMP')!.includes('two ints, fused with the following conditional jump'));
    assert.ok(familyExplanationMarkdown('LOAD_ATTR_ADAPTIVE')!.startsWith('`LOAD_ATTR_ADAPTIVE` is the generic `LOAD_ATTR` after quickening'));
  });

  it('tells superinstructions apart from specializations', () => {
    assert.ok(familyExplanationMarkdown('LOAD_FAST__LOAD_FAST', families)!.startsWith('`LOAD_FAST__LOAD_FAST` is a superinstruction'));
    assert.ok(familyExplanationMarkdown('LOAD_FAST_LOAD_FAST', families)!.startsWith('`LOAD_FAST_LOAD_FAST` is a superinstruction'));
  });

  it('does not guess a family the interpreter table does not give', () => {
    assert.strictEqual(familyExplanationMarkdown('STORE_FAST_MAYBE_NULL', families), undefined);
    assert.strictEqual(familyExplanationMarkdown('POP_TOP', families), undefined);
    assert.ok(familyExplanationMarkdown('STORE_ATTR_SLOT')!.includes('specialized form of `STORE_ATTR`'), 'without a table the name is read');
  });
});
