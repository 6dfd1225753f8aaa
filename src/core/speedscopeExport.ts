import { ExportStacks, exportStacksOf, threadRootParts } from './exportStacks';
import type { Profile } from './profileModel';

/**
 * A run as a speedscope file (https://www.speedscope.app/file-format-schema.json), to open in speedscope itself or
 * send to someone; Pyrometer opens it back with the same totals.
 *
 * Sampled runs (py-spy) are written the way py-spy writes speedscope: one `sampled` profile per thread, named
 * `Thread TID "NAME"` (`Process PID Thread TID "NAME"` under --subprocesses, with py-spy's `process PID:"CMD"` root
 * frame so the command line survives), frames `{name, file, line}` per (function, executing line), and when the
 * rate is known one entry per sample weighing 1/rate seconds (speedscope then shows seconds, and the rate is read
 * back as 1/weight); without a rate, unit `none` and one entry per distinct stack weighing its sample count.
 * Stacks of no thread (raw files without --threads) form one profile named after the run. A stack rooted in a
 * process alone (raw, --subprocesses without --threads) has no thread to name its profile after: it is written as
 * that process's thread (`Process PID Thread PID`), and opens back as such, with the same samples.
 *
 * cProfile runs have no stacks: the file holds one profile, named as derived from cProfile's caller edges, whose
 * samples are the paths of the call tree the flame graph draws, weighted by their own time in seconds, each an exact
 * number of microseconds (see exportStacks.ts).
 */
export const SPEEDSCOPE_SCHEMA_URL = 'https://www.speedscope.app/file-format-schema.json';
export const SPEEDSCOPE_EXPORTER = 'pyrometer';
/** Ends the name of a profile derived from a call graph, for people and for tests. */
export const DERIVED_PROFILE_NOTE = 'cProfile call graph, derived from caller edges (apportioned, not sampled)';

export interface SpeedscopeFrame {
  readonly name: string;
  readonly file?: string;
  readonly line?: number;
}

export interface SpeedscopeSampledProfile {
  readonly type: 'sampled';
  readonly name: string;
  readonly unit: 'seconds' | 'none';
  readonly startValue: number;
  readonly endValue: number;
  readonly samples: (readonly number[])[];
  readonly weights: number[];
}

export interface SpeedscopeFile {
  readonly $schema: string;
  readonly shared: { readonly frames: SpeedscopeFrame[] };
  readonly profiles: SpeedscopeSampledProfile[];
  readonly name: string;
  readonly activeProfileIndex: number;
  readonly exporter: string;
}

/** The speedscope file of a run; `name` is what speedscope shows as its title (the run's label). */
export function speedscopeOfProfile(profile: Profile, name: string): SpeedscopeFile {
  const exported = exportStacksOf(profile);
  const frames: SpeedscopeFrame[] = [];
  const frameIds = new Map<string, number>();
  const frameId = (frame: number, line: number): number => {
    const key = `${frame}:${line}`;
    let id = frameIds.get(key);
    if (id === undefined) {
      const f = profile.frames[frame];
      id = frames.length;
      frames.push({ name: f.name, ...(f.file ? { file: f.file } : {}), ...(line > 0 ? { line } : {}) });
      frameIds.set(key, id);
    }
    return id;
  };
  const pseudoIds = new Map<string, number>();
  const pseudoFrame = (text: string): number => {
    let id = pseudoIds.get(text);
    if (id === undefined) {
      id = frames.length;
      frames.push({ name: text }); // no file, no line: read back as a root, not a frame
      pseudoIds.set(text, id);
    }
    return id;
  };

  const profiles = exported.kind === 'derivedFromCallGraph'
    ? [derivedProfile(exported, name, frameId)]
    : sampledProfiles(exported, name, frameId, pseudoFrame);
  return {
    $schema: SPEEDSCOPE_SCHEMA_URL,
    shared: { frames },
    profiles,
    name: exported.kind === 'derivedFromCallGraph' ? `${name} (${DERIVED_PROFILE_NOTE})` : name,
    activeProfileIndex: 0,
    exporter: SPEEDSCOPE_EXPORTER,
  };
}

/** The file's text: JSON without indentation (the files get large; speedscope and Pyrometer do not care). */
export function speedscopeText(profile: Profile, name: string): string {
  return JSON.stringify(speedscopeOfProfile(profile, name));
}

function derivedProfile(exported: ExportStacks, name: string, frameId: (frame: number, line: number) => number): SpeedscopeSampledProfile {
  const samples: number[][] = [];
  const weights: number[] = [];
  let endUs = 0;
  for (const s of exported.stacks) {
    samples.push(s.frames.map((f, k) => frameId(f, s.lines[k])));
    weights.push(s.weight / 1e6); // an exact number of microseconds, in seconds
    endUs += s.weight;
  }
  return { type: 'sampled', name: `${name}: ${DERIVED_PROFILE_NOTE}`, unit: 'seconds', startValue: 0, endValue: endUs / 1e6, samples, weights };
}

function sampledProfiles(exported: ExportStacks, name: string, frameId: (frame: number, line: number) => number,
  pseudoFrame: (text: string) => number): SpeedscopeSampledProfile[] {
  const rate = exported.rateHz && exported.rateHz > 0 ? exported.rateHz : undefined;
  const byThread = new Map<number, { samples: (readonly number[])[]; weights: number[]; total: number }>();
  for (const s of exported.stacks) {
    if (!(s.weight > 0)) continue;
    let group = byThread.get(s.thread);
    if (!group) byThread.set(s.thread, group = { samples: [], weights: [], total: 0 });
    const root = s.thread >= 0 ? rootFrames(exported.threads[s.thread], pseudoFrame) : [];
    const stack = [...root, ...s.frames.map((f, k) => frameId(f, s.lines[k]))];
    if (rate) {
      // One entry per sample, as py-spy writes them: speedscope shows seconds, and the rate reads back as 1/weight.
      for (let i = 0; i < s.weight; i++) {
        group.samples.push(stack);
        group.weights.push(1 / rate);
      }
    } else {
      group.samples.push(stack);
      group.weights.push(s.weight);
    }
    group.total += s.weight;
  }
  const threadOrder = [...byThread.keys()].sort((a, b) => a - b);
  return threadOrder.map(t => {
    const g = byThread.get(t)!;
    return {
      type: 'sampled', name: t >= 0 ? threadProfileName(exported.threads[t]) : name, unit: rate ? 'seconds' : 'none',
      startValue: 0, endValue: rate ? g.total / rate : g.total, samples: g.samples, weights: g.weights,
    };
  });
}

/** `Thread TID "NAME"` or `Process PID Thread TID "NAME"`, the names speedscope.ts reads threads from. */
function threadProfileName(thread: { readonly id: string; readonly name: string }): string {
  const parts = threadRootParts(thread);
  if (parts.tid === undefined) return `Process ${parts.pid} Thread ${parts.pid} "${parts.threadName}"`;
  return `${parts.pid !== undefined ? `Process ${parts.pid} ` : ''}Thread ${parts.tid} "${parts.threadName}"`;
}

/** py-spy's `process PID:"CMD"` root, when the thread belongs to a subprocess whose command line is known. */
function rootFrames(thread: { readonly id: string; readonly name: string }, pseudoFrame: (text: string) => number): number[] {
  const parts = threadRootParts(thread);
  return parts.pid !== undefined && parts.cmdline !== undefined ? [pseudoFrame(`process ${parts.pid}:"${parts.cmdline}"`)] : [];
}
