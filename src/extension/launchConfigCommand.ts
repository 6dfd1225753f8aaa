import { promises as fs } from 'fs';
import os = require('os');
import path = require('path');
import vscode = require('vscode');
import { parseEnvFile } from '../core/envFile';
import { LaunchChoice, LaunchConfigError, mergedEnv, pythonLaunchConfigs, resolveLaunchConfig } from '../core/launchConfig';
import type { VariableContext } from '../core/launchVariables';
import { runLaunchTask } from './launchTasks';
import { LaunchPlan, preparePlannedLaunch } from './plannedLaunch';
import type { ProfileCommandResult, ProfileRunner } from './profileRun';
import { isLaunchTarget, LaunchTarget } from './profileScriptCommand';

/** The profilers a launch configuration can run under: those that launch through the shared runner path. */
export type LaunchProfiler = 'cProfile' | 'py-spy' | 'memory' | 'events';

export const LAUNCH_PROFILERS: readonly { readonly id: LaunchProfiler; readonly label: string; readonly detail: string }[] = [
  { id: 'cProfile', label: 'cProfile', detail: 'Every call counted and timed: CodeLens figures, function table, flame graph' },
  { id: 'py-spy', label: 'py-spy', detail: 'Sampling, low overhead: lines and stacks as they ran' },
  { id: 'memory', label: 'Memory (tracemalloc)', detail: 'Allocations by line and their growth' },
  { id: 'events', label: 'GC and exceptions', detail: 'Collections with their pauses, exceptions where raised' },
];

/** Arguments that skip the questions (tests, other commands). */
export interface LaunchConfigCommandArgs {
  /** The configuration's name in launch.json. */
  readonly name?: string;
  readonly profiler?: LaunchProfiler;
  /** The workspace folder whose launch.json to read (default: the active file's, else the first). */
  readonly folder?: vscode.Uri;
}

/** Runs a prepared launch under one profiler (the existing commands, given the launch instead of a file). */
export type ProfileLauncher = (profiler: LaunchProfiler, target: LaunchTarget) => Promise<ProfileCommandResult | undefined>;

interface FolderChoice extends LaunchChoice {
  readonly folder: vscode.WorkspaceFolder;
}

function launchChoices(only?: vscode.Uri): FolderChoice[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const wanted = only ? folders.filter(f => f.uri.toString() === only.toString()) : folders;
  return wanted.flatMap(folder => pythonLaunchConfigs(
    vscode.workspace.getConfiguration('launch', folder.uri).get<unknown[]>('configurations')).map(c => ({ ...c, folder })));
}

function variableContext(folder: vscode.WorkspaceFolder): VariableContext {
  const editor = vscode.window.activeTextEditor;
  const file = editor?.document.uri.scheme === 'file' ? editor.document.uri.fsPath : undefined;
  const fileFolder = editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri)?.uri.fsPath : undefined;
  return {
    workspaceFolder: folder.uri.fsPath, workspaceFolderName: folder.name,
    folders: new Map((vscode.workspace.workspaceFolders ?? []).map(f => [f.name, f.uri.fsPath])),
    ...(file ? { file } : {}), ...(fileFolder ? { fileWorkspaceFolder: fileFolder } : {}),
    ...(editor ? { lineNumber: editor.selection.active.line + 1, selectedText: editor.document.getText(editor.selection) } : {}),
    cwd: folder.uri.fsPath, userHome: os.homedir(), env: process.env, pathSeparator: path.sep,
  };
}

/** A configuration's plan, with the tasks to run around it. */
interface ConfigPlan extends LaunchPlan {
  readonly preLaunchTask?: string;
  readonly postDebugTask?: string;
}

/** The plan for one configuration: resolved, its envFile read and merged; a string is the problem to show. */
async function planFromConfig(choice: FolderChoice): Promise<ConfigPlan | string> {
  let resolved;
  try {
    resolved = resolveLaunchConfig(choice, variableContext(choice.folder));
  } catch (e) {
    if (e instanceof LaunchConfigError) return e.message;
    throw e;
  }
  const notes = [`launch configuration: "${choice.name}" (${path.join(choice.folder.uri.fsPath, '.vscode', 'launch.json')})`, ...resolved.notes];
  let fileValues: Record<string, string> = {};
  const envFileText = await fs.readFile(resolved.envFile.path, 'utf8').catch(() => undefined);
  if (envFileText === undefined) {
    if (resolved.envFile.explicit) notes.push(`envFile ${resolved.envFile.path} was not found: not used (as the Python extension does).`);
  } else {
    const parsed = parseEnvFile(envFileText, process.env);
    fileValues = parsed.values;
    notes.push(`envFile: ${resolved.envFile.path} (${Object.keys(fileValues).length} variable(s))`
      + (parsed.problems.length ? `; skipped ${parsed.problems.join(', ')}` : ''));
  }
  const envNames = [...new Set([...Object.keys(fileValues), ...Object.keys(resolved.env)])];
  if (envNames.length) notes.push(`env: ${envNames.join(', ')}`);
  return {
    label: resolved.name, run: resolved.target, args: resolved.args, cwd: resolved.cwd,
    env: mergedEnv(process.env, fileValues, resolved.env), ...(resolved.python ? { python: resolved.python } : {}),
    resource: resolved.target.kind === 'script' ? vscode.Uri.file(resolved.target.script) : choice.folder.uri,
    ...(resolved.preLaunchTask ? { preLaunchTask: resolved.preLaunchTask } : {}),
    ...(resolved.postDebugTask ? { postDebugTask: resolved.postDebugTask } : {}),
    notes,
  };
}

/** Pyrometer: Profile with launch configuration… — pick a Python launch configuration, then a profiler. */
export async function profileLaunchConfig(runner: ProfileRunner, launch: ProfileLauncher, given: LaunchConfigCommandArgs = {}):
  Promise<ProfileCommandResult | undefined> {
  if (!vscode.workspace.isTrusted) {
    return runner.fail('Profiling runs the program, so Pyrometer does not profile in an untrusted workspace. Trust the workspace (Manage Workspace Trust) to profile.');
  }
  const choices = launchChoices(given.folder);
  if (choices.length === 0) {
    return runner.fail('No Python launch configuration found: add one of type "debugpy" (or "python") with "request": "launch" to .vscode/launch.json (Run > Add Configuration…).');
  }
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  let choice: FolderChoice | undefined;
  if (given.name !== undefined) {
    choice = choices.find(c => c.name === given.name);
    if (!choice) return runner.fail(`No Python launch configuration is named "${given.name}" (found: ${choices.map(c => `"${c.name}"`).join(', ')}).`);
  } else {
    const picked = await vscode.window.showQuickPick(choices.map(c => ({
      label: c.name,
      description: describeConfig(c.config),
      detail: multiRoot ? c.folder.name : undefined,
      choice: c,
    })), { title: 'Pyrometer: Profile with launch configuration', placeHolder: 'Python launch configuration to profile' });
    if (!picked) return undefined;
    choice = picked.choice;
  }
  let profiler = given.profiler;
  if (!profiler) {
    const picked = await vscode.window.showQuickPick(LAUNCH_PROFILERS.map(p => ({ label: p.label, detail: p.detail, id: p.id })),
      { title: `Pyrometer: Profile "${choice.name}" with…`, placeHolder: 'Profiler' });
    if (!picked) return undefined;
    profiler = picked.id;
  }
  let plan = await planFromConfig(choice);
  if (typeof plan === 'string') return runner.fail(plan);
  // The preLaunchTask runs before the checks, as before a debug session: it may be what builds the program.
  if (plan.preLaunchTask) {
    const pre = await runLaunchTask(plan.preLaunchTask, choice.folder, choice.name, 'preLaunchTask');
    if (pre.kind === 'cancelled') return undefined;
    if (pre.kind === 'failed') return runner.fail(pre.message);
    plan = { ...plan, notes: [...plan.notes, pre.note] };
  }
  const prepared = await preparePlannedLaunch(plan, runner);
  if (!isLaunchTarget(prepared)) return prepared;
  try {
    return await launch(profiler, prepared);
  } finally {
    // After the run whatever its outcome, as after a debug session; a failure is said, the run's result stands.
    if (plan.postDebugTask) {
      const post = await runLaunchTask(plan.postDebugTask, choice.folder, choice.name, 'postDebugTask');
      if (post.kind === 'failed') void vscode.window.showWarningMessage(`Pyrometer: ${post.message}`);
    }
  }
}

function describeConfig(config: Readonly<Record<string, unknown>>): string {
  const what = typeof config.module === 'string' ? `-m ${config.module}` : typeof config.program === 'string' ? config.program : '';
  const args = Array.isArray(config.args) ? config.args.join(' ') : typeof config.args === 'string' ? config.args : '';
  return [what, args].filter(Boolean).join(' ');
}
