import vscode = require('vscode');
import type { FromGcTimeline, ToGcTimeline } from '../protocol/gcTimelineMessages';
import type { ServerClient } from './serverClient';
import { openSourceAt } from './sourceNavigation';
import { webviewHtml, webviewRoots } from './webviewHtml';

/** Pyrometer: Show GC timeline — the shown events run's collections on a time axis, one lane per generation. */
export class GcTimelinePanel implements vscode.Disposable {
  static readonly viewType = 'pyrometer.gcTimeline';
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly server: ServerClient) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      void this.refresh();
      return;
    }
    const panel = vscode.window.createWebviewPanel(GcTimelinePanel.viewType, 'Pyrometer: GC Timeline',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'pyrometer.svg');
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, {
      bundle: 'gcTimeline.js', stylesheet: 'gcTimeline.css', title: 'Pyrometer GC timeline',
      body: '<div id="caption"></div><div id="chart"></div><table id="summary"></table><div id="longest"></div>',
    });
    panel.webview.onDidReceiveMessage((msg: FromGcTimeline) => {
      if (msg.type === 'ready') void this.refresh();
      else if (msg.type === 'openSource') void openSourceAt(msg.file, msg.line);
    });
    panel.onDidDispose(() => { this.panel = undefined; });
    this.panel = panel;
  }

  /** Sends the shown run's collections (or why there are none) to the open panel. */
  async refresh(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    let message: ToGcTimeline;
    try {
      const data = this.server.isRunning ? await this.server.gcTimeline() : null;
      message = data ? { type: 'data', data }
        : { type: 'empty', message: 'No GC events for the shown run: run "Pyrometer: Profile GC and exceptions" on a script.' };
    } catch {
      return; // the server is restarting; the restart refreshes again
    }
    void panel.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
