import * as assert from 'assert';
import {
  buildCallTree, buildInvertedTree, buildSandwich, CALL_TREE_ROOT, callTreeFromCallGraph, callTreeFromSamples, nodeDepths,
  stacksOfSamples, stacksOfTree,
} from '../../src/core/callTree';
import type { CallTree } from '../../src/core/callTree';
import type { CallEdgeStats, Frame, FunctionStats, Profile, StackSample } from '../../src/core/profileModel';
import { randomSamples } from '../support/randomStacks';
import { stackSamplesOf, stackTableOf } from '../../src/core/stackTable';

const METADATA: Profile['metadata'] = {
  tool: 'test', python: { version: '3.12.1', implementation: 'cpython', executable: '' }, platform: 'linux', argv: [], cwd: '/w',
  script: '/w/app.py', startedAt: '', wallSeconds: 1, cpuSeconds: 1, exitCode: 0, exception: null, threadsSeen: 1, capabilities: {},
};

function frames(...names: string[]): Frame[] {
  return names.map((name, i) => ({ name, file: '/w/app.py', line: 10 * (i + 1), kind: 'python' as const }));
}

/** Stacks written as 'main;work;inc' (names → frame indices), weight, thread. */
function sampled(names: string[], stacks: [string, number, number?][], threads = 1): Profile {
  const index = new Map(names.map((n, i) => [n, i]));
  const list: StackSample[] = stacks.map(([s, weight, thread]) => {
    const fs = s.split(';').map(n => { const i = index.get(n); if (i === undefined) throw new Error(n); return i; });
    return { frames: fs, lines: fs.map(f => 10 * (f + 1) + 1), weight, thread: thread ?? 0 };
  });
  return {
    source: 'py-spy', metadata: METADATA, frames: frames(...names), functions: [], totalSeconds: 0,
    stacks: { unit: 'samples', stacks: stackTableOf(list), threads: Array.from({ length: threads }, (_, i) => ({ id: `0x${i}`, name: `thread-${i}` })), totalWeight: list.reduce((s, x) => s + x.weight, 0) },
  };
}

/** Children of a node as [frame name, total, self], in first-seen order. */
function kids(tree: CallTree, names: string[], n = CALL_TREE_ROOT): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (let c = tree.firstChild[n]; c > 0; c = tree.nextSibling[c]) out.push([names[tree.frame[c]], tree.totalWeight[c], tree.selfWeight[c]]);
  return out;
}

function child(tree: CallTree, names: string[], n: number, name: string): number {
  for (let c = tree.firstChild[n]; c > 0; c = tree.nextSibling[c]) if (names[tree.frame[c]] === name) return c;
  throw new Error(`no child ${name}`);
}

function path(tree: CallTree, names: string[], ...steps: string[]): number {
  return steps.reduce((n, s) => child(tree, names, n, s), CALL_TREE_ROOT);
}

/** total == self + Σ children (exactly for trees built from stacks), and total >= Σ children always. */
function checkTreeInvariants(tree: CallTree, exact: boolean): void {
  const childSum = new Float64Array(tree.nodeCount);
  for (let n = 1; n < tree.nodeCount; n++) {
    assert.ok(tree.parent[n] < n, 'parent is created before its child');
    childSum[tree.parent[n]] += tree.totalWeight[n];
  }
  for (let n = 1; n < tree.nodeCount; n++) {
    assert.ok(tree.totalWeight[n] + 1e-9 >= childSum[n], `node ${n}: total ${tree.totalWeight[n]} < children ${childSum[n]}`);
    if (exact) assert.ok(Math.abs(tree.totalWeight[n] - tree.selfWeight[n] - childSum[n]) < 1e-9, `node ${n}: total != self + children`);
  }
  assert.ok(Math.abs(tree.totalWeight[CALL_TREE_ROOT] - childSum[CALL_TREE_ROOT]) < 1e-6, 'sum of root totals = total weight');
}

const NAMES = ['main', 'work', 'inc', 'parse', 'len'];
const SIMPLE: [string, number, number?][] = [
  ['main;work;inc', 5, 0],
  ['main;work', 2, 0],
  ['main;parse;len', 3, 1],
  ['main;work;inc', 1, 1],
  ['main', 1, 0],
];

describe('call tree from hand-built stacks', () => {
  const profile = sampled(NAMES, SIMPLE, 2);
  const tree = callTreeFromSamples(profile.stacks!);

  it('merges stacks by frame per parent, with self and total weight', () => {
    assert.deepStrictEqual(kids(tree, NAMES), [['main', 12, 1]]);
    const main = path(tree, NAMES, 'main');
    assert.deepStrictEqual(kids(tree, NAMES, main), [['work', 8, 2], ['parse', 3, 0]]);
    assert.deepStrictEqual(kids(tree, NAMES, path(tree, NAMES, 'main', 'work')), [['inc', 6, 6]]);
    assert.strictEqual(tree.nodeCount, 1 + 5);
    assert.strictEqual(tree.totalWeight[CALL_TREE_ROOT], 12);
    checkTreeInvariants(tree, true);
  });

  it('keeps only one thread when asked', () => {
    const t0 = callTreeFromSamples(profile.stacks!, { thread: 0 });
    assert.deepStrictEqual(kids(t0, NAMES), [['main', 8, 1]]);
    assert.deepStrictEqual(kids(t0, NAMES, path(t0, NAMES, 'main')), [['work', 7, 2]]);
    const t1 = callTreeFromSamples(profile.stacks!, { thread: 1 });
    assert.deepStrictEqual(kids(t1, NAMES, path(t1, NAMES, 'main')), [['parse', 3, 0], ['work', 1, 0]]);
  });

  it('splits a frame by the line it was executing only when merging by line', () => {
    const p = sampled(['main', 'work'], [['main;work', 1], ['main;work', 1]]);
    const stacks = stackSamplesOf(p.stacks!.stacks).map((s, i) => ({ ...s, lines: [i === 0 ? 10 : 12, 20] }));
    const samples = { ...p.stacks!, stacks: stackTableOf(stacks) };
    assert.deepStrictEqual(kids(callTreeFromSamples(samples), ['main', 'work']), [['main', 2, 0]]);
    const byLine = callTreeFromSamples(samples, { mergeByLine: true });
    assert.deepStrictEqual(kids(byLine, ['main', 'work']), [['main', 1, 0], ['main', 1, 0]]);
    assert.deepStrictEqual([byLine.line[1], byLine.line[3]], [10, 12]);
  });

  it('inverted tree: roots are where time was spent, below them their callers', () => {
    const inv = buildInvertedTree(stacksOfSamples(profile.stacks!));
    assert.deepStrictEqual(kids(inv, NAMES), [['inc', 6, 0], ['work', 2, 0], ['len', 3, 0], ['main', 1, 1]]);
    assert.deepStrictEqual(kids(inv, NAMES, path(inv, NAMES, 'inc')), [['work', 6, 0]]);
    assert.deepStrictEqual(kids(inv, NAMES, path(inv, NAMES, 'inc', 'work')), [['main', 6, 6]]);
    assert.strictEqual(inv.totalWeight[CALL_TREE_ROOT], 12);
    checkTreeInvariants(inv, true);
  });

  it('sandwich: callers above and callees below one frame', () => {
    const s = buildSandwich(stacksOfSamples(profile.stacks!), NAMES.indexOf('work'));
    assert.deepStrictEqual(kids(s.callers, NAMES), [['work', 8, 0]]);
    assert.deepStrictEqual(kids(s.callers, NAMES, path(s.callers, NAMES, 'work')), [['main', 8, 8]]);
    assert.deepStrictEqual(kids(s.callees, NAMES), [['work', 8, 2]]);
    assert.deepStrictEqual(kids(s.callees, NAMES, path(s.callees, NAMES, 'work')), [['inc', 6, 6]]);
  });

  it('a tree read back as stacks rebuilds the same tree', () => {
    const again = buildCallTree(stacksOfTree(tree));
    assert.deepStrictEqual(Array.from(again.totalWeight), Array.from(tree.totalWeight));
    assert.deepStrictEqual(Array.from(again.frame), Array.from(tree.frame));
  });

  it('ignores empty stacks and zero weights', () => {
    const p = sampled(['a'], [['a', 2]]);
    const samples = { ...p.stacks!, stacks: stackTableOf([...stackSamplesOf(p.stacks!.stacks), { frames: [], lines: [], weight: 5, thread: 0 }, { frames: [0], lines: [0], weight: 0, thread: 0 }]) };
    const t = callTreeFromSamples(samples);
    assert.strictEqual(t.totalWeight[CALL_TREE_ROOT], 2);
    assert.strictEqual(t.nodeCount, 2);
  });
});

describe('sandwich under recursion counts a frame once per stack', () => {
  const names = ['main', 'rec', 'leaf', 'other'];
  const profile = sampled(names, [
    ['main;rec;rec;rec;leaf', 4],
    ['main;rec', 1],
    ['main;other;rec;rec', 2],
    ['main;leaf', 3],
  ]);
  const s = buildSandwich(stacksOfSamples(profile.stacks!), names.indexOf('rec'));

  it('both halves weigh the stacks that hold the frame (7), not its occurrences (11)', () => {
    assert.deepStrictEqual(kids(s.callers, names), [['rec', 7, 0]]);
    assert.deepStrictEqual(kids(s.callees, names), [['rec', 7, 1]]);
  });

  it('callers run from the outermost call to the root', () => {
    const rec = path(s.callers, names, 'rec');
    assert.deepStrictEqual(kids(s.callers, names, rec), [['main', 5, 5], ['other', 2, 0]]);
    assert.deepStrictEqual(kids(s.callers, names, path(s.callers, names, 'rec', 'other')), [['main', 2, 2]]);
    checkTreeInvariants(s.callers, true);
  });

  it('callees keep the inner recursive calls as descendants', () => {
    const rec = path(s.callees, names, 'rec');
    assert.deepStrictEqual(kids(s.callees, names, rec), [['rec', 6, 2]]);
    assert.deepStrictEqual(kids(s.callees, names, path(s.callees, names, 'rec', 'rec')), [['rec', 4, 0]]);
    assert.deepStrictEqual(kids(s.callees, names, path(s.callees, names, 'rec', 'rec', 'rec')), [['leaf', 4, 4]]);
    checkTreeInvariants(s.callees, true);
  });

  it('a frame nobody sampled gives empty halves', () => {
    const none = buildSandwich(stacksOfSamples(profile.stacks!), 99);
    assert.strictEqual(none.callers.nodeCount, 1);
    assert.strictEqual(none.callees.totalWeight[CALL_TREE_ROOT], 0);
  });
});

describe('call tree invariants on random stacks', () => {
  const samples = randomSamples(7, 3000, 40, 20);
  const stacks = stackSamplesOf(samples.stacks);
  const names = Array.from({ length: 40 }, (_, i) => `f${i}`);
  const weightHolding = (f: number, thread = -1) => stacks.filter(s => (thread < 0 || s.thread === thread) && s.frames.includes(f)).reduce((a, s) => a + s.weight, 0);

  for (const mergeByLine of [false, true]) {
    it(`top-down${mergeByLine ? ' merged by line' : ''}: roots sum to the total, total = self + children everywhere`, () => {
      const tree = callTreeFromSamples(samples, { mergeByLine });
      assert.strictEqual(tree.totalWeight[CALL_TREE_ROOT], samples.totalWeight);
      checkTreeInvariants(tree, true);
      const depth = nodeDepths(tree);
      assert.strictEqual(Math.max(...depth) + 1, Math.max(...stacks.map(s => s.frames.length)));
    });
  }

  it('per thread, the trees add up to the all-threads tree', () => {
    const all = callTreeFromSamples(samples).totalWeight[CALL_TREE_ROOT];
    const t0 = callTreeFromSamples(samples, { thread: 0 }).totalWeight[CALL_TREE_ROOT];
    const t1 = callTreeFromSamples(samples, { thread: 1 }).totalWeight[CALL_TREE_ROOT];
    assert.strictEqual(t0 + t1, all);
  });

  it('inverted: each root weighs the self weight of its function, and they sum to the total', () => {
    const inv = buildInvertedTree(stacksOfSamples(samples));
    checkTreeInvariants(inv, true);
    for (let c = inv.firstChild[CALL_TREE_ROOT]; c > 0; c = inv.nextSibling[c]) {
      const f = inv.frame[c];
      const leafWeight = stacks.filter(s => s.frames[s.frames.length - 1] === f).reduce((a, s) => a + s.weight, 0);
      assert.strictEqual(inv.totalWeight[c], leafWeight, names[f]);
    }
    assert.strictEqual(inv.totalWeight[CALL_TREE_ROOT], samples.totalWeight);
  });

  it('sandwich roots weigh the stacks holding the frame, once each, for every frame and thread', () => {
    for (const thread of [-1, 0, 1]) {
      for (let f = 0; f < 40; f++) {
        const s = buildSandwich(stacksOfSamples(samples, thread), f);
        const expected = weightHolding(f, thread);
        assert.strictEqual(s.callers.totalWeight[CALL_TREE_ROOT], expected);
        assert.strictEqual(s.callees.totalWeight[CALL_TREE_ROOT], expected);
        if (expected > 0) {
          assert.strictEqual(kids(s.callers, names).length, 1);
          assert.strictEqual(s.callers.frame[s.callers.firstChild[CALL_TREE_ROOT]], f);
        }
        checkTreeInvariants(s.callers, true);
        checkTreeInvariants(s.callees, true);
      }
    }
  });
});

// ---- cProfile: caller edges only

function edge(callerIndex: number, cumulativeSeconds: number, totalCalls = 1): CallEdgeStats {
  return { callerIndex, totalCalls, primitiveCalls: totalCalls, selfSeconds: cumulativeSeconds / 2, cumulativeSeconds };
}

function fn(frameIndex: number, selfSeconds: number, cumulativeSeconds: number, callers: CallEdgeStats[]): FunctionStats {
  return { frameIndex, totalCalls: 1, primitiveCalls: 1, selfSeconds, cumulativeSeconds, callers };
}

function cprofile(names: string[], functions: FunctionStats[]): Profile {
  return { source: 'cProfile', metadata: METADATA, frames: frames(...names), functions, totalSeconds: functions.reduce((s, f) => s + f.selfSeconds, 0) };
}

describe('approximate call tree from cProfile caller edges', () => {
  const names = ['<module>', 'main', 'a', 'b', 'c'];
  const profile = cprofile(names, [
    fn(0, 0.5, 9.5, []),
    fn(1, 1, 9, [edge(0, 9)]),
    fn(2, 4, 6, [edge(1, 6)]),
    fn(3, 1, 4, [edge(1, 2), edge(2, 2)]),
    fn(4, 3, 3, [edge(3, 3)]),
  ]);
  const tree = callTreeFromCallGraph(profile);
  const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);

  it('starts at the functions nobody called, with their cumulative time', () => {
    assert.deepStrictEqual(kids(tree, names), [['<module>', 9.5, 0.5]]);
    assert.strictEqual(tree.unit, 'seconds');
  });

  it('gives each callee the time of its edge, and the caller keeps the rest as self', () => {
    const main = path(tree, names, '<module>', 'main');
    assert.deepStrictEqual(kids(tree, names, main), [['a', 6, 4], ['b', 2, 0.5]]);
    close(tree.selfWeight[main], 1);
  });

  it('apportions a shared callee by the share of its caller that each path carries', () => {
    // b has cumtime 4, of which c is 3; each path into b carries 2 of those 4 seconds, so c gets 1.5 under each.
    const viaMain = path(tree, names, '<module>', 'main', 'b', 'c');
    const viaA = path(tree, names, '<module>', 'main', 'a', 'b', 'c');
    close(tree.totalWeight[viaMain], 1.5);
    close(tree.totalWeight[viaA], 1.5);
    checkTreeInvariants(tree, true);
  });

  it('does not follow recursion: the recursive time stays in the outer call', () => {
    const p = cprofile(['main', 'rec', 'leaf'], [
      fn(0, 1, 6, []),
      fn(1, 2, 5, [edge(0, 5), edge(1, 4)]),
      fn(2, 3, 3, [edge(1, 3)]),
    ]);
    const t = callTreeFromCallGraph(p);
    const n = ['main', 'rec', 'leaf'];
    assert.deepStrictEqual(kids(t, n, path(t, n, 'main')), [['rec', 5, 2]]);
    assert.deepStrictEqual(kids(t, n, path(t, n, 'main', 'rec')), [['leaf', 3, 3]]);
    assert.strictEqual(t.nodeCount, 4);
  });

  it('stops at cycles, and picks the heaviest function as root when every function has a caller', () => {
    const p = cprofile(['a', 'b'], [fn(0, 1, 5, [edge(1, 5)]), fn(1, 1, 4, [edge(0, 4)])]);
    const t = callTreeFromCallGraph(p);
    assert.deepStrictEqual(kids(t, ['a', 'b']), [['a', 5, 1]]);
    assert.deepStrictEqual(kids(t, ['a', 'b'], path(t, ['a', 'b'], 'a')), [['b', 4, 4]]);
  });

  it('scales callees down when their edges add up to more than the caller', () => {
    const p = cprofile(['main', 'x', 'y'], [fn(0, 0, 2, []), fn(1, 2, 2, [edge(0, 2)]), fn(2, 2, 2, [edge(0, 2)])]);
    const t = callTreeFromCallGraph(p);
    assert.deepStrictEqual(kids(t, ['main', 'x', 'y'], path(t, ['main', 'x', 'y'], 'main')), [['x', 1, 1], ['y', 1, 1]]);
    checkTreeInvariants(t, true);
  });

  it('a call graph with exponentially many paths stays within the node budget', () => {
    // 40 layers of 3 functions, each calling all 3 of the next layer: 3^40 paths.
    const layers = 40, width = 3;
    const ns: string[] = ['root'];
    const fns: FunctionStats[] = [fn(0, 0, 100, [])];
    for (let l = 0; l < layers; l++) {
      for (let k = 0; k < width; k++) {
        const index = ns.length;
        ns.push(`l${l}_${k}`);
        const callers = l === 0 ? [edge(0, 100 / width)] : Array.from({ length: width }, (_, j) => edge(1 + (l - 1) * width + j, 100 / width / width));
        fns.push(fn(index, 1, 100 / width, callers));
      }
    }
    const t0 = Date.now();
    const t = callTreeFromCallGraph(cprofile(ns, fns), { maxNodes: 20_000 });
    assert.ok(t.nodeCount <= 20_000, `${t.nodeCount} nodes`);
    assert.ok(Date.now() - t0 < 5000);
    checkTreeInvariants(t, false);
    close(t.totalWeight[CALL_TREE_ROOT], 100);
  });
});
