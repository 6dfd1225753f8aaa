import vscode = require('vscode');
import type { RunWarning } from '../core/runWarnings';
import type { ReportDocuments } from './reportDocuments';
import type { RunHistory, RunRecord } from './runHistory';
import { pickRun, runOf } from './runPick';
import type { ServerClient } from './serverClient';
import type { ShownRun } from './shownRun';

export interface RunReportDeps {
  readonly history: RunHistory;
  readonly shownRun: ShownRun;
  readonly server: ServerClient;
  readonly reports: ReportDocuments;
}

export type RunDetailsOutcome = { readonly markdown: string; readonly warnings: readonly RunWarning[] } | { readonly error: string };

/** Loads a history run into the server without showing it (the server parses it; nothing changes in editors). */
export async function ensureLoaded(deps: RunReportDeps, record: RunRecord): Promise<string | undefined> {
  const loaded = await deps.server.loadRun({ runId: record.runId, label: record.label, source: record.source, activate: false });
  return loaded.ok ? undefined : loaded.error;
}

/** "Pyrometer: Run details": what was measured, with what, on what machine, and what to beware of. */
export async function showRunDetails(deps: RunReportDeps, target?: RunRecord | string): Promise<RunDetailsOutcome> {
  const record = (await runOf(deps.history, target ?? deps.shownRun.runId ?? undefined)) ?? (target ? undefined : await pickRun(deps.history, 'Pyrometer: details of which run?'));
  if (!record) {
    const error = target ? 'That run is no longer in the history.' : 'No run yet: profile a script first.';
    void vscode.window.showInformationMessage(`Pyrometer: ${error}`);
    return { error };
  }
  let details = await deps.server.runDetails(record.runId);
  if (!details.ok && details.notLoaded) {
    const problem = await ensureLoaded(deps, record);
    if (problem) {
      void vscode.window.showErrorMessage(`Pyrometer: ${problem}`);
      return { error: problem };
    }
    details = await deps.server.runDetails(record.runId);
  }
  if (!details.ok) {
    void vscode.window.showErrorMessage(`Pyrometer: ${details.error}`);
    return { error: details.error };
  }
  await deps.reports.show(`run-${record.runId}`, details.markdown);
  return { markdown: details.markdown, warnings: details.warnings };
}
