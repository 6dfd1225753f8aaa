import type { Frame, Profile } from './profileModel';
import { matchFunctions } from './functionMatch';

/**
 * The difference between two profiles of the same kind, function by function.
 *
 * Functions are matched by name and file, then by name and file base name (a run from another checkout), never by
 * line: a function that moved in its file is still the same function (functionMatch.ts).
 *
 * - cProfile: the figures are pstats' own (tottime, cumtime seconds and calls), unchanged; a delta is current −
 *   baseline in seconds (calls in calls).
 * - Sampled (py-spy): two runs rarely take the same number of samples, so deltas are in SHARE of each run's
 *   samples (self or total samples / the run's samples); the raw sample counts are kept beside them. A function's
 *   total counts a sample once even when it is on the stack several times (recursion), as sampleStats does.
 */

export type DiffKind = 'cProfile' | 'sampled';

/** One side's figures for a function: seconds (cProfile) or samples (sampled). */
export interface FunctionFigures {
  readonly self: number;
  readonly total: number;
  /** pstats' ncalls (total calls); null for sampled runs, which do not count calls. */
  readonly calls: number | null;
}

export type MatchedBy = 'fileAndName' | 'baseNameAndName' | 'added' | 'removed';

export interface FunctionDelta {
  readonly name: string;
  /** The current run's file (the baseline's for a removed function). */
  readonly file: string;
  readonly matchedBy: MatchedBy;
  /** Indices into each profile's frames; -1 on the side where the function is absent. */
  readonly baselineFrames: readonly number[];
  readonly currentFrames: readonly number[];
  readonly baselineLine: number;
  readonly currentLine: number;
  readonly baseline: FunctionFigures | null;
  readonly current: FunctionFigures | null;
  /** current − baseline: seconds (cProfile) or share of samples, 0..1 (sampled); an absent side counts as 0. */
  readonly selfDelta: number;
  readonly totalDelta: number;
  readonly callsDelta: number | null;
  /** totalDelta relative to the baseline's total (−0.34 = 34% less); null when the baseline had none. */
  readonly totalChange: number | null;
  readonly selfChange: number | null;
}

export interface ProfileDiff {
  readonly kind: DiffKind;
  /** What deltas are in. */
  readonly deltaUnit: 'seconds' | 'share of samples';
  /** cProfile: pstats total_tt of each run; sampled: each run's samples. */
  readonly baselineTotal: number;
  readonly currentTotal: number;
  /** Every function of either run, biggest |totalDelta| first. */
  readonly functions: readonly FunctionDelta[];
}

export class DiffKindError extends Error {}

export function diffKindOf(profile: Profile): DiffKind | null {
  if (profile.stacks) return 'sampled';
  if (profile.source === 'cProfile') return 'cProfile';
  return null;
}

interface Side {
  /** One entry per function: the frames it covers (several for a sampled function seen at several lines). */
  readonly entries: readonly { readonly frames: readonly number[]; readonly figures: FunctionFigures }[];
  readonly total: number;
}

function cprofileSide(profile: Profile): Side {
  return {
    entries: profile.functions.map(fn => ({
      frames: [fn.frameIndex],
      figures: { self: fn.selfSeconds, total: fn.cumulativeSeconds, calls: fn.totalCalls },
    })),
    total: profile.totalSeconds,
  };
}

/** Per function (name + file), self and total samples; total counted once per sample. */
function sampledSide(profile: Profile): Side {
  const samples = profile.stacks!;
  const keyOf = new Map<string, number>();
  const frameKey = profile.frames.map(f => {
    const key = `${f.name}\0${f.file}`;
    let id = keyOf.get(key);
    if (id === undefined) keyOf.set(key, (id = keyOf.size));
    return id;
  });
  const n = keyOf.size;
  const self = new Float64Array(n);
  const total = new Float64Array(n);
  const stamp = new Int32Array(n).fill(-1);
  const table = samples.stacks;
  for (let si = 0; si < table.length; si++) {
    const weight = table.weights[si];
    const from = table.starts[si];
    const to = table.starts[si + 1];
    for (let at = from; at < to; at++) {
      const k = frameKey[table.frames[at]];
      if (stamp[k] !== si) {
        stamp[k] = si;
        total[k] += weight;
      }
    }
    if (to > from) self[frameKey[table.frames[to - 1]]] += weight;
  }
  const framesOfKey: number[][] = Array.from({ length: n }, () => []);
  frameKey.forEach((k, f) => framesOfKey[k].push(f));
  const entries = [];
  for (let k = 0; k < n; k++) {
    if (total[k] > 0) entries.push({ frames: framesOfKey[k], figures: { self: self[k], total: total[k], calls: null } });
  }
  return { entries, total: samples.totalWeight };
}

const relative = (delta: number, base: number | undefined): number | null => (base && base > 0 ? delta / base : null);

/** The diff of two profiles of the same kind; throws DiffKindError for profiles that cannot be compared. */
export function diffProfiles(baseline: Profile, current: Profile): ProfileDiff {
  const kind = diffKindOf(baseline);
  const currentKind = diffKindOf(current);
  if (!kind || !currentKind) {
    throw new DiffKindError('Only cProfile and sampled (py-spy) runs can be compared: the other runs have no per-function times.');
  }
  if (kind !== currentKind) {
    throw new DiffKindError(`A ${kind} run cannot be compared with a ${currentKind} run: pick two runs of the same kind (their figures are in different units).`);
  }
  const base = kind === 'cProfile' ? cprofileSide(baseline) : sampledSide(baseline);
  const cur = kind === 'cProfile' ? cprofileSide(current) : sampledSide(current);
  // Sampled figures are compared as shares of each run's samples.
  const scaleBase = kind === 'sampled' ? (base.total > 0 ? 1 / base.total : 0) : 1;
  const scaleCur = kind === 'sampled' ? (cur.total > 0 ? 1 / cur.total : 0) : 1;
  const firstFrame = (profile: Profile, frames: readonly number[]): Frame => profile.frames[frames[0]];
  const pairs = matchFunctions(
    base.entries.map(e => { const f = firstFrame(baseline, e.frames); return { name: f.name, file: f.file, line: f.line }; }),
    cur.entries.map(e => { const f = firstFrame(current, e.frames); return { name: f.name, file: f.file, line: f.line }; }),
  );
  const functions: FunctionDelta[] = pairs.map(p => {
    const b = p.baseline >= 0 ? base.entries[p.baseline] : undefined;
    const c = p.current >= 0 ? cur.entries[p.current] : undefined;
    const bFrame = b ? firstFrame(baseline, b.frames) : undefined;
    const cFrame = c ? firstFrame(current, c.frames) : undefined;
    const bSelf = (b?.figures.self ?? 0) * scaleBase;
    const bTotal = (b?.figures.total ?? 0) * scaleBase;
    const selfDelta = (c?.figures.self ?? 0) * scaleCur - bSelf;
    const totalDelta = (c?.figures.total ?? 0) * scaleCur - bTotal;
    const bCalls = b?.figures.calls ?? null;
    const cCalls = c?.figures.calls ?? null;
    return {
      name: (cFrame ?? bFrame)!.name,
      file: (cFrame ?? bFrame)!.file,
      matchedBy: p.matchedBy,
      baselineFrames: b?.frames ?? [],
      currentFrames: c?.frames ?? [],
      baselineLine: bFrame?.line ?? 0,
      currentLine: cFrame?.line ?? 0,
      baseline: b?.figures ?? null,
      current: c?.figures ?? null,
      selfDelta,
      totalDelta,
      callsDelta: kind === 'cProfile' ? (cCalls ?? 0) - (bCalls ?? 0) : null,
      totalChange: b ? relative(totalDelta, bTotal) : null,
      selfChange: b ? relative(selfDelta, bSelf) : null,
    };
  });
  functions.sort((x, y) => Math.abs(y.totalDelta) - Math.abs(x.totalDelta) || Math.abs(y.selfDelta) - Math.abs(x.selfDelta));
  return {
    kind, deltaUnit: kind === 'cProfile' ? 'seconds' : 'share of samples',
    baselineTotal: base.total, currentTotal: cur.total, functions,
  };
}

/** The delta of each current frame's function, for CodeLens and the flame graph's colours. */
export function deltasByCurrentFrame(diff: ProfileDiff): Map<number, FunctionDelta> {
  const byFrame = new Map<number, FunctionDelta>();
  for (const d of diff.functions) for (const f of d.currentFrames) byFrame.set(f, d);
  return byFrame;
}
