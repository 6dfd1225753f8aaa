import * as assert from 'assert';
import type { StackSample } from '../../src/core/profileModel';
import { emptyStackTable, StackTableBuilder, stackFrames, stackLines, stackSample, stackSamplesOf, stackTableOf, stackWeightSum } from '../../src/core/stackTable';
import { seededRandom } from '../../bench/seededRandom';

describe('stack table', () => {
  it('keeps every stack, in order, through the columns and back', () => {
    const samples: StackSample[] = [
      { frames: [0, 1, 2], lines: [3, 4, 5], weight: 7, thread: 0 },
      { frames: [], lines: [], weight: 2, thread: -1 },
      { frames: [2], lines: [123456789012345], weight: 1, thread: 1 },
    ];
    const table = stackTableOf(samples);
    assert.strictEqual(table.length, 3);
    assert.deepStrictEqual(Array.from(table.starts), [0, 3, 3, 4]);
    assert.deepStrictEqual(stackSamplesOf(table), samples);
    assert.deepStrictEqual(Array.from(stackFrames(table, 0)), [0, 1, 2]);
    assert.deepStrictEqual(Array.from(stackLines(table, 2)), [123456789012345], 'lines past 2^31 stay exact');
    assert.deepStrictEqual(stackSample(table, 1), samples[1]);
    assert.strictEqual(stackWeightSum(table), 10);
    assert.strictEqual(stackWeightSum(table, 1), 1);
  });

  it('grows past its first capacity and cuts the columns to size', () => {
    const random = seededRandom(5);
    const samples: StackSample[] = [];
    for (let i = 0; i < 5000; i++) {
      const depth = Math.floor(random() * 9);
      const frames = Array.from({ length: depth }, () => Math.floor(random() * 100));
      samples.push({ frames, lines: frames.map(f => f + 1), weight: 1 + Math.floor(random() * 5), thread: i % 3 - 1 });
    }
    const table = stackTableOf(samples);
    assert.deepStrictEqual(stackSamplesOf(table), samples);
    const frameTotal = samples.reduce((n, s) => n + s.frames.length, 0);
    assert.strictEqual(table.frames.length, frameTotal);
    assert.strictEqual(table.lines.length, frameTotal);
    assert.strictEqual(table.weights.length, 5000);
    assert.strictEqual(table.threads.length, 5000);
    assert.strictEqual(table.starts.length, 5001);
  });

  it('builds a stack frame by frame, or from a range of longer arrays', () => {
    const builder = new StackTableBuilder();
    builder.addFrame(4, 40);
    builder.addFrame(5, 50);
    builder.endStack(3, 2);
    builder.add([9, 8, 7, 6], [1, 2, 3, 4], 1, -1, 1, 3);
    builder.endStack(6, 0);
    assert.strictEqual(builder.length, 3);
    assert.deepStrictEqual(stackSamplesOf(builder.build()), [
      { frames: [4, 5], lines: [40, 50], weight: 3, thread: 2 },
      { frames: [8, 7], lines: [2, 3], weight: 1, thread: -1 },
      { frames: [], lines: [], weight: 6, thread: 0 },
    ]);
  });

  it('a built table does not change when the builder goes on', () => {
    const builder = new StackTableBuilder();
    builder.add([1], [1], 1, -1);
    const first = builder.build();
    builder.add([2, 3], [2, 3], 5, -1);
    assert.strictEqual(first.length, 1);
    assert.deepStrictEqual(stackSamplesOf(first), [{ frames: [1], lines: [1], weight: 1, thread: -1 }]);
  });

  it('an empty table has one start and no stacks', () => {
    const table = emptyStackTable();
    assert.strictEqual(table.length, 0);
    assert.deepStrictEqual(Array.from(table.starts), [0]);
    assert.deepStrictEqual(stackSamplesOf(table), []);
  });
});
