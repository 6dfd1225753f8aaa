import { durationText } from './durationText';
import type { LineAnnotation } from './lineAnnotations';
import type { LineCost, LineTimings, Profile, TimedFunction } from './profileModel';
import { groupThousands, percentOf } from './pstatsNumbers';
import { decoratedStart, indexDefs, locateDef } from './pythonSource';

/** Where one timed function's recorded lines are in the text as it is now. */
export interface PlacedFunction {
  readonly fn: TimedFunction;
  /** Added to a recorded 1-based line to get the current 1-based line. */
  readonly shift: number;
  /** 0-based line of the `def` itself (below any decorators), for defs found in the text. */
  readonly defLine?: number;
}

/**
 * Finds each timed function of a file in its current text. A `def` is found again by name near its recorded line
 * (after edits) and all its lines move with it; code objects that are not defs (lambdas, comprehensions, class
 * bodies) move with the timed def around them, else with the nearest one above; the module's own lines stay as
 * recorded. A def that is gone is dropped rather than shown on the wrong lines.
 */
export function placeTimedFunctions(profile: Profile, timings: LineTimings, filePath: string, lines: readonly string[]): PlacedFunction[] {
  const inFile = timings.functions.filter(fn => profile.frames[fn.frameIndex].file === filePath);
  const defs = indexDefs(lines);
  const shiftOfDef = new Map<TimedFunction, number>();
  const defLineOf = new Map<TimedFunction, number>();
  for (const fn of inFile) {
    const name = profile.frames[fn.frameIndex].name;
    if (!defs.has(name)) continue;
    const defLine = locateDef(defs, name, fn.firstLine, 'firstLine');
    if (defLine === undefined) continue;
    shiftOfDef.set(fn, decoratedStart(lines, defLine) + 1 - fn.firstLine);
    defLineOf.set(fn, defLine);
  }
  const placed: PlacedFunction[] = [];
  for (const fn of inFile) {
    const own = shiftOfDef.get(fn);
    if (own !== undefined) {
      placed.push({ fn, shift: own, defLine: defLineOf.get(fn) });
      continue;
    }
    if (isDefName(profile.frames[fn.frameIndex].name)) continue; // a def that is no longer in the text
    const around = profile.frames[fn.frameIndex].name === '<module>' ? undefined : innermostEnclosing(fn, shiftOfDef);
    placed.push({ fn, shift: around === undefined ? 0 : shiftOfDef.get(around)! });
  }
  return placed;
}

function isDefName(name: string): boolean {
  return !name.startsWith('<');
}

/** The timed def around fn (innermost), else the nearest one above it: both moved with the text around fn. */
function innermostEnclosing(fn: TimedFunction, candidates: ReadonlyMap<TimedFunction, number>): TimedFunction | undefined {
  let enclosing: TimedFunction | undefined;
  let above: TimedFunction | undefined;
  for (const other of candidates.keys()) {
    if (other === fn || other.firstLine > fn.firstLine) continue;
    if (other.lastLine >= fn.lastLine) {
      if (!enclosing || other.lastLine - other.firstLine < enclosing.lastLine - enclosing.firstLine) enclosing = other;
    } else if (!above || other.lastLine > above.lastLine) {
      above = other;
    }
  }
  return enclosing ?? above;
}

/** The hottest line of a function by time, or undefined when nothing ran. */
export function hottestLine(fn: TimedFunction): LineCost | undefined {
  let best: LineCost | undefined;
  for (const l of fn.lines) if (l.hits > 0 && (!best || l.totalNs > best.totalNs)) best = l;
  return best;
}

export function timedFunctionLensText(fn: TimedFunction, shift = 0): string {
  if (fn.calls === 0 && fn.lines.every(l => l.hits === 0)) return 'lines: not called in this run';
  const hot = hottestLine(fn);
  const calls = fn.calls > 0 ? ` in ${groupThousands(fn.calls)} ${fn.calls === 1 ? 'call' : 'calls'}` : '';
  return `lines: ${durationText(fn.totalNs)}${calls}` +
    (hot ? ` | hottest line ${hot.line + shift} (${percentOf(hot.totalNs, fn.totalNs)})` : '');
}

export function lineCostText(cost: LineCost, fn: TimedFunction): string {
  return `  ${groupThousands(cost.hits)} ${cost.hits === 1 ? 'hit' : 'hits'} · ${durationText(cost.totalNs)}` +
    ` · ${durationText(cost.totalNs / cost.hits)}/hit · ${percentOf(cost.totalNs, fn.totalNs)}`;
}

/**
 * Places a line-timing run on one file: a lens on each timed def, and per executable line of a function that ran,
 * its hits and time (heat and gutter bar scaled to the file's slowest line) or "never executed".
 */
export function annotateTimedFile(profile: Profile, filePath: string, text: string): LineAnnotation[] {
  const timings = profile.lineTimings;
  if (!timings) return [];
  const lines = text.split(/\r?\n/);
  const placed = placeTimedFunctions(profile, timings, filePath, lines);
  let maxLineNs = 0;
  for (const { fn } of placed) for (const l of fn.lines) maxLineNs = Math.max(maxLineNs, l.totalNs);
  const result: LineAnnotation[] = [];
  for (const { fn, shift, defLine } of placed) {
    const isModule = profile.frames[fn.frameIndex].name === '<module>';
    if (defLine !== undefined || isModule) {
      const lensLine = isModule ? 0 : defLine!;
      if (lensLine < lines.length) {
        result.push({ line: lensLine, kind: 'def', frameIndex: fn.frameIndex, heat: 0, afterText: '',
          lensText: isModule ? `module ${timedFunctionLensText(fn, shift)}` : timedFunctionLensText(fn, shift) });
      }
    }
    const ran = fn.calls > 0 || fn.lines.some(l => l.hits > 0);
    if (!ran) continue;
    for (const cost of fn.lines) {
      const line = cost.line - 1 + shift;
      if (line < 0 || line >= lines.length) continue;
      if (cost.hits === 0) {
        result.push({ line, kind: 'unexecuted', frameIndex: fn.frameIndex, heat: 0, afterText: '  never executed' });
        continue;
      }
      const share = maxLineNs > 0 ? cost.totalNs / maxLineNs : 0;
      result.push({ line, kind: 'line', frameIndex: fn.frameIndex, heat: share, gutterFraction: share,
        afterText: lineCostText(cost, fn) });
    }
  }
  return result.sort((a, b) => a.line - b.line || (a.kind === 'def' ? -1 : 1));
}

/** The timed function and line cost behind a 1-based line of the current text, for the hover. */
export function timedLineAt(profile: Profile, filePath: string, text: string, line1: number):
  { fn: TimedFunction; cost?: LineCost; shift: number } | undefined {
  const timings = profile.lineTimings;
  if (!timings) return undefined;
  const placed = placeTimedFunctions(profile, timings, filePath, text.split(/\r?\n/));
  let lensMatch: { fn: TimedFunction; shift: number } | undefined;
  for (const { fn, shift, defLine } of placed) {
    const cost = fn.lines.find(l => l.line + shift === line1);
    if (cost) return { fn, cost, shift };
    if (defLine === line1 - 1) lensMatch = { fn, shift };
  }
  return lensMatch;
}
