import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseCollapsedStacks } from '../../src/core/collapsedStacks';
import type { Profile } from '../../src/core/profileModel';
import { filteredStacks, functionSampleStats, lineSampleStats, threadSampleTotals } from '../../src/core/sampleStats';
import { REPO_ROOT } from '../support/pythonForTests';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'pyspy', name), 'utf8');

const byName = (p: Profile, stats: ReturnType<typeof functionSampleStats>) =>
  Object.fromEntries(stats.functions.map(r => [p.frames[r.frameIndex].name, [r.selfSamples, r.totalSamples]]));

describe('sample statistics', () => {
  const text = [
    'thread (1): MainThread;main (a.py:10);fib (a.py:3);fib (a.py:3);fib (a.py:2) 5',
    'thread (1): MainThread;main (a.py:11);helper (b.py:7) 3',
    'thread (1): MainThread;main (a.py:10);fib (a.py:2) 2',
    'thread (2): worker;run (b.py:20);helper (b.py:8) 4',
    'thread (2): worker 1',
  ].join('\n');
  const p = parseCollapsedStacks(text);

  it('per function: self at the leaf, total once per stack even under recursion', () => {
    const stats = functionSampleStats(p);
    assert.strictEqual(stats.totalSamples, 15);
    assert.deepStrictEqual(byName(p, stats), {
      main: [0, 10], fib: [7, 7], helper: [7, 7], run: [0, 4],
    });
    for (const r of stats.functions) assert.ok(r.totalSamples <= stats.totalSamples && r.selfSamples <= r.totalSamples);
  });

  it('per line: self/total/hits by file and line, recursion counted once per stack', () => {
    const { lines, totalSamples } = lineSampleStats(p);
    assert.strictEqual(totalSamples, 15);
    assert.deepStrictEqual(lines.map(l => [l.file, l.line, l.selfSamples, l.totalSamples, l.hits]), [
      ['a.py', 2, 7, 7, 2],
      ['a.py', 3, 0, 5, 1],
      ['a.py', 10, 0, 7, 2],
      ['a.py', 11, 0, 3, 1],
      ['b.py', 7, 3, 3, 1],
      ['b.py', 8, 4, 4, 1],
      ['b.py', 20, 0, 4, 1],
    ]);
  });

  it('per thread: filter by thread index; -1 selects stacks without a thread', () => {
    const main = p.stacks!.threads.findIndex(t => t.name === 'MainThread');
    const worker = p.stacks!.threads.findIndex(t => t.name === 'worker');
    assert.deepStrictEqual(byName(p, functionSampleStats(p, { threads: [worker] })), { run: [0, 4], helper: [4, 4] });
    assert.strictEqual(functionSampleStats(p, { threads: [worker] }).totalSamples, 5, 'the empty stack counts');
    assert.deepStrictEqual(byName(p, functionSampleStats(p, { threads: [main] })), { main: [0, 10], fib: [7, 7], helper: [3, 3] });
    assert.deepStrictEqual(lineSampleStats(p, { threads: [main] }).lines.map(l => l.line), [2, 3, 10, 11, 7]);
    assert.deepStrictEqual(threadSampleTotals(p), [10, 5]);
    assert.strictEqual(filteredStacks(p, { threads: [] }).length, 0);
    const unthreaded = parseCollapsedStacks('f (x.py:1) 2\n 1\n');
    assert.strictEqual(functionSampleStats(unthreaded, { threads: [-1] }).totalSamples, 3);
    assert.deepStrictEqual(threadSampleTotals(unthreaded), []);
  });

  it('native positions (line 0) have no line entry but count for their function', () => {
    const q = parseCollapsedStacks('main (a.py:4);gc_collect_main (libpython3.12.so.1.0) 3\n');
    assert.deepStrictEqual(byName(q, functionSampleStats(q)), { main: [0, 3], gc_collect_main: [3, 3] });
    assert.deepStrictEqual(lineSampleStats(q).lines.map(l => [l.line, l.selfSamples, l.totalSamples]), [[4, 0, 3]]);
  });

  it('on a real py-spy file: the sums per function and per line equal those over its text', () => {
    const raw = fixture('mixed-threads-raw.txt');
    const q = parseCollapsedStacks(raw);
    const rows = raw.split('\n').filter(l => l.trim()).map(l => {
      const i = l.lastIndexOf(' ');
      return { stack: l.slice(0, i), count: Number(l.slice(i + 1)) };
    });
    const stats = functionSampleStats(q);
    assert.strictEqual(stats.totalSamples, rows.reduce((n, r) => n + r.count, 0));
    for (const name of ['parse', 'make_log', 'io_worker', 'main', '<module>']) {
      const expected = rows.filter(r => r.stack.includes(`;${name} (mixed_app.py:`)).reduce((n, r) => n + r.count, 0);
      const row = stats.functions.find(r => q.frames[r.frameIndex].name === name && q.frames[r.frameIndex].file === 'mixed_app.py');
      assert.strictEqual(row?.totalSamples ?? 0, expected, name);
    }
    const leafAt = new Map<string, number>();
    for (const r of rows) {
      const m = / \(([^()]*):(\d+)\)$/.exec(r.stack);
      if (m) leafAt.set(`${m[1]}:${m[2]}`, (leafAt.get(`${m[1]}:${m[2]}`) ?? 0) + r.count);
    }
    for (const l of lineSampleStats(q).lines) assert.strictEqual(l.selfSamples, leafAt.get(`${l.file}:${l.line}`) ?? 0, `${l.file}:${l.line}`);
  });
});
