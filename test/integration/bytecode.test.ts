import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { BytecodeCommandResult } from '../../src/extension/bytecodeCommand';
import { STATUS_MARKERS } from '../../src/core/bytecodeDocument';
import { hoverText, profile, workspaceRoot, writeScript } from './workspaceFixtures';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function listingEditor(uri: string): vscode.TextEditor | undefined {
  return vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === uri);
}

/** The 0-based listing line showing `opname` at `offset` (the instruction's own line in the document). */
function instructionLine(doc: vscode.TextDocument, offset: number, opname: string): number {
  const pattern = new RegExp(`^\\s+(?:>>\\s+)?${offset}\\s+${opname}\\b`);
  for (let i = 0; i < doc.lineCount; i++) if (pattern.test(doc.lineAt(i).text)) return i;
  return -1;
}

describe('Show specialized bytecode, in the real editor', function () {
  this.timeout(180000);
  let script: string;
  let result: BytecodeCommandResult;

  before(async () => {
    script = path.join(workspaceRoot(), 'attributes.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(script));
    result = await vscode.commands.executeCommand<BytecodeCommandResult>('pyrometer.showBytecode', vscode.Uri.file(script), { line: 28 });
    assert.ok(result?.listing, `no listing: ${result?.problem}`);
  });

  it("opens the listing beside the source, with total_price's attribute load specialized as the interpreter reported", async () => {
    const editor = listingEditor(result.uri!);
    assert.ok(editor, 'the listing is in a visible editor');
    assert.strictEqual(editor!.document.languageId, 'pyrometer-dis');
    const totalPrice = result.listing!.codeObjects.find(c => c.qualname === 'total_price')!;
    const load = totalPrice.instructions.find(i => i.line === 28 && i.baseOpname === 'LOAD_ATTR')!;
    assert.ok(load, JSON.stringify(totalPrice.instructions.filter(i => i.line === 28)));
    if (result.listing!.adaptive.available) {
      assert.strictEqual(load.status, 'specialized', `the monomorphic site: ${load.opname}`);
      assert.notStrictEqual(load.opname, 'LOAD_ATTR');
    }
    const line = instructionLine(editor!.document, load.offset, load.opname);
    assert.ok(line >= 0, `no listing line for ${load.offset} ${load.opname}`);
    assert.ok(editor!.document.lineAt(line).text.includes(STATUS_MARKERS[load.status]), editor!.document.lineAt(line).text);
  });

  it('hovering item.price in the source lists the line\'s instructions with their status', async () => {
    const text = await hoverText(script, 27);
    assert.match(text, /Bytecode of line 28/);
    const load = result.listing!.codeObjects.find(c => c.qualname === 'total_price')!.instructions.find(i => i.line === 28 && i.baseOpname === 'LOAD_ATTR')!;
    assert.ok(text.includes(`\`${load.opname}\``), text);
  });

  it('moving the cursor in the source scrolls the listing to that line, and back', async () => {
    const source = vscode.window.visibleTextEditors.find(e => e.document.uri.fsPath === script)!;
    const listing = listingEditor(result.uri!)!;
    const mixed = result.listing!.codeObjects.find(c => c.qualname === 'mixed_total')!;
    const load = mixed.instructions.find(i => i.line === 35 && i.baseOpname === 'LOAD_ATTR')!;
    const target = instructionLine(listing.document, load.offset, load.opname);
    source.selection = new vscode.Selection(34, 8, 34, 8);
    for (let i = 0; i < 30 && !listing.visibleRanges.some(r => r.contains(new vscode.Position(target, 0))); i++) await sleep(100);
    assert.ok(listing.visibleRanges.some(r => r.contains(new vscode.Position(target, 0))),
      `line ${target} not in ${JSON.stringify(listing.visibleRanges)}`);

    const lines = listing.document.getText().split('\n');
    const header = lines.findIndex(l => /^def total_price\b/.test(l));
    const sourceRow = lines.findIndex((l, i) => i > header && /^\s+28 │/.test(l));
    assert.ok(header >= 0 && sourceRow > header, 'the listing has total_price and its line 28');
    source.revealRange(new vscode.Range(source.document.lineCount - 1, 0, source.document.lineCount - 1, 0), vscode.TextEditorRevealType.AtTop);
    for (let i = 0; i < 30 && source.visibleRanges.some(r => r.contains(new vscode.Position(27, 0))); i++) await sleep(100);
    assert.ok(!source.visibleRanges.some(r => r.contains(new vscode.Position(27, 0))), 'line 28 scrolled out of view first');
    listing.selection = new vscode.Selection(sourceRow + 1, 0, sourceRow + 1, 0);
    for (let i = 0; i < 30 && !source.visibleRanges.some(r => r.contains(new vscode.Position(27, 0))); i++) await sleep(100);
    assert.ok(source.visibleRanges.some(r => r.contains(new vscode.Position(27, 0))), JSON.stringify(source.visibleRanges));
  });

  it('warms up one function with arguments instead of running the script', async () => {
    const file = await writeScript('bytecode/warm.py', [
      'def add(a, b):',
      '    return a + b',
      '',
      'if __name__ == "__main__":',
      '    raise SystemExit("the main block must not run")',
      '',
    ].join('\n'));
    const r = await vscode.commands.executeCommand<BytecodeCommandResult>('pyrometer.showBytecode', vscode.Uri.file(file),
      { call: { qualname: 'add', args: '(1, 2)', repeat: 50 } });
    assert.ok(r?.listing, r?.problem);
    assert.deepStrictEqual([r.listing!.warmup.mode, r.listing!.warmup.call, r.listing!.metadata.exitCode], ['call', 'add', 0]);
    const add = r.listing!.codeObjects.find(c => c.qualname === 'add')!.instructions.find(i => i.baseOpname === 'BINARY_OP')!;
    if (r.listing!.adaptive.available) assert.strictEqual(add.status, 'specialized', add.opname);
  });

  it('offers a "bytecode" CodeLens on each profiled def, which opens the listing at that def', async () => {
    const calls = path.join(workspaceRoot(), 'calls.py');
    const run = await profile(calls);
    assert.ok(run?.runId, run?.verdict.message);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(calls));
    let lens: vscode.CodeLens | undefined;
    for (let i = 0; i < 50 && !lens; i++) {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(calls), 100);
      lens = lenses.find(l => l.command?.title === 'bytecode' && l.range.start.line === 3);
      if (!lens) await sleep(100);
    }
    assert.ok(lens, 'no bytecode lens on def inc');
    const r = await vscode.commands.executeCommand<BytecodeCommandResult>(lens!.command!.command, ...(lens!.command!.arguments ?? []));
    assert.ok(r?.listing?.codeObjects.some(c => c.qualname === 'inc'), r?.problem);
  });
});
