import vscode = require('vscode');
import type { ImportTree } from '../core/importTime';
import { escapeMarkdown } from '../core/markdownText';
import { StartupBreakdown, startupBreakdown } from '../runners/importTime';
import { ImportCommandDeps, prepareInterpreter, runWithProgress } from './importCommands';
import { isLaunchTarget, prepareLaunch } from './profileScriptCommand';

/** Read-only documents for the startup report (a markdown preview of them; nothing is written to disk). */
export class StartupReports implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'pyrometer-startup';
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(StartupReports.scheme, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  async show(markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: StartupReports.scheme, path: '/Python startup.md' });
    this.texts.set(uri.path, markdown);
    this.changed.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

const REPEAT = 3;

export interface StartupCommandResult {
  readonly breakdown?: StartupBreakdown;
  readonly script?: string;
  readonly problem?: string;
}

/** Pyrometer: Profile startup — interpreter start, site, and (with a Python file active) the script's imports. */
export async function profileStartup(deps: ImportCommandDeps, reports: StartupReports): Promise<StartupCommandResult> {
  const active = vscode.window.activeTextEditor?.document;
  const withScript = active?.languageId === 'python' && active.uri.scheme === 'file';
  let python: string;
  let cwd: string;
  let application: ImportTree | undefined;
  let script: string | undefined;
  if (withScript) {
    const prepared = await prepareLaunch(active.uri, deps.runner);
    if (!isLaunchTarget(prepared)) return { problem: prepared.verdict.message };
    ({ script, cwd } = prepared);
    python = prepared.interpreter.executable;
    const outcome = await runWithProgress(deps, `Pyrometer: profiling the imports of ${prepared.scriptName}`, python,
      { kind: 'script', script: prepared.script }, cwd, active.uri);
    if (outcome.process.end === 'cancelled') return { problem: 'Startup profile cancelled.' };
    application = outcome.tree ?? undefined;
    if (application) deps.lenses.set(prepared.script, application);
  } else {
    const prepared = await prepareInterpreter(deps);
    if (typeof prepared === 'string') {
      deps.runner.fail(prepared);
      return { problem: prepared };
    }
    ({ cwd } = prepared);
    python = prepared.interpreter.executable;
  }
  let breakdown: StartupBreakdown;
  try {
    breakdown = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: 'Pyrometer: timing Python startup', cancellable: true,
    }, (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return startupBreakdown(python, { cwd, repeat: REPEAT, application, signal: abort.signal });
    });
  } catch (e) {
    const problem = `Startup profile failed: ${e instanceof Error ? e.message : String(e)}`;
    deps.runner.fail(problem);
    return { problem };
  }
  const markdown = startupMarkdown(breakdown, python, script);
  deps.output.appendLine(markdown);
  await reports.show(markdown);
  return { breakdown, script };
}

function ms(value: number): string {
  return value.toFixed(1);
}

export function startupMarkdown(b: StartupBreakdown, python: string, script?: string): string {
  const rows = [
    ['Interpreter start (process start, runtime init, exit; wall minus its imports)', `${ms(b.interpreterOtherMs)} ms`],
    ['Interpreter imports before site (encodings, io…)', `${ms(b.interpreterImportsUs / 1000)} ms`],
    ['site imports (.pth files, sitecustomize, usercustomize)', `${ms(b.siteImportsUs / 1000)} ms (wall: +${ms(b.siteWallMs)} ms)`],
  ];
  if (b.applicationImportsUs !== undefined) {
    rows.push([`Application imports (${escapeMarkdown(script ? vscode.workspace.asRelativePath(script) : 'script')}, after site)`,
      `${ms(b.applicationImportsUs / 1000)} ms`]);
  }
  rows.push(['Wall: `python -S -c pass`', `${ms(b.noSite.wallMs)} ms`], ['Wall: `python -c pass`', `${ms(b.withSite.wallMs)} ms`]);
  return [
    '# Python startup', '',
    `Interpreter: ${escapeMarkdown(python)}. Fastest of ${b.noSite.wallMsRuns.length} runs each; import figures are -X importtime's µs.`, '',
    '| Part | Time |', '| --- | --- |',
    ...rows.map(([part, time]) => `| ${part} | ${time} |`), '',
  ].join('\n');
}
