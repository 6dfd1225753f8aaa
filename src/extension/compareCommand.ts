import vscode = require('vscode');
import type { DiffKind } from '../core/profileDiff';
import type { RunWarning } from '../core/runWarnings';
import { ensureLoaded, RunReportDeps } from './runDetailsCommand';
import type { RunRecord } from './runHistory';
import { pickRun, runOf } from './runPick';

/** For tests and scripted use: the two runs, skipping the pickers. */
export interface CompareCommandArgs {
  readonly baselineRunId?: string;
  readonly runId?: string;
}

export type CompareOutcome =
  | { readonly kind: DiffKind; readonly markdown: string; readonly warnings: readonly RunWarning[]; readonly runId: string; readonly baselineRunId: string }
  | { readonly error: string };

export const COMPARISON_REPORT = 'comparison';

/** Runs whose figures can be compared: per-function times (cProfile) or samples (py-spy). */
const comparableTool = (r: RunRecord) => (r.tool === 'cProfile' ? 'cProfile' : r.tool === 'py-spy' ? 'sampled' : undefined);

/**
 * "Pyrometer: Compare with baseline…": the run (the shown one, a Runs view item, or picked) against a baseline of
 * the same kind picked from the history. Shows the run with delta CodeLenses, the deltas table, and the warnings.
 */
export async function compareWithBaseline(deps: RunReportDeps, target?: RunRecord | string, args: CompareCommandArgs = {}): Promise<CompareOutcome> {
  const fail = (error: string): CompareOutcome => {
    void vscode.window.showErrorMessage(`Pyrometer: ${error}`);
    return { error };
  };
  const run = (await runOf(deps.history, args.runId ?? target ?? deps.shownRun.runId ?? undefined))
    ?? await pickRun(deps.history, 'Pyrometer: compare which run?', r => comparableTool(r) !== undefined);
  if (!run) return fail('No cProfile or py-spy run to compare: profile a script first.');
  const kind = comparableTool(run);
  if (!kind) return fail(`A ${run.tool} run has no per-function times to compare: pick a cProfile or py-spy run.`);
  const baseline = args.baselineRunId
    ? await runOf(deps.history, args.baselineRunId)
    : await pickRun(deps.history, `Pyrometer: compare "${run.label}" with which baseline?`,
      r => r.runId !== run.runId && comparableTool(r) === kind);
  if (!baseline) {
    if (args.baselineRunId) return fail('The baseline run is no longer in the history.');
    const others = (await deps.history.list()).filter(r => r.runId !== run.runId && comparableTool(r) === kind);
    return others.length ? { error: 'cancelled' } : fail(`No other ${run.tool} run to compare with: profile the script again (before or after your change) first.`);
  }
  const problem = await ensureLoaded(deps, baseline) ?? (deps.shownRun.runId === run.runId ? await ensureLoaded(deps, run) : await deps.shownRun.show(run.runId));
  if (problem) return fail(problem);
  // Make the compared run the shown one (its CodeLenses carry the deltas).
  if (deps.shownRun.runId === run.runId) await deps.server.setActiveRun(run.runId);
  const result = await deps.server.compareRuns({ baselineRunId: baseline.runId, runId: run.runId });
  if (!result.ok) return fail(result.error);
  await deps.reports.show(COMPARISON_REPORT, result.markdown);
  if (result.warnings.length) {
    const more = result.warnings.length > 1 ? ` (and ${result.warnings.length - 1} more warning${result.warnings.length > 2 ? 's' : ''} in the comparison)` : '';
    void vscode.window.showWarningMessage(`Pyrometer: ${result.warnings[0].message}${more}`);
  }
  return { kind: result.kind, markdown: result.markdown, warnings: result.warnings, runId: run.runId, baselineRunId: baseline.runId };
}
