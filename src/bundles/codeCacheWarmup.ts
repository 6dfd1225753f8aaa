// dist/codeCacheWarmup.js: run in a child process (the extension host's own executable, as Node) to fill the code
// cache of bundles the extension host will load later, so that their first load there takes compiled code instead
// of compiling on the editor's thread (the language client: ~95 ms compiling on a first start, ~40 ms from a cache).
//
//   <node> dist/codeCacheWarmup.js BUNDLE...
//
// Each bundle is loaded as the extension host loads it (its modules evaluated, which compiles the functions they
// run at load), with a stand-in for `vscode` that answers everything, then its cache is written. A cache V8 does not
// accept in the extension host (other V8 flags) is only rejected there and compiled as before.
import './vscodeStandIn';
import { loadCachedBundle } from './cachedBundle';

let failed = 0;
for (const bundle of process.argv.slice(2)) {
  try {
    loadCachedBundle(bundle, require, { writeDelayMs: 0 });
  } catch (e) {
    failed++;
    process.stderr.write(`${bundle}: ${(e as Error).message}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
