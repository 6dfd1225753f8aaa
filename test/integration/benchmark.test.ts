import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { BenchCommandResult } from '../../src/extension/benchCommand';
import { toolVenvPython } from '../support/toolVenvs';
import { setSetting, workspaceRoot } from './workspaceFixtures';

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

  describe('with pyperf', function () {
    this.timeout(300000);
    after(async () => {
      await setSetting('pythonPath', undefined);
      await setSetting('benchmark.engine', undefined);
    });

    it('times with pyperf when the interpreter has it (auto), and compares the second run with pyperf compare_to', async () => {
      const pyperfPython = toolVenvPython('pyperf', '3.11');
      await setSetting('pythonPath', pyperfPython);
      const calls = path.join(workspaceRoot(), 'calls.py');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(calls));
      const run = async () => (await vscode.commands.executeCommand<BenchCommandResult>('pyrometer.benchmark', vscode.Uri.file(calls),
        { target: { kind: 'call', qualname: 'work', args: '(200,)' } }))!;
      const first = await run();
      assert.ok('result' in first, JSON.stringify(first));
      if (!('result' in first)) return;
      assert.strictEqual(first.result.error, null);
      assert.strictEqual(first.result.engine, 'pyperf');
      assert.ok(first.result.pyperf!.processes >= 3, `${first.result.pyperf!.processes} processes`);
      assert.strictEqual(first.result.valuesSeconds.length, first.result.pyperf!.runs.reduce((n, r) => n + r.valuesSeconds.length, 0));
      assert.match(first.markdown, /pyperf \(fast mode\) on Python 3\\\.11\\\.\d+: \d+ values from \d+ processes/);
      assert.strictEqual(first.result.pyperf!.compareText, null);
      const second = await run();
      assert.ok('result' in second, JSON.stringify(second));
      if (!('result' in second)) return;
      const compared = second.result.pyperf!.compareText;
      assert.ok(compared !== null && /^Mean \+- std dev: \[previous-pyperf\] .* -> \[pyperf\] .*\n(Not significant!|Significant \(t=)/.test(compared), JSON.stringify(second.result.pyperf));
      assert.ok(second.markdown.includes('```\n' + compared.trimEnd() + '\n```'), second.markdown);
      // engine "timeit" is obeyed even though pyperf is installed
      await setSetting('benchmark.engine', 'timeit');
      const third = await run();
      assert.ok('result' in third && third.result.engine === 'timeit' && third.result.valuesSeconds.length === 7, JSON.stringify(third));
    });
  });
});
