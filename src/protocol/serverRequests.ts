/**
 * Custom requests between the extension and the language server, declared once for both sides.
 * CodeLens and hover use the standard LSP requests.
 */
import type { FunctionRow } from '../core/functionTable';
import type { LineAnnotation } from '../core/lineAnnotations';
import type { FlameGraphData, FlameGraphRequest } from '../core/flameLayout';
import type { ProfileSource, RunMetadata } from '../core/profileModel';
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
}

/** Where a run's data is; the server reads and parses it so the extension host never does. */
export type RunSource =
  | { readonly kind: 'cprofile'; readonly resultPath: string }
  | { readonly kind: 'pyspy'; readonly load: PySpyLoadRequest; readonly bytecodePath?: string }
  | { readonly kind: 'lines'; readonly resultPath: string };

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

export interface FunctionTableParams { readonly runId?: string }
export interface FunctionTableResult {
  readonly runId: string | null;
  readonly label: string;
  /** The shown run's tool: py-spy runs have no pstats rows, and the table says where their figures are. */
  readonly source: ProfileSource | null;
  readonly rows: readonly FunctionRow[];
}

export interface FlameGraphParams { readonly request: FlameGraphRequest }
/** null when no run is shown. */
export type FlameGraphResult = FlameGraphData | null;

export interface SetActiveRunParams { readonly runId: string | null }

export interface ServerSettings { readonly callSiteMinPercent: number }

export const Requests = {
  loadRun: 'pyrometer/loadRun',
  setActiveRun: 'pyrometer/setActiveRun',
  unloadRun: 'pyrometer/unloadRun',
  lineAnnotations: 'pyrometer/lineAnnotations',
  functionTable: 'pyrometer/functionTable',
  settings: 'pyrometer/settings',
  flameGraph: 'pyrometer/flameGraph',
} as const;

/** Sent by the server when the figures shown in editors changed (a run loaded, activated or removed). */
export const Notifications = {
  activeRunChanged: 'pyrometer/activeRunChanged',
} as const;
