import vscode = require('vscode');
import type { FromFunctionTable, ToFunctionTable } from '../protocol/functionTableMessages';
import type { ServerClient } from './serverClient';
import { openSourceAt } from './sourceNavigation';
import { webviewHtml, webviewRoots } from './webviewHtml';

/** The pstats-like table of the shown run, in the Pyrometer view: sortable columns, click → source. */
export class FunctionTableView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'pyrometer.functions';
  private view: vscode.WebviewView | undefined;
  private pendingHighlight: number | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly server: ServerClient) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const webview = view.webview;
    webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) };
    webview.html = this.html(webview);
    webview.onDidReceiveMessage((msg: FromFunctionTable) => {
      if (msg.type === 'ready') void this.refresh();
      else if (msg.type === 'openSource') void openSourceAt(msg.file, msg.line);
    });
    view.onDidChangeVisibility(() => { if (view.visible) void this.refresh(); });
  }

  async refresh(): Promise<void> {
    if (!this.view) return;
    const table = this.server.isRunning
      ? await this.server.functionTable()
      : { runId: null, label: '', source: null, rows: [] };
    await this.post({ type: 'rows', label: table.label, source: table.source, rows: table.rows });
    if (this.pendingHighlight !== undefined) {
      await this.post({ type: 'highlight', frameIndex: this.pendingHighlight });
      this.pendingHighlight = undefined;
    }
  }

  async reveal(frameIndex: number): Promise<void> {
    this.pendingHighlight = frameIndex;
    await vscode.commands.executeCommand(`${FunctionTableView.viewId}.focus`);
    if (this.view) await this.refresh();
  }

  private post(message: ToFunctionTable): Thenable<boolean> {
    return this.view ? this.view.webview.postMessage(message) : Promise.resolve(false);
  }

  private html(webview: vscode.Webview): string {
    return webviewHtml(webview, this.extensionUri, {
      bundle: 'functionTable.js', stylesheet: 'functionTable.css', title: 'Pyrometer functions',
      body: '<div id="caption">No profile yet.</div><table id="functions" aria-label="Profiled functions"></table>',
    });
  }

  dispose(): void {
    this.view = undefined;
  }
}
