import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExportCommandResult } from '../../src/extension/exportCommand';
import type { ProfileFileCommandResult } from '../../src/extension/profileFileEditor';
import { runCProfile } from '../../src/runners/cprofile';
import { lensTitles, openProfileFile, setSetting, workspaceRoot } from './workspaceFixtures';

/**
 * Profile files opened in the real editor: a .prof written by the cprofile runner opens in Pyrometer's editor and
 * becomes the shown run (CodeLens on the profiled workspace file with pstats' own figures), a corrupt file gets the
 * message and loses nothing, and a run exported to speedscope opens again with the same totals.
 */
const VIEW_TYPE = 'pyrometer.profileFile';
const RUNNER_ROOT = path.resolve(__dirname, '..', '..', '..', 'python'); // out/test/integration -> repo/python

/** pstats' own figures for one function of a .prof, as it prints them. */
function pstatsFigures(prof: string, name: string): { calls: string; tottime: string; cumtime: string; total: number } {
  const code = `import pstats, sys, json
st = pstats.Stats(sys.argv[1])
[(cc, nc, tt, ct, _)] = [v for k, v in st.stats.items() if k[2] == sys.argv[2]]
print(json.dumps({"calls": str(nc) if nc == cc else "%d/%d" % (nc, cc), "tottime": "%.3f" % tt, "cumtime": "%.3f" % ct, "total": st.total_tt}))`;
  return JSON.parse(execFileSync('python3', ['-c', code, prof, name]).toString());
}

async function fixturesDir(): Promise<string> {
  const dir = path.join(workspaceRoot(), 'pyrometer-fixtures', 'profile-files');
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('profile files in the editor: a .prof from the cprofile runner', function () {
  this.timeout(180000);
  let calls: string;
  let prof: string;
  let opened: ProfileFileCommandResult;

  before(async () => {
    calls = path.join(workspaceRoot(), 'calls.py');
    const runDir = path.join(await fixturesDir(), 'run');
    const outcome = await runCProfile({ python: 'python3', runnerRoot: RUNNER_ROOT, target: { kind: 'script', script: calls }, args: [], cwd: workspaceRoot(), runDir, timeoutMs: 120000 });
    assert.ok(outcome.hasResult, outcome.process.stderrTail);
    prof = path.join(await fixturesDir(), 'calls.prof');
    await fs.copyFile(outcome.profPath, prof);
    await vscode.commands.executeCommand('pyrometer.hideResults');
    assert.deepStrictEqual(await lensTitles(calls), [], 'no run is shown before the file is opened');
    opened = await openProfileFile(prof);
  });

  after(closeEditors);

  it('opens in Pyrometer\'s editor with a one-line summary, as the shown run', async () => {
    assert.strictEqual(opened.kind, 'run', opened.message);
    assert.match(opened.summary!, /^calls\.prof — pstats file \(cProfile\): [\d,]+ functions, \d+\.\d{3} s of own time in all · read with Python 3\.\d+/);
    assert.match(opened.summary!, /source files are in this workspace/);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === VIEW_TYPE, `active tab: ${tab?.label}`);
    const expected = pstatsFigures(prof, 'inc');
    assert.strictEqual(opened.run!.totalSeconds, expected.total, 'the run\'s total is pstats\' total_tt');
  });

  it("the CodeLens on calls.py shows pstats' own figures for inc", async () => {
    const expected = pstatsFigures(prof, 'inc');
    assert.strictEqual(expected.calls, '3000000');
    const inc = (await lensTitles(calls)).find(l => l.line === 3);
    assert.ok(inc, 'no lens on def inc');
    assert.match(inc!.title, new RegExp(`^cum ${expected.cumtime}s \\| own ${expected.tottime}s \\| 3,000,000 calls \\| \\d+\\.\\d% of total$`));
  });

  it('a corrupt file shows the message naming the formats Pyrometer reads, and the shown run stays', async () => {
    const corrupt = path.join(await fixturesDir(), 'corrupt.prof');
    const data = await fs.readFile(prof);
    await fs.writeFile(corrupt, Buffer.concat([Buffer.from([0x00, 0x13, 0x37]), data.subarray(0, 40)]));
    const shown = await openProfileFile(corrupt);
    assert.strictEqual(shown.kind, 'error');
    assert.match(shown.message!, /corrupt\.prof is binary but not a pstats profile/);
    assert.match(shown.message!, /Pyrometer reads pstats files \(\.prof, \.pstats.*speedscope JSON.*collapsed stacks.*-X importtime.*pyrometer\.cprofile\/1/);
    const cut = path.join(await fixturesDir(), 'cut.prof');
    await fs.writeFile(cut, data.subarray(0, Math.floor(data.length / 2)));
    const cutShown = await openProfileFile(cut);
    assert.strictEqual(cutShown.kind, 'error');
    assert.match(cutShown.message!, /cut\.prof as a pstats profile: it is not marshal data/);
    assert.ok((await lensTitles(calls)).some(l => l.line === 3 && /3,000,000 calls/.test(l.title)), 'the .prof run is still shown');
  });

  it('export to speedscope, open it again: the same totals', async () => {
    const out = path.join(await fixturesDir(), 'calls.speedscope.json');
    const exported = await vscode.commands.executeCommand<ExportCommandResult>('pyrometer.exportRun', opened.runId, { format: 'speedscope', path: out, quiet: true });
    assert.ok(exported?.ok, exported?.error);
    assert.match(exported.note ?? '', /derived from its caller edges/);
    const file = JSON.parse(await fs.readFile(out, 'utf8')) as { name: string; profiles: { weights: number[] }[] };
    const fileSeconds = file.profiles.reduce((n, p) => n + p.weights.reduce((a, w) => a + w, 0), 0);
    assert.match(file.name, /^calls\.prof \(cProfile call graph, derived from caller edges/);

    const again = await openProfileFile(out);
    assert.strictEqual(again.kind, 'run', again.message);
    assert.match(again.summary!, /^calls\.speedscope\.json — speedscope JSON: \d+\.\d{3} s over [\d,]+ functions \(weights are durations, counted in µs\)/);
    assert.ok(Math.abs(again.run!.totalSeconds - fileSeconds) < 1e-9, `${again.run!.totalSeconds} vs Σ weights ${fileSeconds}`);
    // The derived tree's total is Σ of the roots' cumulative times: pstats' total_tt, to the µs per path.
    const pstatsTotal = pstatsFigures(prof, 'inc').total;
    assert.ok(Math.abs(again.run!.totalSeconds - pstatsTotal) <= Math.max(1e-3 * pstatsTotal, 1e-4), `${again.run!.totalSeconds} vs pstats ${pstatsTotal}`);
    // It is the shown run now: calls.py's lens counts the derived µs of inc.
    assert.ok((await lensTitles(calls)).some(l => l.line === 3), 'no lens on def inc from the speedscope file');
  });

  it('export collapsed and pstats: the .prof is the run\'s own file, collapsed opens with the same µs as speedscope', async () => {
    const pstatsOut = path.join(await fixturesDir(), 'exported.prof');
    const asProf = await vscode.commands.executeCommand<ExportCommandResult>('pyrometer.exportRun', opened.runId, { format: 'pstats', path: pstatsOut, quiet: true });
    assert.ok(asProf?.ok, asProf?.error);
    assert.ok((await fs.readFile(pstatsOut)).equals(await fs.readFile(prof)));
    const collapsedOut = path.join(await fixturesDir(), 'calls.cprofile-us.collapsed');
    const asCollapsed = await vscode.commands.executeCommand<ExportCommandResult>('pyrometer.exportRun', opened.runId, { format: 'collapsed', path: collapsedOut, quiet: true });
    assert.ok(asCollapsed?.ok, asCollapsed?.error);
    const reopened = await openProfileFile(collapsedOut);
    const speedscopeAgain = await openProfileFile(path.join(await fixturesDir(), 'calls.speedscope.json'));
    assert.strictEqual(reopened.run!.totalSamples, speedscopeAgain.run!.totalSamples);
    assert.strictEqual(reopened.run!.totalSeconds, speedscopeAgain.run!.totalSeconds);
  });
});

describe('profile files in the editor: pyrometer.pathMappings', function () {
  this.timeout(180000);

  after(async () => {
    await setSetting('pathMappings', undefined);
    await closeEditors();
  });

  it('a result taken under /remote/app lands on the workspace\'s calls.py once mapped', async () => {
    const calls = path.join(workspaceRoot(), 'calls.py');
    const runDir = path.join(await fixturesDir(), 'remote-run');
    const outcome = await runCProfile({ python: 'python3', runnerRoot: RUNNER_ROOT, target: { kind: 'script', script: calls }, args: [], cwd: workspaceRoot(), runDir, timeoutMs: 120000 });
    assert.ok(outcome.hasResult, outcome.process.stderrTail);
    const remote = (await fs.readFile(outcome.resultPath, 'utf8')).split(JSON.stringify(workspaceRoot()).slice(1, -1)).join('/remote/app');
    assert.ok(remote.includes('/remote/app/calls.py'));
    const file = path.join(await fixturesDir(), 'remote-result.json');
    await fs.writeFile(file, remote);

    await setSetting('pathMappings', []);
    const unmapped = await vscode.commands.executeCommand<ProfileFileCommandResult>('pyrometer.openProfileFile', vscode.Uri.file(file));
    assert.strictEqual(unmapped?.kind, 'run', unmapped?.message);
    assert.match(unmapped!.summary!, /none of its \d+ source files is in this workspace \(set pyrometer\.pathMappings/);
    assert.deepStrictEqual((await lensTitles(calls)).filter(l => /3,000,000 calls/.test(l.title)), []);
    await closeEditors();

    await setSetting('pathMappings', [{ from: '/remote/app', to: '${workspaceFolder}' }]);
    const mapped = await openProfileFile(file);
    assert.strictEqual(mapped.kind, 'run', mapped.message);
    assert.match(mapped.summary!, /frame paths mapped by pyrometer\.pathMappings/);
    assert.ok((await lensTitles(calls)).some(l => l.line === 3 && /3,000,000 calls/.test(l.title)), 'no lens on def inc after mapping');
  });
});

describe('profile files in the editor: an -X importtime log', function () {
  this.timeout(60000);
  after(closeEditors);

  it("opens as an import flame graph under a summary counting the log's imports", async () => {
    const log = path.join(await fixturesDir(), 'json-imports.log');
    const captured = spawnSync('python3', ['-X', 'importtime', '-c', 'import json'], { encoding: 'utf8' });
    assert.strictEqual(captured.status, 0, captured.stderr);
    await fs.writeFile(log, captured.stderr);
    const modules = captured.stderr.split('\n').filter(l => /^import time:\s+\d+ \|/.test(l)).length;
    const shown = await vscode.commands.executeCommand<ProfileFileCommandResult>('pyrometer.openProfileFile', vscode.Uri.file(log));
    assert.strictEqual(shown?.kind, 'imports', shown?.message);
    assert.match(shown!.summary!, new RegExp(`^json-imports\\.log — -X importtime log: ${modules} imports · \\d+\\.\\d ms importing`));
  });
});

describe('profile files in the editor: saved perf script output', function () {
  this.timeout(180000);
  after(async () => {
    await setSetting('pathMappings', undefined);
    await closeEditors();
  });

  it('opens with perf\'s own sample count, and the Python functions get their CodeLens once the paths are mapped', async () => {
    const fixtures = path.resolve(RUNNER_ROOT, '..', 'test', 'fixtures', 'perf');
    const dir = await fixturesDir();
    const file = path.join(dir, 'native.perf-script');
    const workload = path.join(dir, 'regex_dict_workload.py');
    await fs.copyFile(path.join(fixtures, 'py313-jit-script.txt'), file);
    await fs.copyFile(path.join(fixtures, 'regex_dict_workload.py'), workload);
    await setSetting('pathMappings', [{ from: '/work/wt-perf/test/fixtures/perf', to: dir }]);
    const text = await fs.readFile(file, 'utf8');
    const samples = text.split('\n').filter(l => /^\S.* \d+\/\d+ .*cpu-clock:/.test(l)).length;
    const opened = await openProfileFile(file);
    assert.strictEqual(opened.kind, 'run', opened.message);
    assert.match(opened.summary!, /^native\.perf-script — perf script output: [\d,]+ samples/);
    assert.strictEqual(opened.run!.totalSamples, samples);
    await vscode.window.showTextDocument(vscode.Uri.file(workload));
    const defLine = (await fs.readFile(workload, 'utf8')).split('\n').findIndex(l => l.startsWith('def count_words('));
    let lens: string | undefined;
    for (let i = 0; i < 50 && !lens; i++) {
      lens = (await lensTitles(workload)).find(l => l.line === defLine && l.title.startsWith('perf:'))?.title;
      if (!lens) await new Promise(r => setTimeout(r, 100));
    }
    assert.ok(lens, 'a perf CodeLens on def count_words');
    assert.match(lens!, /^perf: [\d.]+% total \([\d,]+ samples?\)/);
  });
});
