import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildCallTree, CALL_TREE_ROOT } from '../../src/core/callTree';
import { flameGraphData } from '../../src/core/flameLayout';
import { baseSymbol, framesKept, isInterpreterSymbol, nativeCategory } from '../../src/core/nativeFrames';
import { nativeLensText, nativeShares } from '../../src/core/nativeShares';
import { defLineOf, withDefLines } from '../../src/core/perfDefLines';
import { parsePerfScript } from '../../src/core/perfScript';
import type { Frame } from '../../src/core/profileModel';
import { annotateSampledFile } from '../../src/core/sampleAnnotations';
import { functionSampleStats, lineSampleStats } from '../../src/core/sampleStats';
import { REPO_ROOT } from '../support/pythonForTests';
import { stackSamplesOf } from '../../src/core/stackTable';

const PERF_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'perf');
const script313 = fs.readFileSync(path.join(PERF_FIXTURES, 'py313-jit-script.txt'), 'utf8');
const WORKLOAD_TEXT = fs.readFileSync(path.join(PERF_FIXTURES, 'regex_dict_workload.py'), 'utf8');
const native = (name: string): Frame => ({ name, file: '/lib/libpython3.13.so.1.0', line: 0, kind: 'native' });

/** Independent reading: each sample's frames, leaf first, as [symbol, dso]. */
function samplesOf(text: string): [string, string][][] {
  return text.split(/\n\s*\n/).map(b => b.split('\n').filter(l => l.trim() !== '')).filter(b => b.length > 0)
    .map(b => b.slice(1).map(l => {
      const m = /^\s*[0-9a-f]+ (.*) \((.*)\)$/.exec(l)!;
      return [m[1], m[2]] as [string, string];
    }));
}

describe('interpreter frames and native categories', () => {
  it('classifies the eval loop, call plumbing and trampolines as the interpreter', () => {
    for (const s of ['_PyEval_EvalFrameDefault', 'PyEval_EvalCode', 'py_trampoline_evaluator', 'PyObject_Vectorcall',
      '_PyObject_VectorcallTstate', 'cfunction_vectorcall_FASTCALL_KEYWORDS_METHOD', '_PyFunction_Vectorcall', 'Py_RunMain',
      '__libc_start_main@@GLIBC_2.34', '_PyEval_EvalFrameDefault.cold', 'method_vectorcall_O']) {
      assert.ok(isInterpreterSymbol(s), s);
    }
    for (const s of ['sre_ucs1_match', '_Py_dict_lookup', 'siphash13', 'PyUnicode_Concat', 'gc_collect_main', 'malloc']) {
      assert.ok(!isInterpreterSymbol(s), s);
    }
  });

  it('names the work: dict, regex, str, hashing, allocation, GC, kernel', () => {
    const cases: [Frame, string][] = [
      [native('_Py_dict_lookup'), 'dict'], [native('insertdict.isra.0'), 'dict'], [native('_PyDict_SetItem_Take2'), 'dict'],
      [native('sre_ucs1_match'), 'regex'], [native('_sre_SRE_Scanner_search'), 'regex'], [native('unicode_hash'), 'unicode'],
      [native('siphash13'), 'hashing'], [native('_PyObject_Malloc'), 'allocation'], [native('gc_collect_main'), 'gc'],
      [native('long_to_decimal_string_internal'), 'int'], [native('calliter_iternext'), 'other'],
      [{ name: 'exc_page_fault', file: '[kernel.kallsyms]', line: 0, kind: 'kernel' }, 'kernel'],
      [native('_PyEval_EvalFrameDefault'), 'interpreter'],
    ];
    for (const [frame, category] of cases) assert.strictEqual(nativeCategory(frame), category, frame.name);
    assert.strictEqual(baseSymbol('insertdict.isra.0'), 'insertdict');
    assert.strictEqual(baseSymbol('PyErr_Occurred@plt'), 'PyErr_Occurred');
  });

  it('keeps per filter: Python only, native only, no interpreter', () => {
    const frames: Frame[] = [
      { name: 'f', file: '/a.py', line: 1, kind: 'python' }, native('_PyEval_EvalFrameDefault'), native('sre_search'),
      { name: 'exc_page_fault', file: '[kernel.kallsyms]', line: 0, kind: 'kernel' }, { name: '[unknown]', file: '/tmp/perf-1.map', line: 0, kind: 'jit' },
    ];
    assert.deepStrictEqual([...framesKept(frames, 'all')], [1, 1, 1, 1, 1]);
    assert.deepStrictEqual([...framesKept(frames, 'python')], [1, 0, 0, 0, 0]);
    assert.deepStrictEqual([...framesKept(frames, 'native')], [0, 0, 1, 1, 0]);
    assert.deepStrictEqual([...framesKept(frames, 'noInterpreter')], [1, 0, 1, 1, 0]);
  });
});

describe('flame graph of a mixed (perf 3.13) profile, filtered', () => {
  const { profile } = parsePerfScript(script313, { rateHz: 199 });
  const refSamples = samplesOf(script313);

  it('Python only: the boxes are Python functions, count_words as wide as perf\'s samples holding it', () => {
    const data = flameGraphData(profile, { frameFilter: 'python' });
    assert.strictEqual(data.canFilterFrames, true);
    assert.strictEqual(data.request.frameFilter, 'python');
    assert.ok(data.frames.every(f => f.kind === 'python'));
    const cw = data.frames.findIndex(f => f.name === 'count_words');
    const pane = data.panes[0];
    const width = pane.frame.reduce((n, f, i) => n + (f === cw ? pane.width[i] : 0), 0);
    const ref = refSamples.filter(s => s.some(([sym]) => sym.startsWith('py::count_words:'))).length;
    assert.strictEqual(width, ref);
    // Self of count_words in the Python-only view = samples where it is the innermost Python frame.
    const self = pane.frame.reduce((n, f, i) => n + (f === cw ? pane.self[i] : 0), 0);
    const refSelf = refSamples.filter(s => s.find(([sym]) => sym.startsWith('py::'))?.[0].startsWith('py::count_words:')).length;
    assert.strictEqual(self, refSelf);
    assert.strictEqual(data.totalWeight, flameGraphData(profile).totalWeight, 'same denominator as the unfiltered view');
  });

  it('native only and no interpreter drop the eval loop; all keeps it', () => {
    const has = (filter: 'all' | 'native' | 'noInterpreter', name: string) =>
      flameGraphData(profile, { frameFilter: filter }).frames.some(f => f.name === name);
    assert.ok(has('all', '_PyEval_EvalFrameDefault'));
    assert.ok(!has('native', '_PyEval_EvalFrameDefault'));
    assert.ok(!has('noInterpreter', '_PyEval_EvalFrameDefault'));
    assert.ok(has('native', 'sre_ucs1_match') && !has('native', 'count_words'));
    assert.ok(has('noInterpreter', 'sre_ucs1_match') && has('noInterpreter', 'count_words'));
  });

  it('a py-spy profile offers no filter and ignores one asked for', () => {
    const py = { ...profile, frames: profile.frames.map(f => ({ ...f, kind: 'python' as const })) };
    const data = flameGraphData(py, { frameFilter: 'native' });
    assert.strictEqual(data.canFilterFrames, undefined);
    assert.strictEqual(data.request.frameFilter, 'all');
    const tree = buildCallTree({ unit: 'samples', forEachStack: v => stackSamplesOf(py.stacks!.stacks).forEach(s => v(s.frames, s.lines, s.frames.length, s.weight)) });
    assert.strictEqual(data.panes[0].width.filter((_, i) => data.panes[0].depth[i] === 0).reduce((a, b) => a + b, 0), tree.totalWeight[CALL_TREE_ROOT]);
  });
});

describe('native work under each Python function (CodeLens)', () => {
  const { profile } = parsePerfScript(script313, { rateHz: 199 });
  const refSamples = samplesOf(script313);

  it('count_words: total, self (innermost Python) and regex samples equal counts taken from perf script', () => {
    const shares = nativeShares(profile);
    const cw = profile.frames.findIndex(f => f.name === 'count_words');
    const s = shares.functions.get(cw)!;
    const innermostIs = (sample: [string, string][], fn: string) => sample.find(([sym]) => sym.startsWith('py::'))?.[0].startsWith(`py::${fn}:`) === true;
    assert.strictEqual(shares.totalSamples, refSamples.length);
    assert.strictEqual(s.totalSamples, refSamples.filter(x => x.some(([sym]) => sym.startsWith('py::count_words:'))).length);
    assert.strictEqual(s.selfSamples, refSamples.filter(x => innermostIs(x, 'count_words')).length);
    // Regex: some frame between the leaf and count_words is the regex engine (sre_*) or a Match/Pattern method.
    const refRegex = refSamples.filter(x => {
      if (!innermostIs(x, 'count_words')) return false;
      const at = x.findIndex(([sym]) => sym.startsWith('py::'));
      return x.slice(0, at).some(([sym]) => /sre|^(match|pattern|scanner)_/i.test(sym));
    }).length;
    const regex = s.byCategory.find(c => c.category === 'regex')?.samples ?? 0;
    assert.ok(regex > 0);
    assert.strictEqual(regex, refRegex, 'regex samples under count_words');
    assert.strictEqual(s.byCategory[0].category, 'regex', 'regex is count_words\' main native work');
    const dictChurn = shares.functions.get(profile.frames.findIndex(f => f.name === 'dict_churn'))!;
    assert.strictEqual(dictChurn.byCategory[0].category, 'dict');
    assert.match(nativeLensText(s, shares.totalSamples), /^perf: \d+\.\d% total \([\d,]+ samples\) \| self \d+\.\d% \([\d,]+\) \| native under it \d+\.\d%: regex \d+\.\d%/);
  });

  it('the CodeLens sits on the def of each workload function with those figures', () => {
    const file = '/work/regex_dict_workload.py';
    const moved = { ...profile, frames: profile.frames.map(f => (f.file.endsWith('regex_dict_workload.py') ? { ...f, file } : f)) };
    const withLines = withDefLines(moved, f => (f === file ? WORKLOAD_TEXT : undefined));
    const shares = nativeShares(withLines);
    const lenses = annotateSampledFile(withLines, { functions: functionSampleStats(withLines), lines: lineSampleStats(withLines), native: shares }, file, WORKLOAD_TEXT);
    const lines = WORKLOAD_TEXT.split('\n');
    for (const fn of ['count_words', 'dict_churn', 'main']) {
      const lens = lenses.find(l => l.kind === 'def' && lines[l.line].startsWith(`def ${fn}(`));
      assert.ok(lens, `a lens on def ${fn}`);
      const index = withLines.frames.findIndex(f => f.name === fn && f.file === file);
      assert.strictEqual(lens!.lensText, nativeLensText(shares.functions.get(index)!, refSamples.length));
    }
  });
});

describe('def lines of perf frames', () => {
  const lines = ['class A:', '    def run(self):', '        pass', 'class B:', '    def run(self):', '        pass', 'def run():', '    pass'];
  it('finds <module>, plain functions and methods by their class', () => {
    assert.strictEqual(defLineOf(lines, '<module>'), 1);
    assert.strictEqual(defLineOf(lines, 'B.run'), 5);
    assert.strictEqual(defLineOf(lines, 'A.run'), 2);
    assert.strictEqual(defLineOf(lines, 'run'), 2);
    assert.strictEqual(defLineOf(lines, 'missing'), 0);
    assert.strictEqual(defLineOf(WORKLOAD_TEXT.split('\n'), 'count_words'), WORKLOAD_TEXT.split('\n').findIndex(l => l.startsWith('def count_words(')) + 1);
  });
});
