import path = require('path');
import vscode = require('vscode');
import { lazyRoots } from '../core/importLines';
import { ImportTree, splitStartup } from '../core/importTime';
import { probeInterpreter, tooOld } from '../runners/interpreterProbe';
import { ImportTimeRunOutcome, ImportTimeTarget, runImportTime } from '../runners/importTime';
import { readConfig } from './config';
import type { ImportLenses } from './importLenses';
import type { ImportsView } from './importsView';
import { chooseInterpreter } from './interpreter';
import type { InterpreterUsed, ProfileRunner } from './profileRun';
import { isLaunchTarget, launchHeader, prepareLaunch } from './profileScriptCommand';

/** What the import commands return, for tests: the tree shown, or why there is none. */
export interface ImportCommandResult {
  readonly tree?: ImportTree;
  /** The profiled script (profileImports). */
  readonly script?: string;
  /** The imported module (profileModuleImports). */
  readonly module?: string;
  readonly problem?: string;
}

export interface ImportCommandDeps {
  readonly runner: ProfileRunner;
  readonly output: vscode.OutputChannel;
  readonly view: ImportsView;
  readonly lenses: ImportLenses;
}

/** One -X importtime run with a cancellable notification and the program's output in the output channel. */
export async function runWithProgress(deps: ImportCommandDeps, title: string, python: string, target: ImportTimeTarget,
  cwd: string, scope?: vscode.Uri): Promise<ImportTimeRunOutcome> {
  const config = readConfig(scope);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const append = (t: string) => deps.output.append(t);
      return runImportTime({
        python, target, cwd, timeoutMs: config.timeoutSeconds * 1000, maxForwardedBytes: config.maxOutputMegabytes * 1024 * 1024,
      }, { onStdout: append, onStderr: append, signal: abort.signal });
    });
}

/** The tree of a finished run, or the problem said to the user. */
function treeOf(deps: ImportCommandDeps, outcome: ImportTimeRunOutcome, what: string): ImportTree | string {
  if (outcome.process.end === 'cancelled') return `Import profile of ${what} cancelled.`;
  if (!outcome.tree) return `No import times from ${what}: ${outcome.parseError ?? 'no -X importtime output'}`;
  if (outcome.process.end !== 'exited' || outcome.process.exitCode !== 0) {
    deps.output.appendLine(`${what} ended with ${outcome.process.end === 'exited' ? `exit code ${outcome.process.exitCode}` : outcome.process.end}: ` +
      'the tree holds the imports made until then.');
  }
  return outcome.tree;
}

function fail(deps: ImportCommandDeps, problem: string): ImportCommandResult {
  deps.runner.fail(problem);
  return { problem };
}

function announce(deps: ImportCommandDeps, tree: ImportTree, what: string): void {
  const split = splitStartup(tree);
  const message = `Pyrometer: importing took ${(tree.topLevelCumulativeUs / 1000).toFixed(1)} ms in ${what} ` +
    `(${tree.nodes.length} modules; startup ${(split.startupUs / 1000).toFixed(1)} ms, after startup ${(split.applicationUs / 1000).toFixed(1)} ms)`;
  deps.output.appendLine(message);
  vscode.window.setStatusBarMessage(`$(package) ${message.replace('Pyrometer: ', '')}`, 15000);
}

/** Pyrometer: Profile imports — `python -X importtime SCRIPT`, then the Imports view, lenses and a total. */
export async function profileImports(deps: ImportCommandDeps, target: vscode.Uri | undefined): Promise<ImportCommandResult> {
  const prepared = await prepareLaunch(target, deps.runner);
  if (!isLaunchTarget(prepared)) return { problem: prepared.verdict.message };
  for (const line of launchHeader('-X importtime', prepared)) deps.output.appendLine(line);
  const outcome = await runWithProgress(deps, `Pyrometer: profiling the imports of ${prepared.scriptName}`,
    prepared.interpreter.executable, { kind: 'script', script: prepared.script }, prepared.cwd, vscode.Uri.file(prepared.script));
  const tree = treeOf(deps, outcome, prepared.scriptName);
  if (typeof tree === 'string') return fail(deps, tree);
  const text = (await vscode.workspace.openTextDocument(vscode.Uri.file(prepared.script))).getText();
  const split = splitStartup(tree);
  deps.view.show({
    tree, label: prepared.scriptName, lazy: lazyRoots(tree, text, split.applicationRoots), startupRoots: new Set(split.startupRoots),
  });
  deps.lenses.set(prepared.script, tree);
  announce(deps, tree, prepared.scriptName);
  void vscode.commands.executeCommand('pyrometer.showImports');
  return { tree, script: prepared.script };
}

/** An interpreter for runs without a script (a module's import, startup): trust, choice and probe as for scripts. */
export async function prepareInterpreter(deps: ImportCommandDeps): Promise<{ interpreter: InterpreterUsed; cwd: string } | string> {
  if (!vscode.workspace.isTrusted) {
    return 'Importing a module runs its code, so Pyrometer does not do it in an untrusted workspace. Trust the workspace (Manage Workspace Trust) first.';
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  const scope = folder?.uri ?? active;
  const cwd = folder?.uri.fsPath ?? (active?.scheme === 'file' ? path.dirname(active.fsPath) : process.cwd());
  const choice = await chooseInterpreter(scope ?? vscode.Uri.file(cwd));
  if (!choice) return 'No Python interpreter found: install the Python extension, set "pyrometer.pythonPath", or put python3 on PATH.';
  const probe = await probeInterpreter(choice.command, cwd);
  if (!probe.ok) return `${probe.problem} (interpreter from ${choice.source}).`;
  if (tooOld(probe.info)) return `Python ${probe.info.version} at ${probe.info.executable} is too old: Pyrometer needs Python 3.8 or newer.`;
  return { interpreter: { executable: probe.info.executable, version: probe.info.version, source: choice.source }, cwd };
}

/** Pyrometer: Profile imports of module… — `python -X importtime -c "import MODULE"`, shown in the Imports view. */
export async function profileModuleImports(deps: ImportCommandDeps, moduleArg?: string): Promise<ImportCommandResult> {
  const module = typeof moduleArg === 'string' ? moduleArg.trim() : (await vscode.window.showInputBox({
    title: 'Pyrometer: Profile imports of module', prompt: 'A dotted module name, imported with python -X importtime -c "import MODULE"',
    placeHolder: 'asyncio', validateInput: v => (/^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)*$/u.test(v.trim()) ? undefined : 'Not a dotted module name'),
  }))?.trim();
  if (!module) return { problem: 'No module given.' };
  const prepared = await prepareInterpreter(deps);
  if (typeof prepared === 'string') return fail(deps, prepared);
  deps.output.appendLine(`Profiling import ${module} with -X importtime`);
  deps.output.appendLine(`  interpreter: ${prepared.interpreter.executable} (Python ${prepared.interpreter.version}, from ${prepared.interpreter.source})`);
  let outcome: ImportTimeRunOutcome;
  try {
    outcome = await runWithProgress(deps, `Pyrometer: profiling import ${module}`, prepared.interpreter.executable,
      { kind: 'module', module }, prepared.cwd);
  } catch (e) {
    return fail(deps, e instanceof Error ? e.message : String(e));
  }
  const tree = treeOf(deps, outcome, `import ${module}`);
  if (typeof tree === 'string') return fail(deps, tree);
  const split = splitStartup(tree);
  deps.view.show({ tree, label: `import ${module}`, lazy: new Set(), startupRoots: new Set(split.startupRoots) });
  announce(deps, tree, `import ${module}`);
  void vscode.commands.executeCommand('pyrometer.showImports');
  return { tree, module };
}
