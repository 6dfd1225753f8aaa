import * as assert from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { parseJitDump } from '../../src/core/jitdump';
import { CodeSymbol, CodeSymbolIndex, parsePerfMap, pythonSymbol } from '../../src/core/perfMap';
import { parsePerfScript } from '../../src/core/perfScript';
import { ProfileFormatError } from '../../src/core/profileErrors';
import type { Profile } from '../../src/core/profileModel';
import { REPO_ROOT } from '../support/pythonForTests';
import { stackSamplesOf } from '../../src/core/stackTable';

/** Real outputs of perf 6.1 and CPython 3.12/3.13 on the regex/dict workload (scripts/make-perf-fixtures.sh). */
const PERF_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'perf');
const text = (name: string) => fs.readFileSync(path.join(PERF_FIXTURES, name), 'utf8');
const WORKLOAD = 'regex_dict_workload.py';

/** Independent reading of perf script text: the blocks (samples) as arrays of stack lines, leaf first. */
function blocks(script: string): string[][] {
  return script.split(/\n\s*\n/).map(b => b.split('\n').filter(l => l.trim() !== '')).filter(b => b.length > 0)
    .map(b => b.slice(1).map(l => l.trim()));
}

/** Each sample as `root;...;leaf` of `name@file` (kind-independent), to compare two readings. */
function collapsed(p: Profile): string[] {
  const out: string[] = [];
  for (const s of stackSamplesOf(p.stacks!.stacks)) {
    const key = s.frames.map(f => `${p.frames[f].name}@${p.frames[f].file}`).join(';');
    for (let i = 0; i < s.weight; i++) out.push(key);
  }
  return out.sort();
}

describe('perf map (/tmp/perf-PID.map of python -X perf)', () => {
  it('reads every line of a real 3.12 map, the late-defined function last', () => {
    const map = text('py312-perf.map');
    const symbols = parsePerfMap(map);
    const lines = map.split('\n').filter(l => l !== '');
    assert.strictEqual(symbols.length, lines.length);
    lines.forEach((l, i) => {
      const [start, size] = l.split(' ');
      assert.strictEqual(symbols[i].start, parseInt(start, 16));
      assert.strictEqual(symbols[i].size, parseInt(size, 16));
      assert.strictEqual(symbols[i].name, l.slice(start.length + size.length + 2));
    });
    const late = symbols.findIndex(s => s.name === 'py::late_sum:<string>');
    assert.ok(late > symbols.findIndex(s => s.name.startsWith('py::count_words:')), 'late_sum is written after count_words');
    assert.ok(late >= symbols.length - 10, `late_sum near the end (${late} of ${symbols.length})`);
  });

  it('names every address perf left [unknown] once the map was gone, exactly as perf named them with it', () => {
    const index = new CodeSymbolIndex(parsePerfMap(text('py312-perf.map')));
    const unresolvedText = text('py312-dwarf-unresolved.txt');
    const unknownInMap = (unresolvedText.match(/\[unknown\] \(\/tmp\/perf-\d+\.map\)/g) ?? []).length;
    assert.ok(unknownInMap > 100, `the fixture has ${unknownInMap} unresolved map addresses`);
    const ours = parsePerfScript(unresolvedText, { symbols: index });
    const perfs = parsePerfScript(text('py312-dwarf-script.txt'));
    assert.strictEqual(ours.facts.resolvedByUs, unknownInMap);
    assert.strictEqual(perfs.facts.resolvedByUs, 0);
    assert.deepStrictEqual(collapsed(ours.profile), collapsed(perfs.profile));
    assert.ok(ours.profile.frames.some(f => f.name === 'late_sum' && f.file === '<string>' && f.kind === 'python'));
  });

  it('finds no symbol for addresses outside every entry, and the later entry where two overlap', () => {
    const symbols: CodeSymbol[] = [
      { start: 0x1000, size: 0x10, name: 'py::a:/a.py', order: 0 },
      { start: 0x2000, size: 0x100, name: 'py::old:/o.py', order: 1 },
      { start: 0x2040, size: 0x10, name: 'py::new:/n.py', order: 2 },
    ];
    const index = new CodeSymbolIndex(symbols);
    assert.strictEqual(index.lookup(0x0fff), undefined);
    assert.strictEqual(index.lookup(0x1000)?.name, 'py::a:/a.py');
    assert.strictEqual(index.lookup(0x100f)?.name, 'py::a:/a.py');
    assert.strictEqual(index.lookup(0x1010), undefined);
    assert.strictEqual(index.lookup(0x2045)?.name, 'py::new:/n.py');
    assert.strictEqual(index.lookup(0x2050)?.name, 'py::old:/o.py');
    assert.strictEqual(index.lookup(0x2100), undefined);
    assert.strictEqual(new CodeSymbolIndex([]).lookup(0x1000), undefined);
  });

  it('splits py:: names into qualname and file', () => {
    assert.deepStrictEqual(pythonSymbol('py::Cls.meth:/a b/c.py'), { qualname: 'Cls.meth', file: '/a b/c.py' });
    assert.deepStrictEqual(pythonSymbol('py::<module>:<frozen runpy>'), { qualname: '<module>', file: '<frozen runpy>' });
    assert.strictEqual(pythonSymbol('_PyEval_EvalFrameDefault'), undefined);
  });

  it('says which line is not a map entry', () => {
    assert.throws(() => parsePerfMap('7f00 b py::a:/a.py\nnot a map line\n', 'perf-1.map'),
      (e: unknown) => e instanceof ProfileFormatError && /perf-1\.map line 2/.test(e.message));
  });
});

describe('jitdump (/tmp/jit-PID.dump of python -X perf_jit)', () => {
  it('reads the code loads of a real 3.13 dump: the pid of the run and every Python function perf showed', () => {
    const dump = parseJitDump(fs.readFileSync(path.join(PERF_FIXTURES, 'py313-jit.dump')));
    const script = text('py313-jit-script.txt');
    const pid = Number(/^\S+\s+(\d+)\//m.exec(script)![1]);
    assert.strictEqual(dump.pid, pid);
    assert.strictEqual(dump.truncated, false);
    assert.ok(dump.symbols.every(s => s.name.startsWith('py::') && s.size > 0));
    const names = new Set(dump.symbols.map(s => s.name));
    const shown = new Set([...script.matchAll(/ (py::\S.*?) \(\/tmp\/jitted-/g)].map(m => m[1]));
    assert.ok(shown.size > 10);
    for (const n of shown) assert.ok(names.has(n), `${n} is in the jitdump`);
  });

  it('names the Python frames of a recording perf inject never saw', () => {
    const dump = parseJitDump(fs.readFileSync(path.join(PERF_FIXTURES, 'py313-jit.dump')));
    const { profile, facts } = parsePerfScript(text('py313-noinject-script.txt'), { symbols: new CodeSymbolIndex(dump.symbols) });
    const unknown = (text('py313-noinject-script.txt').match(/\[unknown\] \(\/tmp\/perf-\d+\.map\)/g) ?? []).length;
    assert.strictEqual(facts.resolvedByUs, unknown);
    for (const name of ['count_words', 'dict_churn']) {
      assert.ok(profile.frames.some(f => f.name === name && f.kind === 'python' && f.file.endsWith(WORKLOAD)), name);
    }
  });

  it('keeps the records before a cut, and says what is wrong with a file that is not a jitdump', () => {
    const data = fs.readFileSync(path.join(PERF_FIXTURES, 'py313-jit.dump'));
    const whole = parseJitDump(data);
    const cut = parseJitDump(data.subarray(0, Math.floor(data.length / 2)));
    assert.strictEqual(cut.truncated, true);
    assert.ok(cut.symbols.length > 0 && cut.symbols.length < whole.symbols.length);
    assert.deepStrictEqual(cut.symbols, whole.symbols.slice(0, cut.symbols.length));
    assert.throws(() => parseJitDump(Buffer.from('not a jitdump, just some text here......')), /no "JiTD" magic/);
  });
});

describe('perf script → profile', () => {
  for (const [name, full] of [['py313-jit-script.txt', true], ['py312-dwarf-script.txt', false]] as const) {
    it(`${name}: one sample per header, Python frames linked to the workload, C frames under them`, () => {
      const script = text(name);
      const { profile, facts } = parsePerfScript(script, { rateHz: 199 });
      const ref = blocks(script);
      assert.strictEqual(profile.source, 'perf');
      assert.strictEqual(facts.samples, ref.length);
      assert.strictEqual(profile.stacks!.totalWeight, ref.length);
      for (const fn of ['count_words', 'dict_churn', 'main']) {
        const refCount = ref.filter(b => b.some(l => l.includes(`py::${fn}:`) && l.includes(WORKLOAD))).length;
        const index = profile.frames.findIndex(f => f.name === fn && f.file.endsWith(WORKLOAD));
        if (!full && fn === 'main') continue; // 3.12 + DWARF: only the innermost Python frame
        assert.ok(index >= 0, fn);
        assert.strictEqual(profile.frames[index].kind, 'python');
        const ours = stackSamplesOf(profile.stacks!.stacks).filter(s => s.frames.includes(index)).reduce((n, s) => n + s.weight, 0);
        assert.strictEqual(ours, refCount, `${fn}: samples on the stack`);
      }
      const under = (py: string, c: RegExp) => stackSamplesOf(profile.stacks!.stacks).some(s => {
        const at = s.frames.findIndex(f => profile.frames[f].name === py);
        return at >= 0 && s.frames.slice(at + 1).some(f => c.test(profile.frames[f].name) && profile.frames[f].kind === 'native');
      });
      assert.ok(under('count_words', /^_PyEval_EvalFrameDefault$/));
      assert.ok(under('count_words', /sre/));
      assert.ok(under('dict_churn', /dict/i));
      if (full) {
        const main = profile.frames.findIndex(f => f.name === 'main' && f.file.endsWith(WORKLOAD));
        assert.ok(stackSamplesOf(profile.stacks!.stacks).some(s => s.frames.indexOf(main) >= 0 && s.frames.indexOf(main) < s.frames.findIndex(f => profile.frames[f].name === 'count_words')),
          'main is a caller of count_words (full stacks on 3.13)');
      }
      assert.ok(profile.frames.some(f => f.kind === 'kernel'), 'kernel frames');
      assert.ok(!profile.frames.some(f => f.name.startsWith('py::')), 'no raw py:: names left');
    });
  }

  it('reads a sample without a call chain (perf record without -g)', () => {
    const { profile } = parsePerfScript('python 10/11 5.000001: cpu-clock:        1c940c PyObject_IsTrue (/lib/libpython3.12.so.1.0)\n');
    assert.deepStrictEqual(profile.frames.map(f => [f.name, f.kind]), [['PyObject_IsTrue', 'native']]);
    assert.deepStrictEqual(profile.stacks!.threads.map(t => t.id), ['10/11']);
  });

  it('says what is wrong with text that is not perf script output', () => {
    assert.throws(() => parsePerfScript(''), (e: unknown) => e instanceof ProfileFormatError && /no samples/.test(e.message));
    assert.throws(() => parsePerfScript('hello world\n'), (e: unknown) => e instanceof ProfileFormatError && /Line 1 is not a perf script sample header/.test(e.message));
    assert.throws(() => parsePerfScript('python 1/1 1.0: cpu-clock:\n\t7f00 sym_without_dso\n'), (e: unknown) => e instanceof ProfileFormatError && /no "\(DSO\)"/.test(e.message));
  });
});

describe('perf parsers on damaged input (fast-check)', () => {
  const sample = text('py313-jit-script.txt').split('\n').slice(0, 400);
  const mapLines = text('py312-perf.map').split('\n').slice(0, 60);
  const dump = fs.readFileSync(path.join(PERF_FIXTURES, 'py313-jit.dump')).subarray(0, 4000);
  const typedOrModel = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      if (!(e instanceof ProfileFormatError)) throw e;
    }
  };

  it('perf script: lines dropped, duplicated, cut or replaced give a model or ProfileFormatError', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(sample.length - 1), fc.oneof(fc.constant('drop'), fc.constant('dup'), fc.constant('cut'), fc.string())), { maxLength: 12 }), edits => {
      const lines = [...sample];
      for (const [at, edit] of edits) {
        const i = at % Math.max(1, lines.length);
        if (edit === 'drop') lines.splice(i, 1);
        else if (edit === 'dup') lines.splice(i, 0, lines[i] ?? '');
        else if (edit === 'cut') lines[i] = (lines[i] ?? '').slice(0, Math.floor((lines[i] ?? '').length / 2));
        else lines[i] = edit;
      }
      typedOrModel(() => parsePerfScript(lines.join('\n')));
    }), { numRuns: 300 });
  });

  it('perf map: random lines give entries or ProfileFormatError', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...mapLines), fc.string(), fc.stringMatching(/^[0-9a-f]{1,20}$/).map((h: string) => `${h} ${h} py::x:/x.py`))), lines => {
      typedOrModel(() => parsePerfMap(lines.join('\n')));
    }), { numRuns: 300 });
  });

  it('jitdump: flipped bytes and random data give a dump or ProfileFormatError', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(dump.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), flips => {
      const copy = Buffer.from(dump);
      for (const [at, value] of flips) copy[at] = value;
      typedOrModel(() => parseJitDump(copy));
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), bytes => typedOrModel(() => parseJitDump(bytes))), { numRuns: 300 });
  });
});
