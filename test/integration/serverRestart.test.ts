import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { lensTitles, profile, workspaceRoot } from './workspaceFixtures';

/** Pids of this extension host's language server processes (node …/dist/server.js), read from the process table. */
function serverPids(): number[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).split('\n')
    .map(l => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && m[2] === String(process.pid) && /dist[\\/]server\.js\b/.test(m[3]))
    .map(m => Number(m[1]));
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('the language server crashing', function () {
  this.timeout(180000);

  it('is restarted, and the shown run is reloaded from disk with the same figures', async () => {
    const calls = path.join(workspaceRoot(), 'calls.py');
    const run = await profile(calls);
    assert.ok(run?.runId, run?.verdict.message);
    const before = (await lensTitles(calls)).find(l => l.line === 3)?.title;
    assert.ok(before?.includes('3,000,000 calls'), `lens before: ${before}`);

    const [pid] = serverPids();
    assert.ok(pid, 'the language server runs as a child of the extension host');
    process.kill(pid, 'SIGKILL');

    let after: string | undefined;
    let pids: number[] = [];
    for (let i = 0; i < 150 && after !== before; i++) {
      await sleep(200);
      pids = serverPids();
      if (pids.length === 0 || pids.includes(pid)) continue;
      after = (await lensTitles(calls)).find(l => l.line === 3)?.title;
    }
    assert.ok(pids.length === 1 && !pids.includes(pid), `a new server process: ${JSON.stringify(pids)} (killed ${pid})`);
    assert.strictEqual(after, before, 'the same CodeLens, from the run reloaded off disk');
  });
});
