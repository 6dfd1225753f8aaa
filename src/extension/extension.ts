import * as vscode from 'vscode';
import { ServerSettings, Requests } from '../protocol/serverRequests';
import { onConfigChange, readConfig } from './config';
import { FunctionTableView } from './functionTableView';
import { HeatDecorations } from './heatDecorations';
import { ProfileScriptCommand } from './profileScriptCommand';
import { RunHistory } from './runHistory';
import { RunsView } from './runsView';
import { ServerClient } from './serverClient';
import { ShownRun } from './shownRun';
import { RunStatusBar } from './statusBar';

/** Wires Pyrometer's pieces together; nothing heavy starts here (the server starts on first need). */
export function activate(context: vscode.ExtensionContext) {
  const output = vscode.window.createOutputChannel('Pyrometer');
  const history = new RunHistory(context.storageUri ?? context.globalStorageUri);
  let shownRun: ShownRun | undefined;
  const server = new ServerClient(context, () => {
    void vscode.window.showWarningMessage('Pyrometer: the profile server stopped unexpectedly and was restarted; the shown run was reloaded.');
    void shownRun?.restore();
  });
  shownRun = new ShownRun(context.workspaceState, history, server);
  const status = new RunStatusBar();
  const decorations = new HeatDecorations(server);
  const table = new FunctionTableView(context.extensionUri, server);
  const runsView = new RunsView(history);
  const profile = new ProfileScriptCommand({
    runnerRoot: context.asAbsolutePath('python'), history, server, shownRun, status, output,
  });
  const sendSettings = () => {
    if (!server.isRunning) return;
    const settings: ServerSettings = { callSiteMinPercent: readConfig().callSiteMinPercent };
    void server.request(Requests.settings, settings);
  };

  context.subscriptions.push(
    output, history, server, shownRun, status, decorations, table, runsView,
    vscode.window.registerTreeDataProvider('pyrometer.runs', runsView),
    vscode.window.registerWebviewViewProvider(FunctionTableView.viewId, table),
    server.onActiveRunChanged(() => {
      decorations.refreshAll();
      void table.refresh();
    }),
    shownRun.onDidChange(runId => runsView.setActive(runId)),
    onConfigChange(sendSettings),
    vscode.commands.registerCommand('pyrometer.profileCProfile', (uri?: vscode.Uri) => profile.run(uri)),
    vscode.commands.registerCommand('pyrometer.showRun', async (runId: string) => {
      const problem = await shownRun!.show(runId);
      if (problem) void vscode.window.showErrorMessage(`Pyrometer: ${problem}`);
    }),
    vscode.commands.registerCommand('pyrometer.revealFunction', (_runId: string, frameIndex: number) => table.reveal(frameIndex)),
    vscode.commands.registerCommand('pyrometer.hideResults', async () => {
      await shownRun!.clear();
      decorations.clearAll();
    }),
    vscode.commands.registerCommand('pyrometer.clearRuns', async () => {
      const removed = await history.clear();
      if (server.isRunning) for (const r of removed) await server.request(Requests.unloadRun, { runId: r.runId });
      await shownRun!.set(null);
      decorations.clearAll();
      void table.refresh();
    }),
    vscode.commands.registerCommand('pyrometer.showOutput', () => output.show()),
  );
  // Bring back the run shown before the window was reloaded, after activation has returned.
  if (shownRun.runId) setTimeout(() => void shownRun!.restore().then(sendSettings), 0);
}

export function deactivate(): void {
  // Subscriptions dispose the server client, which stops the server.
}
