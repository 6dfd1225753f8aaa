import * as assert from 'assert';
import { placeholderMetadata } from '../../../src/core/collapsedStacks';
import type { Profile } from '../../../src/core/profileModel';
import { estimateProfileBytes } from '../../../src/core/profileSize';
import { ProfileStore, ProfileTooLargeError } from '../../../src/server/profileStore';
import { stackTableOf } from '../../../src/core/stackTable';

/** A sampled profile of `stacks` distinct stacks, each `depth` frames deep: its size grows with both. */
function sampledProfile(stacks: number, depth = 10): Profile {
  const frames = Array.from({ length: depth }, (_, i) => ({ name: `f${i}`, file: '/w/app.py', line: i + 1, kind: 'python' as const }));
  return {
    source: 'py-spy', metadata: placeholderMetadata(), frames, functions: [], totalSeconds: 0,
    stacks: {
      unit: 'samples', threads: [], totalWeight: stacks,
      stacks: stackTableOf(Array.from({ length: stacks }, (_, s) => ({
        frames: Array.from({ length: depth }, (_, i) => (i + s) % depth), lines: Array(depth).fill(1), weight: 1, thread: -1,
      }))),
    },
  };
}

describe('ProfileStore memory cap', () => {
  it('estimates size linearly in stacks and depth', () => {
    const small = estimateProfileBytes(sampledProfile(1000, 10));
    const wide = estimateProfileBytes(sampledProfile(4000, 10));
    const deep = estimateProfileBytes(sampledProfile(1000, 40));
    assert.ok(wide > 3.5 * small && wide < 4.5 * small, `1000 → 4000 stacks: ${small} → ${wide} bytes`);
    assert.ok(deep > 2 * small, `10 → 40 frames deep: ${small} → ${deep} bytes`);
  });

  it('drops the least recently used runs beyond the cap, keeping the shown one', () => {
    const one = estimateProfileBytes(sampledProfile(2000));
    const store = new ProfileStore(100, Math.floor(3.5 * one)); // room for three
    store.add('a', 'A', sampledProfile(2000));
    store.setActive('a');
    store.add('b', 'B', sampledProfile(2000));
    store.add('c', 'C', sampledProfile(2000));
    store.get('b'); // b used after c: c is now the least recently used after a
    store.add('d', 'D', sampledProfile(2000));
    assert.deepStrictEqual(store.usage().runIds, ['a', 'b', 'd'], 'c dropped; a is shown, so it stays');
    assert.strictEqual(store.usage().bytes, 3 * one);
    assert.strictEqual(store.get('c'), undefined);
    assert.strictEqual(store.labelOf('c'), 'C', 'a dropped run keeps its label, to be loaded again under it');
    assert.strictEqual(store.active()?.runId, 'a');
  });

  it('never drops the shown run, even when it alone leaves no room', () => {
    const one = estimateProfileBytes(sampledProfile(2000));
    const store = new ProfileStore(100, Math.floor(1.5 * one));
    store.add('a', 'A', sampledProfile(2000));
    store.setActive('a');
    store.add('b', 'B', sampledProfile(2000));
    assert.deepStrictEqual(store.usage().runIds, ['a', 'b'], 'the shown run and the one just added both stay');
    store.add('c', 'C', sampledProfile(2000));
    assert.deepStrictEqual(store.usage().runIds, ['a', 'c']);
  });

  it('refuses a profile larger than the cap on its own, naming its size, the cap and the setting', () => {
    const store = new ProfileStore(100, 1024 * 1024);
    const big = sampledProfile(20_000, 20);
    assert.ok(estimateProfileBytes(big) > 1024 * 1024);
    assert.throws(() => store.add('big', 'Big', big), (e: unknown) => e instanceof ProfileTooLargeError &&
      /about \d+(\.\d)? MB in memory, more than the 1\.0 MB/.test(e.message) && e.message.includes('pyrometer.maxProfileMegabytes'));
    assert.deepStrictEqual(store.usage(), { bytes: 0, runIds: [] });
  });

  it('a lower cap drops runs at once; the count cap still applies', () => {
    const one = estimateProfileBytes(sampledProfile(2000));
    const store = new ProfileStore(2);
    for (const id of ['a', 'b', 'c']) store.add(id, id, sampledProfile(2000));
    assert.deepStrictEqual(store.usage().runIds, ['b', 'c']);
    store.setMaxBytes(one);
    assert.deepStrictEqual(store.usage().runIds, ['c']);
  });
});
