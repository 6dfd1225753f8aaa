import vscode = require('vscode');
import type { RunHistory } from './runHistory';
import type { ServerClient } from './serverClient';

const ACTIVE_RUN_KEY = 'pyrometer.activeRunId';

/**
 * Which run the editor shows. Remembered across reloads and server restarts: the server only holds
 * profiles in memory, so they are reloaded from the run history on disk when it comes back.
 */
export class ShownRun {
  private readonly changed = new vscode.EventEmitter<string | null>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento, private readonly history: RunHistory, private readonly server: ServerClient) {}

  get runId(): string | null {
    return this.state.get<string | null>(ACTIVE_RUN_KEY, null);
  }

  /** Loads a run from history into the server and shows it. Returns an error message, or undefined. */
  async show(runId: string): Promise<string | undefined> {
    const record = (await this.history.list()).find(r => r.runId === runId);
    if (!record) return 'That run is no longer in the history.';
    const loaded = await this.server.loadRun({ runId, label: record.label, source: record.source, activate: true });
    if (!loaded.ok) return loaded.error;
    await this.set(runId);
    return undefined;
  }

  async set(runId: string | null): Promise<void> {
    await this.state.update(ACTIVE_RUN_KEY, runId);
    this.changed.fire(runId);
  }

  async clear(): Promise<void> {
    if (this.server.isRunning) await this.server.setActiveRun(null);
    await this.set(null);
  }

  /** After a reload or a server restart: bring the remembered run back, quietly. */
  async restore(): Promise<void> {
    const runId = this.runId;
    if (runId && (await this.show(runId))) await this.set(null);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
