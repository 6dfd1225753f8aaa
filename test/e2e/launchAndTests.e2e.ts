// A person's view of issue 10's launch features: the "Profile" CodeLens above a pytest test, clicked, giving the
// tested function's figures; and "Profile with launch configuration…" picking a launch.json configuration.
// (The figures are compared with pstats in test/integration/launchAndTests.test.ts.)
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PYTEST_SAMPLE } from '../support/sampleScripts';
import { toolVenvPython } from '../support/toolVenvs';
import type { E2ETest } from './workbench';


const APP = `import sys


def step(i):
    return i % 7


def work(n):
    return sum(step(i) for i in range(n))


if __name__ == "__main__":
    print(work(int(sys.argv[2])), sys.argv[3:])
`;

/** Writes the fixtures, with the interpreter setting for this workspace; returns a function that removes them. */
function writeFixtures(workspace: string): () => void {
  const dir = path.join(workspace, 'e2e_launch');
  fs.mkdirSync(path.join(dir, 'launchapp'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'test_sample.py'), PYTEST_SAMPLE);
  fs.writeFileSync(path.join(dir, 'launchapp', '__init__.py'), '');
  fs.writeFileSync(path.join(dir, 'launchapp', 'app_main.py'), APP);
  const vscodeDir = path.join(workspace, '.vscode');
  fs.mkdirSync(vscodeDir, { recursive: true });
  const settingsFile = path.join(vscodeDir, 'settings.json');
  const launchFile = path.join(vscodeDir, 'launch.json');
  const tasksFile = path.join(vscodeDir, 'tasks.json');
  const oldSettings = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
  const settings = oldSettings ? JSON.parse(oldSettings) : {};
  fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'pyrometer.pythonPath': toolVenvPython('pytest', '3.11') }, null, 2));
  fs.writeFileSync(launchFile, JSON.stringify({
    version: '0.2.0',
    configurations: [
      { name: 'App: count steps', type: 'debugpy', request: 'launch', module: 'launchapp.app_main',
        args: ['--n', '300000', '${workspaceFolderBasename}'], cwd: '${workspaceFolder}/e2e_launch', env: { APP_MODE: 'fast' },
        preLaunchTask: 'prepare app data' },
      { name: 'Current file', type: 'debugpy', request: 'launch', program: '${file}', console: 'integratedTerminal' },
      { name: 'Attach (not offered)', type: 'debugpy', request: 'attach', connect: { port: 5678 } },
    ],
  }, null, 2));
  // A preLaunchTask slow enough to be seen: its notification and its terminal
  fs.writeFileSync(tasksFile, JSON.stringify({
    version: '2.0.0',
    tasks: [{ label: 'prepare app data', type: 'process', command: 'python3',
      args: ['-c', 'import time; print("preparing app data"); time.sleep(4); print("prepared")'] }],
  }, null, 2));
  return () => {
    fs.rmSync(tasksFile, { force: true });
    if (oldSettings === undefined) fs.rmSync(settingsFile, { force: true });
    else fs.writeFileSync(settingsFile, oldSettings);
    fs.rmSync(launchFile, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

export const tests: E2ETest[] = [
  {
    name: 'clicking "Profile" above a pytest test shows the tested function\'s calls; the launch-configuration quick pick lists Python launch configurations',
    timeoutMs: 300_000,
    async run(ctx) {
      const cleanUp = writeFixtures(ctx.env.workspace);
      try {
        const wb = await ctx.openWorkbench();
        await wb.openFile('test_sample.py');
        await wb.waitForCodeLens('Profile', 60_000);
        const lensLink = wb.page.locator('.contentWidgets .codelens-decoration a', { hasText: /^\s*Profile\s*$/ }).first();
        await lensLink.click();
        ctx.log('clicked Profile above test_slow');
        const figures = await wb.waitForCodeLens('200,000 calls', 120_000);
        ctx.log('lens on def step:', figures);
        await wb.page.waitForTimeout(800);
        let above = await wb.codeLensAbove('def test_slow');
        for (let i = 0; i < 20 && !/Profile/.test(above ?? ''); i++) {
          await wb.page.waitForTimeout(500);
          above = await wb.codeLensAbove('def test_slow');
        }
        ctx.log('lens above def test_slow:', above);
        await wb.screenshot('profile-test-codelens');
        assert.match(await wb.codeLensAbove('def step') ?? '', /200,000 calls/);
        assert.match(above ?? '', /Profile/);

        await wb.runCommand('Pyrometer: Profile with launch configuration…');
        const rows = wb.page.locator('.quick-input-list .monaco-list-row');
        await rows.filter({ hasText: 'App: count steps' }).first().waitFor({ timeout: 30_000 });
        const labels = (await rows.allInnerTexts()).map(t => t.split('\n')[0].trim());
        ctx.log('launch configurations offered:', labels);
        await wb.page.waitForTimeout(500);
        await wb.screenshot('profile-launch-config-pick');
        assert.ok(labels.some(l => l.startsWith('App: count steps')) && labels.some(l => l.startsWith('Current file')), JSON.stringify(labels));
        assert.ok(!labels.some(l => l.startsWith('Attach')), 'an attach configuration was offered');
        await rows.filter({ hasText: 'App: count steps' }).first().click();
        const profilerRow = rows.filter({ hasText: 'cProfile' }).first();
        await profilerRow.waitFor({ timeout: 30_000 });
        await wb.page.waitForTimeout(300);
        await wb.screenshot('profile-launch-config-profiler');
        await profilerRow.click();
        const taskNote = await wb.waitForNotification('running preLaunchTask "prepare app data"', 30_000);
        ctx.log('notification:', taskNote);
        await wb.page.waitForTimeout(1500);
        await wb.screenshot('profile-launch-config-prelaunch-task');
        await wb.openFile('app_main.py');
        const appLens = await wb.waitForCodeLens('300,000 calls', 120_000);
        ctx.log('lens in app_main.py:', appLens);
        await wb.page.waitForTimeout(800);
        await wb.screenshot('profile-launch-config-result');
      } finally {
        cleanUp();
      }
    },
  },
];
