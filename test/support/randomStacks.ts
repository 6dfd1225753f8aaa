import { seededRandom } from '../../bench/seededRandom';
import type { StackSample, StackSamples } from '../../src/core/profileModel';
import { stackTableOf } from '../../src/core/stackTable';

/**
 * Seeded random samples over `frameCount` frames in two threads, sharing prefixes the way real profiles do;
 * frames repeat within a stack, which makes recursion. Weights are 1..maxWeight.
 */
export function randomSamples(seed: number, count: number, frameCount: number, maxWeight: number): StackSamples {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const stacks: StackSample[] = [];
  for (let i = 0; i < count; i++) {
    const base = stacks.length > 0 && random() < 0.8 ? stacks[pick(stacks.length)].frames : [];
    const frames = base.slice(0, pick(base.length + 1));
    for (let k = 1 + pick(6); k > 0; k--) frames.push(pick(frameCount));
    stacks.push({ frames, lines: frames.map(() => 1 + pick(3)), weight: 1 + pick(maxWeight), thread: pick(2) });
  }
  return { unit: 'samples', stacks: stackTableOf(stacks), threads: [{ id: '1', name: 'a' }, { id: '2', name: 'b' }], totalWeight: stacks.reduce((a, s) => a + s.weight, 0) };
}
