import vscode = require('vscode');
import type { ProfileSource } from '../core/profileModel';
import { groupThousands } from '../core/pstatsNumbers';
import type { LoadRunResult, RunSource } from '../protocol/serverRequests';
import type { ProcessListeners, ProcessOutcome } from '../runners/childProcess';
import { judgeRun, RunVerdict } from '../runners/runVerdict';
import { readConfig } from './config';
import type { RunHistory } from './runHistory';
import type { ServerClient } from './serverClient';
import type { ShownRun } from './shownRun';
import type { RunStatusBar } from './statusBar';
import { clockTime } from './clockTime';

/** What a profiling command returns, for tests and for commands built on it. */
export interface ProfileCommandResult {
  readonly runId?: string;
  readonly verdict: RunVerdict;
  /** cProfile: the pstats file of the run, to compare with pstats itself. */
  readonly profPath?: string;
  /** py-spy: the raw or speedscope file py-spy wrote. */
  readonly rawProfilePath?: string;
  /** The runner's result file the figures were read from (line timing). */
  readonly resultPath?: string;
}

export interface InterpreterUsed {
  readonly executable: string;
  readonly version: string;
  readonly source: string;
}

/** One profiler run, described by the command that wants it (launch or attach, cProfile or py-spy). */
export interface ProfileJob {
  /** The script's file name, or "process 1234". */
  readonly label: string;
  readonly script: string;
  readonly tool: ProfileSource;
  readonly interpreter?: InterpreterUsed;
  /** Lines for the output channel before the run. */
  readonly header: readonly string[];
  run(runDir: string, listeners: ProcessListeners): Promise<JobOutcome>;
}

export interface JobOutcome {
  readonly process: ProcessOutcome;
  /** Where the data is, when the run produced something to load. */
  readonly source?: RunSource;
  /** Why there is nothing to load, in the user's terms (the profiler's own classification). */
  readonly failure?: RunVerdict;
  readonly profPath?: string;
  readonly rawProfilePath?: string;
  readonly resultPath?: string;
}

export interface ProfileRunDeps {
  readonly history: RunHistory;
  readonly server: ServerClient;
  readonly shownRun: ShownRun;
  readonly status: RunStatusBar;
  readonly output: vscode.OutputChannel;
}

/**
 * The part every profiling command shares: a cancellable progress notification, the profiler's output in the
 * output channel, the profile loaded into the server, a verdict, and the run recorded and shown — or discarded.
 */
export class ProfileRunner {
  private running = false;

  constructor(private readonly deps: ProfileRunDeps) {}

  async run(job: ProfileJob): Promise<ProfileCommandResult> {
    if (this.running) return this.fail('A profile is already running; cancel it from its notification or wait for it.');
    this.running = true;
    try {
      return await this.runJob(job);
    } finally {
      this.running = false;
    }
  }

  private async runJob(job: ProfileJob): Promise<ProfileCommandResult> {
    const { output, status, history, server, shownRun } = this.deps;
    const config = readConfig();
    const { runId, dir } = await history.createRunDir();
    output.appendLine(`[${clockTime()}] ${job.header[0]}`);
    for (const line of job.header.slice(1)) output.appendLine(`  ${line}`);
    status.running(job.label);

    const outcome = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: `Pyrometer: profiling ${job.label}`, cancellable: true,
    }, async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return job.run(dir, { onStdout: t => output.append(t), onStderr: t => output.append(t), signal: abort.signal });
    });

    let loaded: LoadRunResult | undefined;
    if (outcome.source && !outcome.failure) {
      loaded = await server.loadRun({ runId, label: job.label, source: outcome.source, activate: false });
    }
    const metadata = loaded?.ok ? loaded.summary.metadata : undefined;
    const judged = outcome.failure ?? judgeRun({
      scriptName: job.label, process: outcome.process, timeoutSeconds: config.timeoutSeconds, metadata,
      loadError: loaded && !loaded.ok ? loaded.error : undefined,
    });
    if (metadata?.exception?.traceback) output.append(metadata.exception.traceback);

    if (!judged.showResults || !loaded?.ok) {
      output.appendLine(`[${clockTime()}] ${judged.message}`);
      if (loaded?.ok) await server.unloadRun(runId);
      await history.discard(dir);
      status.finished(job.label, undefined, judged.message);
      this.tell(judged);
      return { verdict: judged };
    }
    const summary = loaded.summary;
    const sampled = summary.source === 'py-spy' || summary.source === 'perf';
    const done = sampled && judged.severity === 'info'
      ? `Sampled ${job.label}: ${groupThousands(summary.totalSamples)} samples.` : judged.message;
    // Which interpreter ran it is part of the answer: a profile from the wrong environment misleads.
    const verdict: RunVerdict = {
      ...judged,
      message: job.interpreter ? `${done} Python ${job.interpreter.version} from ${job.interpreter.source}.` : done,
    };
    output.appendLine(`[${clockTime()}] ${verdict.message}`);
    const evicted = await history.add({
      runId, label: job.label, script: job.script, tool: summary.source,
      interpreter: job.interpreter?.executable ?? summary.metadata.python.executable,
      interpreterSource: job.interpreter?.source ?? 'the process',
      pythonVersion: job.interpreter?.version ?? summary.metadata.python.version,
      finishedAt: new Date().toISOString(), totalSeconds: summary.totalSeconds, totalSamples: summary.totalSamples,
      wallSeconds: summary.metadata.wallSeconds, exitCode: summary.metadata.exitCode,
      problem: verdict.severity === 'info' ? undefined : verdict.message, source: outcome.source!, runDir: dir,
    }, config.maxRunsKept);
    for (const old of evicted) await server.unloadRun(old.runId);
    await server.setActiveRun(runId);
    await shownRun.set(runId);
    status.finished(job.label, sampled ? `${groupThousands(summary.totalSamples)} samples` : `${summary.totalSeconds.toFixed(3)}s`,
      verdict.severity === 'info' ? undefined : verdict.message);
    if (summary.lineTimingNote) output.appendLine(`  line timing: ${summary.lineTimingNote}`);
    for (const unmatched of summary.unmatchedLines ?? []) output.appendLine(`  not timed: ${unmatched}`);
    if (summary.source === 'cProfile' && summary.metadata.threadsSeen > 0) this.warnAboutThreads(job.label, summary.metadata.threadsSeen,
      summary.metadata.capabilities.cprofileSeesThreads === true);
    this.tell(verdict);
    if (summary.warnings?.length) this.warnAboutFigures(runId, job.label, summary.warnings.map(w => w.message));
    return { runId, verdict, profPath: outcome.profPath, rawProfilePath: outcome.rawProfilePath, resultPath: outcome.resultPath };
  }

  private warnAboutThreads(label: string, threads: number, seesThreads: boolean): void {
    void vscode.window.showWarningMessage(`Pyrometer: ${label} started ${threads} thread(s). cProfile ` +
      (seesThreads
        ? 'on Python 3.12+ mixes all threads into one call stack, so figures involving threads are unreliable.'
        : 'only sees the main thread, so time spent in other threads is missing.') +
      ' Profile it with py-spy to see every thread.');
  }

  /** Doubts the run's own data raises about its figures (debug build, too short, mostly imports): in the output, and one notification. */
  private warnAboutFigures(runId: string, label: string, messages: readonly string[]): void {
    for (const m of messages) this.deps.output.appendLine(`  warning: ${m}`);
    const more = messages.length > 1 ? ` (${messages.length - 1} more in the run details)` : '';
    void vscode.window.showWarningMessage(`Pyrometer: ${label}: ${messages[0]}${more}`, 'Run details').then(choice => {
      if (choice) void vscode.commands.executeCommand('pyrometer.showRunDetails', runId);
    });
  }

  tell(verdict: RunVerdict): void {
    const show = verdict.severity === 'error' ? vscode.window.showErrorMessage
      : verdict.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(`Pyrometer: ${verdict.message}`, ...(verdict.severity === 'info' ? [] : ['Show Output'])).then(choice => {
      if (choice === 'Show Output') this.deps.output.show(true);
    });
  }

  /** A problem found before any run: said in the output channel and a notification. */
  fail(message: string): ProfileCommandResult {
    const verdict: RunVerdict = { showResults: false, severity: 'error', message };
    this.deps.output.appendLine(`[${clockTime()}] ${message}`);
    this.tell(verdict);
    return { verdict };
  }
}
