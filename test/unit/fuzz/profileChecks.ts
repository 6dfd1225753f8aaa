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
    for (const s of profile.stacks.stacks) {
      for (const i of s.frames) inFrames(i, 'stacks[].frames[]');
      assert.strictEqual(s.lines.length, s.frames.length, 'one line per stack position');
      assert.ok(s.thread >= -1 && s.thread < threads, `stack thread ${s.thread} of ${threads}`);
      assert.ok(s.weight >= 0, `stack weight ${s.weight}`);
    }
  }
  for (const f of profile.lineTimings?.functions ?? []) inFrames(f.frameIndex, 'lineTimings.functions[].frameIndex');
}
