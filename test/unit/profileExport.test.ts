import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildCallTree, callTreeFromCallGraph, CALL_TREE_ROOT, stacksOfSamples, stacksOfTree } from '../../src/core/callTree';
import { collapsedText, readCollapsedHeader } from '../../src/core/collapsedExport';
import { parseCollapsedStacks } from '../../src/core/collapsedStacks';
import { ExportError } from '../../src/core/exportError';
import { exportStacksOf, threadRootParts } from '../../src/core/exportStacks';
import type { Profile } from '../../src/core/profileModel';
import { parseSpeedscope } from '../../src/core/speedscope';
import { DERIVED_PROFILE_NOTE, speedscopeOfProfile, speedscopeText } from '../../src/core/speedscopeExport';
import { speedscopeWeighting } from '../../src/core/speedscopeWeights';
import { REPO_ROOT } from '../support/pythonForTests';
import { reopenCollapsed, reopenSpeedscope, sampleFigures } from '../support/sampleFigures';
import { stackSamplesOf, stackTableOf } from '../../src/core/stackTable';

/** Threads as (id, name) with their sample totals, sorted. */
function threadTotals(p: Profile): string[] {
  const s = p.stacks!;
  const totals = new Map<number, number>();
  for (const x of stackSamplesOf(s.stacks)) totals.set(x.thread, (totals.get(x.thread) ?? 0) + x.weight);
  return [...totals].map(([t, w]) => `${t < 0 ? '-' : `${s.threads[t].id}|${s.threads[t].name}`}=${w}`).sort();
}

const fixture = (name: string): string => fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'pyspy', name), 'utf8');
const FIXTURES: [string, (text: string) => Profile][] = [
  ['calls-raw.txt', t => parseCollapsedStacks(t, { rateHz: 100 })],
  ['calls-function-raw.txt', t => parseCollapsedStacks(t, { rateHz: 100 })],
  ['mixed-threads-raw.txt', t => parseCollapsedStacks(t, { rateHz: 100 })],
  ['mixed-native-raw.txt', t => parseCollapsedStacks(t, { rateHz: 100 })],
  ['threads-named-raw.txt', t => parseCollapsedStacks(t, { rateHz: 100 })],
  ['spawn-subprocesses-raw.txt', t => parseCollapsedStacks(t, { rateHz: 100 })],
  ['mixed-speedscope.json', t => parseSpeedscope(t)],
];

describe('export of sampled runs (real py-spy outputs): opened again, the same figures', () => {
  for (const [name, parse] of FIXTURES) {
    const original = parse(fixture(name));

    it(`${name} → speedscope → open: same samples per function and line, threads, rate and seconds`, () => {
      const text = speedscopeText(original, name);
      const back = reopenSpeedscope(text);
      assert.deepStrictEqual(sampleFigures(back), sampleFigures(original));
      assert.strictEqual(back.stacks!.rateHz, original.stacks!.rateHz);
      assert.strictEqual(back.totalSeconds, original.totalSeconds);
      const perThread = (p: Profile) => threadTotals(p).map(t => Number(t.slice(t.lastIndexOf('=') + 1))).sort((a, b) => a - b);
      assert.deepStrictEqual(perThread(back), perThread(original));
      // speedscope names every profile after a thread: a stack rooted in a process alone (--subprocesses without
      // --threads) comes back as that process's thread (ids PID/PID); all other threads come back as they were.
      const processOnly = original.stacks!.threads.some(t => !t.id.includes('/') && t.name.startsWith(`process ${t.id}`));
      if (original.stacks!.threads.length > 0 && !processOnly) assert.deepStrictEqual(threadTotals(back), threadTotals(original));
    });

    it(`${name} → collapsed → open: same samples per function and line, threads, rate and seconds`, () => {
      const text = collapsedText(original, name);
      assert.ok(text.startsWith(`# Pyrometer export of "${name}" (py-spy): sample counts, 100 samples/s\n`), text.slice(0, 120));
      const back = reopenCollapsed(text);
      assert.deepStrictEqual(sampleFigures(back), sampleFigures(original));
      assert.deepStrictEqual(threadTotals(back), threadTotals(original));
      assert.strictEqual(back.stacks!.rateHz, 100);
      assert.strictEqual(back.totalSeconds, original.totalSeconds);
    });
  }

  it('speedscope: one profile per thread named as py-spy names them, one entry per sample weighing 1/rate', () => {
    const original = parseCollapsedStacks(fixture('threads-named-raw.txt'), { rateHz: 100 });
    const file = speedscopeOfProfile(original, 'named');
    assert.strictEqual(file.$schema, 'https://www.speedscope.app/file-format-schema.json');
    assert.strictEqual(file.profiles.length, original.stacks!.threads.length);
    for (const p of file.profiles) {
      assert.match(p.name, /^Thread \S+ ".*"$/);
      assert.strictEqual(p.unit, 'seconds');
      assert.ok(p.weights.every(w => w === 0.01));
      assert.strictEqual(p.samples.length, p.weights.length);
      assert.ok(Math.abs(p.endValue - p.samples.length / 100) < 1e-9);
    }
    assert.ok(file.profiles.some(p => p.name.includes('named; with space')), file.profiles.map(p => p.name).join(', '));
    assert.strictEqual(file.profiles.reduce((n, p) => n + p.samples.length, 0), original.stacks!.totalWeight);
  });

  it('without a rate: speedscope weighs each distinct stack by its count (unit none), collapsed says no rate', () => {
    const original = parseCollapsedStacks(fixture('calls-raw.txt'));
    const file = speedscopeOfProfile(original, 'calls');
    assert.deepStrictEqual(file.profiles.map(p => p.unit), ['none']);
    assert.strictEqual(file.profiles[0].weights.reduce((a, b) => a + b, 0), original.stacks!.totalWeight);
    const back = reopenSpeedscope(JSON.stringify(file));
    assert.deepStrictEqual(sampleFigures(back), sampleFigures(original));
    assert.strictEqual(back.stacks!.rateHz, undefined);
    const collapsed = collapsedText(original, 'calls');
    assert.match(collapsed.split('\n')[0], /\(py-spy\): sample counts$/);
    assert.strictEqual(reopenCollapsed(collapsed).stacks!.rateHz, undefined);
  });

  it('subprocess threads keep their process and command line through both formats', () => {
    const original = parseCollapsedStacks(fixture('spawn-subprocesses-raw.txt'), { rateHz: 100 });
    const names = original.stacks!.threads.map(t => `${t.id}|${t.name}`).sort();
    assert.ok(names.some(n => n.includes('--tag=a;b')), names.join('\n'));
    assert.deepStrictEqual(reopenCollapsed(collapsedText(original, 's')).stacks!.threads.map(t => `${t.id}|${t.name}`).sort(), names);
  });

  it('threadRootParts inverts threadInfo', () => {
    assert.deepStrictEqual(threadRootParts({ id: '123', name: 'MainThread' }), { tid: '123', threadName: 'MainThread' });
    assert.deepStrictEqual(threadRootParts({ id: '7/123', name: 'worker (process 7: python a.py)' }),
      { pid: '7', tid: '123', threadName: 'worker', cmdline: 'python a.py' });
    assert.deepStrictEqual(threadRootParts({ id: '7/123', name: 'thread 123 (process 7)' }), { pid: '7', tid: '123', threadName: '' });
    assert.deepStrictEqual(threadRootParts({ id: '7', name: 'process 7: python a.py' }), { pid: '7', threadName: '', cmdline: 'python a.py' });
  });
});

/** A small cProfile profile: <module> → main → work → inc, and main → len, with figures as pstats has them. */
function cprofileProfile(): Profile {
  const frames = [
    { name: '<module>', file: '/w/calls.py', line: 1, kind: 'python' as const },
    { name: 'main', file: '/w/calls.py', line: 14, kind: 'python' as const },
    { name: 'work', file: '/w/calls.py', line: 7, kind: 'python' as const },
    { name: 'inc', file: '/w/calls.py', line: 3, kind: 'python' as const },
    { name: '<built-in method builtins.len>', file: '~', line: 0, kind: 'builtin' as const },
  ];
  const edge = (callerIndex: number, cumulativeSeconds: number) => ({ callerIndex, totalCalls: 1, primitiveCalls: 1, selfSeconds: cumulativeSeconds, cumulativeSeconds });
  return {
    source: 'cProfile', frames, totalSeconds: 1.0000037,
    metadata: { tool: 'cProfile', python: { version: '3.12.1', implementation: 'CPython', executable: '/usr/bin/python3' }, platform: '', argv: [], cwd: '/w',
      script: '/w/calls.py', startedAt: '', wallSeconds: 1, cpuSeconds: 1, exitCode: 0, exception: null, threadsSeen: 0, capabilities: {} },
    functions: [
      { frameIndex: 0, totalCalls: 1, primitiveCalls: 1, selfSeconds: 0.0500011, cumulativeSeconds: 1.0000037, callers: [] },
      { frameIndex: 1, totalCalls: 1, primitiveCalls: 1, selfSeconds: 0.0499993, cumulativeSeconds: 0.9500026, callers: [edge(0, 0.9500026)] },
      { frameIndex: 2, totalCalls: 3, primitiveCalls: 3, selfSeconds: 0.3000004, cumulativeSeconds: 0.9000032, callers: [edge(1, 0.9000032)] },
      { frameIndex: 3, totalCalls: 3000, primitiveCalls: 3000, selfSeconds: 0.6000028, cumulativeSeconds: 0.6000028, callers: [edge(2, 0.6000028)] },
      { frameIndex: 4, totalCalls: 3, primitiveCalls: 3, selfSeconds: 0.0000001, cumulativeSeconds: 0.0000001, callers: [edge(1, 0.0000001)] },
    ],
  };
}

/** Path of frame names (and files) → total width of the flame graph's top-down tree. */
function pathWidths(p: Profile): Map<string, number> {
  const tree = p.stacks ? buildCallTree(stacksOfSamples(p.stacks)) : callTreeFromCallGraph(p);
  const out = new Map<string, number>();
  const walk = (n: number, prefix: string) => {
    for (let c = tree.firstChild[n]; c > 0; c = tree.nextSibling[c]) {
      const f = p.frames[tree.frame[c]];
      const key = `${prefix};${f.name}@${f.file}`;
      out.set(key, (out.get(key) ?? 0) + tree.totalWeight[c] / (p.stacks ? p.stacks.rateHz ?? 1 : 1));
      walk(c, key);
    }
  };
  walk(CALL_TREE_ROOT, '');
  return out;
}

describe('export of cProfile runs: the call tree derived from caller edges, in whole microseconds', () => {
  const profile = cprofileProfile();
  const exported = exportStacksOf(profile);
  const tree = callTreeFromCallGraph(profile);
  let paths = 0;
  stacksOfTree(tree).forEachStack(() => { paths++; });

  it('every path of the flame graph with own time ≥ 0.5 µs, weighed in whole µs, total within ½ µs per path', () => {
    assert.strictEqual(exported.kind, 'derivedFromCallGraph');
    assert.strictEqual(exported.rateHz, 1e6);
    assert.ok(exported.stacks.every(s => Number.isInteger(s.weight) && s.weight > 0));
    const treeTotal = tree.totalWeight[CALL_TREE_ROOT];
    assert.ok(Math.abs(exported.totalWeight / 1e6 - treeTotal) <= 0.5e-6 * paths, `${exported.totalWeight} µs vs ${treeTotal} s`);
    // The 0.1 µs len call rounds to nothing: left out.
    assert.ok(!exported.stacks.some(s => profile.frames[s.frames[s.frames.length - 1]].name.includes('len')));
  });

  it('→ speedscope: one profile named as derived, weights in seconds that open again to the exact µs total', () => {
    const text = speedscopeText(profile, 'calls.py');
    const file = JSON.parse(text) as ReturnType<typeof speedscopeOfProfile>;
    assert.strictEqual(file.profiles.length, 1);
    assert.ok(file.profiles[0].name.endsWith(DERIVED_PROFILE_NOTE), file.profiles[0].name);
    assert.ok(file.name.includes('derived from caller edges'), file.name);
    assert.strictEqual(file.profiles[0].unit, 'seconds');
    assert.strictEqual(speedscopeWeighting(file).rateHz, 1e6, 'durations, not 1/rate samples: read to the µs');
    const back = reopenSpeedscope(text);
    assert.strictEqual(back.stacks!.totalWeight, exported.totalWeight);
    assert.strictEqual(back.stacks!.rateHz, 1e6);
    assert.strictEqual(back.totalSeconds, exported.totalWeight / 1e6);
    const before = pathWidths(profile);
    const after = pathWidths(back);
    assert.deepStrictEqual([...after.keys()].sort(), [...before.keys()].filter(k => !k.includes('len')).sort());
    for (const [k, w] of after) assert.ok(Math.abs(w - before.get(k)!) <= 0.5e-6 * paths, `${k}: ${w} vs ${before.get(k)}`);
  });

  it('→ collapsed: integer µs, the unit in the first line; opens again to the same µs as the speedscope export', () => {
    const text = collapsedText(profile, 'calls.py');
    const [first, ...rest] = text.trimEnd().split('\n');
    assert.strictEqual(first, '# Pyrometer export of "calls.py" (cProfile): microseconds of own time, derived from caller edges (apportioned, not sampled)');
    assert.ok(rest.every(l => / \d+$/.test(l)), rest.join('\n'));
    assert.ok(rest.includes('<module> (/w/calls.py:1);main (/w/calls.py:14);work (/w/calls.py:7);inc (/w/calls.py:3) 600003'), rest.join('\n'));
    const header = readCollapsedHeader(new TextEncoder().encode(text));
    assert.deepStrictEqual([header.rateHz, header.derivedFromCallGraph], [1e6, true]);
    const back = reopenCollapsed(text);
    assert.deepStrictEqual(sampleFigures(back), sampleFigures(reopenSpeedscope(speedscopeText(profile, 'calls.py'))));
    assert.strictEqual(back.totalSeconds, exported.totalWeight / 1e6);
  });

  it('line timing runs and empty runs cannot be exported, and say why', () => {
    const lines: Profile = { ...profile, functions: [], lineTimings: { engine: { name: 'settrace', version: null, timer: 'perf_counter_ns', note: null }, functions: [], unmatched: [] } };
    assert.throws(() => speedscopeText(lines, 'x'), (e: unknown) => e instanceof ExportError && /line timing/.test(e.message));
    assert.throws(() => collapsedText({ ...profile, functions: [] }, 'x'), ExportError);
  });
});

describe('collapsed export: frame texts the parser reads back', () => {
  it('a ";" in a name becomes ",", line breaks become spaces, a frame without a file is its bare name', () => {
    const p: Profile = {
      source: 'py-spy', functions: [], totalSeconds: 0,
      metadata: parseCollapsedStacks('a 1').metadata,
      frames: [
        { name: 'odd;name', file: '/w/a.py', line: 3, kind: 'python' },
        { name: 'two\nlines', file: '/w/a.py', line: 9, kind: 'python' },
        { name: 'native_thing', file: '', line: 0, kind: 'native' },
      ],
      stacks: { unit: 'samples', threads: [], totalWeight: 5, stacks: stackTableOf([{ frames: [0, 1, 2], lines: [4, 10, 0], weight: 5, thread: -1 }]) },
    };
    const text = collapsedText(p, 'x');
    assert.strictEqual(text.split('\n')[1], 'odd,name (/w/a.py:4);two lines (/w/a.py:10);native_thing 5');
    const back = reopenCollapsed(text);
    assert.deepStrictEqual(back.frames.map(f => f.name), ['odd,name', 'two lines', 'native_thing']);
    assert.strictEqual(back.stacks!.totalWeight, 5);
  });

  it('readCollapsedHeader ignores comments it did not write and leaves py-spy files untouched', () => {
    const utf8 = (text: string) => new TextEncoder().encode(text);
    const header = readCollapsedHeader(utf8('# hello\na (x.py:1) 3\n'));
    assert.deepStrictEqual({ ...header, body: new TextDecoder().decode(header.body) }, { derivedFromCallGraph: false, body: 'a (x.py:1) 3\n' });
    const raw = utf8(fixture('calls-raw.txt'));
    assert.strictEqual(readCollapsedHeader(raw).body, raw);
  });
});
