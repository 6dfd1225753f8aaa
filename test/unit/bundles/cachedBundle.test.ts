import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFile } from 'child_process';
import { promisify } from 'util';
import { existsSync } from 'fs';
import { codeCachePath, loadCachedBundle } from '../../../src/bundles/cachedBundle';

const execFileAsync = promisify(execFile);
const LOADER = path.resolve(__dirname, '..', '..', '..', 'src', 'bundles', 'cachedBundle.js'); // out/test/unit/bundles -> out/src
const WARMUP = path.resolve(__dirname, '..', '..', '..', 'src', 'bundles', 'codeCacheWarmup.js');

const BUNDLE = `"use strict";
const os = require('os');
module.exports = { answer: 6 * 7, dir: __dirname, file: __filename, home: typeof os.homedir(), self: this === module.exports };
module.exports.fail = () => { throw new Error('from the bundle'); };
`;

describe('bundles loaded through the V8 code cache', () => {
  let dir: string;
  let cacheDir: string;
  let file: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-codecache-test-'));
    cacheDir = path.join(dir, 'cache');
    file = path.join(dir, 'bundle.js');
    await fs.writeFile(file, BUNDLE);
  });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  /**
   * Loads in a new Node process, as the editor does on each start (within one process V8 keeps compiled code in
   * memory and would not even look at the cache), and waits for the background write (delay 0).
   */
  async function load(f = file): Promise<{ codeCache: string; exports: Record<string, unknown> }> {
    const script = `const { loadCachedBundle } = require(${JSON.stringify(LOADER)});
      const l = loadCachedBundle(${JSON.stringify(f)}, require, { cacheDir: ${JSON.stringify(cacheDir)}, writeDelayMs: 0 });
      setTimeout(() => console.log(JSON.stringify({ codeCache: l.codeCache, exports: l.exports })), 20);`;
    const { stdout } = await execFileAsync(process.execPath, ['-e', script]);
    return JSON.parse(stdout);
  }

  it('runs the bundle as a CommonJS module, compiles it once, and takes compiled code from the cache next time', async () => {
    const first = await load();
    assert.deepStrictEqual(first.exports, { answer: 42, dir, file, home: 'string', self: true });
    assert.strictEqual(first.codeCache, 'made');
    const files = await fs.readdir(cacheDir);
    assert.strictEqual(files.length, 1);
    assert.match(files[0], /^bundle-[0-9a-f]{20}\.v8cache$/);
    assert.ok((await fs.stat(path.join(cacheDir, files[0]))).size > 0);
    const second = await load();
    assert.strictEqual(second.codeCache, 'used');
    assert.strictEqual(second.exports.answer, 42);
  });

  it('a changed bundle of the same length never runs the old compiled code', async () => {
    await load();
    await fs.writeFile(file, BUNDLE.replace('6 * 7', '7 * 7'));
    const changed = await load();
    assert.strictEqual(changed.exports.answer, 49);
    assert.strictEqual(changed.codeCache, 'made');
    assert.strictEqual((await fs.readdir(cacheDir)).length, 1, 'the old version\'s cache is removed');
  });

  it('a damaged cache is rejected by V8: the bundle compiles normally and the cache is written again', async () => {
    await load();
    const [name] = await fs.readdir(cacheDir);
    await fs.writeFile(path.join(cacheDir, name), Buffer.alloc(4096, 0x5a));
    const damaged = await load();
    assert.strictEqual(damaged.codeCache, 'rejected');
    assert.strictEqual(damaged.exports.answer, 42);
    assert.strictEqual((await load()).codeCache, 'used');
  });

  it('never reads a cache from a directory others can write to', async function () {
    if (process.platform === 'win32') this.skip();
    await load();
    await fs.chmod(cacheDir, 0o777);
    const shared = await load();
    assert.strictEqual(shared.codeCache, 'made');
    assert.strictEqual(shared.exports.answer, 42);
  });

  it('keeps the bundle\'s own line numbers in stack traces', () => {
    const loaded = loadCachedBundle<Record<string, unknown>>(file, require, { cacheDir: null });
    assert.throws(() => (loaded.exports.fail as () => void)(), (e: Error) => e.stack!.includes(`${file}:4:`));
  });

  it('the warm-up process fills the cache a later load takes, also for a bundle that needs vscode at load', async () => {
    const needsVscode = path.join(dir, 'client.js');
    await fs.writeFile(needsVscode, `const vscode = require('vscode');\nclass C extends vscode.Disposable {}\nmodule.exports = { C, kind: typeof vscode.window.createOutputChannel };\n`);
    await fs.mkdir(cacheDir, { mode: 0o700 });
    assert.ok(!existsSync(codeCachePath(file, { cacheDir })!));
    const { stderr } = await execFileAsync(process.execPath, [WARMUP, file, needsVscode], { env: { ...process.env, PYROMETER_CODE_CACHE_DIR: cacheDir } });
    assert.strictEqual(stderr, '');
    for (const f of [file, needsVscode]) assert.ok((await fs.stat(codeCachePath(f, { cacheDir })!)).size > 0, f);
    assert.strictEqual((await load()).codeCache, 'used');
    // A bundle that fails to load: the warm-up says which and exits 1, the others still get their cache.
    const broken = path.join(dir, 'broken.js');
    await fs.writeFile(broken, 'throw new Error("cannot load");\n');
    await fs.rm(cacheDir, { recursive: true });
    await fs.mkdir(cacheDir, { mode: 0o700 });
    await assert.rejects(execFileAsync(process.execPath, [WARMUP, broken, file], { env: { ...process.env, PYROMETER_CODE_CACHE_DIR: cacheDir } }),
      (e: { code: number; stderr: string }) => e.code === 1 && e.stderr.includes('broken.js: cannot load'));
    assert.ok(existsSync(codeCachePath(file, { cacheDir })!));
  });

  it('no cache directory: loads without a cache', () => {
    const loaded = loadCachedBundle<Record<string, unknown>>(file, require, { cacheDir: null });
    assert.deepStrictEqual([loaded.codeCache, loaded.exports.answer], ['off', 42]);
  });
});
