import { parseRunMetadata } from './cprofileResult';
import { resolveFrameFile } from './frameFiles';
import { asArray, asObject, JsonObject, numberField, parseResultRoot, stringField } from './jsonFields';
import { FileOrigin, nullableNumber, nullableString, originField } from './memoryResult';
import { ProfileFormatError } from './profileErrors';
import type { RunMetadata } from './profileModel';

export const EVENTS_SCHEMA = 'pyrometer.events/1';

/** A line of code and the function it is in, as the runner saw it running. */
export interface CodeSite {
  /** Absolute when it could be resolved against the run's cwd; pseudo-files as recorded. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** Qualified name on 3.11+ (`Node.__init__`), plain name before. */
  readonly function: string;
  readonly origin: FileOrigin;
}

/** One garbage collection. */
export interface GcEvent {
  readonly generation: number;
  /** perf_counter_ns since the script started. */
  readonly startNs: number;
  readonly durationNs: number;
  readonly collected: number;
  readonly uncollectable: number;
  /** Where the program was when the collection started; null when only the runner was on the stack. */
  readonly site: CodeSite | null;
}

export interface GcGenerationSummary {
  readonly generation: number;
  readonly collections: number;
  readonly totalPauseNs: number;
  readonly longestPauseNs: number;
  readonly collected: number;
  readonly uncollectable: number;
}

/** Exact over every collection, including those left out of the event list. */
export interface GcSummary {
  /** Collections per generation (index = generation). */
  readonly collections: readonly number[];
  readonly totalPauseNs: number;
  readonly longestPauseNs: number;
  readonly collected: number;
  readonly uncollectable: number;
  readonly byGeneration: readonly GcGenerationSummary[];
  /** The longest collection, always kept even when the event list was cut. */
  readonly longest: GcEvent | null;
}

export interface GcRecord {
  /** gc.get_threshold() when the script started. */
  readonly thresholds: readonly number[];
  /** In time order; the first `events.length` collections of the run. */
  readonly events: readonly GcEvent[];
  /** Collections after the event list's cap: in the summary only. */
  readonly eventsOmitted: number;
  readonly summary: GcSummary;
  readonly note: string | null;
}

/** Exceptions of one type raised at one line: counted where they appeared, not in the callers they crossed. */
export interface ExceptionSite extends CodeSite {
  /** As a traceback names it: `KeyError`, `json.decoder.JSONDecodeError`. */
  readonly type: string;
  readonly count: number;
  /** How many of them an `except`/`finally` in Python code ended (sys.monitoring only; null with settrace). */
  readonly caughtCount: number | null;
}

export interface ExceptionRecord {
  /** 'sys.monitoring' (3.12+) or 'settrace'. */
  readonly mechanism: string;
  readonly toolId: number | null;
  /** What the mechanism costs and misses, for the user. */
  readonly note: string;
  readonly totalRaised: number;
  /** Most frequent first. */
  readonly sites: readonly ExceptionSite[];
  readonly sitesOmitted: { readonly sites: number; readonly raises: number };
}

/** The runner's `events` result (schema pyrometer.events/1), with files resolved against the run's cwd. */
export interface EventsResult {
  readonly metadata: RunMetadata;
  /** null when recorded with --no-gc. */
  readonly gc: GcRecord | null;
  /** null when recorded with --no-exceptions. */
  readonly exceptions: ExceptionRecord | null;
}

/** Parses the runner's events result (docs/runner-memory.md). Throws ProfileFormatError for anything malformed. */
export function parseEventsResult(text: string): EventsResult {
  const root = parseResultRoot(text, EVENTS_SCHEMA, 'events');
  const metadata = parseRunMetadata(asObject(root.metadata, 'metadata'));
  const site = (o: JsonObject, where: () => string): CodeSite => ({
    file: resolveFrameFile(stringField(o, 'file', where), 'python', metadata.cwd),
    line: numberField(o, 'line', where),
    function: stringField(o, 'function', where),
    origin: originField(o, where),
  });
  const gcEvent = (o: JsonObject, where: () => string): GcEvent => ({
    generation: numberField(o, 'generation', where),
    startNs: numberField(o, 'startNs', where),
    durationNs: numberField(o, 'durationNs', where),
    collected: numberField(o, 'collected', where),
    uncollectable: numberField(o, 'uncollectable', where),
    site: o.site === null ? null : site(asObject(o.site, () => `${where()}.site`), () => `${where()}.site`),
  });
  return {
    metadata,
    gc: root.gc === null ? null : parseGc(asObject(root.gc, 'gc'), gcEvent),
    exceptions: root.exceptions === null ? null : parseExceptions(asObject(root.exceptions, 'exceptions'), site),
  };
}

function numbers(value: unknown, where: string): number[] {
  return asArray(value, where).map((n, i) => {
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new ProfileFormatError(`${where}[${i}] should be a number`);
    return n;
  });
}

function parseGc(g: JsonObject, gcEvent: (o: JsonObject, where: () => string) => GcEvent): GcRecord {
  const s = asObject(g.summary, 'gc.summary');
  return {
    thresholds: numbers(g.thresholds, 'gc.thresholds'),
    events: asArray(g.events, 'gc.events').map((e, i) => gcEvent(asObject(e, () => `gc.events[${i}]`), () => `gc.events[${i}]`)),
    eventsOmitted: numberField(g, 'eventsOmitted', 'gc'),
    summary: {
      collections: numbers(s.collections, 'gc.summary.collections'),
      totalPauseNs: numberField(s, 'totalPauseNs', 'gc.summary'),
      longestPauseNs: numberField(s, 'longestPauseNs', 'gc.summary'),
      collected: numberField(s, 'collected', 'gc.summary'),
      uncollectable: numberField(s, 'uncollectable', 'gc.summary'),
      byGeneration: asArray(s.byGeneration, 'gc.summary.byGeneration').map((b, i) => {
        const w = () => `gc.summary.byGeneration[${i}]`;
        const o = asObject(b, w);
        return {
          generation: numberField(o, 'generation', w), collections: numberField(o, 'collections', w),
          totalPauseNs: numberField(o, 'totalPauseNs', w), longestPauseNs: numberField(o, 'longestPauseNs', w),
          collected: numberField(o, 'collected', w), uncollectable: numberField(o, 'uncollectable', w),
        };
      }),
      longest: s.longest === null ? null : gcEvent(asObject(s.longest, 'gc.summary.longest'), () => 'gc.summary.longest'),
    },
    note: nullableString(g, 'note', 'gc'),
  };
}

function parseExceptions(x: JsonObject, site: (o: JsonObject, where: () => string) => CodeSite): ExceptionRecord {
  const omitted = asObject(x.sitesOmitted, 'exceptions.sitesOmitted');
  return {
    mechanism: stringField(x, 'mechanism', 'exceptions'),
    toolId: nullableNumber(x, 'toolId', 'exceptions'),
    note: stringField(x, 'note', 'exceptions'),
    totalRaised: numberField(x, 'totalRaised', 'exceptions'),
    sites: asArray(x.sites, 'exceptions.sites').map((s, i) => {
      const w = () => `exceptions.sites[${i}]`;
      const o = asObject(s, w);
      return {
        ...site(o, w), type: stringField(o, 'type', w), count: numberField(o, 'count', w),
        caughtCount: nullableNumber(o, 'caughtCount', w),
      };
    }),
    sitesOmitted: { sites: numberField(omitted, 'sites', 'exceptions.sitesOmitted'),
      raises: numberField(omitted, 'raises', 'exceptions.sitesOmitted') },
  };
}
