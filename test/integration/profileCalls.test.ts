import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';
import { hoverText, lensTitles, profile, workspaceRoot, writeScript } from './workspaceFixtures';

/** pstats' own figures for one function of a .prof, as it prints them. */
function pstatsFigures(python: string, prof: string, name: string): { calls: string; tottime: string; cumtime: string } {
  const code = `import pstats, sys, json
s = pstats.Stats(sys.argv[1]).stats
[(cc, nc, tt, ct, _)] = [v for k, v in s.items() if k[2] == sys.argv[2]]
print(json.dumps({"calls": str(nc) if nc == cc else "%d/%d" % (nc, cc), "tottime": "%.3f" % tt, "cumtime": "%.3f" % ct}))`;
  return JSON.parse(execFileSync(python, ['-c', code, prof, name]).toString());
}

describe('Profile this script (cProfile) on calls.py, in the real editor', function () {
  this.timeout(180000);
  let calls: string;
  let prof: string;

  before(async () => {
    calls = path.join(workspaceRoot(), 'calls.py');
    const result = await profile(calls);
    assert.ok(result?.runId, `no run: ${result?.verdict.message}`);
    assert.strictEqual(result!.verdict.severity, 'info', result!.verdict.message);
    prof = result!.profPath!;
  });

  it("shows 3,000,000 calls on inc's CodeLens, with pstats' cumtime and tottime", async () => {
    const lenses = await lensTitles(calls);
    const inc = lenses.find(l => l.line === 3);
    assert.ok(inc, `no lens on def inc; lenses: ${JSON.stringify(lenses)}`);
    const expected = pstatsFigures('python3', prof, 'inc');
    assert.strictEqual(expected.calls, '3000000');
    assert.match(inc!.title, new RegExp(`^cum ${expected.cumtime}s \\| own ${expected.tottime}s \\| 3,000,000 calls \\| \\d+\\.\\d% of total$`));
  });

  it('puts a CodeLens on every profiled def of the file and the module, and a bytecode lens beside each def', async () => {
    const lenses = await lensTitles(calls);
    const figures = lenses.filter(l => l.title !== 'bytecode').map(l => l.line).sort((a, b) => a - b);
    assert.deepStrictEqual(figures, [0, 3, 7, 14]);
    assert.deepStrictEqual(lenses.filter(l => l.title === 'bytecode').map(l => l.line).sort((a, b) => a - b), [3, 7, 14]);
  });

  it("hovering def inc shows its figures and its caller work with the edge's calls", async () => {
    const text = await hoverText(calls, 3);
    assert.match(text, /Called by/);
    assert.match(text, /work.*3,000,000 calls/);
  });

  it('hovering the call site in work names it as a call site of inc', async () => {
    const text = await hoverText(calls, 10);
    assert.match(text, /Call site/);
    assert.match(text, /inc/);
  });
});

describe('figures follow the code and the run history', function () {
  this.timeout(180000);

  it('CodeLens move with the def when lines are inserted above it, and come back to place on undo', async () => {
    const calls = path.join(workspaceRoot(), 'calls.py');
    const first = await profile(calls);
    assert.ok(first?.runId, first?.verdict.message);
    const doc = await vscode.workspace.openTextDocument(calls);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit(b => b.insert(new vscode.Position(0, 0), '# one\n# two\n'));
    try {
      let lines: number[] = [];
      for (let i = 0; i < 30 && !lines.includes(5); i++) {
        lines = (await lensTitles(calls)).filter(l => /3,000,000 calls/.test(l.title)).map(l => l.line);
        await new Promise(r => setTimeout(r, 100));
      }
      assert.deepStrictEqual(lines, [5], 'the inc lens did not follow def inc down two lines');
    } finally {
      await vscode.commands.executeCommand('undo');
      await doc.save();
    }
  });

  it('a run picked from the history is shown again after another script was profiled', async () => {
    const calls = path.join(workspaceRoot(), 'calls.py');
    const first = await profile(calls);
    const other = await writeScript('other.py', 'def only_here():\n    return 1\n\nonly_here()\n');
    const second = await profile(other);
    assert.ok(first?.runId && second?.runId);
    assert.deepStrictEqual(await lensTitles(calls), [], 'calls.py still shows the older run');
    await vscode.commands.executeCommand('pyrometer.showRun', first!.runId);
    assert.ok((await lensTitles(calls)).some(l => l.line === 3 && /3,000,000 calls/.test(l.title)));
  });
});
