// One small build script for every bundle: extension host, language server, webview apps.
import * as esbuild from 'esbuild';
import { writeWasmModules } from './scripts/build-wasm.mjs';

const production = process.argv.includes('--production');
const common = { bundle: true, minify: production, sourcemap: !production, logLevel: 'warning' };

// The WebAssembly modules first: the bundles embed them (src/core/*Wasm.ts).
await writeWasmModules();

await Promise.all([
  // Sources import CommonJS modules (vscode, Node's own) as `import x = require('x')`, never `import * as x`: esbuild
  // wraps every namespace import in a copy of all the module's properties, once per importing file (41 copies of
  // the vscode API were ~60 ms of activation). test/unit/bundles/importStyle.test.ts keeps it so.
  // dist/extension.js and dist/server.js are small entries that load the real bundles through V8's code cache
  // (src/bundles/cachedBundle.ts); the language client bundle is loaded the same way on first need.
  esbuild.build({ ...common, entryPoints: ['src/bundles/extensionEntry.ts'], outfile: 'dist/extension.js',
    platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extensionMain.js',
    platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['src/extension/languageClientBundle.ts'], outfile: 'dist/languageClient.js',
    platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['src/bundles/codeCacheWarmup.ts'], outfile: 'dist/codeCacheWarmup.js',
    platform: 'node', format: 'cjs', target: 'node18' }),
  esbuild.build({ ...common, entryPoints: ['src/bundles/serverEntry.ts'], outfile: 'dist/server.js',
    platform: 'node', format: 'cjs', target: 'node18' }),
  esbuild.build({ ...common, entryPoints: ['src/server/server.ts'], outfile: 'dist/serverMain.js',
    platform: 'node', format: 'cjs', target: 'node18' }),
  esbuild.build({ ...common, entryPoints: ['src/webview/functionTable/main.ts'], outfile: 'dist/webview/functionTable.js',
    platform: 'browser', format: 'iife', target: 'es2020' }),
  esbuild.build({ ...common, entryPoints: ['src/webview/flameGraph/main.ts'], outfile: 'dist/webview/flameGraph.js',
    platform: 'browser', format: 'iife', target: 'es2020' }),
  esbuild.build({ ...common, entryPoints: ['src/webview/gcTimeline/main.ts'], outfile: 'dist/webview/gcTimeline.js',
    platform: 'browser', format: 'iife', target: 'es2020' }),
]);
