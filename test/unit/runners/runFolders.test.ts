import * as assert from 'assert';
import { spawn } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRunFolder, readRunFolders, RUN_RECORD, UNMARKED_GRACE_MS, writeRunRecord } from '../../../src/runners/runFolders';

/** A pid that was real and is now gone: a child that exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise(resolve => child.on('exit', resolve));
  return child.pid!;
}

describe('run folders: reading the history never removes a run in progress', () => {
  let runs: string;
  beforeEach(async () => { runs = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-runs-test-')); });
  afterEach(async () => { await fs.rm(runs, { recursive: true, force: true }); });

  it('lists finished runs, keeps the folder of a live maker, removes the one of a maker that is gone', async () => {
    const finished = await createRunFolder(path.join(runs, 'a-finished'));
    await writeRunRecord(finished, { runId: 'a-finished' });
    // This process is still making this one (a script running, a pstats file being read): its files must stay.
    const running = await createRunFolder(path.join(runs, 'b-running'));
    await fs.writeFile(path.join(running, 'pyspy-raw.txt'), 'main (app.py:3) 1\n');
    const crashed = await createRunFolder(path.join(runs, 'c-crashed'), { pid: await deadPid(), startTicks: null });

    const listing = await readRunFolders<{ runId: string }>(runs);
    assert.deepStrictEqual(listing.records, [{ runId: 'a-finished' }]);
    assert.deepStrictEqual(listing.inProgress, [running]);
    assert.deepStrictEqual(listing.removed, [crashed]);
    assert.deepStrictEqual((await fs.readdir(runs)).sort(), ['a-finished', 'b-running']);
    assert.strictEqual(await fs.readFile(path.join(running, 'pyspy-raw.txt'), 'utf8'), 'main (app.py:3) 1\n');
  });

  it('a torn record is litter only once its maker is gone', async () => {
    const mine = await createRunFolder(path.join(runs, 'mine'));
    await fs.writeFile(path.join(mine, RUN_RECORD), '{"runId": "mi');
    const theirs = await createRunFolder(path.join(runs, 'theirs'), { pid: await deadPid(), startTicks: null });
    await fs.writeFile(path.join(theirs, RUN_RECORD), '{"runId": "th');
    const listing = await readRunFolders(runs);
    assert.deepStrictEqual([listing.records, listing.inProgress, listing.removed], [[], [mine], [theirs]]);
  });

  it('a folder without a marker is kept for a grace period, then removed', async () => {
    const unmarked = path.join(runs, 'unmarked');
    await fs.mkdir(unmarked);
    const now = (await fs.stat(unmarked)).mtimeMs;
    assert.deepStrictEqual((await readRunFolders(runs, { nowMs: now + UNMARKED_GRACE_MS - 1000 })).inProgress, [unmarked]);
    assert.deepStrictEqual((await readRunFolders(runs, { nowMs: now + UNMARKED_GRACE_MS + 1000 })).removed, [unmarked]);
    assert.deepStrictEqual(await fs.readdir(runs), []);
  });

  it('the owner decides, through the liveness check it is given', async () => {
    const dir = await createRunFolder(path.join(runs, 'x'), { pid: 4242, startTicks: 7 });
    const seen: unknown[] = [];
    const listing = await readRunFolders(runs, { isAlive: o => { seen.push(o); return true; } });
    assert.deepStrictEqual([listing.inProgress, seen], [[dir], [{ pid: 4242, startTicks: 7 }]]);
  });

  it('no runs folder yet is an empty history', async () => {
    assert.deepStrictEqual(await readRunFolders(path.join(runs, 'missing')), { records: [], inProgress: [], removed: [] });
  });

  it('a record is written whole: no temporary file is left, and a rewrite replaces it', async () => {
    const dir = await createRunFolder(path.join(runs, 'r'));
    await writeRunRecord(dir, { runId: 'r', n: 1 });
    await writeRunRecord(dir, { runId: 'r', n: 2 });
    assert.deepStrictEqual((await fs.readdir(dir)).sort(), ['owner.json', RUN_RECORD].sort());
    assert.deepStrictEqual(JSON.parse(await fs.readFile(path.join(dir, RUN_RECORD), 'utf8')), { runId: 'r', n: 2 });
  });
});
