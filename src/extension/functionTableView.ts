import vscode = require('vscode');
import { DEFAULT_FUNCTION_TABLE_QUERY, emptyFunctionTablePage, FunctionTableQuery } from '../core/functionTablePage';
import type { FromFunctionTable, ToFunctionTable } from '../protocol/functionTableMessages';
import { FUNCTION_TABLE_BODY } from './functionTableMarkup';
import type { ServerClient } from './serverClient';
import { openSourceAt } from './sourceNavigation';
import { webviewHtml, webviewRoots } from './webviewHtml';

/** The pstats-like table of the shown run, in the Pyrometer view: sortable columns, click → source. */
export class FunctionTableView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'pyrometer.functions';
  private view: vscode.WebviewView | undefined;
  private pendingHighlight: number | undefined;
  /** The table's sort, filter and row count, as the webview last asked. */
  private query: FunctionTableQuery = DEFAULT_FUNCTION_TABLE_QUERY;
  /** The number of the webview's last query, which the next page answers. */
  private querySeq = 0;
  /** Bumped by every refresh: a page asked for before a later refresh began is not sent. */
  private refreshes = 0;
  /** The function count and rows of the last page sent to the table. */
  lastShown: { readonly total: number; readonly rows: number } | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly server: ServerClient) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const webview = view.webview;
    webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) };
    webview.html = this.html(webview);
    webview.onDidReceiveMessage((msg: FromFunctionTable) => {
      // A webview shown again after being hidden starts afresh and says `ready`: it gets the table as it was (the
      // query lives here), not the default one.
      if (msg.type === 'ready') {
        this.querySeq = 0;
        void this.refresh();
      } else if (msg.type === 'query') {
        this.query = msg.query;
        this.querySeq = msg.seq;
        void this.refresh();
      } else if (msg.type === 'openSource') {
        void openSourceAt(msg.file, msg.line);
      }
    });
    view.onDidChangeVisibility(() => { if (view.visible) void this.refresh(); });
  }

  /** Asks the server for the rows the table shows (its sort, filter and row count) and sends them to the table. */
  async refresh(): Promise<void> {
    if (!this.view) return;
    const refresh = ++this.refreshes;
    const answers = this.querySeq;
    const reveal = this.pendingHighlight;
    const query = reveal === undefined ? this.query : { ...this.query, reveal };
    const table = this.server.isRunning
      ? await this.server.functionTable(query)
      : { label: '', source: null, page: emptyFunctionTablePage(query) };
    // Typing in the filter asks for a page per pause: an older answer arriving last must not undo a newer query.
    if (refresh !== this.refreshes) return;
    this.query = table.page.query;
    await this.post({ type: 'rows', label: table.label, source: table.source, page: table.page, answers });
    this.lastShown = { total: table.page.total, rows: table.page.rows.length };
    if (reveal !== undefined) {
      await this.post({ type: 'highlight', frameIndex: reveal });
      if (this.pendingHighlight === reveal) this.pendingHighlight = undefined;
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
      body: FUNCTION_TABLE_BODY,
    });
  }

  dispose(): void {
    this.view = undefined;
  }
}
