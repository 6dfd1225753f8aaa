import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ProfileFormatError } from '../../src/core/profileErrors';
import { functionSampleStats } from '../../src/core/sampleStats';
import { parseSpeedscope } from '../../src/core/speedscope';
import { REPO_ROOT } from '../support/pythonForTests';
import { stackSamplesOf } from '../../src/core/stackTable';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'pyspy', name), 'utf8');

interface SpeedscopeJson {
  shared: { frames: { name: string; file: string; line: number }[] };
  profiles: { type: string; name: string; unit: string; endValue: number; samples: number[][]; weights: number[] }[];
}

describe('speedscope (py-spy --format speedscope): a real py-spy output', () => {
  const text = fixture('mixed-speedscope.json');
  const json = JSON.parse(text) as SpeedscopeJson;

  it('is what py-spy 0.4.2 writes: sampled, one profile per thread, seconds, weights 1/rate', () => {
    for (const p of json.profiles) {
      assert.strictEqual(p.type, 'sampled');
      assert.strictEqual(p.unit, 'seconds');
      assert.match(p.name, /^Thread \d+ ".*"$/);
      assert.strictEqual(p.samples.length, p.weights.length);
      for (const w of p.weights) assert.strictEqual(w, 0.01);
      assert.ok(Math.abs(p.endValue - p.samples.length / 100) < 1e-9);
    }
  });

  it('sample counts: one per sample, the rate recovered from the weights, threads from profile names', () => {
    const p = parseSpeedscope(text);
    const samples = json.profiles.reduce((n, x) => n + x.samples.length, 0);
    assert.strictEqual(p.source, 'py-spy');
    assert.deepStrictEqual(p.functions, []);
    assert.strictEqual(p.stacks!.totalWeight, samples);
    assert.strictEqual(p.stacks!.rateHz, 100);
    assert.ok(Math.abs(p.totalSeconds - samples / 100) < 1e-9);
    const names = p.stacks!.threads.map(t => t.name).sort();
    assert.deepStrictEqual(names, ['MainThread', 'io-worker']);
    for (const t of p.stacks!.threads) assert.match(t.id, /^\d+$/);
    json.profiles.forEach(profile => {
      const tid = /^Thread (\d+)/.exec(profile.name)![1];
      const index = p.stacks!.threads.findIndex(t => t.id === tid);
      const got = stackSamplesOf(p.stacks!.stacks).filter(s => s.thread === index).reduce((n, s) => n + s.weight, 0);
      assert.strictEqual(got, profile.samples.length, profile.name);
    });
  });

  it('per-function totals equal a count over the raw samples (once per sample), frames by (name, file)', () => {
    const p = parseSpeedscope(text);
    const stats = functionSampleStats(p);
    const reference = new Map<string, { total: number; self: number }>();
    for (const profile of json.profiles) {
      for (const sample of profile.samples) {
        const keys = new Set(sample.map(i => `${json.shared.frames[i].name}\0${json.shared.frames[i].file}`));
        for (const k of keys) {
          const r = reference.get(k) ?? { total: 0, self: 0 };
          r.total++;
          reference.set(k, r);
        }
        if (sample.length) {
          const leaf = json.shared.frames[sample[sample.length - 1]];
          reference.get(`${leaf.name}\0${leaf.file}`)!.self++;
        }
      }
    }
    assert.strictEqual(stats.functions.length, reference.size);
    for (const row of stats.functions) {
      const f = p.frames[row.frameIndex];
      assert.deepStrictEqual({ total: row.totalSamples, self: row.selfSamples }, reference.get(`${f.name}\0${f.file}`), f.name);
    }
    // one frame per (name, file) even though py-spy has one entry per (name, file, line)
    const keys = p.frames.map(f => `${f.name}\0${f.file}`);
    assert.strictEqual(new Set(keys).size, keys.length);
    const workload = p.frames.filter(f => f.file.endsWith('mixed_app.py'));
    assert.ok(workload.length > 0 && workload.every(f => path.isAbsolute(f.file) && f.kind === 'python'));
    // a frame's line is the smallest line py-spy recorded for it; stacks keep the line of every position
    for (const f of workload) {
      const lines = json.shared.frames.filter(x => x.name === f.name && x.file === f.file).map(x => x.line);
      assert.strictEqual(f.line, Math.min(...lines), f.name);
    }
  });

  it('a given rate (py-spy --rate) gives the same counts as the one inferred from the weights', () => {
    const given = parseSpeedscope(text, { rateHz: 100 });
    const inferred = parseSpeedscope(text);
    assert.deepStrictEqual(given.stacks, inferred.stacks);
  });
});

describe('speedscope: forms py-spy writes under --threads, --subprocesses and --native', () => {
  const file = (frames: object[], profiles: object[]) => JSON.stringify({
    $schema: 'https://www.speedscope.app/file-format-schema.json', shared: { frames }, profiles, exporter: 'py-spy@0.4.2',
  });
  const sampled = (name: string, samples: number[][], weight = 0.01) =>
    ({ type: 'sampled', name, unit: 'seconds', startValue: 0, endValue: samples.length * weight, samples, weights: samples.map(() => weight) });

  it('thread and process pseudo-frames become ThreadInfo; identical samples merge; native kinds', () => {
    const text = file([
      { name: 'thread (16919): MainThread', file: '', line: 0, col: null },
      { name: 'process 14854:"/usr/bin/python child.py a;b two words q"x"', file: '', line: 0, col: null },
      { name: '<module>', file: '/w/child.py', line: 5, col: null },
      { name: 'work', file: '/w/child.py', line: 4, col: null },
      { name: 'work', file: '/w/child.py', line: 3, col: null },
      { name: 'gc_collect_main', file: '/usr/lib/libpython3.12.so.1.0', line: 0, col: null },
    ], [
      sampled('Thread 16919 ""', [[0, 2, 3], [0, 2, 3], [0, 2, 4, 5]]),
      sampled('Process 14854 Thread 14854 ""', [[1, 2, 3], [1]]),
    ]);
    const p = parseSpeedscope(text);
    assert.deepStrictEqual(p.stacks!.threads, [
      { id: '16919', name: 'MainThread' },
      { id: '14854/14854', name: 'thread 14854 (process 14854: /usr/bin/python child.py a;b two words q"x)' },
    ]);
    assert.deepStrictEqual(p.frames.map(f => [f.name, f.kind, f.line]),
      [['<module>', 'python', 5], ['work', 'python', 3], ['gc_collect_main', 'native', 0]]);
    assert.deepStrictEqual(stackSamplesOf(p.stacks!.stacks).map(s => [s.thread, s.frames, s.lines, s.weight]), [
      [0, [0, 1], [5, 4], 2], [0, [0, 1, 2], [5, 3, 0], 1], [1, [0, 1], [5, 4], 1], [1, [], [], 1],
    ]);
    assert.strictEqual(p.stacks!.totalWeight, 5);
  });

  it('unit "none" weights are counts; milliseconds convert', () => {
    const frames = [{ name: 'f', file: '/a.py', line: 1 }];
    const none = parseSpeedscope(file(frames, [{ type: 'sampled', name: 'x', unit: 'none', startValue: 0, endValue: 5, samples: [[0], [0]], weights: [2, 3] }]));
    assert.strictEqual(none.stacks!.totalWeight, 5);
    assert.deepStrictEqual(none.stacks!.threads, [{ id: '0', name: 'x' }]);
    assert.strictEqual(none.stacks!.rateHz, undefined);
    const ms = parseSpeedscope(file(frames, [sampled('Thread 1 "T"', [[0], [0], [0]], 10)].map(p => ({ ...p, unit: 'milliseconds' }))));
    assert.strictEqual(ms.stacks!.totalWeight, 3);
    assert.strictEqual(ms.stacks!.rateHz, 100);
  });

  it('evented profiles, other units and broken files: ProfileFormatError with what is read', () => {
    const frames = [{ name: 'f', file: '/a.py', line: 1 }];
    const cases: [string, RegExp][] = [
      ['{not json', /not valid JSON/],
      ['[]', /should be an object/],
      ['{"version": 1}', /no "profiles" and "shared"/],
      [file(frames, [{ type: 'evented', name: 'main', unit: 'milliseconds', startValue: 0, endValue: 1, events: [] }]), /"evented" profile.*only "sampled"/],
      [file(frames, [{ type: 'sampled', name: 'heap', unit: 'bytes', startValue: 0, endValue: 1, samples: [[0]], weights: [64] }]), /weighted in "bytes"/],
      [file(frames, [sampled('Thread 1 ""', [[0, 7]])]), /not an index into shared\.frames/],
      [file(frames, [{ ...sampled('Thread 1 ""', [[0]]), weights: [] }]), /1 samples but 0 weights/],
      [file([{ file: '/a.py' }], [sampled('Thread 1 ""', [[0]])]), /shared\.frames\[0\]\.name/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseSpeedscope(text), (e: unknown) => {
        assert.ok(e instanceof ProfileFormatError, String(e));
        assert.match(e.message, message);
        return true;
      }, text.slice(0, 80));
    }
    assert.throws(() => parseSpeedscope(file(frames, [{ type: 'evented', name: 'main', unit: 'milliseconds', events: [] }])),
      /py-spy record --format speedscope/);
  });

  it('a sample that is not frame indices is named: the first such sample, once every weight of its profile is read', () => {
    const frames = [{ name: 'f', file: '/a.py', line: 1 }, { name: 'g', file: '/a.py', line: 2 }];
    const withBadIndex = (index: unknown) => JSON.stringify({ shared: { frames }, profiles: [{ type: 'sampled', name: 'Thread 1 ""',
      unit: 'seconds', samples: [[0, 1], [0, 1, index], [1, index], [0, 'x']], weights: [0.01, 0.01, 0.01, 0.01] }] });
    for (const index of [2, -1, 1.5, '1', null, 2 ** 32]) {
      assert.throws(() => parseSpeedscope(withBadIndex(index)),
        /^ProfileFormatError: profiles\[0\]\.samples\[1\]\[2\] is not an index into shared\.frames \(2 frames\)$/, String(index));
    }
    // A bad weight later in the same profile is reported first; one in a later profile is not.
    const badWeightAfter = JSON.parse(withBadIndex(7)) as { profiles: { weights: unknown[] }[] };
    badWeightAfter.profiles[0].weights[3] = -1;
    assert.throws(() => parseSpeedscope(JSON.stringify(badWeightAfter)), /profiles\[0\]\.weights\[3\] should be a non-negative number/);
    const twoProfiles = JSON.parse(withBadIndex(7)) as { profiles: { weights: unknown[] }[] };
    twoProfiles.profiles.push({ ...twoProfiles.profiles[0], weights: [0.01, 0.01, 0.01, -1] });
    assert.throws(() => parseSpeedscope(JSON.stringify(twoProfiles)), /profiles\[0\]\.samples\[1\]\[2\] is not an index/);
    // -0 is index 0: the same stack as [0].
    const negativeZero = parseSpeedscope(JSON.stringify({ shared: { frames }, profiles: [sampled('Thread 1 ""', [[0], [0]])] }).replace('[[0]', '[[-0]'));
    assert.deepStrictEqual(stackSamplesOf(negativeZero.stacks!.stacks).map(s => [s.frames, s.weight]), [[[0], 2]]);
  });
});
