import * as assert from 'assert';
import { durationText } from '../../src/core/durationText';
import { annotateTimedFile, timedLineAt } from '../../src/core/lineTimingAnnotations';
import { timedFunctionHoverMarkdown, timedLineHoverMarkdown } from '../../src/core/lineTimingHover';
import { parseLineTimingResult } from '../../src/core/lineTimingResult';
import { ProfileFormatError } from '../../src/core/profileErrors';
import { enclosingDef } from '../../src/core/pythonSource';

const FILE = '/w/app.py';
const SOURCE = [
  'import functools',          // 1
  '',                          // 2
  '@functools.lru_cache(None)', // 3
  'def work(n):',              // 4
  '    total = 0',             // 5
  '    for i in range(n):',    // 6
  '        total += i',        // 7
  '    if total < 0:',         // 8
  '        raise ValueError',  // 9
  '    return total',          // 10
  '',                          // 11
  'def unused():',             // 12
  '    return 1',              // 13
  '',                          // 14
  'sq = lambda x: x * x',      // 15
].join('\n');

interface Fn { name: string; firstLine: number; lastLine: number; calls: number; totalNs: number; lines: [number, number, number][] }

const result = (functions: Fn[], engine: Record<string, unknown> = { name: 'sys.monitoring', version: null, timer: 'perf_counter_ns', note: null }) =>
  JSON.stringify({
    schema: 'pyrometer.lines/1',
    metadata: { python: { version: '3.12.1' }, cwd: '/w', exitCode: 0, exception: null, wallSeconds: 0.5 },
    engine, scope: { files: [FILE], functions: [] },
    functions: functions.map(f => ({ file: FILE, qualname: f.name, ...f, lines: f.lines.map(([line, hits, totalNs]) => ({ line, hits, totalNs })) })),
    unmatched: [{ file: FILE, line: 2, reason: 'no function contains line 2' }],
  });

const WORK: Fn = { name: 'work', firstLine: 3, lastLine: 10, calls: 2, totalNs: 2_000_000,
  lines: [[5, 2, 1_000], [6, 22, 900_000], [7, 20, 1_000_000], [8, 2, 2_000], [9, 0, 0], [10, 2, 3_000]] };
const UNUSED: Fn = { name: 'unused', firstLine: 12, lastLine: 13, calls: 0, totalNs: 0, lines: [[13, 0, 0]] };
const LAMBDA: Fn = { name: '<lambda>', firstLine: 15, lastLine: 15, calls: 3, totalNs: 600, lines: [[15, 3, 600]] };

describe('line timing: reading the runner result', () => {
  it('keeps every hit and nanosecond as recorded, one frame per function', () => {
    const p = parseLineTimingResult(result([WORK, UNUSED]));
    assert.strictEqual(p.source, 'line timing');
    const work = p.lineTimings!.functions[0];
    assert.deepStrictEqual([p.frames[work.frameIndex].name, p.frames[work.frameIndex].file, work.calls, work.totalNs], ['work', FILE, 2, 2_000_000]);
    assert.deepStrictEqual(work.lines.map(l => [l.line, l.hits, l.totalNs]), WORK.lines);
    assert.strictEqual(p.lineTimings!.unmatched[0].line, 2);
    assert.strictEqual(p.totalSeconds, 0.5);
  });

  for (const [what, text] of [
    ['truncated JSON', result([WORK]).slice(0, 60)],
    ['the cProfile schema', JSON.stringify({ schema: 'pyrometer.cprofile/1' })],
    ['a line without hits', result([{ ...WORK, lines: [] }]).replace('"lines":[]', '"lines":[{"line":5,"totalNs":3}]')],
    ['a missing engine', result([WORK]).replace(/"engine":\{[^}]*\},/, '')],
  ] as const) {
    it(`rejects ${what} with a ProfileFormatError`, () => {
      assert.throws(() => parseLineTimingResult(text), (e: unknown) => e instanceof ProfileFormatError);
    });
  }
});

describe('line timing: placing figures on the source', () => {
  const profile = parseLineTimingResult(result([WORK, UNUSED, LAMBDA]));

  it('puts hits, time, time per hit and % of the function on executed lines, and marks lines that never ran', () => {
    const a = annotateTimedFile(profile, FILE, SOURCE);
    const line7 = a.find(x => x.line === 6 && x.kind === 'line')!;
    assert.strictEqual(line7.afterText, '  20 hits · 1.00 ms · 50.0 µs/hit · 50.0%');
    assert.strictEqual(line7.heat, 1);
    assert.strictEqual(line7.gutterFraction, 1);
    assert.strictEqual(a.find(x => x.line === 5 && x.kind === 'line')!.gutterFraction, 0.9);
    assert.deepStrictEqual(a.filter(x => x.kind === 'unexecuted').map(x => x.line), [8]);
  });

  it('puts the lens on the def line below decorators, and says when a function was not called', () => {
    const lenses = annotateTimedFile(profile, FILE, SOURCE).filter(x => x.lensText);
    assert.deepStrictEqual(lenses.map(x => [x.line, x.lensText]), [
      [3, 'lines: 2.00 ms in 2 calls | hottest line 7 (50.0%)'],
      [11, 'lines: not called in this run'],
    ]);
  });

  it('follows a def moved by an edit, and drops one that is gone', () => {
    const edited = ['# a new first line', '# and another', SOURCE.replace('def unused():', 'def renamed():')].join('\n');
    const a = annotateTimedFile(profile, FILE, edited);
    assert.ok(a.some(x => x.line === 8 && x.kind === 'line' && x.afterText.includes('20 hits')), 'line 7 moved to line 9');
    assert.ok(!a.some(x => x.lensText?.includes('not called')), 'the renamed def is not shown');
    assert.ok(a.some(x => x.line === 16 && x.kind === 'line' && x.afterText.includes('3 hits')), 'the lambda moved with the def above it');
  });

  it('shows nothing for another file', () => {
    assert.deepStrictEqual(annotateTimedFile(profile, '/w/other.py', SOURCE), []);
  });

  it('answers the hover with exact nanoseconds for a line and the slowest lines for a def', () => {
    const at = timedLineAt(profile, FILE, SOURCE, 7)!;
    const md = timedLineHoverMarkdown(at.fn, at.cost!, 7, profile.lineTimings!.engine);
    assert.match(md, /\| 20 \| 1\.00 ms \| 50\.0 µs \| 50\.0% \|/);
    assert.match(md, /1,000,000 ns in all/);
    const def = timedLineAt(profile, FILE, SOURCE, 4)!;
    assert.strictEqual(def.cost, undefined);
    const fnMd = timedFunctionHoverMarkdown(def.fn, def.shift, profile.lineTimings!.engine);
    assert.match(fnMd, /\| 7 \| 20 \| 1\.00 ms \| 50\.0% \|\n\| 6 \| 22 \|/);
    assert.match(fnMd, /1 executable line never ran/);
  });
});

describe('durations and enclosing defs', () => {
  it('writes durations with three significant digits in a readable unit', () => {
    assert.deepStrictEqual([999, 1_500, 25_250, 999_000, 1_234_567, 12_345_678_901].map(durationText),
      ['999 ns', '1.50 µs', '25.3 µs', '999 µs', '1.23 ms', '12.3 s']);
  });

  it('finds the innermost def around a line, decorators included', () => {
    const lines = ['@deco', 'def outer():', '    x = 1', '    def inner():', '        return 2', '    return inner', 'y = 3'];
    assert.deepStrictEqual([0, 2, 4, 5, 6].map(l => enclosingDef(lines, l)), [1, 1, 3, 1, undefined]);
  });
});
