import { createHash } from 'crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import os = require('os');
import path = require('path');
import vm = require('vm');

/**
 * Loads one of Pyrometer's CommonJS bundles through V8's code cache. Most of the time it takes to load a bundle
 * is V8 compiling its functions, not running them (the language client: ~140 ms to require, ~45 ms from a cache,
 * measured in Node 20 here); the compiled code of a bundle is kept on disk after its first load and handed back to
 * V8 on the next, like VS Code does for its own code.
 *
 * The cache is keyed by the bundle's content, the V8 version and the architecture (V8 itself only checks the
 * source's length), lives in a directory private to the user, and is only ever an accelerator: a missing,
 * unreadable or rejected cache means a normal compile, and a new cache is written in the background.
 */
export type CodeCacheUse = 'used' | 'made' | 'rejected' | 'off';

export interface LoadedBundle<T> {
  readonly exports: T;
  /** used: compiled code came from the cache; made/rejected: compiled now, a cache is written; off: no cache dir. */
  readonly codeCache: CodeCacheUse;
  /** Where the load's time went: reading the bundle and its cache, compiling (or taking the cache), running it. */
  readonly phasesMs: { readonly read: number; readonly compile: number; readonly run: number };
}

/** How long after loading the cache is written: long enough for the functions used early to be compiled too. */
const WRITE_DELAY_MS = 10_000;
const SUFFIX = '.v8cache';

/**
 * The per-user cache directory (XDG on Linux, the platform's cache folder elsewhere), or undefined.
 * PYROMETER_CODE_CACHE_DIR overrides it (empty: no cache), for benchmarks that compare starts with and without one.
 */
export function defaultCodeCacheDir(): string | undefined {
  const override = process.env.PYROMETER_CODE_CACHE_DIR;
  if (override !== undefined) return override || undefined;
  const home = os.homedir();
  if (!home) return undefined;
  const base = process.platform === 'win32' ? process.env.LOCALAPPDATA || path.join(home, 'AppData', 'Local')
    : process.platform === 'darwin' ? path.join(home, 'Library', 'Caches')
      : process.env.XDG_CACHE_HOME || path.join(home, '.cache');
  return path.join(base, 'pyrometer', 'code-cache');
}

export interface CodeCacheOptions {
  /** Where caches live; null: no cache. Default: defaultCodeCacheDir(). */
  readonly cacheDir?: string | null;
  /** 0 or less: the cache is written before loadCachedBundle returns. */
  readonly writeDelayMs?: number;
}

/** Where the cache of `file` (as it is now, for this V8) is or would be; undefined when there is no cache dir. */
export function codeCachePath(file: string, options: CodeCacheOptions = {}): string | undefined {
  const cacheDir = options.cacheDir === null ? undefined : options.cacheDir ?? defaultCodeCacheDir();
  return cacheDir === undefined ? undefined : cachePathOf(cacheDir, file, readFileSync(file, 'utf8'));
}

function cachePathOf(cacheDir: string, file: string, source: string): string {
  return path.join(cacheDir, `${cacheName(file)}-${cacheKey(source)}${SUFFIX}`);
}

export function loadCachedBundle<T>(file: string, requireFn: NodeJS.Require, options: CodeCacheOptions = {}): LoadedBundle<T> {
  const cacheDir = options.cacheDir === null ? undefined : options.cacheDir ?? defaultCodeCacheDir();
  const t0 = performance.now();
  const source = readFileSync(file, 'utf8');
  const name = cacheName(file);
  const cachePath = cacheDir === undefined ? undefined : cachePathOf(cacheDir, file, source);
  const cachedData = cachePath !== undefined && isPrivateDir(cacheDir!) ? readOrUndefined(cachePath) : undefined;
  const t1 = performance.now();
  // The wrapper on its own line, so that line numbers in stack traces are the bundle's own.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: file, lineOffset: -1, cachedData,
  });
  const t2 = performance.now();
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, requireFn, module, file, path.dirname(file));
  const t3 = performance.now();
  const codeCache: CodeCacheUse = cachePath === undefined ? 'off' : cachedData === undefined ? 'made' : script.cachedDataRejected ? 'rejected' : 'used';
  if (codeCache === 'made' || codeCache === 'rejected') {
    const write = () => writeCodeCache(cacheDir!, name, cachePath!, script.createCachedData());
    const delayMs = options.writeDelayMs ?? WRITE_DELAY_MS;
    if (delayMs <= 0) write();
    else setTimeout(write, delayMs).unref();
  }
  return { exports: module.exports, codeCache, phasesMs: { read: t1 - t0, compile: t2 - t1, run: t3 - t2 } };
}

/**
 * Writes a bundle's cache whole (temp file + rename) and removes the caches of the bundle's other versions (same
 * name, another key). Never throws.
 */
function writeCodeCache(cacheDir: string, name: string, cachePath: string, data: Buffer): void {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    if (!isPrivateDir(cacheDir)) return;
    const tmp = `${cachePath}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, cachePath);
    const current = path.basename(cachePath);
    for (const other of readdirSync(cacheDir)) {
      if (other.startsWith(`${name}-`) && other.endsWith(SUFFIX) && other !== current) rmSync(path.join(cacheDir, other), { force: true });
    }
  } catch {
    // a cache that cannot be written only means compiling again next time
  }
}

function cacheName(file: string): string {
  return path.basename(file, '.js').replace(/[^\w.-]/g, '_');
}

function cacheKey(source: string): string {
  return createHash('sha256').update(source).update(`\0${process.versions.v8}\0${process.arch}`).digest('hex').slice(0, 20);
}

/**
 * Compiled code from the cache runs without further checks, so it is only read from a real directory of this user
 * that nobody else may write to.
 */
export function isPrivateDir(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory()) return false;
    if (process.platform === 'win32') return true; // per-user LOCALAPPDATA; POSIX modes do not apply
    return st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
