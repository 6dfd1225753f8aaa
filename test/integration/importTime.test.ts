import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ImportCommandResult } from '../../src/extension/importCommands';
import type { StartupCommandResult } from '../../src/extension/startupCommand';
import { hoverText, lensTitles, workspaceRoot } from './workspaceFixtures';

describe('Profile imports (-X importtime), in the real editor', function () {
  this.timeout(120000);
  let script: string;
  let result: ImportCommandResult | undefined;

  before(async () => {
    script = path.join(workspaceRoot(), 'imports.py');
    result = await vscode.commands.executeCommand<ImportCommandResult>('pyrometer.profileImports', vscode.Uri.file(script));
    assert.ok(result?.tree, `no import tree: ${result?.problem}`);
  });

  it("shows json's cumulative time from the same run on `import json`, imports.py's first import line", async () => {
    const tree = result!.tree!;
    assert.strictEqual(result!.script, script);
    const json = tree.nodes.find(n => n.module === 'json' && n.parent < 0);
    assert.ok(json, 'json is not a root of the run');
    const lenses = await lensTitles(script);
    const first = lenses.find(l => l.line === 1); // line 0 is the docstring
    assert.ok(first, `no lens on import json: ${JSON.stringify(lenses)}`);
    const m = /^import time: cum ([\d.]+) ms \(self ([\d.]+) ms\), (\d+) modules?$/.exec(first!.title);
    assert.ok(m, first!.title);
    assert.strictEqual(m![1], (json!.cumulativeUs / 1000).toFixed(1));
    assert.strictEqual(m![2], (json!.selfUs / 1000).toFixed(1));
  });

  it('hover on `import json` shows its cumulative µs exactly as printed', async () => {
    const json = result!.tree!.nodes.find(n => n.module === 'json' && n.parent < 0)!;
    const text = await hoverText(script, 1);
    assert.match(text, new RegExp(`cumulative ${json.cumulativeUs} µs, self ${json.selfUs} µs`));
  });

  it('profiles the imports of a module given as an argument: its tree has that module as a root', async () => {
    const r = await vscode.commands.executeCommand<ImportCommandResult>('pyrometer.profileModuleImports', 'decimal');
    assert.ok(r?.tree, `no import tree: ${r?.problem}`);
    assert.strictEqual(r!.module, 'decimal');
    const roots = r!.tree!.roots.map(i => r!.tree!.nodes[i].module);
    assert.ok(roots.includes('decimal'), `roots: ${roots.join(', ')}`);
    assert.strictEqual(roots[roots.length - 1], 'decimal');
  });
});

describe('Profile startup, in the real editor', function () {
  this.timeout(120000);

  it("separates interpreter and site imports with -X importtime's own figures", async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'imports.py')));
    const r = await vscode.commands.executeCommand<StartupCommandResult>('pyrometer.profileStartup');
    assert.ok(r?.breakdown, `no breakdown: ${r?.problem}`);
    const b = r!.breakdown!;
    const site = b.withSite.tree.nodes.find(n => n.module === 'site' && n.parent < 0);
    assert.ok(site, 'python -X importtime -c pass printed no site import');
    assert.strictEqual(b.siteImportsUs, site!.cumulativeUs);
    assert.ok(!b.noSite.tree.nodes.some(n => n.module === 'site'), 'python -S still imported site');
    assert.strictEqual(b.interpreterImportsUs, b.noSite.topLevelUs);
    assert.ok((b.applicationImportsUs ?? 0) > 0, 'the active script\'s own imports are missing');
  });
});
