import * as assert from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ProfileCommandResult } from '../../src/extension/profileRun';
import { newestPyenvPython } from '../support/pyenvPython';
import { lensTitles, setSetting, writeScript } from './workspaceFixtures';

const WORKLOAD = readFileSync(path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'perf', 'regex_dict_workload.py'), 'utf8');

function profileNative(file: string): Thenable<ProfileCommandResult | undefined> {
  return vscode.commands.executeCommand<ProfileCommandResult | undefined>('pyrometer.profileNative', vscode.Uri.file(file));
}

/**
 * perf's own counts for a Python function, read straight from the `perf script` text of the run: the samples whose
 * call chain holds `py::NAME:FILE` (total), and those where it is the innermost py:: frame (self).
 */
function perfCounts(scriptFile: string, name: string, file: string): { total: number; self: number } {
  const symbol = `py::${name}:${file} (`;
  let total = 0, self = 0;
  for (const block of readFileSync(scriptFile, 'utf8').split(/\n\s*\n/)) {
    const frames = block.split('\n').slice(1).map(l => l.trim()).filter(Boolean);
    if (frames.some(f => f.includes(symbol))) total++;
    const innermost = frames.find(f => / py::/.test(f));
    if (innermost?.includes(symbol)) self++;
  }
  return { total, self };
}

describe('Profile this script (native, perf), in the real editor', function () {
  this.timeout(180000);
  const python313 = newestPyenvPython('3.13');
  let file = '';
  let result: ProfileCommandResult | undefined;

  before(async function () {
    if (!python313) this.skip();
    file = await writeScript('perf/regex_dict_workload.py', WORKLOAD);
    await setSetting('pythonPath', python313);
    result = await profileNative(file);
    assert.ok(result?.runId, `no run: ${result?.verdict.message}`);
  });

  after(async () => {
    await setSetting('pythonPath', undefined);
  });

  for (const fn of ['count_words', 'dict_churn']) {
    it(`shows ${fn}'s CodeLens with exactly perf's sample counts and the native work under it`, async () => {
      const lenses = await lensTitles(file);
      const defLine = WORKLOAD.split('\n').findIndex(l => l.startsWith(`def ${fn}(`));
      const lens = lenses.find(l => l.line === defLine);
      assert.ok(lens, `no lens on def ${fn}: ${JSON.stringify(lenses)}`);
      const expected = perfCounts(result!.rawProfilePath!, fn, file);
      assert.ok(expected.total > 0, `perf took no samples in ${fn}`);
      const m = /^perf: [\d.]+% total \(([\d,]+) samples?\) \| self [\d.]+% \(([\d,]+)\) \| native under it [\d.]+%: (\w+)/.exec(lens!.title);
      assert.ok(m, lens!.title);
      assert.strictEqual(Number(m![1].replace(/,/g, '')), expected.total);
      assert.strictEqual(Number(m![2].replace(/,/g, '')), expected.self);
      assert.strictEqual(m![3], fn === 'count_words' ? 'regex' : 'dict');
    });
  }

  it('without perf says so, names the setting, offers py-spy, and shows nothing', async () => {
    await setSetting('pythonPath', python313);
    await vscode.workspace.getConfiguration('pyrometer.perf').update('path', '/nonexistent/perf', vscode.ConfigurationTarget.Workspace);
    try {
      const r = await profileNative(file);
      assert.strictEqual(r?.verdict.showResults, false);
      assert.strictEqual(r?.runId, undefined);
      assert.match(r!.verdict.message, /Linux perf could not be run \(.*ENOENT.*\).*pyrometer\.perf\.path.*py-spy/s);
    } finally {
      await vscode.workspace.getConfiguration('pyrometer.perf').update('path', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('on Python 3.11 says what is missing and which alternative works, and shows nothing', async () => {
    const python311 = newestPyenvPython('3.11');
    if (!python311) return;
    await setSetting('pythonPath', python311);
    const r = await profileNative(file);
    assert.strictEqual(r?.verdict.showResults, false);
    assert.strictEqual(r?.runId, undefined);
    assert.match(r!.verdict.message, /Python 3\.11 cannot tell perf.*3\.12 or newer.*py-spy/s);
  });
});
