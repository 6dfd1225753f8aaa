import type { Profile } from './profileModel';
import { emptyStackTable, stackFrames, stackLines } from './stackTable';

/**
 * Per-function and per-line sample counts from a sampled profile (py-spy), as a sampling profiler reports them:
 *
 * - self samples: samples whose leaf (innermost frame) is this function / line;
 * - total samples: samples in which the function / line is anywhere on the stack, counted ONCE per sample even when
 *   it appears several times (recursion), so total ≤ the number of samples and 100% means "always on the stack".
 * - hits (lines only): how many distinct sampled stacks (call paths) pass through the line.
 *
 * Lines are the per-position lines of the stacks (py-spy: the executing line of the leaf, the call site in each
 * parent); positions with line 0 (native frames, --nolineno) have no line entry. Pure and linear in the stacks'
 * total depth: a per-frame (per-line) stamp replaces a per-stack set, and lines are looked up per file by number,
 * never through built strings.
 */

export interface SampleFilter {
  /**
   * Indices into `profile.stacks.threads` to keep; -1 keeps the stacks without a thread. Absent: every stack.
   */
  readonly threads?: readonly number[];
}

export interface FunctionSamples {
  readonly frameIndex: number;
  readonly selfSamples: number;
  readonly totalSamples: number;
}

export interface LineSamples {
  readonly file: string;
  readonly line: number;
  readonly selfSamples: number;
  readonly totalSamples: number;
  /** Distinct stacks (call paths) through this line. */
  readonly hits: number;
}

export interface FunctionSampleStats {
  /** Every frame with at least one sample, in frame-index order. */
  readonly functions: readonly FunctionSamples[];
  /** Samples in the filtered stacks (including empty stacks): the denominator of their percentages. */
  readonly totalSamples: number;
}

export interface LineSampleStats {
  /** Every (file, line) with at least one sample, by file then line. */
  readonly lines: readonly LineSamples[];
  readonly totalSamples: number;
}

/** Indices of the stacks (in `profile.stacks.stacks`) that pass the filter. */
export function filteredStacks(profile: Profile, filter: SampleFilter = {}): number[] {
  const table = profile.stacks?.stacks ?? emptyStackTable();
  const keep = filter.threads === undefined ? undefined : new Set(filter.threads);
  const kept: number[] = [];
  for (let si = 0; si < table.length; si++) if (keep === undefined || keep.has(table.threads[si])) kept.push(si);
  return kept;
}

export function functionSampleStats(profile: Profile, filter: SampleFilter = {}): FunctionSampleStats {
  const table = profile.stacks?.stacks ?? emptyStackTable();
  const stacks = filteredStacks(profile, filter);
  const n = profile.frames.length;
  const self = new Float64Array(n);
  const total = new Float64Array(n);
  const stamp = new Int32Array(n).fill(-1);
  let totalSamples = 0;
  for (const si of stacks) {
    const frames = stackFrames(table, si);
    const weight = table.weights[si];
    totalSamples += weight;
    if (frames.length === 0) continue;
    for (let k = 0; k < frames.length; k++) {
      const f = frames[k];
      if (stamp[f] !== si) {
        stamp[f] = si;
        total[f] += weight;
      }
    }
    self[frames[frames.length - 1]] += weight;
  }
  const functions: FunctionSamples[] = [];
  for (let f = 0; f < n; f++) {
    if (total[f] > 0) functions.push({ frameIndex: f, selfSamples: self[f], totalSamples: total[f] });
  }
  return { functions, totalSamples };
}

export function lineSampleStats(profile: Profile, filter: SampleFilter = {}): LineSampleStats {
  const table = profile.stacks?.stacks ?? emptyStackTable();
  const stacks = filteredStacks(profile, filter);
  const fileIds = new Map<string, number>();
  const files: string[] = [];
  const fileOfFrame = profile.frames.map(frame => {
    let id = fileIds.get(frame.file);
    if (id === undefined) {
      id = files.length;
      files.push(frame.file);
      fileIds.set(frame.file, id);
    }
    return id;
  });
  interface Entry { file: number; line: number; self: number; total: number; hits: number; stamp: number }
  // One Map per file keyed by the line: small-integer keys (a file*span+line key would be a heap number).
  const byFile = files.map(() => new Map<number, Entry>());
  const all: Entry[] = [];
  const entryAt = (frame: number, line: number): Entry => {
    const file = fileOfFrame[frame];
    const map = byFile[file];
    let e = map.get(line);
    if (e === undefined) {
      e = { file, line, self: 0, total: 0, hits: 0, stamp: -1 };
      map.set(line, e);
      all.push(e);
    }
    return e;
  };
  let totalSamples = 0;
  for (const si of stacks) {
    const frames = stackFrames(table, si);
    const lines = stackLines(table, si);
    const weight = table.weights[si];
    totalSamples += weight;
    for (let k = 0; k < frames.length; k++) {
      const line = lines[k];
      if (!(line > 0)) continue;
      const e = entryAt(frames[k], line);
      if (e.stamp !== si) {
        e.stamp = si;
        e.total += weight;
        e.hits++;
      }
      if (k === frames.length - 1) e.self += weight;
    }
  }
  const lines: LineSamples[] = all
    .sort((a, b) => (a.file === b.file ? a.line - b.line : files[a.file] < files[b.file] ? -1 : 1))
    .map(e => ({ file: files[e.file], line: e.line, selfSamples: e.self, totalSamples: e.total, hits: e.hits }));
  return { lines, totalSamples };
}

/** Samples per thread (index into `profile.stacks.threads`), for a thread picker; stacks without thread excluded. */
export function threadSampleTotals(profile: Profile): number[] {
  const threads = profile.stacks?.threads ?? [];
  const totals = new Array<number>(threads.length).fill(0);
  const table = profile.stacks?.stacks ?? emptyStackTable();
  for (let si = 0; si < table.length; si++) {
    const thread = table.threads[si];
    if (thread >= 0 && thread < totals.length) totals[thread] += table.weights[si];
  }
  return totals;
}
