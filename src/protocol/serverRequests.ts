/**
 * Custom requests between the extension and the language server, declared once for both sides.
 * CodeLens and hover use the standard LSP requests.
 */
import type { FunctionTablePage, FunctionTableQuery } from '../core/functionTablePage';
import type { GcTimelineData } from './gcTimelineMessages';
import type { MemoryRow, MemorySortKey } from '../core/memoryAnnotations';
import type { MemoryGrowthSite } from '../core/memoryResult';
import type { MemoryRetainers } from '../core/memoryRetainers';
import type { LineAnnotation } from '../core/lineAnnotations';
import type { FlameGraphData, FlameGraphRequest } from '../core/flameLayout';
import type { PathMapping } from '../core/pathMappings';
import type { ProfileFileFormat } from '../core/profileFileFormat';
import type { ProfileSource, RunMetadata } from '../core/profileModel';
import type { DiffKind } from '../core/profileDiff';
import type { RunWarning } from '../core/runWarnings';
import type { PstatsReadRequest } from '../runners/pstatsFile';
import type { PerfLoadRequest } from '../runners/perf';
import type { PySpyLoadRequest } from '../runners/pyspy';

export interface RunSummary {
  readonly runId: string;
  readonly label: string;
  readonly source: ProfileSource;
  /** cProfile: pstats' total_tt; py-spy: samples / rate; line timing: the script's wall time. */
  readonly totalSeconds: number;
  /** py-spy: samples taken (0 for cProfile). */
  readonly totalSamples: number;
  readonly functionCount: number;
  readonly metadata: RunMetadata;
  /** Line timing: what the engine says the user should know about its figures. */
  readonly lineTimingNote?: string;
  /** Line timing: requested lines that were inside no function. */
  readonly unmatchedLines?: readonly string[];
  /** Runs opened from a profile file: what the file was and how it was read. */
  readonly file?: ProfileFileSummary;
  /** What in this run's own data makes its figures doubtful as speed numbers (core/runWarnings.ts). */
  readonly warnings?: readonly RunWarning[];
}

export interface ProfileFileSummary {
  readonly format: ProfileFileFormat;
  /** Frames whose file a `pyrometer.pathMappings` entry changed. */
  readonly framesMapped: number;
  /** Sampled files: threads, and samples per second when known. */
  readonly threads: number;
  readonly rateHz?: number;
  /** speedscope weights that were durations, counted in microseconds. */
  readonly weightsAreDurations?: boolean;
  /** A Pyrometer export of a cProfile run (stacks derived from caller edges). */
  readonly derivedFromCallGraph?: boolean;
  /** perf script: callchain frames perf left as `[unknown]`. */
  readonly unresolvedFrames?: number;
  /** The profile's distinct absolute Python source files (at most 5,000), to tell whether they are in the workspace. */
  readonly sourceFiles: readonly string[];
}

/** Where a run's data is; the server reads and parses it so the extension host never does. */
export type RunSource =
  | { readonly kind: 'cprofile'; readonly resultPath: string }
  | { readonly kind: 'pyspy'; readonly load: PySpyLoadRequest; readonly bytecodePath?: string }
  | { readonly kind: 'lines'; readonly resultPath: string }
  | { readonly kind: 'memory'; readonly resultPath: string }
  | { readonly kind: 'events'; readonly resultPath: string }
  /** Linux perf: its `perf script` text, our copies of the run's perf maps / jitdumps, the runner's metadata. */
  | { readonly kind: 'perf'; readonly load: PerfLoadRequest }
  /** A profile file opened in the editor, read in its own format (core/profileFileFormat.ts). */
  | { readonly kind: 'file'; readonly path: string; readonly pathMappings: readonly PathMapping[];
      /** For pstats files: the interpreter that reads them, and where its result goes. */
      readonly pstats?: Omit<PstatsReadRequest, 'profPath'> };

export interface LoadRunParams {
  readonly runId: string;
  readonly label: string;
  readonly source: RunSource;
  /** Make it the run whose figures the editor shows. */
  readonly activate: boolean;
}

export type LoadRunResult = { readonly ok: true; readonly summary: RunSummary } | { readonly ok: false; readonly error: string };

export interface LineAnnotationsParams { readonly uri: string }
export interface LineAnnotationsResult { readonly runId: string | null; readonly annotations: readonly LineAnnotation[] }

export interface FunctionTableParams {
  readonly runId?: string;
  readonly query: FunctionTableQuery;
}
export interface FunctionTableResult {
  readonly runId: string | null;
  readonly label: string;
  /** The shown run's tool: py-spy runs have no pstats rows, and the table says where their figures are. */
  readonly source: ProfileSource | null;
  readonly page: FunctionTablePage;
}

export interface FlameGraphParams {
  readonly request: FlameGraphRequest;
  /** A loaded run (a profile file's editor shows its own run); the shown run when absent. */
  readonly runId?: string;
}
/**
 * A flame graph for the extension host to forward unparsed: a big profile's graph is megabytes of arrays, and
 * parsing it there (then serializing it again for postMessage) blocked the editor. Usually a file the webview
 * fetches (server/flameGraphFiles.ts), so the extension host never holds the graph; when the server could not write
 * the file, the JSON itself in base64 (it reaches the extension host as a string without escapes and becomes the
 * bytes postMessage hands over with one native decode).
 */
export type SerializedFlameGraph =
  | {
    /** The view the graph answers (data.request), the only part the extension host reads. */
    readonly request: FlameGraphRequest;
    /** Absolute path of a file holding the UTF-8 bytes of JSON.stringify(FlameGraphData). */
    readonly file: string;
  }
  | {
    readonly request: FlameGraphRequest;
    /** The UTF-8 bytes of JSON.stringify(FlameGraphData), in base64. */
    readonly jsonBase64: string;
  };
/** null when no run is shown (or the asked run is not loaded), and for line timing runs (no stacks). */
export type FlameGraphResult = SerializedFlameGraph | null;

export interface SetActiveRunParams { readonly runId: string | null }

/** speedscope JSON, collapsed stacks (core/speedscopeExport.ts, core/collapsedExport.ts), or the run's own .prof. */
export type ExportFormat = 'speedscope' | 'collapsed' | 'pstats';

export interface ExportRunParams {
  readonly runId: string;
  readonly format: ExportFormat;
  /** Where to write (the server writes it: the profile is there). */
  readonly path: string;
  /** The profile's name inside the file (speedscope's title). */
  readonly name: string;
}

export type ExportRunResult =
  | { readonly ok: true; readonly path: string; readonly bytes: number; readonly note?: string }
  /** notLoaded: the server does not hold the run (evicted, or the server restarted): load it and ask again. */
  | { readonly ok: false; readonly error: string; readonly notLoaded?: boolean };

export interface ServerSettings {
  readonly callSiteMinPercent: number;
  /** Cap on the estimated memory of the profiles the server holds (pyrometer.maxProfileMegabytes); 512 when absent. */
  readonly maxProfileMegabytes?: number;
}

export interface AllocationsParams { readonly sortBy: MemorySortKey }
/** The shown run's allocating lines and the tracebacks of the growing ones; null when it is not a tracemalloc run. */
export type AllocationsResult = {
  readonly runId: string;
  readonly label: string;
  readonly rows: readonly MemoryRow[];
  readonly growth: readonly MemoryGrowthSite[];
  /** What the program's globals keep alive at the end (null in older runs). */
  readonly retainers: MemoryRetainers | null;
  /** peak / end / tracking overhead and what was cut, for the view's message. */
  readonly summary: string;
} | null;

/** The shown run's GC collections; null when it is not an events run. */
export type GcTimelineResult = GcTimelineData | null;

export interface RunDetailsParams { readonly runId: string }
/** A loaded run's details (metadata and warnings) as Markdown. */
export type RunDetailsResult =
  | { readonly ok: true; readonly markdown: string; readonly warnings: readonly RunWarning[] }
  | { readonly ok: false; readonly error: string; readonly notLoaded?: boolean };

export interface CompareRunsParams { readonly baselineRunId: string; readonly runId: string }
export type CompareRunsResult =
  | { readonly ok: true; readonly kind: DiffKind; readonly markdown: string; readonly warnings: readonly RunWarning[]; readonly functionsChanged: number }
  | { readonly ok: false; readonly error: string; readonly notLoaded?: boolean };

export const Requests = {
  loadRun: 'pyrometer/loadRun',
  setActiveRun: 'pyrometer/setActiveRun',
  unloadRun: 'pyrometer/unloadRun',
  lineAnnotations: 'pyrometer/lineAnnotations',
  functionTable: 'pyrometer/functionTable',
  settings: 'pyrometer/settings',
  flameGraph: 'pyrometer/flameGraph',
  allocations: 'pyrometer/allocations',
  gcTimeline: 'pyrometer/gcTimeline',
  exportRun: 'pyrometer/exportRun',
  runDetails: 'pyrometer/runDetails',
  compareRuns: 'pyrometer/compareRuns',
  clearComparison: 'pyrometer/clearComparison',
} as const;

/** Sent by the server when the figures shown in editors changed (a run loaded, activated or removed). */
export const Notifications = {
  activeRunChanged: 'pyrometer/activeRunChanged',
} as const;
