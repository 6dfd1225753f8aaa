import type { CallGraph } from './callGraph';
import { callsPhrase, percentOf, pstatsSeconds } from './pstatsNumbers';
import type { CallEdgeStats } from './profileModel';
import { callableName, callSiteLines, defBodyRange, indexDefs, locateDef, moduleLevelLines } from './pythonSource';
import { functionLensText } from './functionSummary';

/** What one source line shows after a profile: the def of a profiled function, or a call to a costly one. */
export interface LineAnnotation {
  /** 0-based line in the document as it is now. */
  readonly line: number;
  /**
   * def: a profiled function's def; callSite: a call to a costly function (cProfile); line: a sampled (py-spy) or
   * timed (line timing) line; unexecuted: a line of a timed function that never ran.
   */
  readonly kind: 'def' | 'callSite' | 'line' | 'unexecuted';
  /** The function defined on the line (def) or the one called there (callSite). */
  readonly frameIndex: number;
  /** For call sites: the caller whose edge the figures are. */
  readonly callerIndex?: number;
  /** 0..1, scaled to the run: own time against the run's largest own time (defs), edge time against the total (calls). */
  readonly heat: number;
  readonly afterText: string;
  /** 0..1: length of the gutter bar (line timing: the line's time against the file's slowest line). */
  readonly gutterFraction?: number;
  /** Set on defs: the CodeLens title. */
  readonly lensText?: string;
}

export interface AnnotationOptions {
  /** A call site is decorated when its edge's cumulative time is at least this share of the run. */
  readonly callSiteMinFraction: number;
}

export const DEFAULT_ANNOTATION_OPTIONS: AnnotationOptions = { callSiteMinFraction: 0.02 };

/**
 * Places a profile's figures on the lines of one file's current text. Lines are found again after edits
 * (by def name near the recorded line); a function whose def is gone is not shown rather than shown wrong.
 */
export function annotateFile(graph: CallGraph, filePath: string, text: string,
  options: AnnotationOptions = DEFAULT_ANNOTATION_OPTIONS): LineAnnotation[] {
  const profile = graph.profile;
  const lines = text.split(/\r?\n/);
  const inFile = profile.functions.filter(fn => profile.frames[fn.frameIndex].file === filePath);
  if (inFile.length === 0) return [];
  const maxSelf = Math.max(graph.maxSelfSeconds, Number.MIN_VALUE);
  const defs = indexDefs(lines);
  const total = profile.totalSeconds;
  const result: LineAnnotation[] = [];
  const defLineOf = new Map<number, number>();

  for (const fn of inFile) {
    const frame = profile.frames[fn.frameIndex];
    const line = frame.name === '<module>' ? 0 : locateDef(defs, frame.name, frame.line);
    if (line === undefined) continue;
    defLineOf.set(fn.frameIndex, line);
    if (frame.name === '<module>') continue; // shown as a lens on line 1 below, not as a heat line
    result.push({
      line, kind: 'def', frameIndex: fn.frameIndex,
      heat: fn.selfSeconds / maxSelf,
      afterText: `  ${percentOf(fn.cumulativeSeconds, total)} cum, ${percentOf(fn.selfSeconds, total)} own`,
      lensText: functionLensText(fn, profile),
    });
  }
  const moduleFn = inFile.find(fn => profile.frames[fn.frameIndex].name === '<module>');
  if (moduleFn && lines.length > 0) {
    // A def on the first line shares it with the module's lens, and the editor joins lenses with the same '|' that
    // separates their figures: name the def's so that nobody reads the module's figures as its.
    const sharing = result.findIndex(a => a.line === 0 && a.kind === 'def');
    if (sharing >= 0) {
      const def = result[sharing];
      result[sharing] = { ...def, lensText: `${profile.frames[def.frameIndex].name}: ${def.lensText}` };
    }
    result.push({
      line: 0, kind: 'def', frameIndex: moduleFn.frameIndex, heat: 0, afterText: '',
      lensText: `module: ${functionLensText(moduleFn, profile)}`,
    });
  }

  for (const caller of inFile) {
    const defLine = defLineOf.get(caller.frameIndex);
    if (defLine === undefined) continue;
    const isModule = profile.frames[caller.frameIndex].name === '<module>';
    const body = isModule ? moduleLevelLines(lines) : rangeLines(defBodyRange(lines, defLine));
    for (const { calleeIndex, edge } of graph.callees(caller.frameIndex)) {
      if (total <= 0 || edge.cumulativeSeconds / total < options.callSiteMinFraction) continue;
      const name = callableName(profile.frames[calleeIndex].name);
      if (!name) continue;
      for (const line of callSiteLines(lines, body, name)) {
        result.push({
          line, kind: 'callSite', frameIndex: calleeIndex, callerIndex: caller.frameIndex,
          heat: edge.cumulativeSeconds / total,
          afterText: callSiteText(name, edge, total),
        });
      }
    }
  }
  return result.sort((a, b) => a.line - b.line || (a.kind === 'def' ? -1 : 1));
}

function rangeLines({ start, end }: { start: number; end: number }): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, k) => start + k);
}

function callSiteText(name: string, edge: CallEdgeStats, total: number): string {
  return `  → ${name}: cum ${pstatsSeconds(edge.cumulativeSeconds)}s over ` +
    `${callsPhrase(edge.totalCalls, edge.primitiveCalls)} (${percentOf(edge.cumulativeSeconds, total)})`;
}

/** Heat buckets the editor has decoration styles for. */
export const HEAT_LEVELS = 5;

export function heatLevel(heat: number): number {
  return Math.min(HEAT_LEVELS - 1, Math.max(0, Math.floor(heat * HEAT_LEVELS)));
}

