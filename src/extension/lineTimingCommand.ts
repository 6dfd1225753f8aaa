import path = require('path');
import vscode = require('vscode');
import { enclosingDef, indexDefs } from '../core/pythonSource';
import { lineProfilerVersion } from '../runners/lineProfilerProbe';
import { LineTimingEngineChoice, LineTimingScope, runLineTiming } from '../runners/lineTiming';
import { readConfig } from './config';
import type { ProfileCommandResult, ProfileRunner } from './profileRun';
import { isLaunchTarget, launchHeader, LaunchTarget, prepareLaunch, scriptLaunch } from './profileScriptCommand';

/** Arguments that skip the questions (tests, other commands): scope lines are 1-based. */
export interface LineTimingCommandArgs {
  readonly scope?: 'file' | LineTimingScope;
  readonly engine?: LineTimingEngineChoice;
}

const ENGINE_CHOICE_KEY = 'pyrometer.lineTiming.lastEngine';

/** Pyrometer: Profile lines… — asks what to time (whole file, functions at the cursor, functions from a list). */
export async function profileLines(target: vscode.Uri | undefined, runner: ProfileRunner, runnerRoot: string,
  memento: vscode.Memento, given: LineTimingCommandArgs = {}): Promise<ProfileCommandResult | undefined> {
  const prepared = await prepareLaunch(target, runner);
  if (!isLaunchTarget(prepared)) return prepared;
  const scope = given.scope === 'file' ? { files: [], functions: [] } : given.scope ?? await askScope(prepared.script);
  if (!scope) return undefined;
  const config = readConfig(vscode.Uri.file(prepared.script));
  const engine = given.engine ?? await chooseEngine(prepared, config.lineTimingEngine, memento);
  if (!engine) return undefined;
  const problem = engineProblem(engine, prepared.interpreter.version);
  if (problem) return runner.fail(problem);
  return runner.run({
    label: prepared.scriptName, script: prepared.script, tool: 'line timing', interpreter: prepared.interpreter,
    header: [...launchHeader('line timing', prepared), `engine: ${engine}; scope: ${describeScope(scope, prepared.script)}`],
    async run(runDir, listeners) {
      const outcome = await runLineTiming({ ...scriptLaunch(prepared, runnerRoot, runDir, config), engine, scope }, listeners);
      return {
        process: outcome.process, resultPath: outcome.resultPath,
        source: outcome.hasResult ? { kind: 'lines', resultPath: outcome.resultPath } : undefined,
      };
    },
  });
}

function engineProblem(engine: LineTimingEngineChoice, version: string): string | undefined {
  const [major, minor] = version.split('.').map(Number);
  if (engine === 'monitoring' && (major < 3 || (major === 3 && minor < 12))) {
    return `The sys.monitoring engine needs Python 3.12+, and this interpreter is ${version}. ` +
      'Set "pyrometer.lineTiming.engine" to "auto" (settrace is used before 3.12) or choose a newer interpreter.';
  }
  return undefined;
}

function describeScope(scope: LineTimingScope, script: string): string {
  if (scope.files.length === 0 && scope.functions.length === 0) return `all of ${path.basename(script)}`;
  return [...scope.files.map(f => `all of ${path.basename(f)}`),
    ...scope.functions.map(f => `the function at ${path.basename(f.file)}:${f.line}`)].join(', ');
}

interface ScopeItem extends vscode.QuickPickItem {
  readonly pick: () => Promise<LineTimingScope | undefined> | LineTimingScope | undefined;
}

async function askScope(script: string): Promise<LineTimingScope | undefined> {
  const doc = await vscode.workspace.openTextDocument(script);
  const lines = doc.getText().split(/\r?\n/);
  const editor = vscode.window.activeTextEditor?.document.uri.fsPath === script ? vscode.window.activeTextEditor : undefined;
  const items: ScopeItem[] = [{
    label: `$(file-code) Whole file`, description: path.basename(script),
    detail: 'Every function and the module code of the script.',
    pick: () => ({ files: [], functions: [] }),
  }];
  const atCursor = editor ? functionsInSelections(lines, editor.selections) : [];
  if (atCursor.length > 0) {
    items.push({
      label: '$(symbol-method) Functions at the cursor', description: atCursor.map(d => defName(lines[d])).join(', '),
      detail: 'Only these functions (and what is nested in them): the rest of the program runs at full speed.',
      pick: () => ({ files: [], functions: atCursor.map(d => ({ file: script, line: d + 1 })) }),
    });
  }
  items.push({
    label: '$(list-selection) Choose functions…', description: 'like line_profiler\'s @profile, without editing the code',
    pick: () => pickFunctions(script, lines),
  });
  const chosen = await vscode.window.showQuickPick(items, { title: 'Pyrometer: Profile lines — what to time', ignoreFocusOut: true });
  return chosen?.pick();
}

/** The innermost def around each selection's start, plus every def a selection spans, without repeats. */
function functionsInSelections(lines: readonly string[], selections: readonly vscode.Selection[]): number[] {
  const defs = new Set<number>();
  for (const s of selections) {
    const around = enclosingDef(lines, s.start.line);
    if (around !== undefined) defs.add(around);
    for (const list of indexDefs(lines).values()) for (const d of list) if (d > s.start.line && d <= s.end.line) defs.add(d);
  }
  return [...defs].sort((a, b) => a - b);
}

function defName(line: string): string {
  return /def\s+([^\s(\[]+)/u.exec(line)?.[1] ?? line.trim();
}

async function pickFunctions(script: string, lines: readonly string[]): Promise<LineTimingScope | undefined> {
  const defs = [...indexDefs(lines).values()].flat().sort((a, b) => a - b);
  if (defs.length === 0) {
    void vscode.window.showInformationMessage(`Pyrometer: ${path.basename(script)} defines no functions; timing the whole file instead.`);
    return { files: [], functions: [] };
  }
  const items = defs.map(d => ({
    label: `${lines[d].match(/^\s*/)![0].replace(/\t/g, '    ')}${defName(lines[d])}`, description: `line ${d + 1}`, line: d + 1,
  }));
  const chosen = await vscode.window.showQuickPick(items, {
    title: 'Pyrometer: Profile lines — choose functions', canPickMany: true, ignoreFocusOut: true, matchOnDescription: true,
  });
  if (!chosen || chosen.length === 0) return undefined;
  return { files: [], functions: chosen.map(c => ({ file: script, line: c.line })) };
}

/** The engine from settings; with "auto" and line_profiler importable, the user is offered it (last choice first). */
async function chooseEngine(t: LaunchTarget, setting: LineTimingEngineChoice, memento: vscode.Memento): Promise<LineTimingEngineChoice | undefined> {
  if (setting !== 'auto') return setting;
  const version = await lineProfilerVersion(t.interpreter.executable, t.cwd);
  if (!version) return 'auto';
  const builtin = Number(t.interpreter.version.split('.')[1]) >= 12 ? 'sys.monitoring' : 'sys.settrace';
  const items: (vscode.QuickPickItem & { engine: LineTimingEngineChoice })[] = [
    { label: `Pyrometer's timer (${builtin})`, description: 'built in', engine: 'auto' },
    { label: `line_profiler ${version}`, description: 'installed in this environment', engine: 'line_profiler' },
  ];
  const last = memento.get<LineTimingEngineChoice>(ENGINE_CHOICE_KEY);
  if (last === 'line_profiler') items.reverse();
  const chosen = await vscode.window.showQuickPick(items, { title: 'Pyrometer: Profile lines — engine', ignoreFocusOut: true });
  if (chosen) await memento.update(ENGINE_CHOICE_KEY, chosen.engine);
  return chosen?.engine;
}
