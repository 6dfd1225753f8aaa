import * as assert from 'assert';
import fc from 'fast-check';
import { deltaLensText, diffTableMarkdown, signedPercent } from '../../src/core/diffText';
import { DiffKindError, diffProfiles } from '../../src/core/profileDiff';
import type { Frame, FunctionStats, Profile } from '../../src/core/profileModel';
import { randomSamples } from '../support/randomStacks';
import { stackTableOf } from '../../src/core/stackTable';

const METADATA: Profile['metadata'] = {
  tool: 'test', python: { version: '3.12.1', implementation: 'CPython', executable: '' }, platform: 'linux', argv: [], cwd: '/w',
  script: '/w/app.py', startedAt: '', wallSeconds: 1, cpuSeconds: 1, exitCode: 0, exception: null, threadsSeen: 1, capabilities: {},
};

/** [name, file, line, self seconds, cumulative seconds, calls] per function. */
type Row = [string, string, number, number, number, number];

function cprofile(rows: Row[]): Profile {
  const frames: Frame[] = rows.map(([name, file, line]) => ({ name, file, line, kind: file === '~' ? 'builtin' : 'python' }));
  const functions: FunctionStats[] = rows.map(([, , , self, cum, calls], i) => ({
    frameIndex: i, primitiveCalls: calls, totalCalls: calls, selfSeconds: self, cumulativeSeconds: cum, callers: [],
  }));
  return { source: 'cProfile', metadata: METADATA, frames, functions, totalSeconds: rows.reduce((s, r) => s + r[3], 0) };
}

function sampled(seed: number, stacks = 200, frames = 12): Profile {
  const samples = randomSamples(seed, stacks, frames, 5);
  return {
    source: 'py-spy', metadata: METADATA, functions: [], totalSeconds: 0, stacks: samples,
    frames: Array.from({ length: frames }, (_, i) => ({ name: `f${i % 7}`, file: `/w/m${i % 3}.py`, line: i + 1, kind: 'python' as const })),
  };
}

const byName = (diff: ReturnType<typeof diffProfiles>, name: string) => {
  const found = diff.functions.filter(d => d.name === name);
  assert.strictEqual(found.length, 1, `one ${name}`);
  return found[0];
};

describe('profile diff', () => {
  it('gives the difference of pstats figures per function, matched by name and file', () => {
    const base = cprofile([['main', '/w/app.py', 10, 0.1, 3.0, 1], ['work', '/w/app.py', 5, 1.5, 2.5, 3], ['inc', '/w/app.py', 1, 1.4, 1.4, 3000]]);
    const now = cprofile([['main', '/w/app.py', 10, 0.1, 2.0, 1], ['work', '/w/app.py', 5, 1.0, 1.9, 3], ['inc', '/w/app.py', 1, 0.9, 0.9, 1500]]);
    const diff = diffProfiles(base, now);
    assert.strictEqual(diff.kind, 'cProfile');
    const inc = byName(diff, 'inc');
    assert.strictEqual(inc.totalDelta, 0.9 - 1.4);
    assert.strictEqual(inc.selfDelta, 0.9 - 1.4);
    assert.strictEqual(inc.callsDelta, -1500);
    assert.strictEqual(inc.totalChange, (0.9 - 1.4) / 1.4);
    assert.strictEqual(byName(diff, 'work').totalDelta, 1.9 - 2.5);
    // biggest change first
    assert.deepStrictEqual(diff.functions.map(d => d.name), ['main', 'work', 'inc']);
  });

  it('matches a function that moved to other lines, and never pairs by line', () => {
    const base = cprofile([['work', '/w/app.py', 5, 1, 2, 3], ['inc', '/w/app.py', 1, 1, 1, 30]]);
    // inc moved below work; another function now sits at inc's old line
    const now = cprofile([['helper', '/w/app.py', 1, 0.2, 0.2, 1], ['work', '/w/app.py', 5, 1, 2, 3], ['inc', '/w/app.py', 40, 0.5, 0.5, 30]]);
    const diff = diffProfiles(base, now);
    const inc = byName(diff, 'inc');
    assert.deepStrictEqual([inc.matchedBy, inc.baselineLine, inc.currentLine, inc.totalDelta], ['fileAndName', 1, 40, -0.5]);
    const helper = byName(diff, 'helper');
    assert.deepStrictEqual([helper.matchedBy, helper.baseline, helper.totalDelta, helper.totalChange], ['added', null, 0.2, null]);
  });

  it('falls back to the file base name for a run made in another directory, and reports removed functions', () => {
    const base = cprofile([['work', '/old/checkout/app.py', 5, 1, 2, 3], ['gone', '/old/checkout/app.py', 20, 0.3, 0.3, 1]]);
    const now = cprofile([['work', '/new/app.py', 7, 1, 1.5, 3]]);
    const diff = diffProfiles(base, now);
    assert.strictEqual(byName(diff, 'work').matchedBy, 'baseNameAndName');
    assert.strictEqual(byName(diff, 'work').totalDelta, -0.5);
    const gone = byName(diff, 'gone');
    assert.deepStrictEqual([gone.matchedBy, gone.current, gone.totalDelta], ['removed', null, -0.3]);
  });

  it('pairs same-named functions of one file in line order (two __init__)', () => {
    const base = cprofile([['__init__', '/w/a.py', 3, 1, 1, 1], ['__init__', '/w/a.py', 30, 2, 2, 1]]);
    const now = cprofile([['__init__', '/w/a.py', 13, 1, 1, 1], ['__init__', '/w/a.py', 40, 2, 2, 1]]);
    const diff = diffProfiles(base, now);
    assert.deepStrictEqual(diff.functions.map(d => [d.baselineLine, d.currentLine, d.totalDelta]).sort(), [[3, 13, 0], [30, 40, 0]]);
  });

  it('compares sampled runs as shares of each run\'s samples', () => {
    const frames: Frame[] = ['main', 'work', 'inc'].map((name, i) => ({ name, file: '/w/a.py', line: i + 1, kind: 'python' }));
    const stacksOf = (counts: [number[], number][]) => ({
      unit: 'samples' as const, threads: [], totalWeight: counts.reduce((s, [, w]) => s + w, 0),
      stacks: stackTableOf(counts.map(([f, weight]) => ({ frames: f, lines: f.map(() => 1), weight, thread: -1 }))),
    });
    const base: Profile = { source: 'py-spy', metadata: METADATA, frames, functions: [], totalSeconds: 0, stacks: stacksOf([[[0, 1, 2], 50], [[0, 1], 50]]) };
    const now: Profile = { source: 'py-spy', metadata: METADATA, frames, functions: [], totalSeconds: 0, stacks: stacksOf([[[0, 1, 2], 100], [[0, 1], 300]]) };
    const diff = diffProfiles(base, now);
    assert.strictEqual(diff.deltaUnit, 'share of samples');
    const inc = byName(diff, 'inc');
    assert.deepStrictEqual(inc.baseline, { self: 50, total: 50, calls: null });
    assert.deepStrictEqual(inc.current, { self: 100, total: 100, calls: null });
    assert.strictEqual(inc.totalDelta, 100 / 400 - 50 / 100);
    assert.strictEqual(byName(diff, 'main').totalDelta, 0);
    assert.strictEqual(deltaLensText(inc, diff), 'total \u221225.0 pts vs baseline (was 50.0%)');
  });

  it('refuses to compare runs of different kinds with a message that says what to do', () => {
    assert.throws(() => diffProfiles(cprofile([['a', '/w/a.py', 1, 1, 1, 1]]), sampled(1)), (e: Error) =>
      e instanceof DiffKindError && /cannot be compared with a sampled run: pick two runs of the same kind/.test(e.message));
  });

  it('writes the CodeLens delta as "cum −34% vs baseline (was 1.818 s)"', () => {
    const diff = diffProfiles(cprofile([['work', '/w/a.py', 1, 1, 1.818, 3]]), cprofile([['work', '/w/a.py', 1, 1, 1.2, 3]]));
    assert.strictEqual(deltaLensText(diff.functions[0], diff), 'cum \u221234% vs baseline (was 1.818 s)');
    const grown = diffProfiles(cprofile([['work', '/w/a.py', 1, 1, 1.818, 3]]),
      cprofile([['work', '/w/a.py', 1, 1, 1.2, 3], ['helper', '/w/a.py', 9, 0.5, 0.5, 30]]));
    assert.strictEqual(deltaLensText(byName(grown, 'helper'), grown), 'new since the baseline');
    assert.strictEqual(signedPercent(0.004), '\u00b10%');
    assert.strictEqual(signedPercent(0.125), '+13%');
  });

  describe('the diff of a profile with itself is all zero', () => {
    it('cProfile (property)', () => {
      const row = fc.tuple(fc.constantFrom('a', 'b', 'c', '__init__', '<lambda>'), fc.constantFrom('/w/a.py', '/x/a.py', '~'),
        fc.nat(500), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), fc.nat(10 ** 6));
      fc.assert(fc.property(fc.uniqueArray(row, { selector: r => `${r[0]}|${r[1]}|${r[2]}`, maxLength: 40 }), rows => {
        const p = cprofile(rows as Row[]);
        const diff = diffProfiles(p, p);
        assert.strictEqual(diff.functions.length, rows.length);
        for (const d of diff.functions) {
          assert.strictEqual(d.matchedBy, 'fileAndName');
          assert.deepStrictEqual([d.selfDelta, d.totalDelta, d.callsDelta], [0, 0, 0]);
          assert.deepStrictEqual(d.baselineFrames, d.currentFrames);
        }
        assert.match(diffTableMarkdown(diff, { baseline: 'a', current: 'a' }, []), /No function changed/);
      }));
    });

    it('sampled (property)', () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 10 ** 6 }), fc.integer({ min: 1, max: 300 }), (seed, count) => {
        const p = sampled(seed, count);
        const diff = diffProfiles(p, p);
        for (const d of diff.functions) {
          assert.strictEqual(d.matchedBy, 'fileAndName');
          assert.strictEqual(d.selfDelta, 0);
          assert.strictEqual(d.totalDelta, 0);
        }
      }));
    });

    it('and the diff is antisymmetric: b vs a is minus a vs b', () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 10 ** 6 }), fc.integer({ min: 1, max: 10 ** 6 }), (s1, s2) => {
        const a = sampled(s1);
        const b = sampled(s2);
        const ab = new Map(diffProfiles(a, b).functions.map(d => [`${d.name}|${d.file}`, d.totalDelta]));
        // 0 - x, not -x: when both profiles are equal the deltas are 0 both ways, and -0 is not strictly 0
        for (const d of diffProfiles(b, a).functions) assert.strictEqual(d.totalDelta, 0 - ab.get(`${d.name}|${d.file}`)!);
      }), { examples: [[7, 7]] }); // equal profiles every run, not only when the generator happens to repeat a seed
    });
  });
});
