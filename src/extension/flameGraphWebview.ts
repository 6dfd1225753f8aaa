import vscode = require('vscode');
import { DEFAULT_FLAME_GRAPH_REQUEST } from '../core/flameLayout';
import type { FlameGraphData, FlameGraphRequest, FromFlameGraph, ToFlameGraph } from '../protocol/flameGraphMessages';
import type { FlameGraphSummaryMessage } from '../protocol/flameGraphSummary';
import type { SerializedFlameGraph } from '../protocol/serverRequests';
import { openSourceAt } from './sourceNavigation';
import { defaultTempRoot } from '../runners/tempRoot';
import { webviewHtml, webviewRoots } from './webviewHtml';

/**
 * Answers a flame graph request, or undefined when there is nothing to show. The language server's answers come
 * encoded (SerializedFlameGraph): a file the webview fetches, or bytes passed on to it; never parsed here.
 */
export type FlameGraphDataProvider = (request: FlameGraphRequest) => Promise<FlameGraphData | SerializedFlameGraph | undefined>;

export interface FlameGraphWebviewOptions {
  /** Shown when the provider returns undefined; a function is asked each time (the reason may change). */
  readonly emptyMessage?: string | (() => string);
  /** The view to ask for first. */
  readonly request?: Partial<FlameGraphRequest>;
}

/**
 * Drives the flame graph app in one webview panel, whoever created the panel: the Flame Graph tab
 * (FlameGraphPanel) or VS Code itself for a profile file's custom editor. Loads the app, answers its requests
 * through the provider, opens sources it asks for, and re-sends the summary line when the page reloads (webviews
 * are not retained while hidden; the app then says 'ready' again). A reply that arrives after a newer request was
 * made is dropped.
 */
export class FlameGraphWebview implements vscode.Disposable {
  private request: FlameGraphRequest = DEFAULT_FLAME_GRAPH_REQUEST;
  private sequence = 0;
  private summary: FlameGraphSummaryMessage | undefined;
  private disposed = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly getData: FlameGraphDataProvider,
    private readonly options: FlameGraphWebviewOptions = {},
  ) {
    this.request = { ...DEFAULT_FLAME_GRAPH_REQUEST, ...options.request };
    // The temporary root too: the server writes each graph there as a file, which the page fetches (flameGraphFiles.ts).
    panel.webview.options = { enableScripts: true, localResourceRoots: [...webviewRoots(extensionUri), vscode.Uri.file(defaultTempRoot())] };
    panel.webview.html = flameGraphHtml(panel.webview, extensionUri);
    this.subscription = panel.webview.onDidReceiveMessage((msg: FromFlameGraph) => this.onMessage(msg));
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  /** Changes the view (e.g. `{ view: 'sandwich', sandwichFrame }`) and asks again. */
  setRequest(change: Partial<FlameGraphRequest>): void {
    this.request = { ...this.request, ...change };
    void this.refresh();
  }

  /** The line shown above the toolbar (kept and re-sent when the page reloads). */
  setSummary(text: string, warning = false): void {
    this.summary = { type: 'summary', text, ...(warning ? { warning } : {}) };
    void this.post(this.summary);
  }

  /** Asks the provider again for the current request and sends the answer to the webview. */
  async refresh(): Promise<void> {
    if (this.disposed) return;
    const seq = ++this.sequence;
    let message: ToFlameGraph;
    try {
      const data = await this.getData(this.request);
      message = !data ? { type: 'empty', message: this.emptyMessage() }
        : 'file' in data ? { type: 'dataUrl', url: this.panel.webview.asWebviewUri(vscode.Uri.file(data.file)).toString() }
          : 'jsonBase64' in data ? { type: 'dataJson', utf8: utf8OfBase64(data.jsonBase64) } : { type: 'data', data };
      if (data) this.request = data.request;
    } catch (e) {
      message = { type: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    if (seq !== this.sequence) return; // a newer request is on its way
    await this.post(message);
  }

  private emptyMessage(): string {
    const m = this.options.emptyMessage;
    return (typeof m === 'function' ? m() : m) ?? 'No profile with stacks or functions to draw yet: profile a script first.';
  }

  private async post(message: ToFlameGraph | FlameGraphSummaryMessage): Promise<void> {
    if (this.disposed) return;
    try {
      await this.panel.webview.postMessage(message);
    } catch {
      // the panel was closed meanwhile
    }
  }

  private onMessage(msg: FromFlameGraph): void {
    switch (msg.type) {
      case 'ready':
        if (this.summary) void this.post(this.summary);
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

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
  }
}

/** The bytes as a plain Uint8Array (not a Buffer): what postMessage transfers as it is. */
function utf8OfBase64(base64: string): Uint8Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The flame graph app's page: the bundle and stylesheet under the shared CSP (webviewHtml.ts). */
export function flameGraphHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewHtml(webview, extensionUri,
    { bundle: 'flameGraph.js', stylesheet: 'flameGraph.css', title: 'Pyrometer flame graph', body: '<div id="app"></div>', fetchesResources: true });
}
