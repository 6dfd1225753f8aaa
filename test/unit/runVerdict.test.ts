import * as assert from 'assert';
import type { RunMetadata } from '../../src/core/profileModel';
import type { ProcessOutcome } from '../../src/runners/childProcess';
import { judgeRun } from '../../src/runners/runVerdict';

const exited = (exitCode: number): ProcessOutcome => ({ end: 'exited', exitCode, signal: null, stderrTail: '', forwardedBytes: 0, droppedBytes: 0 });
const meta = (over: Partial<RunMetadata>): RunMetadata => ({
  tool: 'cProfile', python: { version: '3.11.7', implementation: 'cpython', executable: '/py' }, platform: '', argv: [], cwd: '/',
  script: '/s.py', startedAt: '', wallSeconds: 1, cpuSeconds: 1, exitCode: 0, exception: null, threadsSeen: 0, capabilities: {}, ...over,
});

describe('judging how a run ended', () => {
  it('shows a clean run', () => {
    assert.deepStrictEqual(judgeRun({ scriptName: 's.py', process: exited(0), timeoutSeconds: 600, metadata: meta({}) }).severity, 'info');
  });
  it('shows the profile of sys.exit(3) with a warning naming the code', () => {
    const v = judgeRun({ scriptName: 's.py', process: exited(3), timeoutSeconds: 600, metadata: meta({ exitCode: 3 }) });
    assert.deepStrictEqual([v.showResults, v.severity], [true, 'warning']);
    assert.match(v.message, /code 3/);
  });
  it('shows no results for a syntax error and names it', () => {
    const v = judgeRun({ scriptName: 's.py', process: exited(1), timeoutSeconds: 600,
      metadata: meta({ exitCode: 1, exception: { type: 'SyntaxError', message: 'invalid syntax (s.py, line 2)', traceback: '', phase: 'compile' } }) });
    assert.strictEqual(v.showResults, false);
    assert.match(v.message, /syntax error.*line 2/);
  });
  it('never shows partial results of a cancelled or timed-out run', () => {
    for (const end of ['cancelled', 'timedOut'] as const) {
      const v = judgeRun({ scriptName: 's.py', process: { ...exited(0), end }, timeoutSeconds: 5, metadata: meta({}) });
      assert.strictEqual(v.showResults, false, end);
    }
  });
  it('quotes the last stderr line when the runner died without a result', () => {
    const v = judgeRun({ scriptName: 's.py', process: { ...exited(2), stderrTail: 'x\npyrometer-runner: Another profiling tool is already active\n' }, timeoutSeconds: 5 });
    assert.match(v.message, /code 2.*Another profiling tool/);
  });
});
