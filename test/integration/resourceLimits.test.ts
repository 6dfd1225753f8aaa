import * as assert from 'assert';
import { execFileSync, spawn } from 'child_process';
import { promises as fs, readFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { currentOwner, defaultTempRoot, OWNER_MARKER, ownTempDir } from '../../src/runners/tempRoot';
import { openProfileFile, setSetting, workspaceRoot } from './workspaceFixtures';

/**
 * Issue 12 in the real editor: broken and hostile profile files get a message and never crash or hang the language
 * server; a file over pyrometer.maxProfileMegabytes is refused naming its size, the cap and the setting; temporary
 * folders left by a process that died are removed when the server (re)starts, and a live one's stay.
 */
const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures'); // out/test/integration -> repo/test/fixtures
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function serverPids(): number[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).split('\n')
    .map(l => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && m[2] === String(process.pid) && /dist[\\/]server\.js\b/.test(m[3]))
    .map(m => Number(m[1]));
}

/** The speedscope text with its first profile changed (a forged field of another type). */
function withFirstProfile(text: string, change: (p: Record<string, unknown> & { weights: unknown[] }) => void): string {
  const root = JSON.parse(text) as { profiles: (Record<string, unknown> & { weights: unknown[] })[] };
  change(root.profiles[0]);
  return JSON.stringify(root);
}

async function dir(): Promise<string> {
  const d = path.join(workspaceRoot(), 'pyrometer-fixtures', 'resource-limits');
  await fs.mkdir(d, { recursive: true });
  return d;
}

describe('resource limits: hostile profile files, the memory cap, temporary folders after a crash', function () {
  this.timeout(180000);
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('hostile files each get a message, in time, and the server process stays the same', async () => {
    const speedscope = readFileSync(path.join(FIXTURES, 'pyspy', 'mixed-speedscope.json'), 'utf8');
    const raw = readFileSync(path.join(FIXTURES, 'pyspy', 'calls-raw.txt'), 'utf8');
    const hostile: Record<string, string> = {
      'cut.speedscope.json': speedscope.slice(0, Math.floor(speedscope.length / 2)),
      'infinite-weight.speedscope.json': speedscope.replace(/"weights":\[[0-9.e-]+/, '"weights":[1e400'),
      'trap-name.speedscope.json': withFirstProfile(speedscope, p => { p.name = { toString: 1 }; p.weights = p.weights.map(() => 'x'); }),
      'parens.collapsed': '(;'.repeat(100_000) + 'x 1\n', // quadratic (hours) before the fix
      'huge-line.collapsed': raw + 'f (a.py:' + '9'.repeat(100_000) + ') 1\n',
    };
    const before = serverPids();
    const messages: string[] = [];
    for (const [name, text] of Object.entries(hostile)) {
      const file = path.join(await dir(), name);
      await fs.writeFile(file, text);
      const started = Date.now();
      const shown = await openProfileFile(file);
      assert.ok(Date.now() - started < 60_000, `${name} took ${Date.now() - started} ms`);
      if (shown.kind === 'error') {
        assert.ok((shown.message ?? '').length > 20, `${name}: ${shown.message}`);
        messages.push(`${name}: ${shown.message}`);
      }
    }
    console.log(`  hostile files: ${messages.length} of ${Object.keys(hostile).length} refused\n    ${messages.join('\n    ')}`);
    for (const name of ['cut.speedscope.json', 'infinite-weight.speedscope.json', 'trap-name.speedscope.json', 'huge-line.collapsed']) {
      assert.ok(messages.some(m => m.startsWith(name)), `${name} is refused with a message`);
    }
    assert.ok(messages.some(m => m.startsWith('infinite-weight') && /more than 2\^53|non-negative number/.test(m)), messages.join('\n'));
    const afterPids = serverPids();
    assert.ok(before.length === 0 || afterPids[0] === before[0], `the server was not restarted: ${before} → ${afterPids}`);
  });

  it('a file over pyrometer.maxProfileMegabytes is refused, naming its size, the cap and the setting', async () => {
    await setSetting('maxProfileMegabytes', 16);
    await sleep(1000); // the setting reaches the server through onDidChangeConfiguration
    try {
      const file = path.join(await dir(), 'big.collapsed');
      const line = 'main (app.py:1);work (app.py:2);inc (app.py:3) 1\n';
      await fs.writeFile(file, line.repeat(Math.ceil((17 * 1024 * 1024) / line.length)));
      const shown = await openProfileFile(file);
      assert.strictEqual(shown.kind, 'error');
      assert.match(shown.message!, /^big\.collapsed is 17 MB, more than the 16 MB of profiles Pyrometer keeps in memory \(setting pyrometer\.maxProfileMegabytes\)/);
      await fs.rm(file);
    } finally {
      await setSetting('maxProfileMegabytes', undefined);
    }
  });

  it('a stale temporary folder of a dead process is removed when the server restarts; a live owner\'s stays', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise(r => dead.on('exit', r));
    const stale = await ownTempDir(defaultTempRoot(), { pid: dead.pid!, startTicks: 1 });
    await fs.writeFile(path.join(stale, 'result.json.tmp'), 'partial');
    const live = await ownTempDir(defaultTempRoot(), currentOwner()); // this extension host's
    await fs.writeFile(path.join(live, 'in-use.txt'), 'x');

    const [pid] = serverPids();
    assert.ok(pid, 'the language server runs (the tests above started it)');
    process.kill(pid, 'SIGKILL');
    let gone = false;
    for (let i = 0; i < 150 && !gone; i++) {
      await sleep(200);
      gone = !(await fs.stat(stale).then(() => true, () => false));
    }
    const pids = serverPids();
    assert.ok(gone, `${stale} is still there ${30} s after the server was killed (servers now: ${pids})`);
    assert.ok(pids.length === 1 && pids[0] !== pid, `a new server process: ${pids} (killed ${pid})`);
    assert.ok((await fs.readdir(live)).includes(OWNER_MARKER), 'the live owner\'s folder is kept');
    await fs.rm(live, { recursive: true, force: true });
  });
});
