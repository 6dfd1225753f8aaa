import os = require('os');
import path = require('path');
import vscode = require('vscode');
import type { ExportFormat } from '../protocol/serverRequests';
import { ProfileFileEditorProvider } from './profileFileEditor';
import { exportRunToFile } from './profileFileRequests';
import type { RunHistory, RunRecord } from './runHistory';
import type { ServerClient } from './serverClient';
import type { ShownRun } from './shownRun';

/**
 * "Pyrometer: Export profile…" (also on a run in the Runs view): writes a run as speedscope JSON, collapsed stacks,
 * or for cProfile runs the `.prof` cProfile wrote. The language server writes the file, since it holds the profile.
 */
export interface ExportCommandArgs {
  /** Skip the format picker. */
  readonly format?: ExportFormat;
  /** Skip the save dialog. */
  readonly path?: string;
  /** Do not offer to open the file afterwards (tests). */
  readonly quiet?: boolean;
}

export interface ExportCommandResult {
  readonly ok: boolean;
  readonly path?: string;
  readonly format?: ExportFormat;
  readonly note?: string;
  readonly error?: string;
}

export interface ExportDeps {
  readonly history: RunHistory;
  readonly shownRun: ShownRun;
  readonly server: ServerClient;
}

interface FormatChoice extends vscode.QuickPickItem {
  readonly format: ExportFormat;
}

export async function exportProfile(target: RunRecord | string | undefined, args: ExportCommandArgs = {}, deps: ExportDeps):
  Promise<ExportCommandResult | undefined> {
  const runs = await deps.history.list();
  const runId = typeof target === 'string' ? target : target?.runId ?? deps.shownRun.runId;
  const record = runs.find(r => r.runId === runId);
  if (!record) return fail(runId ? 'That run is no longer in the history.' : 'No run to export: profile a script or open a profile file first.');
  if (record.tool === 'line timing') return fail('A line timing run records the time of each line, not stacks: there is nothing to export as a profile.');

  const cprofile = record.tool === 'cProfile';
  let format = args.format;
  if (!format) {
    const choices: FormatChoice[] = [
      { format: 'speedscope', label: 'speedscope JSON', description: '.speedscope.json',
        detail: cprofile ? 'Opens in speedscope and Pyrometer. cProfile has no stacks: the call tree derived from its caller edges, in seconds.'
          : 'Opens in speedscope and Pyrometer: one sampled profile per thread.' },
      { format: 'collapsed', label: 'Collapsed stacks', description: '.collapsed',
        detail: cprofile ? 'flamegraph.pl, inferno, speedscope. Counts are microseconds of own time (said in its first line).'
          : 'flamegraph.pl, inferno, speedscope: py-spy\'s raw format, sample counts.' },
    ];
    if (cprofile) choices.push({ format: 'pstats', label: 'pstats (.prof)', description: '.prof', detail: 'The file cProfile wrote, as is: pstats, snakeviz, tuna.' });
    const picked = await vscode.window.showQuickPick(choices, { title: `Export ${record.label}`, placeHolder: 'Format' });
    if (!picked) return undefined;
    format = picked.format;
  }

  let file = args.path;
  if (!file) {
    const dir = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(record.script))?.uri.fsPath
      ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
    const chosen = await vscode.window.showSaveDialog({
      title: `Export ${record.label}`, defaultUri: vscode.Uri.file(path.join(dir, defaultFileName(record, format))), saveLabel: 'Export',
      filters: format === 'speedscope' ? { 'speedscope JSON': ['json'] } : format === 'pstats' ? { 'pstats': ['prof', 'pstats'] } : { 'Collapsed stacks': ['collapsed', 'folded', 'txt'] },
    });
    if (!chosen) return undefined;
    file = chosen.fsPath;
  }

  const params = { runId: record.runId, format, path: file, name: record.label };
  let result = await exportRunToFile(deps.server, params);
  if (!result.ok && result.notLoaded) {
    const loaded = await deps.server.loadRun({ runId: record.runId, label: record.label, source: record.source, activate: false });
    if (!loaded.ok) return fail(loaded.error);
    result = await exportRunToFile(deps.server, params);
  }
  if (!result.ok) return fail(result.error);
  if (!args.quiet) {
    const message = `Pyrometer: exported ${record.label} to ${result.path}.${result.note ? ` ${result.note}` : ''}`;
    void vscode.window.showInformationMessage(message, 'Open').then(choice => {
      if (choice === 'Open') void vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(result.ok ? result.path : ''), ProfileFileEditorProvider.viewType);
    });
  }
  return { ok: true, path: result.path, format, ...(result.note ? { note: result.note } : {}) };
}

/** `calls.speedscope.json`, `calls.cprofile-us.collapsed` (the unit in the name: microseconds), `calls.prof`. */
export function defaultFileName(record: Pick<RunRecord, 'label' | 'tool'>, format: ExportFormat): string {
  const stem = record.label.replace(/\.(py|pyw|prof|pstats|json|collapsed|folded|txt)$/i, '').replace(/\.speedscope$/i, '') || 'profile';
  if (format === 'speedscope') return `${stem}.speedscope.json`;
  if (format === 'pstats') return `${stem}.prof`;
  return record.tool === 'cProfile' ? `${stem}.cprofile-us.collapsed` : `${stem}.collapsed`;
}

function fail(error: string): ExportCommandResult {
  void vscode.window.showErrorMessage(`Pyrometer: ${error}`);
  return { ok: false, error };
}
