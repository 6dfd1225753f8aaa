import * as vscode from 'vscode';

/** One status bar item: the run in progress, then the last run's total. */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pyrometer.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Pyrometer';
    this.item.command = 'pyrometer.functions.focus';
  }

  running(scriptName: string): void {
    this.item.text = `$(sync~spin) Pyrometer: profiling ${scriptName}`;
    this.item.tooltip = 'Cancel from the progress notification';
    this.item.show();
  }

  finished(scriptName: string, totalSeconds: number | undefined, problem?: string): void {
    this.item.text = totalSeconds === undefined
      ? `$(warning) Pyrometer: ${scriptName} — no profile`
      : `$(flame) Pyrometer: ${scriptName} ${totalSeconds.toFixed(3)}s`;
    this.item.tooltip = problem ?? 'Total profiled time (sum of own times, as pstats reports). Click for the function table.';
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
