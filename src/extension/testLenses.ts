import { promises as fs } from 'fs';
import path = require('path');
import vscode = require('vscode');
import { DiscoveredTest, discoverTests, pytestNodeId, unittestName } from '../core/testDiscovery';
import { pytestVersion } from '../runners/pytestProbe';
import { readConfig } from './config';
import type { LaunchProfiler } from './launchConfigCommand';
import { preparePlannedLaunch } from './plannedLaunch';
import type { ProfileCommandResult, ProfileRunner } from './profileRun';
import { checkedLaunch, isLaunchTarget, LaunchTarget } from './profileScriptCommand';

export const PROFILE_TEST_COMMAND = 'pyrometer.profileTest';

/**
 * "Profile" above each test function, from a text scan of the file (src/core/testDiscovery.ts). Served here rather
 * than by the profile server: the server starts only when a profile is loaded, and these lenses must show on a
 * test file before any run; the scan is one pass over the text.
 */
export class TestLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly configWatch = vscode.workspace.onDidChangeConfiguration(e => {
    if (e.affectsConfiguration('pyrometer.testCodeLens') || e.affectsConfiguration('pyrometer.testProfiler')) this.changed.fire();
  });

  private readonly trustWatch = vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire());

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const config = readConfig(document.uri);
    // Profiling runs the test: no lens that could only answer "not in an untrusted workspace".
    if (!config.testCodeLens || !vscode.workspace.isTrusted) return [];
    return discoverTests(document.getText(), document.uri.fsPath).map(t => new vscode.CodeLens(new vscode.Range(t.line, 0, t.line, 0), {
      title: 'Profile', command: PROFILE_TEST_COMMAND, arguments: [document.uri, t.line + 1],
      tooltip: `Profile ${[...t.classes, t.name].join('.')} with ${config.testProfiler} (${t.framework === 'pytest' ? 'pytest' : 'unittest, or pytest when installed'})`,
    }));
  }

  dispose(): void {
    this.changed.dispose();
    this.configWatch.dispose();
    this.trustWatch.dispose();
  }
}

/** Arguments that skip the defaults (tests, other commands). */
export interface ProfileTestArgs {
  readonly profiler?: Extract<LaunchProfiler, 'cProfile' | 'py-spy'>;
  /** Force the runner (default: pytest when the interpreter has it, else unittest for TestCase tests). */
  readonly framework?: 'pytest' | 'unittest';
}

/** Whether each interpreter has pytest: asked once per interpreter and cwd, since a probe starts Python. */
export class PytestAvailability {
  private readonly known = new Map<string, Promise<string | undefined>>();

  version(python: string, cwd: string): Promise<string | undefined> {
    const key = `${python}\0${cwd}`;
    let found = this.known.get(key);
    if (!found) {
      found = pytestVersion(python, cwd);
      this.known.set(key, found);
    }
    return found;
  }
}

/** The first directory above dir (or dir itself) that is not a package (holds no __init__.py). */
async function packageRoot(dir: string): Promise<string> {
  let current = dir;
  while (await fs.stat(path.join(current, '__init__.py')).then(() => true, () => false)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

function testAt(tests: readonly DiscoveredTest[], line1: number | undefined): DiscoveredTest | undefined {
  if (line1 === undefined) return tests.length === 1 ? tests[0] : undefined;
  return tests.find(t => t.line === line1 - 1) ?? [...tests].reverse().find(t => t.line <= line1 - 1);
}

/** Pyrometer: Profile test — the test at (uri, 1-based line) run by pytest or unittest under the test profiler. */
export async function profileTest(uri: vscode.Uri | undefined, line1: number | undefined, runner: ProfileRunner,
  pytest: PytestAvailability, launch: (profiler: LaunchProfiler, target: LaunchTarget) => Promise<ProfileCommandResult | undefined>,
  given: ProfileTestArgs = {}): Promise<ProfileCommandResult | undefined> {
  const editor = vscode.window.activeTextEditor;
  const fileUri = uri ?? editor?.document.uri;
  if (!fileUri || fileUri.scheme !== 'file') return runner.fail('Open a Python test file to profile one of its tests.');
  const line = line1 ?? (uri ? undefined : (editor ? editor.selection.active.line + 1 : undefined));
  const document = await vscode.workspace.openTextDocument(fileUri);
  if (document.isDirty) await document.save();
  const file = fileUri.fsPath;
  const test = testAt(discoverTests(document.getText(), file), line);
  if (!test) return runner.fail(`No test found${line ? ` at line ${line}` : ''} in ${path.basename(file)}: put the cursor in a test function (def test_… in a test_*.py file, or a unittest TestCase method).`);
  const cwd = vscode.workspace.getWorkspaceFolder(fileUri)?.uri.fsPath ?? path.dirname(file);
  const relative = path.relative(cwd, file);
  const config = readConfig(fileUri);
  const profiler = given.profiler ?? config.testProfiler;
  const label = `${[...test.classes, test.name].join('.')} (test)`;
  const prepared = await preparePlannedLaunch({
    label, run: { kind: 'module', module: 'pytest' }, args: [], cwd, resource: fileUri, subjectFile: file, notes: [],
  }, runner);
  if (!isLaunchTarget(prepared)) return prepared;
  const python = prepared.interpreter.executable;
  const pytestFound = await pytest.version(python, cwd);
  let framework = given.framework ?? (pytestFound ? 'pytest' : test.framework);
  if (framework === 'pytest' && !pytestFound) {
    if (test.framework === 'pytest' || given.framework === 'pytest') {
      return runner.fail(`pytest is not installed in ${python} (the interpreter Pyrometer uses for ${path.basename(file)}): install it there (python -m pip install pytest) or choose another interpreter.`);
    }
    framework = 'unittest';
  }
  let target: LaunchTarget;
  if (framework === 'pytest') {
    target = checkedLaunch({
      ...prepared, args: [pytestNodeId(relative, test), '-p', 'no:cacheprovider'],
      notes: [`test: ${pytestNodeId(relative, test)} with pytest ${pytestFound}; the profile holds pytest's own collection and reporting too`],
    });
  } else {
    // python -m unittest needs a dotted name importable from its cwd: the workspace folder when the path allows,
    // else the directory above the file's package (as unittest's discovery would start there).
    const unittestCwd = unittestName(relative, test) ? cwd : await packageRoot(path.dirname(file));
    const dotted = unittestName(path.relative(unittestCwd, file), test);
    if (!dotted) return runner.fail(`${relative} cannot be named as a module (python -m unittest needs importable names): install pytest to profile this test.`);
    target = checkedLaunch({
      ...prepared, cwd: unittestCwd, run: { kind: 'module', module: 'unittest' }, args: [dotted],
      notes: [`test: ${dotted} with unittest${pytestFound ? '' : ' (pytest is not installed in this interpreter)'}; the profile holds unittest's own machinery too`],
    });
  }
  return launch(profiler, target);
}
