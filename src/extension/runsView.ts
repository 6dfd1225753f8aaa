import vscode = require('vscode');
import type { RunHistory, RunRecord } from './runHistory';

/** The run history in the Pyrometer view: newest first, the run being shown marked. */
export class RunsView implements vscode.TreeDataProvider<RunRecord>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private activeRunId: string | null = null;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly history: RunHistory) {
    this.subscription = history.onDidChange(() => this.changed.fire());
  }

  setActive(runId: string | null): void {
    this.activeRunId = runId;
    this.changed.fire();
  }

  getChildren(element?: RunRecord): Promise<RunRecord[]> | RunRecord[] {
    return element ? [] : this.history.list();
  }

  getTreeItem(run: RunRecord): vscode.TreeItem {
    const item = new vscode.TreeItem(run.label, vscode.TreeItemCollapsibleState.None);
    const when = new Date(run.finishedAt).toLocaleTimeString();
    const figure = (run.tool === 'py-spy' || run.tool === 'perf') ? `${run.totalSamples ?? 0} samples` : `${run.totalSeconds.toFixed(3)}s`;
    // Runs opened from a profile file say so: their figures are the file's, whatever ran it.
    const fromFile = run.source.kind === 'file';
    item.description = `${run.tool}${fromFile ? ' file' : ''} · ${figure} · Python ${run.pythonVersion || '?'} · ${when}`;
    item.iconPath = new vscode.ThemeIcon(run.runId === this.activeRunId ? 'eye' : run.problem ? 'warning' : fromFile ? 'file' : 'history');
    const tip = new vscode.MarkdownString();
    tip.appendText(`${run.script}\nInterpreter: ${run.interpreter} (${run.interpreterSource})\n` +
      `${run.tool}: wall time ${run.wallSeconds.toFixed(3)} s, ` +
      ((run.tool === 'py-spy' || run.tool === 'perf') ? `${run.totalSamples ?? 0} samples` : `profiled total ${run.totalSeconds.toFixed(3)} s`) +
      `, exit code ${run.exitCode}` +
      (run.problem ? `\n${run.problem}` : ''));
    item.tooltip = tip;
    item.contextValue = 'pyrometer.run';
    item.command = { command: 'pyrometer.showRun', title: 'Show this run', arguments: [run.runId] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
