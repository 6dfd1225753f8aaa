import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fs, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BytecodeDocument, renderBytecodeDocument, STATUS_MARKERS } from '../../src/core/bytecodeDocument';
import { BytecodeListing, parseBytecodeResult, SpecializationStatus } from '../../src/core/bytecodeResult';
import { REPO_ROOT, RUNNER_ROOT, WORKLOADS } from '../support/pythonForTests';
import { pyenvPython } from '../support/pyenvPython';

type Json = Record<string, unknown>;

const SOURCE = [
  'def total_price(items):',                            // 1
  '    total = 0',                                      // 2
  '    for item in items:',                             // 3
  '        total += item.price',                        // 4
  '    return sorted(items, key=lambda i: i.price)',    // 5
];

// [offset, line, opname, baseOpname, status, arg, argrepr, counter, jumpTarget]
type Row = [number, number | null, string, string, SpecializationStatus, number | null, string, number | null, boolean?];
const instructions = (rows: Row[]) => rows.map(([offset, line, opname, baseOpname, status, arg, argrepr, counter, jumpTarget]) =>
  ({ offset, line, opname, baseOpname, status, arg, argrepr, counter, jumpTarget: jumpTarget ?? false }));
const summaryOf = (rows: Row[]) => {
  const s = { specializable: 0, specialized: 0, unspecialized: 0, failed: 0, cold: 0 };
  for (const r of rows) if (r[4] !== 'plain') { s.specializable++; s[r[4]]++; }
  return s;
};

const MODULE: Row[] = [
  [0, null, 'RESUME', 'RESUME', 'plain', 0, '', null],
  [2, 1, 'LOAD_CONST', 'LOAD_CONST', 'plain', 0, '<code object total_price at 0x7f, file "/w/shop.py", line 1>', null],
  [4, 1, 'MAKE_FUNCTION', 'MAKE_FUNCTION', 'plain', 0, '', null],
  [6, 1, 'STORE_NAME', 'STORE_NAME', 'plain', 0, 'total_price', null],
  [8, 1, 'RETURN_CONST', 'RETURN_CONST', 'plain', 1, 'None', null],
];
const TOTAL_PRICE: Row[] = [
  [0, 1, 'RESUME', 'RESUME', 'plain', 0, '', null],
  [2, 2, 'LOAD_CONST', 'LOAD_CONST', 'plain', 1, '0', null],
  [4, 2, 'STORE_FAST', 'STORE_FAST', 'plain', 1, 'total', null],
  [6, 3, 'LOAD_FAST', 'LOAD_FAST', 'plain', 0, 'items', null],
  [8, 3, 'GET_ITER', 'GET_ITER', 'plain', null, '', null],
  [10, 3, 'FOR_ITER_LIST', 'FOR_ITER', 'specialized', 17, 'to 48', 832, true],
  [14, 3, 'STORE_FAST', 'STORE_FAST', 'plain', 2, 'item', null],
  [16, 4, 'LOAD_FAST__LOAD_FAST', 'LOAD_FAST', 'plain', 1, 'total', null],
  [18, 4, 'LOAD_FAST', 'LOAD_FAST', 'plain', 2, 'item', null],
  [20, 4, 'LOAD_ATTR_INSTANCE_VALUE', 'LOAD_ATTR', 'specialized', 0, 'price', 832],
  [40, 4, 'BINARY_OP', 'BINARY_OP', 'failed', 13, '+=', 217],
  [44, 4, 'STORE_FAST', 'STORE_FAST', 'plain', 1, 'total', null],
  [46, 4, 'JUMP_BACKWARD', 'JUMP_BACKWARD', 'plain', 19, 'to 10', null],
  [48, 3, 'END_FOR', 'END_FOR', 'plain', null, '', null, true],
  [50, 5, 'LOAD_GLOBAL', 'LOAD_GLOBAL', 'unspecialized', 1, 'NULL + sorted', 1],
  [60, 5, 'LOAD_FAST', 'LOAD_FAST', 'plain', 0, 'items', null],
  [62, 5, 'LOAD_CONST', 'LOAD_CONST', 'plain', 2, '<code object <lambda>>', null],
  [64, 5, 'MAKE_FUNCTION', 'MAKE_FUNCTION', 'plain', 0, '', null],
  [66, 5, 'CALL', 'CALL', 'cold', 2, '', 17],
];
const LAMBDA: Row[] = [
  [0, 5, 'RESUME', 'RESUME', 'plain', 0, '', null],
  [2, 5, 'LOAD_FAST', 'LOAD_FAST', 'plain', 0, 'i', null],
  [4, 5, 'LOAD_ATTR', 'LOAD_ATTR', 'cold', 0, 'price', 17],
  [24, 5, 'RETURN_VALUE', 'RETURN_VALUE', 'plain', null, '', null],
];

const codeObject = (name: string, qualname: string, kind: string, firstLine: number, lastLine: number, parent: number | null, rows: Row[]): Json =>
  ({ name, qualname, kind, file: '/w/shop.py', firstLine, lastLine, parent, instructions: instructions(rows), summary: summaryOf(rows) });

const listingText = (extra: Json = {}) => JSON.stringify({
  schema: 'pyrometer.bytecode/1',
  metadata: { tool: 'dis', python: { version: '3.12.1' }, cwd: '/w', script: '/w/shop.py', exitCode: 0, exception: null },
  adaptive: { available: true, reason: null },
  warmup: { mode: 'script', call: null, repeat: 1 },
  families: { LOAD_ATTR: ['LOAD_ATTR_INSTANCE_VALUE'], BINARY_OP: ['BINARY_OP_ADD_INT'], FOR_ITER: ['FOR_ITER_LIST'],
    LOAD_GLOBAL: ['LOAD_GLOBAL_BUILTIN'], CALL: ['CALL_PY_EXACT_ARGS'], LOAD_FAST: ['LOAD_FAST__LOAD_FAST'] },
  codeObjects: [
    codeObject('<module>', '<module>', 'module', 1, 5, null, MODULE),
    codeObject('total_price', 'total_price', 'function', 1, 5, 0, TOTAL_PRICE),
    codeObject('<lambda>', 'total_price.<locals>.<lambda>', 'lambda', 5, 5, 1, LAMBDA),
  ],
  ...extra,
});

const lines = (doc: BytecodeDocument) => doc.text.split('\n');

describe('the specialized-bytecode document', () => {
  const listing = parseBytecodeResult(listingText());
  const doc = renderBytecodeDocument(listing, SOURCE);
  const text = lines(doc);

  it('opens with the summary block for the whole file', () => {
    assert.deepStrictEqual(text.slice(0, 4), [
      '# Specialized bytecode of shop.py (/w/shop.py)',
      '# Python 3.12.1 · warm-up: the script ran as __main__',
      '# 3 code objects · 6 specializable instructions: 2 specialized, 1 failed to specialize, 1 not yet specialized, 2 cold',
      '# ✓ specialized   ✗ failed to specialize   … not yet specialized   · cold (not run since the code was quickened)',
    ]);
    assert.strictEqual(doc.lineCount, text.length - 1); // the text ends with a newline
  });

  it('heads each code object with its kind, name, place and counts', () => {
    assert.ok(text.includes('module <module>  (shop.py:1)  nothing to specialize'));
    assert.ok(text.includes('def total_price  (shop.py:1)  specialized 2/5, failed 1, not yet 1, cold 1'));
    assert.ok(text.includes('lambda total_price.<locals>.<lambda>  (shop.py:5)  specialized 0/1, cold 1'));
  });

  it('shows each source line with its number and text, then its instructions with their status', () => {
    const block = doc.docLinesOf(4)!;
    assert.strictEqual(text[block.first], '     4 │ total += item.price');
    const body = text.slice(block.first + 1, block.last + 1);
    assert.deepStrictEqual(body.map(l => l.trim().split(/\s+/)[1]),
      ['LOAD_FAST__LOAD_FAST', 'LOAD_FAST', 'LOAD_ATTR_INSTANCE_VALUE', 'BINARY_OP', 'STORE_FAST', 'JUMP_BACKWARD']);
    assert.match(body[2], /^ {8} {2} 20 {2}LOAD_ATTR_INSTANCE_VALUE +0 +\(price\) +✓ specialized$/);
    assert.match(body[3], /^ +40 {2}BINARY_OP +13 +\(\+=\) +✗ failed to specialize$/);
    assert.match(body[4], /^ +44 {2}STORE_FAST +1 +\(total\)$/); // plain: no marker
    assert.ok(text.some(l => / {2}66 {2}CALL +2 +· cold$/.test(l)));
    assert.ok(text.some(l => /\(NULL \+ sorted\) +… not yet specialized$/.test(l)));
  });

  it('groups a loop header\'s instructions under its line, marks jump targets, puts line-less ones last', () => {
    const block = doc.docLinesOf(3)!;
    const body = text.slice(block.first + 1, block.last + 1);
    assert.deepStrictEqual(body.map(l => l.trim().replace(/^>> /, '').split(/\s+/)[0]), ['6', '8', '10', '14', '48']);
    assert.deepStrictEqual(body.map(l => l.includes('>>')), [false, false, true, false, true]);
    const module = doc.sectionOf(0)!;
    assert.strictEqual(text[module.last - 1], '     - │ (no source line)');
    assert.strictEqual(doc.instructionAt(module.last)?.instruction.opname, 'RESUME');
    assert.strictEqual(doc.sourceLineOf(module.last), undefined);
  });

  it('lines the status markers up in one column', () => {
    const columns = new Set(text.filter(l => /[✓✗…·] [a-z]/.test(l) && !l.startsWith('#'))
      .map(l => l.search(/[✓✗…·] [a-z]/)));
    assert.strictEqual(columns.size, 1, [...columns].join(','));
  });

  it('maps document lines to source lines, statuses and instructions, and back', () => {
    let seen = 0;
    for (let d = 0; d < doc.lineCount; d++) {
      const at = doc.instructionAt(d);
      if (!at) {
        assert.strictEqual(doc.statusAt(d), undefined);
        continue;
      }
      seen++;
      const { instruction } = at;
      assert.strictEqual(listing.codeObjects[at.codeObject].instructions[at.index], instruction);
      assert.strictEqual(doc.statusAt(d), instruction.status);
      assert.strictEqual(doc.codeObjectAt(d), at.codeObject);
      assert.strictEqual(doc.sourceLineOf(d), instruction.line ?? undefined);
      assert.ok(text[d].includes(`${instruction.offset}  ${instruction.opname}`), text[d]);
      if (instruction.line !== null) {
        assert.ok(doc.allDocLinesOf(instruction.line).some(r => r.first < d && d <= r.last), `doc line ${d}`);
      }
    }
    assert.strictEqual(seen, MODULE.length + TOTAL_PRICE.length + LAMBDA.length);
    for (let d = 0; d < 4; d++) assert.strictEqual(doc.sourceLineOf(d), undefined);
    assert.strictEqual(doc.sourceLineOf(doc.sectionOf(1)!.first), 1); // a header maps to its first line
    assert.strictEqual(doc.docLinesOf(99), undefined);
  });

  it('prefers the innermost code object for a line several of them share', () => {
    assert.strictEqual(doc.allDocLinesOf(5).length, 2);
    assert.strictEqual(doc.codeObjectAt(doc.docLinesOf(5)!.first), 2); // the lambda, not total_price
    assert.strictEqual(doc.codeObjectAt(doc.docLinesOf(1)!.first), 1); // the def line: the function, not the module
    const section = doc.sectionOf(2)!;
    assert.match(text[section.first], /^lambda /);
    assert.strictEqual(section.last, doc.lineCount - 1);
  });

  it('shows only line numbers without the source', () => {
    const bare = lines(renderBytecodeDocument(listing));
    assert.ok(bare.includes('     4 │'));
    assert.ok(!bare.some(l => l.includes('item.price')));
  });

  it('puts the reason on top and no statuses when the interpreter does not specialize', () => {
    const reason = 'adaptive specialization needs Python 3.11+ (this is 3.8.18); this is the plain dis listing';
    const plain = lines(renderBytecodeDocument(parseBytecodeResult(listingText({ adaptive: { available: false, reason } })), SOURCE));
    assert.strictEqual(plain[0], `# ${reason}`);
    assert.strictEqual(plain[1], '# Bytecode of shop.py (/w/shop.py)');
    assert.ok(plain.includes('def total_price  (shop.py:1)'));
    assert.ok(!plain.slice(1).some(l => /✓|✗|not yet|cold/.test(l)));
  });

  it('says how the code was warmed up, and when the warm-up raised', () => {
    const called = lines(renderBytecodeDocument(parseBytecodeResult(listingText({
      warmup: { mode: 'call', call: 'total_price', repeat: 1000 },
      metadata: { python: { version: '3.13.0' }, cwd: '/w', script: '/w/shop.py', exitCode: 1,
        exception: { type: 'TypeError', message: "'int' object is not iterable\nmore", traceback: '', phase: 'run' } },
    }))));
    assert.strictEqual(called[1], '# Python 3.13.0 · warm-up: called total_price 1,000 times (the module imported, its main ' +
      "block skipped); it raised TypeError: 'int' object is not iterable (the listing shows the state when it stopped)");
    const exited = lines(renderBytecodeDocument(parseBytecodeResult(listingText({
      metadata: { python: { version: '3.12.1' }, cwd: '/w', script: '/w/shop.py', exitCode: 3, exception: null } }))));
    assert.strictEqual(exited[1], '# Python 3.12.1 · warm-up: the script ran as __main__ (exit status 3)');
  });
});

/** The grammar's rules as JavaScript regular expressions (its patterns use only syntax both engines share). */
function grammarRules(): Record<string, RegExp> {
  const grammar = JSON.parse(readFileSync(path.join(REPO_ROOT, 'syntaxes', 'pyrometer-dis.tmLanguage.json'), 'utf8'));
  assert.strictEqual(grammar.scopeName, 'source.pyrometer-dis');
  const rules: Record<string, RegExp> = {};
  for (const name of ['summary', 'header', 'source-line', 'instruction']) rules[name] = new RegExp(grammar.repository[name].match, 'u');
  return rules;
}

describe('the pyrometer-dis grammar', () => {
  const rules = grammarRules();
  const order = ['summary', 'header', 'source-line', 'instruction'];
  const statusGroups: Record<number, SpecializationStatus> = { 6: 'specialized', 7: 'failed', 8: 'unspecialized', 9: 'cold' };

  const check = (doc: BytecodeDocument) => {
    const text = lines(doc);
    for (let d = 0; d < doc.lineCount; d++) {
      const line = text[d];
      if (line === '') continue;
      const code = doc.codeObjectAt(d);
      const expected = line.startsWith('#') ? 'summary'
        : doc.instructionAt(d) ? 'instruction'
          : code !== undefined && doc.sectionOf(code)!.first === d ? 'header' : 'source-line';
      const matched = order.find(name => rules[name].test(line));
      assert.strictEqual(matched, expected, `${JSON.stringify(line)} matched ${matched}`);
      if (expected === 'instruction') {
        const groups = rules.instruction.exec(line)!;
        assert.strictEqual(groups[3], doc.instructionAt(d)!.instruction.opname, line);
        const status = Object.entries(statusGroups).find(([group]) => groups[Number(group)] !== undefined)?.[1] ?? 'plain';
        assert.strictEqual(status, doc.statusAt(d), line);
      }
    }
  };

  it('gives every line of the document the rule of its kind, and each marker its status', () => {
    check(renderBytecodeDocument(parseBytecodeResult(listingText()), SOURCE));
    check(renderBytecodeDocument(parseBytecodeResult(listingText())));
  });

  it('colours markers with scopes themes know', () => {
    const grammar = JSON.parse(readFileSync(path.join(REPO_ROOT, 'syntaxes', 'pyrometer-dis.tmLanguage.json'), 'utf8'));
    const captures = grammar.repository.instruction.captures;
    assert.match(captures['6'].name, /^markup\.inserted\./);
    assert.match(captures['7'].name, /^invalid\./);
    assert.match(captures['9'].name, /^comment\./);
    assert.strictEqual(STATUS_MARKERS.specialized, '✓ specialized');
  });
});


describe('the document of a real run (attributes.py, Python 3.12)', function () {
  this.timeout(120000);
  let dir: string;
  let listing: BytecodeListing;
  let source: string[];

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-bytecode-'));
    const out = path.join(dir, 'result.json');
    const script = path.join(WORKLOADS, 'attributes.py');
    execFileSync(pyenvPython('3.12'), [path.join(RUNNER_ROOT, 'pyrometer_runner'), 'bytecode', '--out', out, '--', script],
      { cwd: WORKLOADS, timeout: 110000 });
    listing = parseBytecodeResult(await fs.readFile(out, 'utf8'));
    source = (await fs.readFile(script, 'utf8')).split('\n');
  });

  after(() => fs.rm(dir, { recursive: true, force: true }));

  it("puts item.price's instruction under its source line with the status from the result", () => {
    const def = source.findIndex(l => l.startsWith('def total_price')) + 1;
    const line = source.findIndex((l, i) => i >= def && l.includes('item.price')) + 1; // 1-based
    assert.ok(line > def, 'the workload has total_price with item.price');
    const total = listing.codeObjects.find(c => c.qualname === 'total_price')!;
    const load = total.instructions.find(i => i.line === line && i.baseOpname === 'LOAD_ATTR' && i.argrepr === 'price');
    assert.ok(load, `no LOAD_ATTR of price on line ${line}`);

    const doc = renderBytecodeDocument(listing, source);
    const block = doc.docLinesOf(line)!;
    const text = lines(doc);
    assert.strictEqual(text[block.first], `${String(line).padStart(6)} │ ${source[line - 1].trim()}`);
    const docLine = [...Array(block.last - block.first).keys()].map(k => block.first + 1 + k)
      .find(d => doc.instructionAt(d)?.instruction === load);
    assert.ok(docLine !== undefined, 'the instruction is in its line\'s block');
    assert.strictEqual(doc.sourceLineOf(docLine), line);
    assert.strictEqual(doc.statusAt(docLine), load.status);
    assert.strictEqual(load.status, 'specialized'); // monomorphic: what the runner's own tests establish on 3.12
    assert.ok(text[docLine].includes(load.opname) && text[docLine].endsWith(STATUS_MARKERS[load.status]), text[docLine]);
    assert.strictEqual(doc.codeObjectAt(docLine), listing.codeObjects.indexOf(total));
  });
});
