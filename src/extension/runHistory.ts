import { promises as fs } from 'fs';
import path = require('path');
import vscode = require('vscode');
import type { ProfileSource } from '../core/profileModel';
import type { RunSource } from '../protocol/serverRequests';
import { createRunFolder, readRunFolders, writeRunRecord } from '../runners/runFolders';

/** A finished run as the history shows it; the profile itself stays in result.json beside it. */
export interface RunRecord {
  readonly runId: string;
  readonly label: string;
  readonly script: string;
  readonly interpreter: string;
  readonly interpreterSource: string;
  readonly pythonVersion: string;
  readonly finishedAt: string;
  readonly totalSeconds: number;
  readonly wallSeconds: number;
  readonly exitCode: number;
  /** Shown next to the run when the script did not end cleanly. */
  readonly problem?: string;
  /** Where the profile's data is (read by the server when the run is shown). */
  readonly source: RunSource;
  /** The run's folder in workspace storage. */
  readonly runDir: string;
  readonly tool: ProfileSource;
  /** py-spy: samples taken. */
  readonly totalSamples?: number;
}

/** Runs kept in the workspace's storage (not the workspace), newest first, capped at maxRunsKept. */
export class RunHistory {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private records: RunRecord[] | undefined;

  constructor(private readonly storageRoot: vscode.Uri) {}

  get runsDir(): string {
    return path.join(this.storageRoot.fsPath, 'runs');
  }

  /** Makes a new run's folder, marked as this extension host's run in progress until its record is added. */
  async createRunDir(runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}`): Promise<{ runId: string; dir: string }> {
    return { runId, dir: await createRunFolder(path.join(this.runsDir, runId)) };
  }

  async list(): Promise<RunRecord[]> {
    if (this.records) return this.records;
    const { records } = await readRunFolders<RunRecord>(this.runsDir);
    this.records = records.sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
    return this.records;
  }

  async add(record: RunRecord, maxRunsKept: number): Promise<RunRecord[]> {
    await writeRunRecord(path.join(this.runsDir, record.runId), record);
    const all = [record, ...(await this.list()).filter(r => r.runId !== record.runId)];
    const evicted = all.slice(maxRunsKept);
    this.records = all.slice(0, maxRunsKept);
    await Promise.all(evicted.map(r => this.removeFiles(r.runId)));
    this.changed.fire();
    return evicted;
  }

  async discard(runDir: string): Promise<void> {
    await fs.rm(runDir, { recursive: true, force: true });
  }

  async clear(): Promise<RunRecord[]> {
    const all = await this.list();
    await Promise.all(all.map(r => this.removeFiles(r.runId)));
    this.records = [];
    this.changed.fire();
    return all;
  }

  private async removeFiles(runId: string): Promise<void> {
    await fs.rm(path.join(this.runsDir, runId), { recursive: true, force: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
