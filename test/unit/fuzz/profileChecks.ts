import * as assert from 'assert';
import type { Profile } from '../../../src/core/profileModel';

/** The indices a view follows without checking: every one a parser puts in a Profile must point at something. */
export function assertProfileIndices(profile: Profile): void {
  const frameCount = profile.frames.length;
  const inFrames = (i: number, what: string) => assert.ok(Number.isInteger(i) && i >= 0 && i < frameCount, `${what} = ${i}, not an index into ${frameCount} frames`);
  for (const f of profile.functions) {
    inFrames(f.frameIndex, 'functions[].frameIndex');
    for (const c of f.callers) inFrames(c.callerIndex, 'callers[].callerIndex');
  }
  if (profile.stacks) {
    const threads = profile.stacks.threads.length;
    const t = profile.stacks.stacks;
    assert.strictEqual(t.starts.length, t.length + 1, 'one start per stack, and the end');
    assert.strictEqual(t.starts[0], 0, 'the first stack starts at 0');
    assert.strictEqual(t.starts[t.length], t.frames.length, 'the last stack ends at the end of the frames');
    for (let i = 0; i < t.length; i++) assert.ok(t.starts[i] <= t.starts[i + 1], `stack ${i} ends before it starts`);
    assert.strictEqual(t.lines.length, t.frames.length, 'one line per stack position');
    assert.strictEqual(t.weights.length, t.length, 'one weight per stack');
    assert.strictEqual(t.threads.length, t.length, 'one thread per stack');
    for (const i of t.frames) inFrames(i, 'stacks.frames[]');
    for (const thread of t.threads) assert.ok(thread >= -1 && thread < threads, `stack thread ${thread} of ${threads}`);
    for (const weight of t.weights) assert.ok(weight >= 0, `stack weight ${weight}`);
  }
  for (const f of profile.lineTimings?.functions ?? []) inFrames(f.frameIndex, 'lineTimings.functions[].frameIndex');
}
