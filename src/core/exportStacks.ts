import { callTreeFromCallGraph, stacksOfTree } from './callTree';
import { ExportError } from './exportError';
import type { Profile } from './profileModel';
import { stackSamplesOf, stackWeightSum } from './stackTable';

/**
 * The stacks an export writes, whatever the run's tool: a sampled run's own stacks (per thread, with the line of
 * every position and whole sample counts), or for cProfile the paths of the call tree the flame graph draws,
 * derived from pstats' caller edges (cProfile records no stacks), weighted by their own time in whole microseconds.
 *
 * Whole microseconds because both formats want them: collapsed stacks only take integer counts, and a speedscope
 * file read back (by Pyrometer or by speedscope) must give the same total, which exact multiples of 1 µs do; a path
 * whose own time rounds to 0 µs is left out. The cost: at most half a microsecond per path against the flame graph.
 */
export interface ExportStack {
  /** Indices into `Profile.frames`, root first. */
  readonly frames: readonly number[];
  /** Per position, the line executing there (sampled), or the function's first line (derived); 0 when none. */
  readonly lines: readonly number[];
  /** Samples (sampled), or microseconds of own time (derived). */
  readonly weight: number;
  /** Index into `ExportStacks.threads`, -1 when the source has no threads. */
  readonly thread: number;
}

export interface ExportStacks {
  readonly kind: 'sampled' | 'derivedFromCallGraph';
  readonly stacks: readonly ExportStack[];
  readonly threads: readonly { readonly id: string; readonly name: string }[];
  /** sampled: samples per second when known; derived: 1e6 (one weight unit is a microsecond). */
  readonly rateHz?: number;
  /** Σ weight. */
  readonly totalWeight: number;
}

export const MICROSECONDS_PER_SECOND = 1e6;

export function exportStacksOf(profile: Profile): ExportStacks {
  if (profile.stacks) {
    const s = profile.stacks;
    return {
      kind: 'sampled', stacks: stackSamplesOf(s.stacks), threads: s.threads, totalWeight: stackWeightSum(s.stacks),
      ...(s.rateHz ? { rateHz: s.rateHz } : {}),
    };
  }
  if (profile.functions.length === 0) {
    throw new ExportError(profile.lineTimings
      ? 'A line timing run records the time of each line, not stacks: there is nothing to write as speedscope or collapsed stacks.'
      : 'This run holds neither stacks nor cProfile functions: there is nothing to export.');
  }
  const stacks: ExportStack[] = [];
  let totalWeight = 0;
  stacksOfTree(callTreeFromCallGraph(profile)).forEachStack((frames, _lines, length, seconds) => {
    const us = Math.round(seconds * MICROSECONDS_PER_SECOND);
    if (!(us > 0)) return;
    const path = Array.from(frames).slice(0, length);
    stacks.push({ frames: path, lines: path.map(f => profile.frames[f].line), weight: us, thread: -1 });
    totalWeight += us;
  });
  return { kind: 'derivedFromCallGraph', stacks, threads: [], rateHz: MICROSECONDS_PER_SECOND, totalWeight };
}

/** What a sampled thread's ThreadInfo says: the roots py-spy wrote (see collapsedStacks.threadInfo, its inverse). */
export interface ThreadRootParts {
  readonly pid?: string;
  readonly cmdline?: string;
  readonly tid?: string;
  readonly threadName: string;
}

const PROCESS_SUFFIX = /^([\s\S]*) \(process (\d+)(?:: ([\s\S]*))?\)$/;
const PROCESS_ONLY = /^process (\d+)(?:: ([\s\S]*))?$/;

/**
 * Splits a ThreadInfo back into the roots it was made from: `TID` + name, `PID/TID` + `NAME (process PID: CMD)`,
 * or `PID` + `process PID: CMD`.
 */
export function threadRootParts(thread: { readonly id: string; readonly name: string }): ThreadRootParts {
  const both = /^([^/]+)\/(.+)$/.exec(thread.id);
  if (both) {
    const m = PROCESS_SUFFIX.exec(thread.name);
    if (m && m[2] === both[1]) {
      const name = m[1] === `thread ${both[2]}` ? '' : m[1];
      return { pid: both[1], tid: both[2], threadName: name, ...(m[3] !== undefined ? { cmdline: m[3] } : {}) };
    }
    return { pid: both[1], tid: both[2], threadName: thread.name };
  }
  const process = PROCESS_ONLY.exec(thread.name);
  if (process && process[1] === thread.id) return { pid: thread.id, threadName: '', ...(process[2] !== undefined ? { cmdline: process[2] } : {}) };
  return { tid: thread.id, threadName: thread.name };
}
