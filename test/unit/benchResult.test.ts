import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchMarkdown, parseBenchResult } from '../../src/core/benchResult';
import { durationText } from '../../src/core/durationText';
import { runBench } from '../../src/runners/bench';
import { RUNNER_ROOT, testPython, WORKLOADS } from '../support/pythonForTests';

describe('benchmarks (runner bench subcommand, timeit)', function () {
  this.timeout(120000);
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-bench-')); });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('times a function of a real script and shows every repetition and the summary timeit\'s values give', async () => {
    const outcome = await runBench({
      python: testPython(), runnerRoot: RUNNER_ROOT, target: { kind: 'script', script: path.join(WORKLOADS, 'calls.py') }, args: [], cwd: WORKLOADS,
      runDir: dir, timeoutMs: 100000, timed: { kind: 'call', qualname: 'work', args: '(20000,)' }, repeat: 5,
    });
    assert.ok(outcome.hasResult, outcome.process.stderrTail);
    const text = await fs.readFile(outcome.resultPath, 'utf8');
    const result = parseBenchResult(text);
    assert.strictEqual(result.target, 'work(20000)');
    assert.strictEqual(result.valuesSeconds.length, 5);
    // the summary is Python's statistics of the same values
    const stats = JSON.parse(execFileSync(testPython(), ['-c',
      'import json, statistics, sys; v = json.loads(sys.argv[1]); print(json.dumps([min(v), statistics.median(v), statistics.mean(v), statistics.stdev(v)]))',
      JSON.stringify(result.valuesSeconds)]).toString()) as number[];
    assert.deepStrictEqual([result.minSeconds, result.medianSeconds, result.meanSeconds, result.stdevSeconds], stats);
    const markdown = benchMarkdown(result);
    for (const v of result.valuesSeconds) assert.ok(markdown.includes(durationText(v * 1e9)), `value ${v} not shown`);
    assert.match(markdown, new RegExp(`\\| ${durationText(result.minSeconds * 1e9)} \\| ${durationText(result.medianSeconds * 1e9)} \\|`));
    assert.match(markdown, /5 repetitions of [\d,]+ loops \(chosen by autorange\)/);
  });

  it('compares with the previous result of the same target', () => {
    const base = { schema: 'pyrometer.bench/1', engine: 'timeit', stmt: 'f()', number: 10, autorange: true, metadata: { python: { version: '3.12.1' } } };
    const r = (values: number[]) => parseBenchResult(JSON.stringify({ ...base, valuesSeconds: values, minSeconds: Math.min(...values),
      maxSeconds: Math.max(...values), medianSeconds: values[1], meanSeconds: values[1], stdevSeconds: 0 }));
    const text = benchMarkdown(r([1e-3, 1.1e-3, 1.2e-3]), r([2e-3, 2.2e-3, 2.4e-3]));
    assert.match(text, /median 2\.20 ms → 1\.10 ms, 2\.00× faster/);
    assert.match(text, /The ranges do not overlap\./);
    assert.match(benchMarkdown(r([1e-3, 2e-3, 3e-3]), r([2e-3, 2.2e-3, 2.4e-3])), /overlap: the difference may be noise/);
  });

  it('shows the exception when the timed code raised', () => {
    const text = benchMarkdown(parseBenchResult(JSON.stringify({ schema: 'pyrometer.bench/1', stmt: '1/0', valuesSeconds: [],
      error: { type: 'ZeroDivisionError', message: 'division by zero', traceback: 'Traceback…' } })));
    assert.match(text, /raised \*\*ZeroDivisionError\*\*: division by zero/);
  });
});
