import { parseRunMetadata } from './cprofileResult';
import { asArray, asObject, numberField, optionalString, parseResultRoot, stringField } from './jsonFields';
import type { Frame, LineCost, LineTimings, Profile, TimedFunction } from './profileModel';

export const LINES_SCHEMA = 'pyrometer.lines/1';

/**
 * Parses the runner's line-timing result (docs/runner-lines.md) into the profile model: one frame per timed
 * function, and the per-line hits and nanoseconds exactly as the runner measured them. The run's total is the
 * target's wall time (line timing has no single "total" of its own: timed functions nest).
 */
export function parseLineTimingResult(text: string): Profile {
  const root = parseResultRoot(text, LINES_SCHEMA, 'line-timing');
  const metadata = parseRunMetadata(asObject(root.metadata, 'metadata'));
  const engineObject = asObject(root.engine, 'engine');
  const frames: Frame[] = [];
  const functions: TimedFunction[] = asArray(root.functions, 'functions').map((entry, i) => {
    const where = () => `functions[${i}]`;
    const o = asObject(entry, where);
    const frameIndex = frames.length;
    const firstLine = numberField(o, 'firstLine', where);
    frames.push({ name: stringField(o, 'name', where), file: stringField(o, 'file', where), line: firstLine, kind: 'python' });
    const lines: LineCost[] = asArray(o.lines, () => `functions[${i}].lines`).map((l, j) => {
      const lw = () => `functions[${i}].lines[${j}]`;
      const lo = asObject(l, lw);
      return { line: numberField(lo, 'line', lw), hits: numberField(lo, 'hits', lw), totalNs: numberField(lo, 'totalNs', lw) };
    });
    return {
      frameIndex, qualname: optionalString(o, 'qualname') ?? frames[frameIndex].name, firstLine,
      lastLine: numberField(o, 'lastLine', where), calls: numberField(o, 'calls', where),
      totalNs: numberField(o, 'totalNs', where), lines,
    };
  });
  const unmatched = asArray(root.unmatched ?? [], 'unmatched').map((u, i) => {
    const uw = () => `unmatched[${i}]`;
    const uo = asObject(u, uw);
    return { file: stringField(uo, 'file', uw), line: numberField(uo, 'line', uw), reason: stringField(uo, 'reason', uw) };
  });
  const lineTimings: LineTimings = {
    engine: {
      name: stringField(engineObject, 'name', 'engine'),
      version: optionalString(engineObject, 'version') ?? null,
      timer: optionalString(engineObject, 'timer') ?? 'perf_counter_ns',
      note: optionalString(engineObject, 'note') ?? null,
    },
    functions, unmatched,
  };
  return { source: 'line timing', metadata, frames, functions: [], lineTimings, totalSeconds: metadata.wallSeconds };
}
