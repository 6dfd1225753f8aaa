import path = require('path');
import vscode = require('vscode');
import { FlameGraphWebview } from './flameGraphWebview';
import { OpenedProfileFile, openProfileFile, ProfileFileOpenDeps, reloadProfileFileRun } from './profileFileOpen';
import { flameGraphOfRun } from './profileFileRequests';

/** What "Pyrometer: Open profile file…" returns (for tests, and commands built on it). */
export interface ProfileFileCommandResult {
  readonly kind: OpenedProfileFile['kind'];
  readonly runId?: string;
  /** The one-line summary above the flame graph. */
  readonly summary?: string;
  /** Why the file could not be opened. */
  readonly message?: string;
  /** The run's totals as the server read them (runs only). */
  readonly run?: { readonly source: string; readonly totalSeconds: number; readonly totalSamples: number; readonly functionCount: number };
}

class ProfileFileDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {
    // nothing held: the profile lives in the language server, the view in the webview
  }
}

/**
 * Profile files opened like images: a read-only custom editor showing the file's flame graph (the same app and
 * driver as the Flame Graph tab) under a one-line summary. Opening loads the file as the shown run (see
 * profileFileOpen.ts); the editor keeps showing its own file's run whichever run is shown later.
 *
 * Two view types, one provider: `pyrometer.profileFile` is the default editor for names that can only be profiles
 * (`*.prof`, `*.pstats`, `*.speedscope.json`, `*.collapsed`), `pyrometer.profileFileAny` is offered in "Open With…"
 * for names that may be anything (`*.json`, `*.txt`, `*.log`).
 */
export class ProfileFileEditorProvider implements vscode.CustomReadonlyEditorProvider<ProfileFileDocument>, vscode.Disposable {
  static readonly viewType = 'pyrometer.profileFile';
  static readonly anyFileViewType = 'pyrometer.profileFileAny';
  private readonly opened = new Map<string, Promise<OpenedProfileFile>>();
  private readonly resolved = new vscode.EventEmitter<string>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly deps: ProfileFileOpenDeps) {}

  register(): vscode.Disposable[] {
    const options = { webviewOptions: { retainContextWhenHidden: false }, supportsMultipleEditorsPerDocument: false };
    return [
      vscode.window.registerCustomEditorProvider(ProfileFileEditorProvider.viewType, this, options),
      vscode.window.registerCustomEditorProvider(ProfileFileEditorProvider.anyFileViewType, this, options),
    ];
  }

  openCustomDocument(uri: vscode.Uri): ProfileFileDocument {
    return new ProfileFileDocument(uri);
  }

  resolveCustomEditor(document: ProfileFileDocument, panel: vscode.WebviewPanel): void {
    const uri = document.uri;
    const fileName = path.basename(uri.fsPath);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'pyrometer.svg');
    const opening = openProfileFile(uri, this.deps).catch((e): OpenedProfileFile =>
      ({ kind: 'error', message: `Could not open ${fileName}: ${e instanceof Error ? e.message : String(e)}` }));
    this.opened.set(uri.toString(), opening);
    this.resolved.fire(uri.toString());
    let state: OpenedProfileFile | undefined;
    const view = new FlameGraphWebview(panel, this.extensionUri, async request => {
      const o = state ?? await opening;
      if (o.kind === 'error') return undefined;
      if (o.kind === 'imports') return o.flame.data(request);
      let data = await flameGraphOfRun(this.deps.server, o.runId, request);
      // The server keeps a few runs and forgets all on a restart: load this file's run again (not shown) and retry.
      if (data === null && o.summary.source !== 'line timing' && await reloadProfileFileRun(o.runId, this.deps)) {
        data = await flameGraphOfRun(this.deps.server, o.runId, request);
      }
      return data ?? undefined;
    }, {
      emptyMessage: () => state?.kind === 'error' ? state.message
        : state?.kind === 'run' && state.summary.source === 'line timing'
          ? 'A line timing result has no stacks to draw: its figures are beside the timed lines, in the editor of each timed file.'
          : `${fileName}'s run is no longer in the run history: reopen the file.`,
    });
    view.setSummary(`${fileName} — reading…`);
    void opening.then(o => {
      state = o;
      view.setSummary(o.kind === 'error' ? `Pyrometer cannot open ${fileName}` : o.summaryText, o.kind === 'error');
      void view.refresh();
    });
    panel.onDidDispose(() => {
      view.dispose();
      if (this.opened.get(uri.toString()) === opening) this.opened.delete(uri.toString());
    });
  }

  /**
   * Opens the file in this editor (a file picker when no uri is given) and returns what it shows once it is read.
   * When the file is already open in it, its editor is revealed and the result of that opening returned.
   */
  async openCommand(uri?: vscode.Uri): Promise<ProfileFileCommandResult | undefined> {
    if (!(uri instanceof vscode.Uri)) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false, openLabel: 'Open profile',
        filters: { 'Profiles': ['prof', 'pstats', 'json', 'collapsed', 'folded', 'txt', 'log', 'perf-script'], 'All files': ['*'] },
      });
      uri = picked?.[0];
      if (!uri) return undefined;
    }
    const key = uri.toString();
    const before = this.opened.get(key);
    const next = new Promise<Promise<OpenedProfileFile> | undefined>(resolve => {
      const timer = setTimeout(() => { listener.dispose(); resolve(undefined); }, 30_000);
      const listener = this.resolved.event(resolvedKey => {
        if (resolvedKey !== key) return;
        clearTimeout(timer);
        listener.dispose();
        resolve(this.opened.get(key));
      });
    });
    await vscode.commands.executeCommand('vscode.openWith', uri, ProfileFileEditorProvider.viewType);
    // An editor that was open is only revealed; a new one resolves (during openWith, or soon after).
    const opening = this.opened.get(key) !== before ? this.opened.get(key) : before ?? await next;
    if (!opening) return undefined;
    const o = await opening;
    return o.kind === 'error' ? { kind: o.kind, message: o.message }
      : o.kind === 'run' ? {
        kind: o.kind, runId: o.runId, summary: o.summaryText,
        run: { source: o.summary.source, totalSeconds: o.summary.totalSeconds, totalSamples: o.summary.totalSamples, functionCount: o.summary.functionCount },
      } : { kind: o.kind, summary: o.summaryText };
  }

  dispose(): void {
    this.resolved.dispose();
  }
}
