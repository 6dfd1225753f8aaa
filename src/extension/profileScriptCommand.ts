import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { LoadRunResult, Requests } from '../protocol/serverRequests';
import { runCProfile } from '../runners/cprofile';
import { probeInterpreter, tooOld } from '../runners/interpreterProbe';
import { judgeRun, RunVerdict } from '../runners/runVerdict';
import { readConfig } from './config';
import { chooseInterpreter } from './interpreter';
import type { RunHistory } from './runHistory';
import type { ServerClient } from './serverClient';
import type { ShownRun } from './shownRun';
import type { RunStatusBar } from './statusBar';

/** What the command returns, for tests and for commands built on it. */
export interface ProfileCommandResult {
  readonly runId?: string;
  readonly verdict: RunVerdict;
  readonly resultPath?: string;
  readonly profPath?: string;
}

export interface ProfileDeps {
  readonly runnerRoot: string;
  readonly history: RunHistory;
  readonly server: ServerClient;
  readonly shownRun: ShownRun;
  readonly status: RunStatusBar;
  readonly output: vscode.OutputChannel;
}

/** Pyrometer: Profile this script (cProfile). One run at a time. */
export class ProfileScriptCommand {
  private running = false;

  constructor(private readonly deps: ProfileDeps) {}

  async run(target?: vscode.Uri): Promise<ProfileCommandResult | undefined> {
    const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
    const problem = await this.checkTarget(uri);
    if (problem) return this.fail(problem);
    if (this.running) return this.fail('A profile is already running; cancel it from its notification or wait for it.');
    this.running = true;
    try {
      return await this.profile(uri!);
    } finally {
      this.running = false;
    }
  }

  private async checkTarget(uri: vscode.Uri | undefined): Promise<string | undefined> {
    if (!vscode.workspace.isTrusted) {
      return 'Profiling runs the script, so Pyrometer does not profile in an untrusted workspace. Trust the workspace (Manage Workspace Trust) to profile.';
    }
    if (!uri) return 'Open or select a Python script to profile.';
    if (uri.scheme !== 'file') return `Pyrometer profiles files on disk; ${uri.toString()} is not one.`;
    const stat = await fs.stat(uri.fsPath).catch(() => undefined);
    if (!stat) return `${uri.fsPath} does not exist (moved or deleted?).`;
    if (!stat.isFile()) return `${uri.fsPath} is not a file.`;
    if (!/\.pyw?$/i.test(uri.fsPath)) {
      return `Pyrometer profiles Python scripts (.py); ${path.basename(uri.fsPath)} is not one.`;
    }
    return undefined;
  }

  private async profile(uri: vscode.Uri): Promise<ProfileCommandResult> {
    const { output, status, history, server, shownRun } = this.deps;
    const config = readConfig(uri);
    const script = uri.fsPath;
    const scriptName = path.basename(script);
    const cwd = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(script);

    const open = vscode.workspace.textDocuments.find(d => d.uri.fsPath === script);
    if (open?.isDirty) await open.save();

    const choice = await chooseInterpreter(uri);
    if (!choice) return this.fail('No Python interpreter found: install the Python extension, set "pyrometer.pythonPath", or put python3 on PATH.');
    const probe = await probeInterpreter(choice.command, cwd);
    if (!probe.ok) return this.fail(`${probe.problem} (interpreter from ${choice.source}). Set "pyrometer.pythonPath" to a Python 3.8+ interpreter.`);
    if (tooOld(probe.info)) return this.fail(`Python ${probe.info.version} at ${probe.info.executable} is too old: Pyrometer needs Python 3.8 or newer.`);

    const { runId, dir } = history.newRunDir();
    output.appendLine(`[${new Date().toLocaleTimeString()}] Profiling ${script} with cProfile`);
    output.appendLine(`  interpreter: ${probe.info.executable} (Python ${probe.info.version}, ${probe.info.implementation}, from ${choice.source})`);
    output.appendLine(`  cwd: ${cwd}`);
    status.running(scriptName);

    const outcome = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: `Pyrometer: profiling ${scriptName}`, cancellable: true,
    }, async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return runCProfile({
        python: probe.info.executable, runnerRoot: this.deps.runnerRoot, script, args: [], cwd, runDir: dir,
        timeoutMs: config.timeoutSeconds * 1000, maxForwardedBytes: config.maxOutputMegabytes * 1024 * 1024,
      }, { onStdout: t => output.append(t), onStderr: t => output.append(t), signal: abort.signal });
    });

    let loaded: LoadRunResult | undefined;
    if (outcome.hasResult) {
      loaded = await server.request<LoadRunResult>(Requests.loadRun, { runId, label: scriptName, resultPath: outcome.resultPath, activate: false });
    }
    const metadata = loaded?.ok ? loaded.summary.metadata : undefined;
    const verdict = judgeRun({
      scriptName, process: outcome.process, timeoutSeconds: config.timeoutSeconds, metadata,
      loadError: loaded && !loaded.ok ? loaded.error : undefined,
    });
    if (metadata?.exception?.traceback) output.append(metadata.exception.traceback);
    output.appendLine(`[${new Date().toLocaleTimeString()}] ${verdict.message}`);

    if (!verdict.showResults || !loaded?.ok) {
      if (loaded?.ok) await server.request(Requests.unloadRun, { runId });
      await history.discard(dir);
      status.finished(scriptName, undefined, verdict.message);
      this.tell(verdict);
      return { verdict };
    }
    const summary = loaded.summary;
    const evicted = await history.add({
      runId, label: scriptName, script, interpreter: probe.info.executable, interpreterSource: choice.source,
      pythonVersion: probe.info.version, finishedAt: new Date().toISOString(), totalSeconds: summary.totalSeconds,
      wallSeconds: summary.metadata.wallSeconds, exitCode: summary.metadata.exitCode,
      problem: verdict.severity === 'info' ? undefined : verdict.message, resultPath: outcome.resultPath,
    }, config.maxRunsKept);
    for (const old of evicted) await server.request(Requests.unloadRun, { runId: old.runId });
    await server.request(Requests.setActiveRun, { runId });
    await shownRun.set(runId);
    status.finished(scriptName, summary.totalSeconds, verdict.severity === 'info' ? undefined : verdict.message);
    if (summary.metadata.threadsSeen > 0) {
      void vscode.window.showWarningMessage(`${scriptName} started ${summary.metadata.threadsSeen} thread(s). cProfile ` +
        (summary.metadata.capabilities.cprofileSeesThreads
          ? 'on Python 3.12+ mixes all threads into one call stack, so figures involving threads are unreliable.'
          : 'only sees the main thread, so time spent in other threads is missing.') + ' Use py-spy for threaded code.');
    }
    this.tell(verdict);
    return { runId, verdict, resultPath: outcome.resultPath, profPath: outcome.profPath };
  }

  private tell(verdict: RunVerdict): void {
    const show = verdict.severity === 'error' ? vscode.window.showErrorMessage
      : verdict.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(`Pyrometer: ${verdict.message}`, ...(verdict.severity === 'info' ? [] : ['Show Output'])).then(choice => {
      if (choice === 'Show Output') this.deps.output.show(true);
    });
  }

  private fail(message: string): ProfileCommandResult {
    const verdict: RunVerdict = { showResults: false, severity: 'error', message };
    this.deps.output.appendLine(`[${new Date().toLocaleTimeString()}] ${message}`);
    this.tell(verdict);
    return { verdict };
  }
}
