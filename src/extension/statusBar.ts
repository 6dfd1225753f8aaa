import vscode = require('vscode');

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

  /** `figure`: the run's total as the tool measures it ('2.280s' for cProfile, '1,234 samples' for py-spy). */
  finished(label: string, figure: string | undefined, problem?: string): void {
    this.item.text = figure === undefined
      ? `$(warning) Pyrometer: ${label} — no profile`
      : `$(flame) Pyrometer: ${label} ${figure}`;
    this.item.tooltip = problem ?? 'The last run\'s total (cProfile: sum of own times, as pstats reports; py-spy: samples). Click for the function table.';
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
