import { pySpyFrameKind, SampledParseOptions, SampledProfileBuilder, ThreadRoot } from './collapsedStacks';
import { asArray, asObject, JsonObject, optionalNumber, optionalString } from './jsonFields';
import { IndexListTable, NOT_ADMITTED } from './indexListTable';
import { ProfileFormatError } from './profileErrors';
import type { Profile } from './profileModel';

/**
 * speedscope JSON as py-spy 0.4 writes it (`py-spy record --format speedscope`) → the profile model.
 *
 * What py-spy writes (checked against py-spy 0.4.2's output here):
 * - `shared.frames[]`: `{name, file, line, col: null}`, one entry per distinct (function, file, line): the same
 *   function at two lines is two entries. `file` is absolute; native frames (--native) have the library path and
 *   line 0. Under --threads a `thread (TID)` / `thread (TID): NAME` pseudo-frame (file '', line 0) is the root of
 *   every sample; under --subprocesses `process PID:"CMDLINE"` pseudo-frames are (one per process level).
 * - `profiles[]`: one `type: "sampled"` profile per thread, named `Thread TID "NAME"` (`Process PID Thread TID
 *   "NAME"` under --subprocesses; NAME is '' when the thread had none at its first sample), `unit: "seconds"`,
 *   `samples[]` = one stack per sample (frame indices, root first), `weights[]` = 1/rate for every sample,
 *   `endValue` = samples/rate.
 *
 * Weights → samples: each weight is divided by the sample period and rounded: `round(weight × rate)` with the rate
 * given in the options, else with the period inferred as the smallest positive weight in the file (py-spy writes
 * exactly 1/rate for every sample, so each sample counts 1 and the rate is recovered as 1/period). Unit `none` means
 * the weights already are counts. Frames, lines and threads come out as from the collapsed-stacks parser: frames
 * deduplicated by (name, file) with line = the smallest line seen, per-position lines in each stack, thread and
 * process pseudo-frames turned into ThreadInfo. Identical stacks of one thread are merged into one stack.
 */
export const SPEEDSCOPE_FORMATS = 'speedscope JSON with "sampled" profiles, as py-spy writes it ' +
  '(py-spy record --format speedscope)';

const THREAD_FRAME = /^thread \((0x[0-9a-fA-F]+|\d+)\)(?:: ([\s\S]*))?$/;
const PROCESS_FRAME = /^process (\d+):"([\s\S]*)"$/;
const PROFILE_NAME = /^(?:Process (\d+) )?Thread (\S+) "([\s\S]*)"$/;
const SECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  seconds: 1, milliseconds: 1e-3, microseconds: 1e-6, nanoseconds: 1e-9,
};

type FrameRole =
  | { readonly kind: 'frame'; readonly frame: number; readonly line: number }
  | { readonly kind: 'thread'; readonly tid: string; readonly name?: string }
  | { readonly kind: 'process'; readonly pid: string; readonly cmdline: string };

export function parseSpeedscope(text: string, options: SampledParseOptions = {}): Profile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProfileFormatError(`The file is not valid JSON, so it is not a speedscope profile. Pyrometer reads ${SPEEDSCOPE_FORMATS}.`,
      (e as Error).message);
  }
  const root = asObject(raw, 'the speedscope file');
  if (root.profiles === undefined || root.shared === undefined) {
    throw new ProfileFormatError(`The JSON has no "profiles" and "shared" sections, so it is not a speedscope profile. Pyrometer reads ${SPEEDSCOPE_FORMATS}.`);
  }
  const profiles = asArray(root.profiles, 'profiles').map((p, i) => asObject(p, () => `profiles[${i}]`));
  profiles.forEach((p, i) => {
    if (p.type === 'evented') {
      throw new ProfileFormatError(`Profile ${i + 1} ("${optionalString(p, 'name') ?? ''}") of this speedscope file is an "evented" profile (open/close events, as written by tracing profilers); Pyrometer reads only "sampled" profiles. It reads ${SPEEDSCOPE_FORMATS}.`);
    }
    if (p.type !== 'sampled') {
      throw new ProfileFormatError(`Profile ${i + 1} of this speedscope file has type ${JSON.stringify(p.type)}; Pyrometer reads ${SPEEDSCOPE_FORMATS}.`);
    }
    const unit = optionalString(p, 'unit') ?? 'none';
    if (unit !== 'none' && SECONDS_PER_UNIT[unit] === undefined) {
      throw new ProfileFormatError(`Profile ${i + 1} of this speedscope file is weighted in ${JSON.stringify(unit)}, not time or samples; Pyrometer reads ${SPEEDSCOPE_FORMATS}.`);
    }
  });

  const builder = new SampledProfileBuilder();
  const shared = asObject(root.shared, 'shared');
  const roles: FrameRole[] = asArray(shared.frames, 'shared.frames').map((f, i) => {
    const o = asObject(f, () => `shared.frames[${i}]`);
    if (typeof o.name !== 'string') throw new ProfileFormatError(`shared.frames[${i}].name should be a string`);
    return frameRole(builder, o.name, optionalString(o, 'file') ?? '', optionalNumber(o, 'line') ?? 0);
  });

  const isIndexList = (stack: readonly unknown[]) => firstNonIndex(stack, roles.length) < 0;
  // The roles again as typed arrays: resolving 200,000 stacks read them ~1.5 million times, at random, and objects
  // scattered in a heap of a gigabyte (the parsed file) cost a cache miss each.
  const roleFrame = new Int32Array(roles.length);
  const roleLine = new Float64Array(roles.length);
  roles.forEach((role, i) => {
    roleFrame[i] = role.kind === 'frame' ? role.frame : NOT_A_FRAME;
    roleLine[i] = role.kind === 'frame' ? role.line : 0;
  });

  const period = samplePeriodSeconds(profiles, options.rateHz);
  let rateHz = options.rateHz;
  if (rateHz === undefined && period !== undefined) {
    const inferred = 1 / period;
    rateHz = Math.abs(inferred - Math.round(inferred)) < 1e-6 * inferred ? Math.round(inferred) : inferred;
  }

  profiles.forEach((p, pi) => {
    const where = `profiles[${pi}]`;
    const samples = asArray(p.samples, `${where}.samples`);
    const weights = asArray(p.weights, `${where}.weights`);
    if (weights.length !== samples.length) {
      throw new ProfileFormatError(`${where} has ${samples.length} samples but ${weights.length} weights`);
    }
    const unitSeconds = SECONDS_PER_UNIT[optionalString(p, 'unit') ?? 'none'];
    const nameMatch = PROFILE_NAME.exec(optionalString(p, 'name') ?? '');
    // Identical stacks of this thread: one stack, weights summed. Samples repeat the same few stacks, so
    // each distinct list of frame indices gets an id (IndexListTable) and is resolved once.
    const stackIds = new IndexListTable();
    // By id, the summed count (a typed array: every sample adds to one of them, at random).
    let counts: Float64Array = new Float64Array(1024);
    // The first sample holding something that is not a frame index: reported once every weight is checked, as
    // when stacks were resolved after this loop.
    let badIndex: { readonly sample: number; readonly position: number } | undefined;
    for (let si = 0; si < samples.length; si++) {
      const stack = samples[si];
      if (!Array.isArray(stack)) throw new ProfileFormatError(`${where}.samples[${si}] should be a list of frame indices`);
      const w = weights[si];
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
        throw new ProfileFormatError(`${where}.weights[${si}] should be a non-negative number`);
      }
      const count = unitSeconds === undefined || period === undefined ? Math.round(w) : Math.round((w * unitSeconds) / period);
      if (!Number.isSafeInteger(count)) {
        throw new ProfileFormatError(`${where}.weights[${si}] (${w}) is ${count === Infinity ? 'infinitely' : 'too'} many samples (more than 2^53) at one sample per ${period ?? 1} s: the weights are not py-spy's.`);
      }
      if (badIndex !== undefined) continue;
      // Only a stack not seen before is checked for indices: the rest of the samples repeat checked ones.
      const id = stackIds.idOf(stack, isIndexList);
      if (id === NOT_ADMITTED) {
        badIndex = { sample: si, position: firstNonIndex(stack, roles.length) };
        continue;
      }
      if (id === counts.length) counts = doubled(counts);
      counts[id] += count;
    }
    if (badIndex !== undefined) {
      throw new ProfileFormatError(`${where}.samples[${badIndex.sample}][${badIndex.position}] is not an index into shared.frames (${roles.length} frames)`);
    }
    const merged = new MergedStacks();
    const stored = stackIds.storedNumbers;
    for (let id = 0; id < stackIds.size; id++) {
      const from = stackIds.listStart(id);
      const to = stackIds.listStart(id + 1);
      const count = counts[id];
      const rootInfo: ThreadRoot = {};
      if (nameMatch) {
        if (nameMatch[1] !== undefined) rootInfo.pid = nameMatch[1];
        rootInfo.tid = nameMatch[2];
        if (nameMatch[3]) rootInfo.threadName = nameMatch[3];
      } else {
        rootInfo.tid = String(pi);
        rootInfo.threadName = optionalString(p, 'name') ?? '';
      }
      // The stack's frame indices as stored by the table (each checked when the stack was first seen).
      let frameCount = 0;
      for (let k = from; k < to; k++) if (roleFrame[stored[k]] !== NOT_A_FRAME) frameCount++;
      const frames = new Array<number>(frameCount);
      const lines = new Array<number>(frameCount);
      let n = 0;
      for (let k = from; k < to; k++) {
        const index = stored[k];
        const frame = roleFrame[index];
        if (frame !== NOT_A_FRAME) {
          frames[n] = frame;
          lines[n] = roleLine[index];
          n++;
          continue;
        }
        const role = roles[index];
        if (n === 0 && role.kind === 'process') {
          rootInfo.pid = role.pid;
          if (role.cmdline) rootInfo.cmdline = role.cmdline;
        } else if (n === 0 && role.kind === 'thread') {
          rootInfo.tid = role.tid;
          if (role.name) rootInfo.threadName = role.name;
        }
      }
      merged.add(frames, lines, count, rootInfo);
    }
    for (const s of merged.inOrder) {
      builder.addStack(s.frames, s.lines, s.weight, builder.threadIndex(s.root));
    }
  });
  return builder.build('py-spy', { ...options, rateHz });
}

const MAX_HASH_BUCKET = 8;
/** roleFrame of a thread or process pseudo-frame. */
const NOT_A_FRAME = -1;

interface MergedStack {
  readonly frames: number[];
  readonly lines: number[];
  weight: number;
  readonly root: ThreadRoot;
}

/**
 * One thread's resolved stacks (frames and lines, thread and process pseudo-frames turned into the root), identical
 * ones merged, in the order first seen. Found by a numeric hash of the frames and lines, checked field by field,
 * not by a key string per stack (joining the numbers of 200,000 stacks took ~0.6 s of a 100 MB file's parse); past
 * MAX_HASH_BUCKET stacks with one hash, by that key string, so a crafted file cannot make the search quadratic.
 */
class MergedStacks {
  readonly inOrder: MergedStack[] = [];
  /** hash → the stack with it, or the stacks (up to MAX_HASH_BUCKET) when several have it: most hashes have one. */
  private readonly byHash = new Map<number, MergedStack | MergedStack[]>();
  private readonly byText = new Map<string, MergedStack>();

  add(frames: number[], lines: number[], weight: number, root: ThreadRoot): void {
    const hash = (Math.imul(numbersHash(frames), 31) + numbersHash(lines)) & 0x3fffffff;
    const sameHash = this.byHash.get(hash);
    let seen: MergedStack | undefined;
    let sameHashCount = 0;
    if (Array.isArray(sameHash)) {
      sameHashCount = sameHash.length;
      seen = sameHash.find(s => sameStack(s, frames, lines, root));
    } else if (sameHash !== undefined) {
      sameHashCount = 1;
      if (sameStack(sameHash, frames, lines, root)) seen = sameHash;
    }
    const text = seen === undefined && sameHashCount >= MAX_HASH_BUCKET
      ? `${frames.join(',')}|${lines.join(',')}|${root.pid ?? ''}|${root.tid ?? ''}` : undefined;
    if (text !== undefined) seen = this.byText.get(text);
    if (seen) {
      seen.weight += weight;
      if (!seen.root.threadName && root.threadName) seen.root.threadName = root.threadName;
      if (!seen.root.cmdline && root.cmdline) seen.root.cmdline = root.cmdline;
      return;
    }
    const stack = { frames, lines, weight, root };
    if (text !== undefined) this.byText.set(text, stack);
    else if (sameHash === undefined) this.byHash.set(hash, stack);
    else if (Array.isArray(sameHash)) sameHash.push(stack);
    else this.byHash.set(hash, [sameHash, stack]);
    this.inOrder.push(stack);
  }
}

function sameStack(s: MergedStack, frames: readonly number[], lines: readonly number[], root: ThreadRoot): boolean {
  return sameIndices(s.frames, frames) && sameIndices(s.lines, lines) && s.root.pid === root.pid && s.root.tid === root.tid;
}

function numbersHash(numbers: readonly number[]): number {
  let hash = 0x811c9dc5 ^ numbers.length;
  for (let k = 0; k < numbers.length; k++) hash = Math.imul(hash ^ numbers[k], 16777619);
  return hash;
}

function doubled(counts: Float64Array): Float64Array {
  const bigger = new Float64Array(2 * counts.length);
  bigger.set(counts);
  return bigger;
}

/** The position of the first element that is not an index into `frameCount` frames, or -1. */
function firstNonIndex(stack: readonly unknown[], frameCount: number): number {
  for (let k = 0; k < stack.length; k++) {
    const v = stack[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= frameCount) return k;
  }
  return -1;
}

function sameIndices(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function frameRole(builder: SampledProfileBuilder, name: string, file: string, line: number): FrameRole {
  if (file === '' && !line) {
    const thread = THREAD_FRAME.exec(name);
    if (thread) return { kind: 'thread', tid: thread[1], name: thread[2] };
    const process = PROCESS_FRAME.exec(name);
    if (process) return { kind: 'process', pid: process[1], cmdline: process[2] };
    return { kind: 'frame', frame: builder.frameIndex(name, '', 'native'), line: 0 };
  }
  const lineNumber = Number.isInteger(line) && line > 0 ? line : 0;
  return { kind: 'frame', frame: builder.frameIndex(name, file, pySpyFrameKind(file, lineNumber)), line: lineNumber };
}

/** Seconds per sample: 1/rate when given, else the smallest positive time weight; undefined for unit none. */
function samplePeriodSeconds(profiles: readonly JsonObject[], rateHz: number | undefined): number | undefined {
  if (rateHz !== undefined && rateHz > 0) return 1 / rateHz;
  let smallest = Number.POSITIVE_INFINITY;
  for (const p of profiles) {
    const unitSeconds = SECONDS_PER_UNIT[optionalString(p, 'unit') ?? 'none'];
    if (unitSeconds === undefined || !Array.isArray(p.weights)) continue;
    for (const w of p.weights) {
      if (typeof w === 'number' && w > 0 && w * unitSeconds < smallest) smallest = w * unitSeconds;
    }
  }
  return Number.isFinite(smallest) ? smallest : undefined;
}
