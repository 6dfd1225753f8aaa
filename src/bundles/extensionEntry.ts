// dist/extension.js, the file VS Code loads: it loads the extension's bundle (dist/extensionMain.js) through the
// code cache, and measures that load for the activation figures (src/extension/activationTiming.ts).
const loadStartMs = performance.now();
import path = require('path');
import type * as vscode from 'vscode';
import type * as Main from '../extension/extension';
import { loadCachedBundle } from './cachedBundle';

const main = loadCachedBundle<typeof Main>(path.join(__dirname, 'extensionMain.js'), require);
const load = { startMs: loadStartMs, endMs: performance.now(), codeCache: main.codeCache, phasesMs: main.phasesMs };

export function activate(context: vscode.ExtensionContext): ReturnType<typeof Main.activate> {
  return main.exports.activate(context, load);
}

export function deactivate(): void {
  main.exports.deactivate();
}
