import { parseRunMetadata } from './cprofileResult';
import { resolveFrameFile } from './frameFiles';
import { asArray, asObject, JsonObject, numberField, parseResultRoot, stringField, Where } from './jsonFields';
import { MemoryRetainers, parseMemoryRetainers } from './memoryRetainers';
import { ProfileFormatError } from './profileErrors';
import type { RunMetadata } from './profileModel';

export const MEMORY_SCHEMA = 'pyrometer.memory/1';

/**
 * Where a code file belongs, as the runner classified it on the profiled machine (docs/runner-memory.md):
 * the script itself, another file under the script's folder, an installed library (site-packages), the standard
 * library (frozen modules included), or anything else (`<string>`, files elsewhere). Shared with the events result.
 */
export type FileOrigin = 'script' | 'project' | 'library' | 'stdlib' | 'other';
export const FILE_ORIGINS: readonly FileOrigin[] = ['script', 'project', 'library', 'stdlib', 'other'];

/** The program's own code: the script and the files beside it. */
export function isOwnCode(origin: FileOrigin): boolean {
  return origin === 'script' || origin === 'project';
}

/** One allocating line at the end of the run: tracemalloc's `statistics('lineno')` entry. */
export interface MemoryStatistic {
  /** Absolute when it could be resolved against the run's cwd; pseudo-files (`<frozen abc>`) as recorded. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly bytes: number;
  readonly blocks: number;
  readonly origin: FileOrigin;
}

/** One line compared between two snapshots: tracemalloc's `StatisticDiff` (bytes/blocks are the newer snapshot's). */
export interface MemoryDiffEntry extends MemoryStatistic {
  readonly bytesDiff: number;
  readonly blocksDiff: number;
}

export interface MemoryFrame {
  readonly file: string;
  readonly line: number;
}

/** One traceback of a growing line: `compare_to(start, 'traceback')` figures and frames, oldest first. */
export interface MemoryTraceback {
  readonly bytes: number;
  readonly blocks: number;
  readonly bytesDiff: number;
  readonly blocksDiff: number;
  /** Oldest first; the last frame is the allocating line. Frames that started the script are left out. */
  readonly frames: readonly MemoryFrame[];
}

/** One of the `--top` lines that grew most since the start, with its tracebacks (largest growth first). */
export interface MemoryGrowthSite extends MemoryDiffEntry {
  readonly tracebacks: readonly MemoryTraceback[];
  /** Tracebacks of this line left out (the result keeps at most `limits.tracebacksPerSite`). */
  readonly tracebacksOmitted: number;
}

/** What a capped list left out, summed. */
export interface OmittedEntries {
  readonly entries: number;
  readonly bytes: number;
  readonly blocks: number;
}

export interface OmittedDiffEntries extends OmittedEntries {
  readonly bytesDiff: number;
  readonly blocksDiff: number;
}

export interface MemorySnapshotTotals {
  /** 'start', '+5.0s' (an interval snapshot, nominal time), 'end'. */
  readonly label: string;
  /** Seconds since the script started, as measured when the snapshot was taken. */
  readonly atSeconds: number;
  /** Traced memory of the program (excluded sites left out). */
  readonly totalBytes: number;
  readonly totalBlocks: number;
  /** What the filter left out (the runner, tracemalloc, the import machinery, `<unknown>`). */
  readonly excludedBytes: number;
  readonly excludedBlocks: number;
}

/** The end snapshot compared to the start one. */
export interface MemoryDiff {
  readonly from: string;
  readonly to: string;
  /** In tracemalloc's order: largest absolute change first. */
  readonly entries: readonly MemoryDiffEntry[];
  readonly entriesOmitted: OmittedDiffEntries;
  /** Largest growth first. */
  readonly growth: readonly MemoryGrowthSite[];
  readonly note: string;
}

/** Two consecutive snapshots compared (start → first interval → … → end). */
export interface MemoryIntervalDiff {
  readonly from: string;
  readonly to: string;
  readonly entries: readonly MemoryDiffEntry[];
  readonly entriesOmitted: OmittedDiffEntries;
}

export interface TracemallocFigures {
  /** Frames kept per allocation (`--frames`). */
  readonly frames: number;
  /** tracemalloc's peak of traced memory during the run; null when there was no end snapshot. */
  readonly peakBytes: number | null;
  /** Traced memory when the script ended (`get_traced_memory()` current). */
  readonly endBytes: number | null;
  /** tracemalloc's own memory for its traces (`get_tracemalloc_memory()`): the cost of tracing. */
  readonly trackingOverheadBytes: number | null;
  /** The cost of tracemalloc and anything that limits the figures, for the user. */
  readonly note: string;
}

export interface MemoryIntervalInfo {
  readonly seconds: number;
  readonly taken: number;
  readonly limit: number;
  /** True when the limit stopped the snapshots before the script ended. */
  readonly stoppedEarly: boolean;
  readonly error: string | null;
}

export interface MemoryLimits {
  readonly statistics: number;
  readonly diffEntries: number;
  readonly tracebacksPerSite: number;
  readonly intervalSnapshots: number;
  readonly intervalDiffEntries: number;
}

/** The runner's `memory` result (schema pyrometer.memory/1), with files resolved against the run's cwd. */
export interface MemoryResult {
  readonly metadata: RunMetadata;
  readonly tracemalloc: TracemallocFigures;
  /** tracemalloc.Filter patterns (inclusive=False) of the sites left out. */
  readonly excludePatterns: readonly string[];
  readonly interval: MemoryIntervalInfo | null;
  readonly snapshots: readonly MemorySnapshotTotals[];
  /** The end snapshot by line, largest first. */
  readonly statistics: readonly MemoryStatistic[];
  readonly statisticsOmitted: OmittedEntries;
  readonly diff: MemoryDiff;
  readonly intervalDiffs: readonly MemoryIntervalDiff[];
  /** What the program's globals keep alive at the end; null in results made before the runner looked. */
  readonly retainers: MemoryRetainers | null;
  readonly limits: MemoryLimits;
  /** True when any list was cut (see the *Omitted fields and `interval.stoppedEarly`). */
  readonly truncated: boolean;
}

/** Parses the runner's memory result (docs/runner-memory.md). Throws ProfileFormatError for anything malformed. */
export function parseMemoryResult(text: string): MemoryResult {
  const root = parseResultRoot(text, MEMORY_SCHEMA, 'memory');
  const metadata = parseRunMetadata(asObject(root.metadata, 'metadata'));
  const file = (o: JsonObject, where: Where) => resolveFrameFile(stringField(o, 'file', where), 'python', metadata.cwd);
  const statistic = (o: JsonObject, where: Where): MemoryStatistic => ({
    file: file(o, where), line: numberField(o, 'line', where),
    bytes: numberField(o, 'bytes', where), blocks: numberField(o, 'blocks', where), origin: originField(o, where),
  });
  const diffEntry = (o: JsonObject, where: Where): MemoryDiffEntry => ({
    ...statistic(o, where), bytesDiff: numberField(o, 'bytesDiff', where), blocksDiff: numberField(o, 'blocksDiff', where),
  });
  const list = <T>(value: unknown, where: string, item: (o: JsonObject, w: () => string) => T): T[] =>
    asArray(value, where).map((entry, i) => {
      const w = () => `${where}[${i}]`;
      return item(asObject(entry, w), w);
    });

  const tm = asObject(root.tracemalloc, 'tracemalloc');
  const diffObject = asObject(root.diff, 'diff');
  const growth = list(diffObject.growth, 'diff.growth', (o, w): MemoryGrowthSite => ({
    ...diffEntry(o, w),
    tracebacks: list(o.tracebacks, `${w()}.tracebacks`, (t, tw): MemoryTraceback => ({
      bytes: numberField(t, 'bytes', tw), blocks: numberField(t, 'blocks', tw),
      bytesDiff: numberField(t, 'bytesDiff', tw), blocksDiff: numberField(t, 'blocksDiff', tw),
      frames: list(t.frames, `${tw()}.frames`, (f, fw) => ({ file: file(f, fw), line: numberField(f, 'line', fw) })),
    })),
    tracebacksOmitted: numberField(o, 'tracebacksOmitted', w),
  }));
  const intervalObject = root.interval === null ? null : asObject(root.interval, 'interval');
  const limits = asObject(root.limits, 'limits');
  return {
    metadata,
    tracemalloc: {
      frames: numberField(tm, 'frames', 'tracemalloc'),
      peakBytes: nullableNumber(tm, 'peakBytes', 'tracemalloc'),
      endBytes: nullableNumber(tm, 'endBytes', 'tracemalloc'),
      trackingOverheadBytes: nullableNumber(tm, 'trackingOverheadBytes', 'tracemalloc'),
      note: stringField(tm, 'note', 'tracemalloc'),
    },
    excludePatterns: asArray(asObject(root.filter, 'filter').exclude, 'filter.exclude').map((p, i) => {
      if (typeof p !== 'string') throw new ProfileFormatError(`filter.exclude[${i}] should be a string`);
      return p;
    }),
    interval: intervalObject && {
      seconds: numberField(intervalObject, 'seconds', 'interval'),
      taken: numberField(intervalObject, 'taken', 'interval'),
      limit: numberField(intervalObject, 'limit', 'interval'),
      stoppedEarly: booleanField(intervalObject, 'stoppedEarly', 'interval'),
      error: nullableString(intervalObject, 'error', 'interval'),
    },
    snapshots: list(root.snapshots, 'snapshots', (o, w) => ({
      label: stringField(o, 'label', w), atSeconds: numberField(o, 'atSeconds', w),
      totalBytes: numberField(o, 'totalBytes', w), totalBlocks: numberField(o, 'totalBlocks', w),
      excludedBytes: numberField(o, 'excludedBytes', w), excludedBlocks: numberField(o, 'excludedBlocks', w),
    })),
    statistics: list(root.statistics, 'statistics', statistic),
    statisticsOmitted: omitted(asObject(root.statisticsOmitted, 'statisticsOmitted'), 'statisticsOmitted'),
    diff: {
      from: stringField(diffObject, 'from', 'diff'),
      to: stringField(diffObject, 'to', 'diff'),
      entries: list(diffObject.entries, 'diff.entries', diffEntry),
      entriesOmitted: omittedDiff(asObject(diffObject.entriesOmitted, 'diff.entriesOmitted'), 'diff.entriesOmitted'),
      growth,
      note: stringField(diffObject, 'note', 'diff'),
    },
    intervalDiffs: list(root.intervalDiffs, 'intervalDiffs', (o, w) => ({
      from: stringField(o, 'from', w), to: stringField(o, 'to', w),
      entries: list(o.entries, `${w()}.entries`, diffEntry),
      entriesOmitted: omittedDiff(asObject(o.entriesOmitted, () => `${w()}.entriesOmitted`), () => `${w()}.entriesOmitted`),
    })),
    retainers: parseMemoryRetainers(root.retainers, f => resolveFrameFile(f, 'python', metadata.cwd)),
    limits: {
      statistics: numberField(limits, 'statistics', 'limits'),
      diffEntries: numberField(limits, 'diffEntries', 'limits'),
      tracebacksPerSite: numberField(limits, 'tracebacksPerSite', 'limits'),
      intervalSnapshots: numberField(limits, 'intervalSnapshots', 'limits'),
      intervalDiffEntries: numberField(limits, 'intervalDiffEntries', 'limits'),
    },
    truncated: booleanField(root, 'truncated', 'result'),
  };
}

export function originField(o: JsonObject, where: Where): FileOrigin {
  const v = o.origin;
  if (typeof v !== 'string' || !(FILE_ORIGINS as readonly string[]).includes(v)) {
    throw new ProfileFormatError(`${describe(where)}.origin should be one of ${FILE_ORIGINS.join(', ')}`);
  }
  return v as FileOrigin;
}

export function nullableNumber(o: JsonObject, key: string, where: Where): number | null {
  return o[key] === null ? null : numberField(o, key, where);
}

export function nullableString(o: JsonObject, key: string, where: Where): string | null {
  return o[key] === null ? null : stringField(o, key, where);
}

export function booleanField(o: JsonObject, key: string, where: Where): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new ProfileFormatError(`${describe(where)}.${key} should be true or false`);
  return v;
}

function describe(where: Where): string {
  return typeof where === 'string' ? where : where();
}

function omitted(o: JsonObject, where: Where): OmittedEntries {
  return { entries: numberField(o, 'entries', where), bytes: numberField(o, 'bytes', where), blocks: numberField(o, 'blocks', where) };
}

function omittedDiff(o: JsonObject, where: Where): OmittedDiffEntries {
  return { ...omitted(o, where), bytesDiff: numberField(o, 'bytesDiff', where), blocksDiff: numberField(o, 'blocksDiff', where) };
}
