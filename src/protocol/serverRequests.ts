/**
 * Custom requests between the extension and the language server, declared once for both sides.
 * CodeLens and hover use the standard LSP requests.
 */
import type { FunctionRow } from '../core/functionTable';
import type { LineAnnotation } from '../core/lineAnnotations';
import type { RunMetadata } from '../core/profileModel';

export interface RunSummary {
  readonly runId: string;
  readonly label: string;
  readonly totalSeconds: number;
  readonly functionCount: number;
  readonly metadata: RunMetadata;
}

export interface LoadRunParams {
  readonly runId: string;
  readonly label: string;
  /** The runner's result JSON; the server reads and parses it so the extension host never does. */
  readonly resultPath: string;
  /** Make it the run whose figures the editor shows. */
  readonly activate: boolean;
}

export type LoadRunResult = { readonly ok: true; readonly summary: RunSummary } | { readonly ok: false; readonly error: string };

export interface LineAnnotationsParams { readonly uri: string }
export interface LineAnnotationsResult { readonly runId: string | null; readonly annotations: readonly LineAnnotation[] }

export interface FunctionTableParams { readonly runId?: string }
export interface FunctionTableResult { readonly runId: string | null; readonly label: string; readonly rows: readonly FunctionRow[] }

export interface SetActiveRunParams { readonly runId: string | null }

export interface ServerSettings { readonly callSiteMinPercent: number }

export const Requests = {
  loadRun: 'pyrometer/loadRun',
  setActiveRun: 'pyrometer/setActiveRun',
  unloadRun: 'pyrometer/unloadRun',
  lineAnnotations: 'pyrometer/lineAnnotations',
  functionTable: 'pyrometer/functionTable',
  settings: 'pyrometer/settings',
} as const;

/** Sent by the server when the figures shown in editors changed (a run loaded, activated or removed). */
export const Notifications = {
  activeRunChanged: 'pyrometer/activeRunChanged',
} as const;
