import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { profile, writeScript } from './workspaceFixtures';

/** Processes (not zombies) whose command line contains `marker`. */
function running(marker: string): string[] {
  return execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' }).split('\n')
    .filter(l => l.includes(marker) && !l.trimStart().startsWith('Z') && !l.includes('ps -eo'));
}

describe('faults in the profiled script end with a clear status and nothing left running', function () {
  this.timeout(180000);

  it('a script that aborts (SIGABRT, like a crash in C code) is reported as killed, with nothing shown', async () => {
    const file = await writeScript('faults/aborts.py', 'import os\nprint("about to abort", flush=True)\nos.abort()\n');
    const r = await profile(file);
    assert.strictEqual(r?.verdict.showResults, false);
    assert.match(r!.verdict.message, /SIGABRT/);
    assert.deepStrictEqual(running('faults/aborts.py'), []);
  });

  it('a script that reads stdin gets end-of-file at once instead of hanging, and the error is named', async () => {
    const file = await writeScript('faults/reads_stdin.py', 'def ask():\n    return input("name? ")\n\nask()\n');
    const started = Date.now();
    const r = await profile(file);
    assert.ok(Date.now() - started < 60_000, 'it did not wait for input');
    assert.match(r!.verdict.message, /raised EOFError/);
  });

  it('100 MB on stdout is cut in the output channel, and the run still completes with its profile', async () => {
    const file = await writeScript('faults/floods.py', [
      'import sys',
      'def flood():',
      '    block = "x" * (1024 * 1024 - 1) + "\\n"',
      '    for _ in range(100):',
      '        sys.stdout.write(block)',
      'flood()',
      '',
    ].join('\n'));
    const r = await profile(file);
    assert.ok(r?.runId, r?.verdict.message);
    assert.strictEqual(r!.verdict.showResults, true);
    assert.deepStrictEqual(running('faults/floods.py'), []);
  });

  it('a script that forks a child which outlives it leaves nothing running', async () => {
    const file = await writeScript('faults/forks.py', [
      'import os, time',
      'if os.fork() == 0:',
      '    time.sleep(600)',
      '    os._exit(0)',
      'print("parent done")',
      '',
    ].join('\n'));
    const r = await profile(file);
    assert.strictEqual(r?.verdict.showResults, true, r?.verdict.message);
    for (let i = 0; i < 20 && running('faults/forks.py').length > 0; i++) await new Promise(res => setTimeout(res, 100));
    assert.deepStrictEqual(running('faults/forks.py'), []);
  });
});
