import vscode = require('vscode');
import type { RunHistory, RunRecord } from './runHistory';

/** A run chosen from the history in a quick pick; `filter` keeps the runs that fit. */
export async function pickRun(history: RunHistory, title: string, filter: (r: RunRecord) => boolean = () => true): Promise<RunRecord | undefined> {
  const runs = (await history.list()).filter(filter);
  if (runs.length === 0) return undefined;
  const picked = await vscode.window.showQuickPick(runs.map(run => ({
    label: run.label,
    description: `${run.tool}${run.source.kind === 'file' ? ' file' : ''} · Python ${run.pythonVersion || '?'} · ${new Date(run.finishedAt).toLocaleString()}`,
    detail: run.script,
    run,
  })), { title, matchOnDescription: true, matchOnDetail: true });
  return picked?.run;
}

/** The run a command was given: a Runs view item, a run id, else undefined. */
export async function runOf(history: RunHistory, target: RunRecord | string | undefined): Promise<RunRecord | undefined> {
  const runId = typeof target === 'string' ? target : target?.runId;
  return runId ? (await history.list()).find(r => r.runId === runId) : undefined;
}
