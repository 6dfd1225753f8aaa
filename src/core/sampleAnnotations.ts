import { groupThousands, percentOf } from './pstatsNumbers';
import type { LineAnnotation } from './lineAnnotations';
import type { Profile } from './profileModel';
import { indexDefs, locateDef } from './pythonSource';
import { FunctionSampleStats, LineSampleStats } from './sampleStats';
import { nativeLensText, NativeShares } from './nativeShares';
import { emptyStackTable, stackFrames, stackLines } from './stackTable';

/** Per-run sample statistics, computed once and shared by every file's annotations. */
export interface SampledRunStats {
  readonly functions: FunctionSampleStats;
  readonly lines: LineSampleStats;
  /** perf's mixed stacks: per Python function, its innermost-Python samples and the native work under it. */
  readonly native?: NativeShares;
}

export function samplesPhrase(samples: number): string {
  return `${groupThousands(samples)} ${samples === 1 ? 'sample' : 'samples'}`;
}

/** The CodeLens of a sampled function: its share of the samples on the stack, and where it was the leaf. */
export function sampledLensText(totalSamples: number, selfSamples: number, runSamples: number): string {
  return `py-spy: ${percentOf(totalSamples, runSamples)} total (${samplesPhrase(totalSamples)}) | ` +
    `self ${percentOf(selfSamples, runSamples)} (${samplesPhrase(selfSamples)})`;
}

/**
 * Places a sampled profile on one file: a lens on each sampled function's def, a heat line on each sampled line.
 * Heat is the line's total samples against the run's samples (a line calling hot code is hot).
 */
export function annotateSampledFile(profile: Profile, stats: SampledRunStats, filePath: string, text: string): LineAnnotation[] {
  const runSamples = stats.functions.totalSamples;
  if (runSamples <= 0) return [];
  const lines = text.split(/\r?\n/);
  const defs = indexDefs(lines);
  const result: LineAnnotation[] = [];
  for (const fn of stats.functions.functions) {
    const frame = profile.frames[fn.frameIndex];
    if (frame.file !== filePath || frame.line <= 0) continue;
    // perf names functions by qualname (`Cls.method`); its line is the def line, found from the source.
    const native = stats.native?.functions.get(fn.frameIndex);
    const line = locateDef(defs, native ? frame.name.slice(frame.name.lastIndexOf('.') + 1) : frame.name, frame.line, 'bodyLine');
    if (line === undefined) continue;
    result.push({ line, kind: 'def', frameIndex: fn.frameIndex, heat: 0, afterText: '',
      lensText: native ? nativeLensText(native, runSamples) : sampledLensText(fn.totalSamples, fn.selfSamples, runSamples) });
  }
  const frameAtLine = hottestFrameByLine(profile, filePath);
  for (const l of stats.lines.lines) {
    if (l.file !== filePath || l.line > lines.length) continue;
    result.push({
      line: l.line - 1, kind: 'line', frameIndex: frameAtLine.get(l.line) ?? -1,
      heat: l.totalSamples / runSamples,
      afterText: `  ${percentOf(l.totalSamples, runSamples)} · ${samplesPhrase(l.totalSamples)}` +
        (l.selfSamples > 0 ? ` (self ${groupThousands(l.selfSamples)})` : ''),
    });
  }
  return result.sort((a, b) => a.line - b.line || (a.kind === 'def' ? -1 : 1));
}

/** For each line of a file, the frame whose samples most often sat on it (a line belongs to one function). */
function hottestFrameByLine(profile: Profile, filePath: string): Map<number, number> {
  const weightByKey = new Map<string, number>();
  const t = profile.stacks?.stacks ?? emptyStackTable();
  for (let si = 0; si < t.length; si++) {
    for (let at = t.starts[si]; at < t.starts[si + 1]; at++) {
      if (t.lines[at] > 0 && profile.frames[t.frames[at]].file === filePath) {
        const key = `${t.lines[at]}:${t.frames[at]}`;
        weightByKey.set(key, (weightByKey.get(key) ?? 0) + t.weights[si]);
      }
    }
  }
  const best = new Map<number, { frame: number; weight: number }>();
  for (const [key, weight] of weightByKey) {
    const [line, frame] = key.split(':').map(Number);
    const seen = best.get(line);
    if (!seen || weight > seen.weight) best.set(line, { frame, weight });
  }
  return new Map([...best].map(([line, b]) => [line, b.frame]));
}

export interface StackThroughLine {
  readonly frames: readonly number[];
  readonly samples: number;
}

/** The heaviest distinct stacks passing through file:line, cut below that line's frame, for the hover. */
export function hottestStacksThrough(profile: Profile, filePath: string, line: number, limit: number): StackThroughLine[] {
  const merged = new Map<string, StackThroughLine>();
  const t = profile.stacks?.stacks ?? emptyStackTable();
  for (let si = 0; si < t.length; si++) {
    const linesOfStack = stackLines(t, si);
    const k = stackFrames(t, si).findIndex((f, i) => linesOfStack[i] === line && profile.frames[f].file === filePath);
    if (k < 0) continue;
    const frames = Array.from(stackFrames(t, si).subarray(0, k + 1));
    const key = frames.join(',');
    const seen = merged.get(key);
    merged.set(key, { frames, samples: (seen?.samples ?? 0) + t.weights[si] });
  }
  return [...merged.values()].sort((a, b) => b.samples - a.samples).slice(0, limit);
}
