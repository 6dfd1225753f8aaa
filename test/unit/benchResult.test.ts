import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { existsSync, promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchMarkdown, parseBenchResult } from '../../src/core/benchResult';
import { durationText } from '../../src/core/durationText';
import { runBench } from '../../src/runners/bench';
import { pythonJson, RUNNER_ROOT, testPython, WORKLOADS } from '../support/pythonForTests';
import { toolVenvPython } from '../support/toolVenvs';

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
    assert.doesNotMatch(text, /previous run was timed with/);
    const pyperfRun = parseBenchResult(JSON.stringify({ ...base, engine: 'pyperf', pyperfMode: 'fast', runs: [], valuesSeconds: [1e-3],
      minSeconds: 1e-3, maxSeconds: 1e-3, medianSeconds: 1e-3, meanSeconds: 1e-3, stdevSeconds: 0 }));
    assert.match(benchMarkdown(pyperfRun, r([2e-3, 2.2e-3, 2.4e-3])), /the previous run was timed with timeit, this one with pyperf/);
  });

  it('shows the exception when the timed code raised', () => {
    const text = benchMarkdown(parseBenchResult(JSON.stringify({ schema: 'pyrometer.bench/1', stmt: '1/0', valuesSeconds: [],
      error: { type: 'ZeroDivisionError', message: 'division by zero', traceback: 'Traceback…' } })));
    assert.match(text, /raised \*\*ZeroDivisionError\*\*: division by zero/);
  });
});

/** An interpreter with pyperf: the venv scripts/setup-python-tools.sh makes (PYROMETER_PYPERF_PYTHON_3_12 / _3_11). */
function pyperfPython(): string | undefined {
  const candidates = [process.env.PYROMETER_PYPERF_PYTHON_3_12, process.env.PYROMETER_PYPERF_PYTHON_3_11, toolVenvPython('pyperf', '3.12')];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

describe('benchmarks (runner bench subcommand, pyperf)', function () {
  this.timeout(300000);
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-bench-pyperf-')); });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('shows pyperf\'s own values per process and its compare_to text verbatim', async function () {
    const python = pyperfPython();
    if (!python) { this.skip(); return; }
    const request = (runDir: string, qualname: string, args: string, compareTo?: string) => runBench({
      python, runnerRoot: RUNNER_ROOT, target: { kind: 'script', script: path.join(WORKLOADS, 'calls.py') }, args: [], cwd: WORKLOADS,
      runDir, timeoutMs: 250000, timed: { kind: 'call', qualname, args }, engine: 'pyperf', pyperfMode: 'fast', compareTo,
    });
    const first = await request(path.join(dir, 'first'), 'work', '(20,)');
    assert.ok(first.hasResult, first.process.stderrTail);
    const previous = parseBenchResult(await fs.readFile(first.resultPath, 'utf8'));
    assert.strictEqual(previous.error, null);
    // the kept JSON is pyperf's own file, byte for byte
    assert.strictEqual(previous.pyperf?.json, await fs.readFile(path.join(dir, 'first', 'pyperf.json'), 'utf8'));
    const secondDir = path.join(dir, 'second');
    await fs.mkdir(secondDir);
    const previousJson = path.join(secondDir, 'previous-pyperf.json');
    await fs.writeFile(previousJson, previous.pyperf!.json!);
    const second = await request(secondDir, 'work', '(2000,)', previousJson);
    assert.ok(second.hasResult, second.process.stderrTail);
    const result = parseBenchResult(await fs.readFile(second.resultPath, 'utf8'));
    assert.strictEqual(result.engine, 'pyperf');
    assert.strictEqual(result.target, 'work(2000)');
    // pyperf's JSON read independently: every non-warm-up value in order, per process
    const own = pythonJson<{ values: number[][]; warmups: number; loops: number; stats: number[]; compare: string }>(python, [
      'import json, statistics, subprocess, sys',
      'args = json.loads(sys.argv[1])',
      'doc = json.load(open(args[1]))',
      'runs = [r for r in doc["benchmarks"][0]["runs"] if r.get("values")]',
      'v = [x for r in runs for x in r["values"]]',
      'cmp = subprocess.run([sys.executable, "-m", "pyperf", "compare_to", "--verbose", args[0], args[1]], stdout=subprocess.PIPE, universal_newlines=True).stdout',
      'print(json.dumps({"values": [r["values"] for r in runs], "warmups": max(len(r["warmups"]) for r in runs), "loops": doc["metadata"]["loops"],',
      '  "stats": [min(v), statistics.median(v), statistics.mean(v), statistics.stdev(v)], "compare": cmp}))',
    ].join('\n'), [previousJson, path.join(secondDir, 'pyperf.json')]);
    assert.deepStrictEqual(result.pyperf!.runs.filter(r => !r.calibration).map(r => r.valuesSeconds), own.values);
    assert.deepStrictEqual(result.valuesSeconds, own.values.flat());
    assert.deepStrictEqual([result.minSeconds, result.medianSeconds, result.meanSeconds, result.stdevSeconds], own.stats);
    assert.strictEqual(result.pyperf!.processes, own.values.length);
    assert.strictEqual(result.number, own.loops);
    assert.strictEqual(result.pyperf!.compareText, own.compare);
    assert.match(own.compare, /\[previous-pyperf\] .* -> \[pyperf\] .*: [\d.]+x slower\nSignificant \(t=/);

    const markdown = benchMarkdown(result, previous);
    assert.ok(markdown.startsWith(`# Pyrometer benchmark: \`work(2000)\`\n\npyperf (fast mode) on Python `), markdown);
    assert.ok(markdown.includes(`: ${own.values.flat().length} values from ${own.values.length} processes, ` +
      `each after ${own.warmups} warm-up${own.warmups === 1 ? '' : 's'}, of ${own.loops.toLocaleString('en-US')} loops (calibrated by pyperf)`), markdown);
    for (const v of result.valuesSeconds) assert.ok(markdown.includes(durationText(v * 1e9)), `value ${v} not shown`);
    own.values.forEach((_values, p) => assert.ok(markdown.includes(`process ${p + 1} (`), `process ${p + 1} not shown`));
    assert.ok(markdown.includes('```\n' + own.compare.trimEnd() + '\n```'), 'compare_to\'s text is not shown verbatim');
    assert.doesNotMatch(markdown, /Against the previous run/);
  });

  it('shows pyperf\'s failure with its stderr', () => {
    const text = benchMarkdown(parseBenchResult(JSON.stringify({ schema: 'pyrometer.bench/1', engine: 'pyperf', stmt: '1/0', valuesSeconds: [], runs: [],
      error: { type: 'PyperfFailed', message: 'ZeroDivisionError: division by zero', traceback: 'Traceback (most recent call last):\n…' } })));
    assert.match(text, /pyperf failed \(\*\*PyperfFailed\*\*\): ZeroDivisionError: division by zero/);
    assert.match(text, /```\nTraceback \(most recent call last\):/);
  });
});
