/**
 * Loading Pyrometer's bundles (issue 11, activation and the first profile run): each bundle loaded in a new Node
 * process the way the editor did before (require), and through the code cache (src/bundles/cachedBundle.ts) with
 * an empty cache (a first start after installing or updating) and with the cache that start left (every later
 * start). The baseline is require in the same run; `vscode` is a stub, so this is the bundle's own cost, not the
 * editor's. Not a test: nothing here asserts a time.
 *
 *   npm run build:production && npm run compile-tests && node out/bench/bundleLoad.bench.js
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, statSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median } from './timing';

const repoRoot = path.resolve(__dirname, '..', '..'); // out/bench -> repo
const loader = path.join(repoRoot, 'out', 'src', 'bundles', 'cachedBundle.js');
const REPEATS = 7;

// `vscode` answers a stand-in in the measuring processes (src/bundles/vscodeStandIn.ts, as for the code cache warm-up).
const stubFile = path.join(repoRoot, 'out', 'src', 'bundles', 'vscodeStandIn.js');

type Way = 'require' | 'cache';

/** Milliseconds to load `bundle` in a new process (measured inside it, so Node's own start is not counted). */
function loadMs(stubFile: string, bundle: string, way: Way, cacheDir: string): { ms: number; codeCache: string } {
  const script = way === 'require'
    ? `const t = performance.now(); require(${JSON.stringify(bundle)}); console.log(JSON.stringify({ ms: performance.now() - t, codeCache: 'none' }));`
    : `const { loadCachedBundle } = require(${JSON.stringify(loader)});
       const t = performance.now(); const l = loadCachedBundle(${JSON.stringify(bundle)}, require, { cacheDir: ${JSON.stringify(cacheDir)}, writeDelayMs: 0 });
       const ms = performance.now() - t; setTimeout(() => console.log(JSON.stringify({ ms, codeCache: l.codeCache })), 50);`;
  return JSON.parse(execFileSync(process.execPath, ['-r', stubFile, '-e', script], { encoding: 'utf8' }));
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'pyrometer-bench-bundles-'));
try {
  console.log(`Bundle loading — ${new Date().toISOString()}`);
  console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; node ${process.version}; median of ${REPEATS} new processes each`);
  console.log('');
  console.log('| bundle | size | require (baseline) ms | code cache empty ms | ratio | code cache filled ms | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const name of ['extensionMain.js', 'languageClient.js']) {
    const bundle = path.join(repoRoot, 'dist', name);
    const required: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const cacheDir = path.join(dir, `cache-${name}-${i}`);
      required.push(loadMs(stubFile, bundle, 'require', cacheDir).ms);
      const first = loadMs(stubFile, bundle, 'cache', cacheDir);
      const second = loadMs(stubFile, bundle, 'cache', cacheDir);
      if (first.codeCache !== 'made' || second.codeCache !== 'used') throw new Error(`${name}: code cache ${first.codeCache} then ${second.codeCache}`);
      cold.push(first.ms);
      warm.push(second.ms);
    }
    const base = median(required);
    console.log(`| dist/${name} | ${(statSync(bundle).size / 1024).toFixed(0)} KB | ${base.toFixed(1)} | ${median(cold).toFixed(1)} | ` +
      `${(median(cold) / base).toFixed(2)}× | ${median(warm).toFixed(1)} | ${(median(warm) / base).toFixed(2)}× |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
