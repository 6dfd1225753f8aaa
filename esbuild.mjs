// One small build script for every bundle: extension host, language server, webview apps.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const common = { bundle: true, minify: production, sourcemap: !production, logLevel: 'warning' };

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js',
    platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'],
    // Marks for src/extension/activationTiming.ts: the bundle's first and last statements.
    banner: { js: '"use strict"; var __pyrometerBundleStartMs = performance.now();' },
    footer: { js: 'var __pyrometerBundleEndMs = performance.now();' } }),
  esbuild.build({ ...common, entryPoints: ['src/extension/languageClientBundle.ts'], outfile: 'dist/languageClient.js',
    platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js',
    platform: 'node', format: 'cjs', target: 'node18' }),
  esbuild.build({ ...common, entryPoints: ['src/webview/functionTable/main.ts'], outfile: 'dist/webview/functionTable.js',
    platform: 'browser', format: 'iife', target: 'es2020' }),
  esbuild.build({ ...common, entryPoints: ['src/webview/flameGraph/main.ts'], outfile: 'dist/webview/flameGraph.js',
    platform: 'browser', format: 'iife', target: 'es2020' }),
  esbuild.build({ ...common, entryPoints: ['src/webview/gcTimeline/main.ts'], outfile: 'dist/webview/gcTimeline.js',
    platform: 'browser', format: 'iife', target: 'es2020' }),
]);
