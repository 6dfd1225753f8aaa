import * as vscode from 'vscode';
import { DEFAULT_FLAME_GRAPH_REQUEST } from '../core/flameLayout';
import type { FlameGraphData, FlameGraphRequest, FromFlameGraph, ToFlameGraph } from '../protocol/flameGraphMessages';
import { openSourceAt } from './sourceNavigation';
import { webviewHtml, webviewRoots } from './webviewHtml';

/**
 * Answers a flame graph request for the shown run (e.g. by asking the language server), or undefined when
 * there is nothing to show.
 */
export type FlameGraphDataProvider = (request: FlameGraphRequest) => Promise<FlameGraphData | undefined>;

export interface FlameGraphPanelOptions {
  /** Editor tab title. */
  readonly title?: string;
  /** Shown when the provider returns undefined. */
  readonly emptyMessage?: string;
}

/**
 * The flame graph in an editor tab beside the current one. One tab at a time: `show` reveals it (creating it
 * when closed); `refresh` asks the provider again, e.g. when the shown run changes. The webview asks for other
 * views itself ('request'); a reply that arrives after a newer request was made is dropped.
 */
export class FlameGraphPanel implements vscode.Disposable {
  static readonly viewType = 'pyrometer.flameGraph';
  private panel: vscode.WebviewPanel | undefined;
  private request: FlameGraphRequest = DEFAULT_FLAME_GRAPH_REQUEST;
  private sequence = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly getData: FlameGraphDataProvider,
    private readonly options: FlameGraphPanelOptions = {},
  ) {}

  get isVisible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Opens (or reveals) the panel; a partial request changes the view, e.g. `{ view: 'sandwich', sandwichFrame }`. */
  show(request?: Partial<FlameGraphRequest>): void {
    const changed = request !== undefined;
    if (request) this.request = { ...this.request, ...request };
    if (this.panel) {
      this.panel.reveal();
      if (changed) void this.refresh();
      return;
    }
    const roots = webviewRoots(this.extensionUri);
    const panel = vscode.window.createWebviewPanel(FlameGraphPanel.viewType, this.options.title ?? 'Pyrometer: Flame Graph',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { enableScripts: true, localResourceRoots: roots, retainContextWhenHidden: false });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'pyrometer.svg');
    this.panel = panel;
    panel.webview.html = this.html(panel.webview);
    const subscriptions: vscode.Disposable[] = [
      // The webview reloads when shown again (context is not retained) and says 'ready': it then gets the current request.
      panel.webview.onDidReceiveMessage((msg: FromFlameGraph) => this.onMessage(msg)),
    ];
    panel.onDidDispose(() => {
      subscriptions.forEach(d => d.dispose());
      if (this.panel === panel) this.panel = undefined;
    }, undefined, this.disposables);
  }

  /** Asks the provider again for the current request and sends the answer to the webview, if it is open. */
  async refresh(): Promise<void> {
    if (!this.panel) return;
    const seq = ++this.sequence;
    const panel = this.panel;
    let message: ToFlameGraph;
    try {
      const data = await this.getData(this.request);
      message = data ? { type: 'data', data } : { type: 'empty', message: this.options.emptyMessage ?? 'No profile with stacks or functions to draw yet: profile a script first.' };
      if (data) this.request = data.request;
    } catch (e) {
      message = { type: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    if (seq !== this.sequence || panel !== this.panel) return; // a newer request is on its way, or the panel was closed
    await panel.webview.postMessage(message);
  }

  private onMessage(msg: FromFlameGraph): void {
    switch (msg.type) {
      case 'ready':
        void this.refresh();
        break;
      case 'request':
        this.request = { ...DEFAULT_FLAME_GRAPH_REQUEST, ...msg.request };
        void this.refresh();
        break;
      case 'openSource':
        if (typeof msg.file === 'string' && Number.isFinite(msg.line)) void openSourceAt(msg.file, msg.line);
        break;
    }
  }

  private html(webview: vscode.Webview): string {
    return webviewHtml(webview, this.extensionUri,
      { bundle: 'flameGraph.js', stylesheet: 'flameGraph.css', title: 'Pyrometer flame graph', body: '<div id="app"></div>' });
  }

  dispose(): void {
    this.panel?.dispose();
    this.panel = undefined;
    this.disposables.forEach(d => d.dispose());
    this.disposables.length = 0;
  }
}

/** The flame graph panel controller; push it to `context.subscriptions` and call `show()` from a command. */
export function createFlameGraphPanel(extensionUri: vscode.Uri, getData: FlameGraphDataProvider, options?: FlameGraphPanelOptions): FlameGraphPanel {
  return new FlameGraphPanel(extensionUri, getData, options);
}
