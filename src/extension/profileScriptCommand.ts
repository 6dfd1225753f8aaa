import { promises as fs } from 'fs';
import path = require('path');
import vscode = require('vscode');
import { runCProfile } from '../runners/cprofile';
import { probeInterpreter, tooOld } from '../runners/interpreterProbe';
import { PyrometerConfig, readConfig } from './config';
import { RunTarget, ScriptLaunchRequest, targetArgv } from '../runners/runnerLaunch';
import { chooseInterpreter } from './interpreter';
import type { InterpreterUsed, JobOutcome, ProfileCommandResult, ProfileJob, ProfileRunner } from './profileRun';

/** A script to profile, checked and with its interpreter chosen and probed. */
export interface LaunchTarget {
  /** The script; for a module, its file (or the cwd when not found): what the run is filed under. */
  readonly script: string;
  readonly scriptName: string;
  readonly cwd: string;
  readonly interpreter: InterpreterUsed;
  /** What runs, when it is not `script` itself with no arguments (a launch configuration, a test). */
  readonly run?: RunTarget;
  readonly args?: readonly string[];
  /** The child's whole environment (the extension's with the configuration's merged over it). */
  readonly env?: NodeJS.ProcessEnv;
  /** Extra lines for the output channel (where the launch came from, what was not honoured). */
  readonly notes?: readonly string[];
}

/** What a launching command is given: a script's URI (or none: the active editor's), or a launch already prepared. */
export type LaunchInput = vscode.Uri | LaunchTarget | undefined;

/**
 * The launches this extension prepared itself. A command's argument can come from anywhere (a command: link, another
 * extension), so an object that merely looks like a LaunchTarget (an interpreter path, arguments) is never run.
 */
const PREPARED = new WeakSet<object>();

/** Marks a launch checked by this extension (plannedLaunch, the test command) so the launching commands accept it. */
export function checkedLaunch(t: LaunchTarget): LaunchTarget {
  PREPARED.add(t);
  return t;
}

function isPrepared(x: unknown): x is LaunchTarget {
  return typeof x === 'object' && x !== null && PREPARED.has(x);
}

/** Checks a target the way every launch command needs: trust, a real .py file, an interpreter that is Python 3.8+. */
export async function prepareLaunch(target: LaunchInput, runner: ProfileRunner):
  Promise<LaunchTarget | ProfileCommandResult> {
  if (isPrepared(target)) {
    // Prepared by the launch-configuration or test command: checked there; trust is checked again at the last moment.
    if (!vscode.workspace.isTrusted) return runner.fail(UNTRUSTED);
    return target;
  }
  const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
  const problem = await checkTarget(uri);
  if (problem) return runner.fail(problem);
  const script = uri!.fsPath;
  const cwd = vscode.workspace.getWorkspaceFolder(uri!)?.uri.fsPath ?? path.dirname(script);
  const open = vscode.workspace.textDocuments.find(d => d.uri.fsPath === script);
  if (open?.isDirty) await open.save();

  const choice = await chooseInterpreter(uri!);
  if (!choice) return runner.fail('No Python interpreter found: install the Python extension, set "pyrometer.pythonPath", or put python3 on PATH.');
  const probe = await probeInterpreter(choice.command, cwd);
  if (!probe.ok) return runner.fail(`${probe.problem} (interpreter from ${choice.source}). Set "pyrometer.pythonPath" to a Python 3.8+ interpreter.`);
  if (tooOld(probe.info)) return runner.fail(`Python ${probe.info.version} at ${probe.info.executable} is too old: Pyrometer needs Python 3.8 or newer.`);
  return {
    script, scriptName: path.basename(script), cwd,
    interpreter: { executable: probe.info.executable, version: probe.info.version, source: choice.source },
  };
}

export function isLaunchTarget(x: LaunchTarget | ProfileCommandResult): x is LaunchTarget {
  return (x as LaunchTarget).script !== undefined;
}

const UNTRUSTED = 'Profiling runs the script, so Pyrometer does not profile in an untrusted workspace. Trust the workspace (Manage Workspace Trust) to profile.';

async function checkTarget(uri: vscode.Uri | undefined): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) return UNTRUSTED;
  if (!uri) return 'Open or select a Python script to profile.';
  if (uri.scheme !== 'file') return `Pyrometer profiles files on disk; ${uri.toString()} is not one.`;
  const stat = await fs.stat(uri.fsPath).catch(() => undefined);
  if (!stat) return `${uri.fsPath} does not exist (moved or deleted?).`;
  if (!stat.isFile()) return `${uri.fsPath} is not a file.`;
  if (!/\.pyw?$/i.test(uri.fsPath)) return `Pyrometer profiles Python scripts (.py); ${path.basename(uri.fsPath)} is not one.`;
  return undefined;
}

/** The runner launch of a prepared script, with the user's timeout and output cap: what every launching command sends. */
export function scriptLaunch(t: LaunchTarget, runnerRoot: string, runDir: string, config: PyrometerConfig): ScriptLaunchRequest {
  return {
    python: t.interpreter.executable, runnerRoot, target: t.run ?? { kind: 'script', script: t.script }, args: t.args ?? [],
    cwd: t.cwd, runDir, timeoutMs: config.timeoutSeconds * 1000, maxForwardedBytes: config.maxOutputMegabytes * 1024 * 1024,
    ...(t.env ? { env: t.env } : {}),
  };
}

export function launchHeader(tool: string, t: LaunchTarget): string[] {
  const what = t.run ? `python ${targetArgv(t.run, t.args ?? []).map(a => (/[\s"']/.test(a) || a === '' ? JSON.stringify(a) : a)).join(' ')}` : t.script;
  return [`Profiling ${what} with ${tool}`,
    `interpreter: ${t.interpreter.executable} (Python ${t.interpreter.version}, from ${t.interpreter.source})`,
    `cwd: ${t.cwd}`, ...(t.notes ?? [])];
}

/** Pyrometer: Profile this script (cProfile). */
export async function profileWithCProfile(target: LaunchInput, runner: ProfileRunner, runnerRoot: string):
  Promise<ProfileCommandResult> {
  const prepared = await prepareLaunch(target, runner);
  if (!isLaunchTarget(prepared)) return prepared;
  const config = readConfig(vscode.Uri.file(prepared.script));
  const job: ProfileJob = {
    label: prepared.scriptName, script: prepared.script, tool: 'cProfile', interpreter: prepared.interpreter,
    header: launchHeader('cProfile', prepared),
    async run(runDir, listeners): Promise<JobOutcome> {
      const outcome = await runCProfile(scriptLaunch(prepared, runnerRoot, runDir, config), listeners);
      return {
        process: outcome.process, profPath: outcome.profPath,
        source: outcome.hasResult ? { kind: 'cprofile', resultPath: outcome.resultPath } : undefined,
      };
    },
  };
  return runner.run(job);
}
