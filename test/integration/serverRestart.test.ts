import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ProfileCommandResult } from '../../src/extension/profileRun';
import { lensTitles, profile, workspaceRoot } from './workspaceFixtures';

/** Pids of this extension host's language server processes (node …/dist/server.js), read from the process table. */
function serverPids(): number[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).split('\n')
    .map(l => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && m[2] === String(process.pid) && /dist[\\/]server\.js\b/.test(m[3]))
    .map(m => Number(m[1]));
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Kills the language server and waits until a new one shows `file`'s lens on `line` again (or gives up). */
async function killServerAndReadLens(file: string, line: number, before: string): Promise<{ after?: string; pids: number[]; killed: number }> {
  const [killed] = serverPids();
  assert.ok(killed, 'the language server runs as a child of the extension host');
  process.kill(killed, 'SIGKILL');
  let after: string | undefined;
  let pids: number[] = [];
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && after !== before;) {
    await sleep(200);
    pids = serverPids();
    if (pids.length === 0 || pids.includes(killed)) continue;
    after = (await lensTitles(file)).find(l => l.line === line)?.title;
  }
  return { after, pids, killed };
}

describe('the language server crashing', function () {
  this.timeout(180000);

  it('is restarted, and the shown run is reloaded from disk with the same figures', async () => {
    const calls = path.join(workspaceRoot(), 'calls.py');
    const run = await profile(calls);
    assert.ok(run?.runId, run?.verdict.message);
    const before = (await lensTitles(calls)).find(l => l.line === 3)?.title;
    assert.ok(before?.includes('3,000,000 calls'), `lens before: ${before}`);

    const { after, pids, killed } = await killServerAndReadLens(calls, 3, before!);
    assert.ok(pids.length === 1 && !pids.includes(killed), `a new server process: ${JSON.stringify(pids)} (killed ${killed})`);
    assert.strictEqual(after, before, 'the same CodeLens, from the run reloaded off disk');
  });

  // A py-spy run is reloaded from py-spy's file plus the runner's metadata, both in the run's folder beside the
  // history's own record: the two must not be the same file.
  it('reloads a shown py-spy run from disk with the same sample counts', async () => {
    const app = path.join(workspaceRoot(), 'mixed_app.py');
    const run = await vscode.commands.executeCommand<ProfileCommandResult | undefined>('pyrometer.profilePySpy', vscode.Uri.file(app));
    assert.ok(run?.runId, run?.verdict.message);
    const before = (await lensTitles(app)).find(l => l.line === 15)?.title;
    assert.match(before ?? '', /^py-spy: [\d.]+% total \([\d,]+ samples?\)/, `lens before: ${before}`);

    const { after, pids, killed } = await killServerAndReadLens(app, 15, before!);
    assert.ok(pids.length === 1 && !pids.includes(killed), `a new server process: ${JSON.stringify(pids)} (killed ${killed})`);
    assert.strictEqual(after, before, 'the same CodeLens, from the py-spy run reloaded off disk');
  });
});
