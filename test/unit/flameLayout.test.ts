import * as assert from 'assert';
import { buildInvertedTree, callTreeFromSamples, stacksOfSamples } from '../../src/core/callTree';
import {
  firstChildOf, FlameGraphSource, flameGraphData, framePathOf, layoutFlame, layoutFromPane, matchFrames, nextSiblingOf, nodeAtFramePath,
  paneDataOf, previousSiblingOf, searchLayout,
} from '../../src/core/flameLayout';
import type { FlameLayout } from '../../src/core/flameLayout';
import type { Frame, Profile, StackSample, StackSamples } from '../../src/core/profileModel';
import { randomSamples } from '../support/randomStacks';
import { stackSamplesOf, stackTableOf } from '../../src/core/stackTable';

const METADATA: Profile['metadata'] = {
  tool: 'test', python: { version: '3.12.1', implementation: 'cpython', executable: '' }, platform: 'linux', argv: [], cwd: '/w',
  script: '/w/app.py', startedAt: '', wallSeconds: 1, cpuSeconds: 1, exitCode: 0, exception: null, threadsSeen: 1, capabilities: {},
};

function samplesOf(names: string[], stacks: [string, number, number?][], threadCount = 1): StackSamples {
  const list: StackSample[] = stacks.map(([s, weight, thread]) => {
    const fs = s.split(';').map(n => names.indexOf(n));
    return { frames: fs, lines: fs.map(f => 100 + f), weight, thread: thread ?? 0 };
  });
  return { unit: 'samples', stacks: stackTableOf(list), threads: Array.from({ length: threadCount }, (_, i) => ({ id: String(i), name: `t${i}` })), totalWeight: list.reduce((a, x) => a + x.weight, 0) };
}

function profileOf(names: string[], samples: StackSamples, kinds: Frame['kind'][] = []): Profile {
  return {
    source: 'py-spy', metadata: METADATA, functions: [], totalSeconds: 0, stacks: samples,
    frames: names.map((name, i) => ({ name, file: kinds[i] === 'builtin' ? '~' : `/w/pkg/m${i}.py`, line: i + 1, kind: kinds[i] ?? 'python' })),
  };
}

/** [name, x, width, depth] per node, in drawing order. */
function boxes(layout: FlameLayout, names: string[]): [string, number, number, number][] {
  return Array.from({ length: layout.count }, (_, i) => [names[layout.frame[i]], layout.x[i], layout.width[i], layout.depth[i]]);
}

function checkLayoutInvariants(layout: FlameLayout): void {
  let rootSum = 0;
  const childSum = new Float64Array(layout.count);
  for (let i = 0; i < layout.count; i++) {
    const p = layout.parent[i];
    if (p < 0) { rootSum += layout.width[i]; assert.strictEqual(layout.depth[i], 0); continue; }
    assert.ok(p < i, 'parents come first (pre-order)');
    assert.strictEqual(layout.depth[i], layout.depth[p] + 1);
    assert.ok(i < layout.end[p], 'a node lies in its parent\'s range');
    assert.ok(layout.x[i] >= layout.x[p] - 1e-9 && layout.x[i] + layout.width[i] <= layout.x[p] + layout.width[p] + 1e-6, 'a child lies within its parent');
    childSum[p] += layout.width[i];
  }
  for (let i = 0; i < layout.count; i++) assert.ok(layout.width[i] + 1e-9 >= childSum[i], `node ${i}: total < sum of children`);
  assert.ok(Math.abs(rootSum - layout.totalWeight) < 1e-6, 'sum of root totals = total weight');
}

const NAMES = ['main', 'slow', 'fast', 'io', 'len'];
const STACKS: [string, number, number?][] = [
  ['main;fast', 1],
  ['main;slow;io', 4],
  ['main;slow', 2],
  ['main;fast;len', 1],
  ['main;io', 2],
];

describe('flame layout from hand-built stacks', () => {
  const tree = callTreeFromSamples(samplesOf(NAMES, STACKS));

  it('left-heavy puts the heaviest child first and starts children at their parent\'s left edge', () => {
    assert.deepStrictEqual(boxes(layoutFlame(tree, 'leftHeavy'), NAMES), [
      ['main', 0, 10, 0], ['slow', 0, 6, 1], ['io', 0, 4, 2], ['fast', 6, 2, 1], ['len', 6, 1, 2], ['io', 8, 2, 1],
    ]);
  });

  it('time order keeps children in the order their stacks were first seen', () => {
    assert.deepStrictEqual(boxes(layoutFlame(tree, 'timeOrder'), NAMES), [
      ['main', 0, 10, 0], ['fast', 0, 2, 1], ['len', 0, 1, 2], ['slow', 2, 6, 1], ['io', 2, 4, 2], ['io', 8, 2, 1],
    ]);
  });

  it('keeps self weight and subtree ranges', () => {
    const l = layoutFlame(tree, 'leftHeavy');
    assert.deepStrictEqual(Array.from(l.self), [0, 2, 4, 1, 1, 2]);
    assert.deepStrictEqual(Array.from(l.end), [6, 3, 3, 5, 5, 6]);
    assert.deepStrictEqual(Array.from(l.parent), [-1, 0, 1, 0, 3, 0]);
    assert.strictEqual(l.totalWeight, 10);
    assert.strictEqual(l.maxDepth, 2);
    checkLayoutInvariants(l);
  });

  it('navigates parent, children and siblings by index', () => {
    const l = layoutFlame(tree, 'leftHeavy');
    assert.strictEqual(firstChildOf(l, 0), 1);
    assert.strictEqual(firstChildOf(l, 2), -1);
    assert.strictEqual(nextSiblingOf(l, 1), 3);
    assert.strictEqual(nextSiblingOf(l, 3), 5);
    assert.strictEqual(nextSiblingOf(l, 5), -1);
    assert.strictEqual(previousSiblingOf(l, 5), 3);
    assert.strictEqual(previousSiblingOf(l, 1), -1);
    assert.strictEqual(nextSiblingOf(l, 0), -1);
    assert.deepStrictEqual(framePathOf(l, 4).map(f => NAMES[f]), ['main', 'fast', 'len']);
    const other = layoutFlame(tree, 'timeOrder');
    assert.strictEqual(NAMES[other.frame[nodeAtFramePath(other, framePathOf(l, 4))]], 'len');
    assert.strictEqual(nodeAtFramePath(other, [0, 4]), -1);
  });

  it('search counts a sample once when a match sits inside a matched ancestor', () => {
    const l = layoutFlame(tree, 'leftHeavy');
    // io matches under slow (4) and under main (2): 6 of 10. slow;io is inside slow: searching "o" matches slow and io.
    const io = searchLayout(l, matchFrames(NAMES, 'IO')!);
    assert.strictEqual(io.matchedWeight, 6);
    assert.strictEqual(io.matchedNodes, 2);
    const o = searchLayout(l, matchFrames(NAMES, 'o')!);
    assert.deepStrictEqual(Array.from(o.matched), [0, 1, 1, 0, 0, 1]);
    assert.strictEqual(o.matchedWeight, 8);
    assert.strictEqual(o.fractionOfTotal, 0.8);
    const all = searchLayout(l, matchFrames(NAMES, 'main')!);
    assert.strictEqual(all.fractionOfTotal, 1);
    assert.strictEqual(matchFrames(NAMES, '  '), null);
  });

  it('round-trips through the wire format, recomputing x, parents and ranges', () => {
    for (const order of ['leftHeavy', 'timeOrder'] as const) {
      const l = layoutFlame(tree, order);
      const back = layoutFromPane(paneDataOf(l, 'main', f => f, true));
      for (const key of ['x', 'width', 'self', 'depth', 'frame', 'line', 'parent', 'end'] as const) {
        assert.deepStrictEqual(Array.from(back[key]), Array.from(l[key]), key);
      }
      assert.strictEqual(back.totalWeight, l.totalWeight);
      assert.strictEqual(back.maxDepth, l.maxDepth);
    }
    assert.throws(() => layoutFromPane({ role: 'main', totalWeight: 1, depth: [0, 2], frame: [0, 0], width: [1, 1], self: [0, 1] }), /pre-order/);
  });
});

describe('flame layout invariants on random stacks', () => {
  const samples = randomSamples(11, 4000, 30, 9);
  const names = Array.from({ length: 30 }, (_, i) => `fn_${i}${i % 3 === 0 ? '_io' : ''}`);
  const holdingMatch = (matches: Uint8Array) => stackSamplesOf(samples.stacks).filter(s => s.frames.some(f => matches[f] === 1)).reduce((a, s) => a + s.weight, 0);

  for (const order of ['leftHeavy', 'timeOrder'] as const) {
    it(`${order}: roots sum to the total, children fit in their parents`, () => {
      const l = layoutFlame(callTreeFromSamples(samples), order);
      assert.strictEqual(l.totalWeight, samples.totalWeight);
      checkLayoutInvariants(l);
      if (order === 'leftHeavy') {
        for (let i = 0; i < l.count; i++) {
          const next = nextSiblingOf(l, i);
          if (next >= 0) assert.ok(l.width[i] >= l.width[next], 'siblings heaviest first');
        }
      }
    });
  }

  for (const query of ['fn_1', '_io', 'fn_2', 'fn_']) {
    it(`search "${query}": the matched share is the weight of stacks holding a match, never over 100%, top-down and inverted alike`, () => {
      const matches = matchFrames(names, query)!;
      const expected = holdingMatch(matches);
      const top = searchLayout(layoutFlame(callTreeFromSamples(samples), 'leftHeavy'), matches);
      const inverted = searchLayout(layoutFlame(buildInvertedTree(stacksOfSamples(samples)), 'timeOrder'), matches);
      assert.strictEqual(top.matchedWeight, expected);
      assert.strictEqual(inverted.matchedWeight, expected);
      assert.ok(top.fractionOfTotal <= 1 && top.fractionOfTotal >= 0);
      assert.strictEqual(top.fractionOfTotal, expected / samples.totalWeight);
    });
  }
});

describe('flame graph payload for a profile', () => {
  const names = ['<module>', 'main', 'parse', 'len', '<img src=x onerror=alert(1)>'];
  const profile = profileOf(names, samplesOf(names, [
    ['<module>;main;parse', 3, 0], ['<module>;main;parse;len', 2, 0], ['<module>;main;<img src=x onerror=alert(1)>', 1, 1],
  ], 2), ['python', 'python', 'python', 'builtin', 'python']);

  it('renumbers frames to the ones used, with display paths and whether they can be opened', () => {
    const data = flameGraphData(profile, {}, 'run 1');
    assert.strictEqual(data.label, 'run 1');
    assert.strictEqual(data.unit, 'samples');
    assert.strictEqual(data.derivedFromCallGraph, false);
    assert.strictEqual(data.totalWeight, 6);
    assert.deepStrictEqual(data.frames.map(f => [f.name, f.shownFile, f.linkable]), [
      ['<module>', 'pkg/m0.py', true], ['main', 'pkg/m1.py', true], ['parse', 'pkg/m2.py', true], ['len', '~', false], ['<img src=x onerror=alert(1)>', 'pkg/m4.py', true],
    ]);
    assert.strictEqual(data.panes.length, 1);
    const l = layoutFromPane(data.panes[0]);
    assert.deepStrictEqual(boxes(l, data.frames.map(f => f.name)).map(b => b[0]), ['<module>', 'main', 'parse', 'len', '<img src=x onerror=alert(1)>']);
  });

  it('normalises requests: unknown thread → all, sandwich without a frame → top-down, a frame filter on a Python-only profile → all', () => {
    const data = flameGraphData(profile, { view: 'sandwich', thread: 9, frameFilter: 'python' });
    assert.deepStrictEqual(data.request, { view: 'topDown', order: 'leftHeavy', thread: -1, mergeByLine: false, sandwichFrame: -1, frameFilter: 'all' });
  });

  it('answers thread, inverted and sandwich requests', () => {
    const source = new FlameGraphSource(profile);
    const t1 = source.data({ thread: 1 });
    assert.strictEqual(t1.totalWeight, 1);
    const inverted = source.data({ view: 'inverted' });
    assert.strictEqual(layoutFromPane(inverted.panes[0]).totalWeight, 6);
    const sandwich = source.data({ view: 'sandwich', sandwichFrame: names.indexOf('parse') });
    assert.deepStrictEqual(sandwich.panes.map(p => [p.role, p.totalWeight]), [['callers', 5], ['callees', 5]]);
    assert.strictEqual(sandwich.request.sandwichFrame, 2);
    const byLine = source.data({ mergeByLine: true });
    assert.ok(byLine.panes[0].line);
  });

  it('marks a cProfile graph as derived from caller edges, in seconds', () => {
    const p: Profile = {
      source: 'cProfile', metadata: METADATA, totalSeconds: 3, stacks: undefined,
      frames: [{ name: 'main', file: '/w/a.py', line: 1, kind: 'python' }, { name: 'f', file: '/w/a.py', line: 5, kind: 'python' }],
      functions: [
        { frameIndex: 0, totalCalls: 1, primitiveCalls: 1, selfSeconds: 1, cumulativeSeconds: 3, callers: [] },
        { frameIndex: 1, totalCalls: 2, primitiveCalls: 2, selfSeconds: 2, cumulativeSeconds: 2, callers: [{ callerIndex: 0, totalCalls: 2, primitiveCalls: 2, selfSeconds: 2, cumulativeSeconds: 2 }] },
      ],
    };
    const data = flameGraphData(p, { mergeByLine: true, view: 'inverted' });
    assert.strictEqual(data.derivedFromCallGraph, true);
    assert.strictEqual(data.unit, 'seconds');
    assert.strictEqual(data.canMergeByLine, false);
    assert.strictEqual(data.request.mergeByLine, false);
    assert.strictEqual(data.totalWeight, 3);
    const l = layoutFromPane(data.panes[0]);
    assert.deepStrictEqual(boxes(l, data.frames.map(f => f.name)), [['f', 0, 2, 0], ['main', 0, 2, 1], ['main', 2, 1, 0]]);
  });
});
