import { promises as fs } from 'fs';
import path = require('path');
import vscode = require('vscode');
import { BenchResult, benchMarkdown, parseBenchResult } from '../core/benchResult';
import { ProfileFormatError } from '../core/profileErrors';
import { enclosingDef } from '../core/pythonSource';
import { BenchTarget, runBench } from '../runners/bench';
import { readConfig } from './config';
import type { ProfileRunner } from './profileRun';
import { qualnameAt } from './bytecodeCommand';
import { isLaunchTarget, launchHeader, prepareLaunch, scriptLaunch } from './profileScriptCommand';
import type { ReportDocuments } from './reportDocuments';
import { ownTempDir } from '../runners/tempRoot';

export interface BenchCommandDeps {
  readonly runner: ProfileRunner;
  readonly output: vscode.OutputChannel;
  readonly runnerRoot: string;
  readonly reports: ReportDocuments;
}

/** For tests: the target without asking. */
export interface BenchCommandArgs {
  readonly target?: BenchTarget;
}

export type BenchCommandResult = { readonly result: BenchResult; readonly markdown: string } | { readonly problem: string };

/** The last result per script and target, so that the next run of the same target is compared with it. */
const previousResults = new Map<string, BenchResult>();

/**
 * "Pyrometer: Benchmark selection/function": the selected expression (run in the script's namespace), or the
 * function at the cursor called with arguments the user gives, timed with timeit or pyperf
 * ("pyrometer.benchmark.engine"); shows every value. A pyperf run of a target pyperf already timed is compared with
 * the previous run's own JSON by `pyperf compare_to`.
 */
export async function benchmark(deps: BenchCommandDeps, uri?: vscode.Uri, args: BenchCommandArgs = {}): Promise<BenchCommandResult> {
  const editor = vscode.window.activeTextEditor;
  const prepared = await prepareLaunch(uri ?? editor?.document.uri, deps.runner);
  if (!isLaunchTarget(prepared)) return { problem: prepared.verdict.message };
  const target = args.target ?? await askTarget(editor, prepared.script);
  if (!target) return { problem: 'Nothing to benchmark: select an expression, or put the cursor in a function.' };
  const config = readConfig(vscode.Uri.file(prepared.script));
  // In Pyrometer's own temporary root: removed afterwards, and swept at the next start if the editor crashes meanwhile.
  const runDir = path.join(await ownTempDir(), `bench-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  const what = target.kind === 'stmt' ? target.stmt : `${target.qualname}(${target.args ?? ''})`;
  const key = `${prepared.script}\0${what}`;
  const previous = previousResults.get(key);
  for (const line of launchHeader(`the benchmark engine "${config.benchEngine}"`, prepared)) deps.output.appendLine(line);
  deps.output.appendLine(`  timing: ${what}`);
  try {
    let compareTo: string | undefined;
    if (config.benchEngine !== 'timeit' && previous?.pyperf?.json) {
      // The previous run's directory is gone: its pyperf JSON was kept in memory and is written beside the new run.
      await fs.mkdir(runDir, { recursive: true });
      compareTo = path.join(runDir, 'previous-pyperf.json');
      await fs.writeFile(compareTo, previous.pyperf.json, 'utf8');
    }
    const outcome = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: `Pyrometer: timing ${what.length > 40 ? `${what.slice(0, 40)}…` : what}`, cancellable: true,
    }, async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const append = (text: string) => deps.output.append(text);
      return runBench({ ...scriptLaunch(prepared, deps.runnerRoot, runDir, config), timed: target, engine: config.benchEngine, pyperfMode: config.pyperfMode, compareTo },
        { onStdout: append, onStderr: append, signal: abort.signal });
    });
    if (outcome.process.end === 'cancelled') return { problem: 'The benchmark was cancelled.' };
    if (outcome.process.end === 'timedOut') return fail(deps, `The benchmark ran longer than ${config.timeoutSeconds} s and was stopped; raise "pyrometer.timeoutSeconds" or time something shorter.`);
    if (!outcome.hasResult) {
      const said = outcome.process.stderrTail.trim().split('\n').pop() ?? '';
      return fail(deps, `The benchmark wrote no result (exit status ${outcome.process.exitCode})${said ? `: ${said}` : ''}.`);
    }
    let result: BenchResult;
    try {
      result = parseBenchResult(await fs.readFile(outcome.resultPath, 'utf8'));
    } catch (e) {
      return fail(deps, e instanceof ProfileFormatError ? e.message : `Could not read the benchmark result: ${(e as Error).message}`);
    }
    const markdown = benchMarkdown(result, previous);
    if (!result.error) previousResults.set(key, result);
    await deps.reports.show('benchmark', markdown);
    return { result, markdown };
  } finally {
    await fs.rm(runDir, { recursive: true, force: true });
  }
}

function fail(deps: BenchCommandDeps, problem: string): BenchCommandResult {
  deps.output.appendLine(problem);
  deps.runner.fail(problem);
  return { problem };
}

async function askTarget(editor: vscode.TextEditor | undefined, script: string): Promise<BenchTarget | undefined> {
  if (!editor || editor.document.uri.fsPath !== script) return undefined;
  const selected = editor.document.getText(editor.selection).trim();
  if (selected) return { kind: 'stmt', stmt: selected };
  const lines = editor.document.getText().split(/\r?\n/);
  const def = enclosingDef(lines, editor.selection.active.line);
  if (def === undefined) return undefined;
  const qualname = qualnameAt(lines, def);
  const callArgs = await vscode.window.showInputBox({
    title: `Pyrometer: benchmark ${qualname}`, prompt: 'Arguments as a Python literal: a tuple of arguments, or one value; empty for none',
    placeHolder: '(1000, "text")',
  });
  if (callArgs === undefined) return undefined;
  return { kind: 'call', qualname, args: callArgs.trim() || undefined };
}
