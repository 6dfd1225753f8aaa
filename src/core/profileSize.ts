import type { Profile } from './profileModel';

/**
 * A cheap estimate of the memory a profile takes once the language server holds it, in bytes: what the memory cap
 * (`pyrometer.maxProfileMegabytes`) is checked against. It counts, with V8's usual 64-bit sizes:
 * - each object (frame, function, caller edge, stack, line) as OBJECT_BYTES;
 * - each array element (frame index, line number) as SLOT_BYTES;
 * - each distinct string (frame names and files) as 2 bytes per character plus a header (UTF-16, the worst case);
 * - memory and events results by walking them (their size is bounded by the runner's --top and site counts);
 * and doubles the sum for what the server derives from the model (call graph, sample statistics, flame trees), which
 * is of the same order. It is linear in the model and never allocates: cheap enough to run on every load.
 */
export const OBJECT_BYTES = 64;
export const SLOT_BYTES = 8;
const STRING_HEADER_BYTES = 24;
const DERIVED_FACTOR = 2;

export function estimateProfileBytes(profile: Profile): number {
  let bytes = OBJECT_BYTES * 4; // the profile, its metadata, stacks and timings wrappers
  for (const f of profile.frames) bytes += OBJECT_BYTES + stringBytes(f.name) + stringBytes(f.file);
  for (const fn of profile.functions) bytes += OBJECT_BYTES + fn.callers.length * (OBJECT_BYTES + SLOT_BYTES);
  if (profile.stacks) {
    const t = profile.stacks.stacks;
    bytes += OBJECT_BYTES * 6 + t.starts.byteLength + t.frames.byteLength + t.lines.byteLength + t.weights.byteLength + t.threads.byteLength;
    bytes += profile.stacks.threads.length * OBJECT_BYTES;
  }
  for (const fn of profile.lineTimings?.functions ?? []) bytes += OBJECT_BYTES + fn.lines.length * (OBJECT_BYTES + SLOT_BYTES);
  if (profile.memory) bytes += walkBytes(profile.memory);
  if (profile.events) bytes += walkBytes(profile.events);
  return bytes * DERIVED_FACTOR;
}

function stringBytes(s: string): number {
  return STRING_HEADER_BYTES + 2 * s.length;
}

/** Objects, slots and strings of a plain data tree (no cycles: parsed JSON). */
function walkBytes(root: unknown): number {
  let bytes = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') bytes += stringBytes(v);
    else if (Array.isArray(v)) {
      bytes += OBJECT_BYTES + SLOT_BYTES * v.length;
      for (const x of v) stack.push(x);
    } else if (typeof v === 'object' && v !== null) {
      bytes += OBJECT_BYTES;
      for (const x of Object.values(v)) {
        bytes += SLOT_BYTES;
        stack.push(x);
      }
    }
  }
  return bytes;
}
