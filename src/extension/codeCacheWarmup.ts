import { spawn } from 'child_process';
import { existsSync } from 'fs';
import path = require('path');
import vscode = require('vscode');
import { codeCachePath, isPrivateDir } from '../bundles/cachedBundle';

/** How long after activation the warm-up starts: out of the window's own start, before most first profile runs. */
const DELAY_MS = 1500;

/**
 * After a first start (an install or an update), fills the code cache of the language client bundle in a child
 * process (dist/codeCacheWarmup.js), so the first profile run of the window does not compile it on the extension
 * host's thread (~95 ms without a cache, ~40 ms with one). Nothing happens when the cache is there or the client
 * already loaded; a failure only means the first run compiles the bundle as before.
 */
export function scheduleCodeCacheWarmup(context: vscode.ExtensionContext, alreadyLoaded: () => boolean, log: (line: string) => void): vscode.Disposable {
  const timer = setTimeout(() => {
    try {
      const bundle = context.asAbsolutePath('dist/languageClient.js');
      const cache = codeCachePath(bundle);
      if (cache === undefined || existsSync(cache) || alreadyLoaded()) return;
      // A cache directory others may write to is never used (cachedBundle.ts): warming it would be wasted work
      // at every start.
      if (existsSync(path.dirname(cache)) && !isPrivateDir(path.dirname(cache))) return;
      const startedMs = Date.now();
      // The extension host's executable as Node (Electron's when VS Code runs on Electron), so V8 is the same one.
      const child = spawn(process.execPath, [context.asAbsolutePath('dist/codeCacheWarmup.js'), bundle], {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true,
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('error', e => log(`code cache warm-up could not start: ${e.message}`));
      child.on('close', code => log(code === 0
        ? `code cache of the language client prepared in ${Date.now() - startedMs} ms (background process)`
        : `code cache warm-up failed (exit ${code}): ${stderr.trim()}`));
    } catch (e) {
      log(`code cache warm-up skipped: ${(e as Error).message}`);
    }
  }, DELAY_MS);
  return { dispose: () => clearTimeout(timer) };
}
