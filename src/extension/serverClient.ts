import vscode = require('vscode');
import type { FlameGraphRequest } from '../core/flameLayout';
import type { FunctionTableQuery } from '../core/functionTablePage';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { MemorySortKey } from '../core/memoryAnnotations';
import {
  AllocationsResult, CompareRunsParams, CompareRunsResult, GcTimelineResult, RunDetailsResult, FlameGraphResult, FunctionTableResult, LineAnnotationsResult, LoadRunParams, LoadRunResult, Notifications, Requests, ServerSettings,
} from '../protocol/serverRequests';

import { CodeCacheUse, loadCachedBundle } from '../bundles/cachedBundle';

type LanguageClientBundle = typeof import('./languageClientBundle');

/**
 * The language server, started on first need (never at activation): it holds profiles and parses them,
 * so the extension host stays responsive.
 */
export class ServerClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly activeRunChanged = new vscode.EventEmitter<string | null>();
  readonly onActiveRunChanged = this.activeRunChanged.event;
  private restartsSeen = 0;
  private bundle: LanguageClientBundle | undefined;
  /** How the language client bundle was loaded (for the editor benchmark); undefined until it is. */
  bundleLoad: { readonly ms: number; readonly codeCache: CodeCacheUse } | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly onRestart: () => void,
    private readonly initialSettings?: () => ServerSettings) {}

  get isRunning(): boolean {
    return this.client !== undefined && this.client.state === this.bundle?.State.Running;
  }

  async get(): Promise<LanguageClient> {
    if (this.client && this.isRunning) return this.client;
    this.starting ??= this.start();
    return this.starting;
  }

  private async request<R>(method: string, params: unknown): Promise<R> {
    return (await this.get()).sendRequest<R>(method, params);
  }

  // One typed method per custom request, so a caller cannot send the wrong shape.
  loadRun(params: LoadRunParams): Promise<LoadRunResult> {
    return this.request(Requests.loadRun, params);
  }

  setActiveRun(runId: string | null): Promise<boolean> {
    return this.request(Requests.setActiveRun, { runId });
  }

  unloadRun(runId: string): Promise<void> {
    return this.request(Requests.unloadRun, { runId });
  }

  lineAnnotations(uri: string): Promise<LineAnnotationsResult> {
    return this.request(Requests.lineAnnotations, { uri });
  }

  functionTable(query: FunctionTableQuery): Promise<FunctionTableResult> {
    return this.request(Requests.functionTable, { query });
  }

  flameGraph(request: FlameGraphRequest): Promise<FlameGraphResult> {
    return this.request(Requests.flameGraph, { request });
  }

  allocations(sortBy: MemorySortKey): Promise<AllocationsResult> {
    return this.request(Requests.allocations, { sortBy });
  }

  gcTimeline(): Promise<GcTimelineResult> {
    return this.request(Requests.gcTimeline, {});
  }

  runDetails(runId: string): Promise<RunDetailsResult> {
    return this.request(Requests.runDetails, { runId });
  }

  compareRuns(params: CompareRunsParams): Promise<CompareRunsResult> {
    return this.request(Requests.compareRuns, params);
  }

  clearComparison(): Promise<void> {
    return this.request(Requests.clearComparison, {});
  }

  settings(settings: ServerSettings): Promise<void> {
    return this.request(Requests.settings, settings);
  }

  private async start(): Promise<LanguageClient> {
    // Loaded here, not imported: see languageClientBundle.ts.
    if (this.bundle === undefined) {
      const startMs = performance.now();
      const loaded = loadCachedBundle<LanguageClientBundle>(this.context.asAbsolutePath('dist/languageClient.js'), require);
      this.bundle = loaded.exports;
      this.bundleLoad = { ms: performance.now() - startMs, codeCache: loaded.codeCache };
      // Loading the client and starting it are two pauses of the editor's thread, not one twice as long: a timer,
      // not setImmediate, so that the editor's own pending timers and messages run in between.
      await new Promise(resolve => setTimeout(resolve, 0));
    }
    const bundle = this.bundle;
    const { State } = bundle;
    // initializationOptions are read at every (re)start, so a restarted server has the current caps before any run is loaded.
    const client = bundle.createLanguageClient(this.context.asAbsolutePath('dist/server.js'), () => this.initialSettings?.());
    client.onNotification(Notifications.activeRunChanged, (p: { runId: string | null }) => this.activeRunChanged.fire(p.runId));
    client.onDidChangeState(e => {
      // The client restarts a crashed server by itself; the store must be reloaded into the new process.
      if (e.oldState === State.Starting && e.newState === State.Running && this.client === client) {
        if (this.restartsSeen++ > 0) this.onRestart();
      }
    });
    this.client = client;
    await client.start();
    return client;
  }

  dispose(): void {
    void this.client?.stop();
    this.activeRunChanged.dispose();
  }
}
