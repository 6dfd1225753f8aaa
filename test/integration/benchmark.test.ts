import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { BenchCommandResult } from '../../src/extension/benchCommand';
import { workspaceRoot } from './workspaceFixtures';

describe('Benchmark selection/function, in the real editor', function () {
  this.timeout(180000);

  it('times work(20000) of calls.py with timeit and shows every repetition', async () => {
    const calls = path.join(workspaceRoot(), 'calls.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(calls));
    const outcome = (await vscode.commands.executeCommand<BenchCommandResult>('pyrometer.benchmark', vscode.Uri.file(calls),
      { target: { kind: 'call', qualname: 'work', args: '(20000,)' } }))!;
    assert.ok('result' in outcome, JSON.stringify(outcome));
    if (!('result' in outcome)) return;
    assert.strictEqual(outcome.result.error, null);
    assert.strictEqual(outcome.result.valuesSeconds.length, 7);
    assert.ok(outcome.result.minSeconds > 0 && outcome.result.minSeconds <= outcome.result.medianSeconds);
    assert.match(outcome.markdown, /7 repetitions of [\d,]+ loops \(chosen by autorange\)/);
    // a second run of the same target is compared with the first
    const again = (await vscode.commands.executeCommand<BenchCommandResult>('pyrometer.benchmark', vscode.Uri.file(calls),
      { target: { kind: 'call', qualname: 'work', args: '(20000,)' } }))!;
    assert.ok('markdown' in again && /Against the previous run of the same target/.test(again.markdown), JSON.stringify(again));
  });
});
