import * as assert from 'assert';
import { spawn } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { currentOwner, OWNER_MARKER, ownerIsAlive, ownTempDir, processStartTicks, sweepStaleTempDirs } from '../../../src/runners/tempRoot';

describe('temporary root: stale directories of crashed owners', () => {
  let root: string;
  beforeEach(async () => { root = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-temproot-test-')); });
  afterEach(async () => { await fs.rm(root, { recursive: true, force: true }); });

  /** A pid that was real and is now gone: a child that exited. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise(resolve => child.on('exit', resolve));
    return child.pid!;
  }

  it('removes the directory of an owner that exited, keeps its own and unmarked ones', async () => {
    const mine = await ownTempDir(root);
    await fs.writeFile(path.join(mine, 'partial.json'), '{');
    const dead = { pid: await deadPid(), startTicks: 12345 };
    const stale = await ownTempDir(root, dead);
    await fs.writeFile(path.join(stale, 'result.json.tmp'), 'x'.repeat(1000));
    const unmarked = path.join(root, 'not-ours');
    await fs.mkdir(unmarked);
    await fs.writeFile(path.join(unmarked, 'keep.txt'), 'user data');
    const removed = await sweepStaleTempDirs(root);
    assert.deepStrictEqual(removed, [stale]);
    assert.deepStrictEqual((await fs.readdir(root)).sort(), [path.basename(mine), 'not-ours'].sort());
    assert.strictEqual(await fs.readFile(path.join(unmarked, 'keep.txt'), 'utf8'), 'user data');
  });

  it('a recycled pid (same pid, another start time) is not the owner', async () => {
    const me = currentOwner();
    if (me.startTicks === null) return void assert.ok(process.platform !== 'linux', '/proc must give start times on Linux');
    assert.strictEqual(ownerIsAlive(me), true);
    assert.strictEqual(ownerIsAlive({ pid: me.pid, startTicks: me.startTicks + 1 }), false);
    const stale = await ownTempDir(root, { pid: me.pid, startTicks: me.startTicks - 1 });
    assert.deepStrictEqual(await sweepStaleTempDirs(root), [stale]);
  });

  it('never follows a symlink planted in the root', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-outside-'));
    try {
      await fs.writeFile(path.join(outside, OWNER_MARKER), JSON.stringify({ pid: await deadPid(), startTicks: 1 }));
      await fs.symlink(outside, path.join(root, 'link'));
      assert.deepStrictEqual(await sweepStaleTempDirs(root), []);
      assert.ok((await fs.readdir(outside)).includes(OWNER_MARKER));
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it('reads the start time of a live process from /proc', () => {
    if (process.platform !== 'linux') return;
    const ticks = processStartTicks(process.pid);
    assert.ok(ticks !== null && ticks > 0, `start ticks ${ticks}`);
  });
});
