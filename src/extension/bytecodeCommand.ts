import { promises as fs } from 'fs';
import path = require('path');
import vscode = require('vscode');
import { BytecodeListing, parseBytecodeResult } from '../core/bytecodeResult';
import { ProfileFormatError } from '../core/profileErrors';
import { enclosingDef } from '../core/pythonSource';
import { runBytecode, WarmupCall } from '../runners/bytecode';
import type { BytecodeView } from './bytecodeView';
import { readConfig } from './config';
import type { ProfileRunner } from './profileRun';
import { isLaunchTarget, launchHeader, prepareLaunch, scriptLaunch } from './profileScriptCommand';
import { ownTempDir } from '../runners/tempRoot';

export interface BytecodeCommandDeps {
  readonly runner: ProfileRunner;
  readonly view: BytecodeView;
  readonly output: vscode.OutputChannel;
  readonly runnerRoot: string;
  /** Where the runner's result goes while it is read (removed afterwards). */
}

/** Arguments that skip the questions (tests, the CodeLens): a 1-based line to show, a warm-up call. */
export interface BytecodeCommandArgs {
  readonly line?: number;
  readonly call?: WarmupCall;
}

/** What the command returns, for tests: the listing shown, or why there is none. */
export interface BytecodeCommandResult {
  readonly listing?: BytecodeListing;
  readonly uri?: string;
  readonly problem?: string;
}

/**
 * Pyrometer: Show specialized bytecode — runs the script (or calls one function) to warm the adaptive interpreter
 * up, then shows every code object's instructions of the file beside it. `target` is the script, or the source
 * URI string a CodeLens passes.
 */
export async function showBytecode(deps: BytecodeCommandDeps, target: vscode.Uri | string | undefined,
  args: BytecodeCommandArgs = {}, askCall = false): Promise<BytecodeCommandResult> {
  const uri = typeof target === 'string' ? vscode.Uri.parse(target) : target;
  const prepared = await prepareLaunch(uri, deps.runner);
  if (!isLaunchTarget(prepared)) return { problem: prepared.verdict.message };
  const sourceLines = (await vscode.workspace.openTextDocument(vscode.Uri.file(prepared.script))).getText().split(/\r?\n/);
  const call = args.call ?? (askCall ? await askWarmupCall(prepared.script, sourceLines) : undefined);
  if (askCall && !call) return { problem: 'No function given.' };

  const config = readConfig(vscode.Uri.file(prepared.script));
  // In Pyrometer's own temporary root: removed afterwards, and swept at the next start if the editor crashes meanwhile.
  const runDir = path.join(await ownTempDir(), `bytecode-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  for (const line of launchHeader('dis (adaptive bytecode)', prepared)) deps.output.appendLine(line);
  if (call) deps.output.appendLine(`  warm-up: ${call.qualname}(${call.args ?? ''}) × ${call.repeat ?? 'default'}`);
  try {
    const outcome = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: `Pyrometer: warming up ${prepared.scriptName} to read its bytecode`, cancellable: true,
    }, async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const append = (t: string) => deps.output.append(t);
      return runBytecode({ ...scriptLaunch(prepared, deps.runnerRoot, runDir, config), call },
        { onStdout: append, onStderr: append, signal: abort.signal });
    });
    const end = outcome.process.end;
    if (end === 'cancelled') return fail(deps, `Reading the bytecode of ${prepared.scriptName} was cancelled.`, 'info');
    if (end === 'timedOut') {
      return fail(deps, `${prepared.scriptName} ran longer than ${config.timeoutSeconds} s while warming up, and was stopped. ` +
        'Warm up one function instead (Show specialized bytecode, warming up one function…) or raise "pyrometer.timeoutSeconds".');
    }
    if (end === 'failedToStart') return fail(deps, `The interpreter could not be started: ${outcome.process.startError ?? 'unknown error'}.`);
    if (!outcome.hasResult) {
      const said = outcome.process.stderrTail.trim().split('\n').pop() ?? '';
      return fail(deps, `The bytecode reader wrote no result (exit status ${outcome.process.exitCode})${said ? `: ${said}` : ''}.`);
    }
    let listing: BytecodeListing;
    try {
      listing = parseBytecodeResult(await fs.readFile(outcome.resultPath, 'utf8'));
    } catch (e) {
      return fail(deps, e instanceof ProfileFormatError ? e.message : `Could not read the bytecode result: ${(e as Error).message}`);
    }
    const editor = await deps.view.show(prepared.script, listing, sourceLines, args.line);
    tellOutcome(deps, listing, prepared.scriptName);
    return { listing, uri: editor.document.uri.toString() };
  } finally {
    await fs.rm(runDir, { recursive: true, force: true });
  }
}

function tellOutcome(deps: BytecodeCommandDeps, listing: BytecodeListing, scriptName: string): void {
  const m = listing.metadata;
  if (!listing.adaptive.available) {
    void vscode.window.showInformationMessage(`Pyrometer: ${listing.adaptive.reason ?? 'no adaptive specialization on this Python'}.`);
  }
  if (m.exception) {
    deps.output.append(m.exception.traceback);
    void vscode.window.showWarningMessage(`Pyrometer: ${scriptName} raised ${m.exception.type} during the warm-up; ` +
      'the listing shows the bytecode as it was when it stopped.', 'Show Output').then(c => { if (c) deps.output.show(true); });
  }
  let specialized = 0, failed = 0, specializable = 0;
  for (const code of listing.codeObjects) {
    specialized += code.summary.specialized;
    failed += code.summary.failed;
    specializable += code.summary.specializable;
  }
  deps.output.appendLine(`Bytecode of ${scriptName}: ${listing.codeObjects.length} code objects; ` +
    (listing.adaptive.available ? `${specialized} of ${specializable} adaptive instructions specialized, ${failed} failed to.` : 'plain listing.'));
}

function fail(deps: BytecodeCommandDeps, problem: string, severity: 'info' | 'error' = 'error'): BytecodeCommandResult {
  deps.output.appendLine(problem);
  if (severity === 'info') void vscode.window.showInformationMessage(`Pyrometer: ${problem}`);
  else deps.runner.fail(problem);
  return { problem };
}

/** The warm-up call: the function at the cursor by default, then its arguments as a Python literal. */
async function askWarmupCall(script: string, lines: readonly string[]): Promise<WarmupCall | undefined> {
  const editor = vscode.window.activeTextEditor;
  const around = editor?.document.uri.fsPath === script ? enclosingDef(lines, editor.selection.active.line) : undefined;
  const guess = around !== undefined ? qualnameAt(lines, around) : '';
  const qualname = (await vscode.window.showInputBox({
    title: 'Pyrometer: warm up one function', prompt: 'The function to call: name, or Class.method (the module is imported without running its main block)',
    value: guess, validateInput: v => (/^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)*$/u.test(v.trim()) ? undefined : 'A name or Class.method'),
  }))?.trim();
  if (!qualname) return undefined;
  const callArgs = await vscode.window.showInputBox({
    title: `Pyrometer: arguments for ${qualname}`, prompt: 'A Python literal: a tuple of arguments, or one value; empty for none',
    placeHolder: '(1000, "text")',
  });
  if (callArgs === undefined) return undefined;
  return { qualname, args: callArgs.trim() || undefined };
}

/** `name`, or `Class.name` for a def directly inside a class (by indentation). */
export function qualnameAt(lines: readonly string[], defLine: number): string {
  const name = /def\s+([\p{L}_][\p{L}\p{N}_]*)/u.exec(lines[defLine])?.[1] ?? '';
  const indent = /^\s*/.exec(lines[defLine])![0].length;
  if (indent === 0) return name;
  for (let i = defLine - 1; i >= 0; i--) {
    const own = /^\s*/.exec(lines[i])![0].length;
    if (lines[i].trim() === '' || own >= indent) continue;
    const cls = /^\s*class\s+([\p{L}_][\p{L}\p{N}_]*)/u.exec(lines[i]);
    return cls ? `${cls[1]}.${name}` : name;
  }
  return name;
}
