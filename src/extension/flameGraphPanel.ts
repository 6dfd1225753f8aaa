import vscode = require('vscode');
import type { FlameGraphRequest } from '../protocol/flameGraphMessages';
import { FlameGraphDataProvider, FlameGraphWebview } from './flameGraphWebview';

export type { FlameGraphDataProvider } from './flameGraphWebview';

export interface FlameGraphPanelOptions {
  /** Editor tab title. */
  readonly title?: string;
  /** Shown when the provider returns undefined. */
  readonly emptyMessage?: string;
}

/**
 * The flame graph in an editor tab beside the current one. One tab at a time: `show` reveals it (creating it
 * when closed); `refresh` asks the provider again, e.g. when the shown run changes. What happens inside the tab
 * (requests, replies, opening sources) is FlameGraphWebview's, which also drives panels this class did not create
 * (a profile file's editor).
 */
export class FlameGraphPanel implements vscode.Disposable {
  static readonly viewType = 'pyrometer.flameGraph';
  private view: FlameGraphWebview | undefined;
  /** The view asked for while no tab was open, for the next one. */
  private pending: Partial<FlameGraphRequest> = {};
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly getData: FlameGraphDataProvider,
    private readonly options: FlameGraphPanelOptions = {},
  ) {}

  get isVisible(): boolean {
    return this.view?.visible ?? false;
  }

  /** Opens (or reveals) the panel; a partial request changes the view, e.g. `{ view: 'sandwich', sandwichFrame }`. */
  show(request?: Partial<FlameGraphRequest>): void {
    if (this.view) {
      this.view.panel.reveal();
      if (request) this.view.setRequest(request);
      return;
    }
    if (request) this.pending = { ...this.pending, ...request };
    const panel = vscode.window.createWebviewPanel(FlameGraphPanel.viewType, this.options.title ?? 'Pyrometer: Flame Graph',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, { enableScripts: true, retainContextWhenHidden: false });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'pyrometer.svg');
    // The webview says 'ready' when loaded (and again when shown after being hidden): it then gets the current view.
    const view = new FlameGraphWebview(panel, this.extensionUri, this.getData, { emptyMessage: this.options.emptyMessage, request: this.pending });
    this.pending = {};
    this.view = view;
    panel.onDidDispose(() => {
      view.dispose();
      if (this.view === view) this.view = undefined;
    }, undefined, this.disposables);
  }

  /** Asks the provider again for the current request and sends the answer to the webview, if it is open. */
  async refresh(): Promise<void> {
    await this.view?.refresh();
  }

  dispose(): void {
    this.view?.panel.dispose();
    this.view = undefined;
    this.disposables.forEach(d => d.dispose());
    this.disposables.length = 0;
  }
}

/** The flame graph panel controller; push it to `context.subscriptions` and call `show()` from a command. */
export function createFlameGraphPanel(extensionUri: vscode.Uri, getData: FlameGraphDataProvider, options?: FlameGraphPanelOptions): FlameGraphPanel {
  return new FlameGraphPanel(extensionUri, getData, options);
}
