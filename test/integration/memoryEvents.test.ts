import * as assert from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MemoryRow } from '../../src/core/memoryAnnotations';
import { byteSize, signedByteSize } from '../../src/core/byteSize';
import type { ProfileCommandResult } from '../../src/extension/profileRun';
import { groupThousands } from '../../src/core/pstatsNumbers';
import { hoverText, lensTitles, workspaceRoot } from './workspaceFixtures';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('Profile memory and Profile GC and exceptions, in the real editor', function () {
  this.timeout(240000);

  it("lists allocations.py's lines with tracemalloc's own figures, and the hover of remember's cache line has its growth", async () => {
    const script = path.join(workspaceRoot(), 'allocations.py');
    const r = await vscode.commands.executeCommand<ProfileCommandResult>('pyrometer.profileMemory', vscode.Uri.file(script));
    assert.ok(r?.runId, r?.verdict.message);
    const result = JSON.parse(readFileSync(r.resultPath!, 'utf8'));
    let rows: MemoryRow[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      rows = await vscode.commands.executeCommand<MemoryRow[]>('pyrometer.allocationRows');
      if (rows.length === 0) await sleep(100);
    }
    const top = result.statistics[0];
    assert.deepStrictEqual([rows[0].file, rows[0].line, rows[0].bytes, rows[0].blocks], [top.file, top.line, top.bytes, top.blocks]);
    const cacheLine = result.diff.entries.find((d: { file: string; line: number }) => d.file === script && d.line === 15);
    assert.ok(cacheLine && cacheLine.bytesDiff > 0, 'the _cache line grew');

    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(script));
    const hover = await hoverText(script, 14);
    assert.ok(hover.includes(signedByteSize(cacheLine.bytesDiff)), hover);
    assert.ok(hover.includes(byteSize(cacheLine.bytes)), hover);

    // Who holds it: the lens on `_cache = {}` carries the runner's retained figures for _cache, the top root.
    const root = result.retainers.roots[0];
    assert.strictEqual(root.name, '_cache');
    let lens: { line: number; title: string } | undefined;
    for (let i = 0; i < 50 && !lens; i++) {
      lens = (await lensTitles(script)).find(l => l.line === root.line - 1 && l.title.includes('keeps'));
      if (!lens) await sleep(100);
    }
    assert.ok(lens, 'a retainer lens on the line binding _cache');
    assert.ok(lens!.title.startsWith(
      `memory: _cache keeps ${byteSize(root.bytes)} alive at the end (${groupThousands(root.objects)} objects, the most of any global) · allocated at line 7`),
      lens!.title);
  });

  it("counts count_codes' KeyError where it is raised, and opens the GC timeline with mixed_app.py's collections", async () => {
    const app = path.join(workspaceRoot(), 'mixed_app.py');
    const r = await vscode.commands.executeCommand<ProfileCommandResult>('pyrometer.profileEvents', vscode.Uri.file(app));
    assert.ok(r?.runId, r?.verdict.message);
    const result = JSON.parse(readFileSync(r.resultPath!, 'utf8'));
    const keyErrors = result.exceptions.sites.filter((s: { file: string; line: number; type: string }) => s.file === app && s.line === 29 && s.type === 'KeyError');
    assert.strictEqual(keyErrors.length, 1);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(app));
    const hover = await hoverText(app, 28);
    assert.match(hover, new RegExp(`KeyError[^\\n]*${keyErrors[0].count}`));
    assert.ok(result.gc.summary.collections.reduce((a: number, b: number) => a + b, 0) > 0, 'mixed_app.py collected');
    let labels: string[] = [];
    for (let i = 0; i < 50 && !labels.includes('Pyrometer: GC Timeline'); i++) {
      await sleep(100);
      labels = vscode.window.tabGroups.all.flatMap(g => g.tabs).map(t => t.label);
    }
    assert.ok(labels.includes('Pyrometer: GC Timeline'), `tabs: ${labels}`);
  });
});
