import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ProfileCommandResult } from '../../src/extension/profileRun';
import { pyenvPython } from '../support/pyenvPython';
import { PYTEST_SAMPLE } from '../support/sampleScripts';
import { toolVenvPython } from '../support/toolVenvs';
import { setSetting, workspaceRoot, writeScript } from './workspaceFixtures';

/** pstats' own figures for one function of a .prof (the function named `name` in a file ending with `fileEnd`). */
function pstatsFigures(python: string, prof: string, fileEnd: string, name: string): { calls: string; tottime: string; cumtime: string } {
  const code = `import pstats, sys, json
s = pstats.Stats(sys.argv[1]).stats
[(cc, nc, tt, ct, _)] = [v for k, v in s.items() if k[2] == sys.argv[3] and k[0].endswith(sys.argv[2])]
print(json.dumps({"calls": str(nc) if nc == cc else "%d/%d" % (nc, cc), "tottime": "%.3f" % tt, "cumtime": "%.3f" % ct}))`;
  return JSON.parse(execFileSync(python, ['-c', code, prof, fileEnd, name]).toString());
}

/** The CodeLens of a file, polled until `until` holds (figures come once the server has the run). */
async function lensesUntil(file: string, until: (l: { line: number; title: string }[]) => boolean): Promise<{ line: number; title: string; lens: vscode.CodeLens }[]> {
  const uri = vscode.Uri.file(file);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  let found: { line: number; title: string; lens: vscode.CodeLens }[] = [];
  for (let i = 0; i < 100; i++) {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
    found = lenses.filter(l => l.command?.title).map(l => ({ line: l.range.start.line, title: l.command!.title, lens: l }));
    if (until(found)) return found;
    await new Promise(r => setTimeout(r, 100));
  }
  return found;
}

/** Runs a CodeLens' command as a click does. */
function click(lens: vscode.CodeLens): Thenable<ProfileCommandResult | undefined> {
  return vscode.commands.executeCommand<ProfileCommandResult | undefined>(lens.command!.command, ...(lens.command!.arguments ?? []));
}

const LAUNCH_APP = `import json, os, sys

def step(i):
    return i % 7

def work(n):
    return sum(step(i) for i in range(n))

if __name__ == "__main__":
    total = work(int(sys.argv[sys.argv.index("--n") + 1]))
    with open("seen.json", "w") as out:
        json.dump({"argv": sys.argv[1:], "cwd": os.getcwd(), "mode": os.environ.get("PYRO_LAUNCH_MODE"),
                   "fromEnvFile": os.environ.get("PYRO_FROM_ENVFILE"), "overridden": os.environ.get("PYRO_OVERRIDDEN"),
                   "name": __name__, "spec": __spec__.name, "total": total}, out)
`;

describe('Profile with launch configuration, in the real editor', function () {
  this.timeout(240000);
  let fixtures: string;
  let mainFile: string;

  before(async () => {
    fixtures = path.join(workspaceRoot(), 'pyrometer-fixtures');
    await writeScript('launchapp/__init__.py', '');
    mainFile = await writeScript('launchapp/main.py', LAUNCH_APP);
    await writeScript('launch.env', '# read as the Python extension reads envFile\nPYRO_FROM_ENVFILE="from ${HOME}"\nPYRO_OVERRIDDEN=envfile\n');
    await fs.rm(path.join(fixtures, 'seen.json'), { force: true });
    await setSetting('pythonPath', undefined);
    await vscode.workspace.getConfiguration('launch', vscode.workspace.workspaceFolders![0].uri).update('configurations', [
      { name: 'Attach to app', type: 'debugpy', request: 'attach', connect: { host: 'localhost', port: 5678 } },
      {
        name: 'Launch app module', type: 'debugpy', request: 'launch', module: 'launchapp.main',
        args: ['--n', '30000', 'two words', '${workspaceFolderBasename}'], cwd: '${workspaceFolder}/pyrometer-fixtures',
        env: { PYRO_LAUNCH_MODE: 'fast', PYRO_OVERRIDDEN: 'env' }, envFile: '${workspaceFolder}/pyrometer-fixtures/launch.env',
        console: 'integratedTerminal', justMyCode: false,
      },
      { name: 'Asks for args', type: 'debugpy', request: 'launch', program: '${file}', args: '${command:pickArgs}' },
    ], vscode.ConfigurationTarget.WorkspaceFolder);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('launch', vscode.workspace.workspaceFolders![0].uri).update('configurations', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
  });

  it('runs the module with the configuration\'s args, env, envFile and cwd, and shows its CodeLens', async () => {
    const result = await vscode.commands.executeCommand<ProfileCommandResult>('pyrometer.profileLaunchConfig',
      { name: 'Launch app module', profiler: 'cProfile' });
    assert.ok(result?.runId, `no run: ${result?.verdict.message}`);
    assert.strictEqual(result.verdict.severity, 'info', result.verdict.message);
    const seen = JSON.parse(await fs.readFile(path.join(fixtures, 'seen.json'), 'utf8'));
    assert.deepStrictEqual(seen.argv, ['--n', '30000', 'two words', path.basename(workspaceRoot())]);
    assert.strictEqual(await fs.realpath(seen.cwd), await fs.realpath(fixtures));
    assert.strictEqual(seen.mode, 'fast');
    assert.strictEqual(seen.fromEnvFile, `from ${os.homedir()}`);
    assert.strictEqual(seen.overridden, 'env', 'the configuration\'s env wins over its envFile');
    assert.deepStrictEqual([seen.name, seen.spec], ['__main__', 'launchapp.main']);

    const lenses = await lensesUntil(mainFile, l => l.some(x => /calls/.test(x.title)));
    const stepLens = lenses.find(l => l.line === 2 && /calls/.test(l.title));
    assert.ok(stepLens, `no figures on def step: ${JSON.stringify(lenses.map(l => [l.line, l.title]))}`);
    const expected = pstatsFigures('python3', result.profPath!, 'main.py', 'step');
    assert.strictEqual(expected.calls, '30000');
    assert.match(stepLens.title, new RegExp(`^cum ${expected.cumtime}s \\| own ${expected.tottime}s \\| 30,000 calls`));
  });

  it('runs the preLaunchTask first and the postDebugTask after; a failing or missing preLaunchTask stops the launch', async () => {
    const folder = vscode.workspace.workspaceFolders![0];
    const stamp = (name: string) => `import time; open(${JSON.stringify(`pyrometer-fixtures/${name}`)}, "w").write(repr(time.time()))`;
    const tasks = vscode.workspace.getConfiguration('tasks', folder.uri);
    await tasks.update('version', '2.0.0', vscode.ConfigurationTarget.WorkspaceFolder);
    await tasks.update('tasks', [
      { label: 'pyro prepare', type: 'process', command: 'python3', args: ['-c', stamp('prelaunch.txt')], options: { cwd: '${workspaceFolder}' } },
      { label: 'pyro after', type: 'process', command: 'python3', args: ['-c', stamp('postdebug.txt')], options: { cwd: '${workspaceFolder}' } },
      { label: 'pyro fails', type: 'process', command: 'python3', args: ['-c', 'import sys; sys.exit(3)'] },
    ], vscode.ConfigurationTarget.WorkspaceFolder);
    const base = { type: 'debugpy', request: 'launch', module: 'launchapp.main', args: ['--n', '1000'], cwd: '${workspaceFolder}/pyrometer-fixtures' };
    const launch = vscode.workspace.getConfiguration('launch', folder.uri);
    const before = launch.get<unknown[]>('configurations') ?? [];
    await launch.update('configurations', [...before,
      { ...base, name: 'With tasks', preLaunchTask: 'pyro prepare', postDebugTask: 'pyro after' },
      { ...base, name: 'Task fails', preLaunchTask: 'pyro fails' },
      { ...base, name: 'Task missing', preLaunchTask: 'no such task' },
    ], vscode.ConfigurationTarget.WorkspaceFolder);
    // tasks.json is read again after the write, not at once
    for (let i = 0; i < 50 && !(await vscode.tasks.fetchTasks()).some(t => t.name === 'pyro fails'); i++) await new Promise(r => setTimeout(r, 200));
    const read = (name: string) => fs.readFile(path.join(fixtures, name), 'utf8');
    const clear = () => Promise.all(['prelaunch.txt', 'postdebug.txt', 'seen.json'].map(f => fs.rm(path.join(fixtures, f), { force: true })));
    try {
      await clear();
      const ran = await vscode.commands.executeCommand<ProfileCommandResult>('pyrometer.profileLaunchConfig', { name: 'With tasks', profiler: 'cProfile' });
      assert.ok(ran?.runId, `no run: ${ran?.verdict.message}`);
      const runStarted = Number(await read('prelaunch.txt'));
      const seenAt = (await fs.stat(path.join(fixtures, 'seen.json'))).mtimeMs / 1000;
      const after = Number(await read('postdebug.txt'));
      assert.ok(runStarted <= seenAt && seenAt <= after, `order: preLaunchTask ${runStarted}, program ${seenAt}, postDebugTask ${after}`);

      await clear();
      const failed = await vscode.commands.executeCommand<ProfileCommandResult>('pyrometer.profileLaunchConfig', { name: 'Task fails', profiler: 'cProfile' });
      assert.strictEqual(failed?.runId, undefined);
      assert.match(failed!.verdict.message, /Launch configuration "Task fails": its preLaunchTask "pyro fails" ended with exit code 3, so nothing was profiled/);
      await assert.rejects(read('seen.json'), /ENOENT/, 'the program did not run');

      const missing = await vscode.commands.executeCommand<ProfileCommandResult>('pyrometer.profileLaunchConfig', { name: 'Task missing', profiler: 'cProfile' });
      assert.strictEqual(missing?.runId, undefined);
      assert.match(missing!.verdict.message, /its preLaunchTask cannot run: no task is labelled "no such task"/);
    } finally {
      await launch.update('configurations', before, vscode.ConfigurationTarget.WorkspaceFolder);
      await tasks.update('tasks', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
      await tasks.update('version', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  it('names the variable it cannot resolve instead of passing it on, and does not offer attach configurations', async () => {
    const asks = await vscode.commands.executeCommand<ProfileCommandResult>('pyrometer.profileLaunchConfig', { name: 'Asks for args', profiler: 'cProfile' });
    assert.strictEqual(asks?.runId, undefined);
    assert.match(asks!.verdict.message, /Launch configuration "Asks for args": \$\{command:pickArgs\} is not supported/);
    const attach = await vscode.commands.executeCommand<ProfileCommandResult>('pyrometer.profileLaunchConfig', { name: 'Attach to app', profiler: 'cProfile' });
    assert.match(attach!.verdict.message, /No Python launch configuration is named "Attach to app" \(found: "Launch app module", "Asks for args"\)/);
  });
});


const UNITTEST_FILE = `import unittest


def square(i):
    return i * i


class SquareChecks(unittest.TestCase):
    def test_squares(self):
        self.assertEqual(sum(square(i) for i in range(50000)), 41665416675000)

    def helper(self):
        pass
`;

describe('"Profile" CodeLens on tests, in the real editor', function () {
  this.timeout(240000);

  after(async () => {
    await setSetting('pythonPath', undefined);
    await setSetting('testCodeLens', undefined);
  });

  it('shows Profile above pytest tests, runs one with pytest under cProfile, and the function\'s CodeLens equals pstats', async () => {
    const pytestPython = toolVenvPython('pytest', '3.11');
    await setSetting('pythonPath', pytestPython);
    const file = await writeScript('test_sample.py', PYTEST_SAMPLE);
    const lenses = await lensesUntil(file, l => l.filter(x => x.title === 'Profile').length >= 2);
    assert.deepStrictEqual(lenses.filter(l => l.title === 'Profile').map(l => l.line), [11, 16]);

    const result = await click(lenses.find(l => l.title === 'Profile' && l.line === 11)!.lens);
    assert.ok(result?.runId, `no run: ${result?.verdict.message}`);
    assert.strictEqual(result.verdict.severity, 'info', result.verdict.message);
    const figures = await lensesUntil(file, l => l.some(x => x.line === 0 && /calls/.test(x.title)));
    const stepLens = figures.find(l => l.line === 0 && /calls/.test(l.title));
    assert.ok(stepLens, `no figures on def step: ${JSON.stringify(figures.map(l => [l.line, l.title]))}`);
    const expected = pstatsFigures(pytestPython, result.profPath!, 'test_sample.py', 'step');
    assert.strictEqual(expected.calls, '200000', 'only test_slow ran: step is called 200,000 times by it and once by test_other');
    // def step is on the first line, beside the module's lens: its own is named
    assert.match(stepLens.title, new RegExp(`^step: cum ${expected.cumtime}s \\| own ${expected.tottime}s \\| 200,000 calls`));
    // The test itself has figures too: one call.
    assert.ok(figures.some(l => l.line === 11 && /\| 1 calls?\b/.test(l.title)), JSON.stringify(figures.map(l => [l.line, l.title])));
  });

  it('runs a unittest TestCase method with python -m unittest when the interpreter has no pytest', async () => {
    const venv = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-no-pytest-'));
    execFileSync(pyenvPython('3.12'), ['-m', 'venv', '--without-pip', venv]);
    const python = path.join(venv, 'bin', 'python');
    assert.throws(() => execFileSync(python, ['-c', 'import pytest'], { stdio: 'ignore' }), 'the venv must not have pytest');
    await setSetting('pythonPath', python);
    const file = await writeScript('unit_checks.py', UNITTEST_FILE);
    const lenses = await lensesUntil(file, l => l.some(x => x.title === 'Profile'));
    assert.deepStrictEqual(lenses.filter(l => l.title === 'Profile').map(l => l.line), [8]);
    const result = await click(lenses.find(l => l.title === 'Profile')!.lens);
    assert.ok(result?.runId, `no run: ${result?.verdict.message}`);
    assert.strictEqual(result.verdict.severity, 'info', result.verdict.message);
    const figures = await lensesUntil(file, l => l.some(x => x.line === 3 && /calls/.test(x.title)));
    const squareLens = figures.find(l => l.line === 3 && /calls/.test(l.title));
    const expected = pstatsFigures(python, result.profPath!, 'unit_checks.py', 'square');
    assert.strictEqual(expected.calls, '50000');
    assert.ok(squareLens, JSON.stringify(figures.map(l => [l.line, l.title])));
    assert.match(squareLens.title, new RegExp(`^cum ${expected.cumtime}s \\| own ${expected.tottime}s \\| 50,000 calls`));
    await fs.rm(venv, { recursive: true, force: true });
  });

  it('hides the test CodeLens when pyrometer.testCodeLens is off', async () => {
    await setSetting('testCodeLens', false);
    const file = await writeScript('test_hidden.py', 'def test_x():\n    pass\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    await new Promise(r => setTimeout(r, 500));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(file), 100);
    assert.deepStrictEqual(lenses.filter(l => l.command?.title === 'Profile').length, 0);
    await setSetting('testCodeLens', undefined);
    const back = await lensesUntil(file, l => l.some(x => x.title === 'Profile'));
    assert.strictEqual(back.filter(l => l.title === 'Profile').length, 1);
  });
});
