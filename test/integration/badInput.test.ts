import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { lensTitles, profile, setSetting, workspaceRoot, writeScript } from './workspaceFixtures';

describe('bad input gets a clear message and shows nothing partial', function () {
  this.timeout(120000);

  afterEach(async () => {
    await setSetting('pythonPath', undefined);
    await setSetting('timeoutSeconds', undefined);
  });

  it('refuses a file that is not Python, naming it', async () => {
    const file = await writeScript('notes.txt', 'hello\n');
    const r = await profile(file);
    assert.strictEqual(r?.verdict.showResults, false);
    assert.match(r!.verdict.message, /Python scripts \(\.py\); notes\.txt is not one/);
  });

  it('says a missing file does not exist', async () => {
    const r = await profile(path.join(workspaceRoot(), 'gone.py'));
    assert.match(r!.verdict.message, /gone\.py does not exist/);
  });

  it('says an interpreter path that does not exist could not be started', async () => {
    await setSetting('pythonPath', '/nonexistent/bin/python3');
    const r = await profile(path.join(workspaceRoot(), 'calls.py'));
    assert.match(r!.verdict.message, /could not be started.*pyrometer\.pythonPath/s);
  });

  it('says an interpreter that is not Python does not look like one', async () => {
    await setSetting('pythonPath', '/bin/true');
    const r = await profile(path.join(workspaceRoot(), 'calls.py'));
    assert.match(r!.verdict.message, /does not look like a Python interpreter/);
  });

  it('reports a syntax error without showing results', async () => {
    const file = await writeScript('broken.py', 'def f(:\n    pass\n');
    const r = await profile(file);
    assert.strictEqual(r!.verdict.showResults, false);
    assert.match(r!.verdict.message, /syntax error/);
    assert.deepStrictEqual(await lensTitles(file), []);
  });

  it('shows the profile of a script that calls sys.exit(3), with a warning', async () => {
    const file = await writeScript('exits.py', 'import sys\n\ndef spin():\n    return sum(range(10000))\n\nspin()\nsys.exit(3)\n');
    const r = await profile(file);
    assert.deepStrictEqual([r!.verdict.showResults, r!.verdict.severity], [true, 'warning']);
    assert.match(r!.verdict.message, /exited with code 3/);
    assert.ok((await lensTitles(file)).some(l => l.line === 2 && /\b1 call\b/.test(l.title)));
  });

  it('shows the profile of a script that raises, naming the exception', async () => {
    const file = await writeScript('raises.py', 'def boom():\n    return 1 / 0\n\nboom()\n');
    const r = await profile(file);
    assert.strictEqual(r!.verdict.showResults, true);
    assert.match(r!.verdict.message, /raised ZeroDivisionError/);
  });

  it('stops a script that never ends at the timeout and leaves nothing running', async () => {
    await setSetting('timeoutSeconds', 2);
    const file = await writeScript('hangs.py', 'import subprocess, sys, time\nsubprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])\ntime.sleep(3600)\n');
    const r = await profile(file);
    assert.strictEqual(r!.verdict.showResults, false);
    assert.match(r!.verdict.message, /still running after 2 s/);
    await new Promise(res => setTimeout(res, 500));
    const ps = execFileSync('ps', ['-eo', 'stat,args']).toString().split('\n');
    assert.deepStrictEqual(ps.filter(l => /hangs\.py|sleep\(3600\)/.test(l) && !l.startsWith('Z')), []);
  });

  it('profiles a script whose path has spaces and non-ASCII characters', async () => {
    const file = await writeScript('dir with spaces/ünïcødé prog.py', 'def héllo():\n    return sum(range(1000))\n\nfor _ in range(5):\n    héllo()\n');
    const r = await profile(file);
    assert.strictEqual(r!.verdict.severity, 'info', r!.verdict.message);
    const lens = (await lensTitles(file)).find(l => l.line === 0 && l.title.includes('5 calls'));
    assert.ok(lens, JSON.stringify(await lensTitles(file)));
  });

  it('keeps megabytes of script output without failing the run', async () => {
    const file = await writeScript('chatty.py', 'import sys\nfor i in range(200000):\n    print("line", i, "x" * 40)\n');
    const r = await profile(file);
    assert.strictEqual(r!.verdict.severity, 'info', r!.verdict.message);
  });
});
