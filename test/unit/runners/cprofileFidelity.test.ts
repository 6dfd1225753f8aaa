import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { functionLensText } from '../../../src/core/functionSummary';
import { functionRows } from '../../../src/core/functionTable';
import { loadCProfileResult, runCProfile } from '../../../src/runners/cprofile';
import { pythonJson, RUNNER_ROOT, testPython, WORKLOADS } from '../../support/pythonForTests';

/** What pstats itself prints for every function of a .prof: print_line's text and func_std_string. */
const PSTATS_LINES = `
import io, json, pstats, sys
prof = json.loads(sys.argv[1])
out = []
for func in pstats.Stats(prof).stats:
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).print_line(func)
    out.append({"key": list(func), "line": buf.getvalue().rstrip("\\n"), "where": pstats.func_std_string(func)})
print(json.dumps(out))
`;

interface PstatsLine { key: [string, number, string]; line: string; where: string }

describe('cProfile runs: every figure equals what pstats prints', function () {
  this.timeout(120000);
  let dir: string;
  let lines: PstatsLine[];
  let profile: Awaited<ReturnType<typeof loadCProfileResult>>;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-fidelity-'));
    const outcome = await runCProfile({
      python: testPython(), runnerRoot: RUNNER_ROOT, target: { kind: 'script', script: path.join(WORKLOADS, 'calls.py') }, args: [],
      cwd: WORKLOADS, runDir: dir, timeoutMs: 110000,
    });
    assert.strictEqual(outcome.process.end, 'exited', outcome.process.stderrTail);
    assert.ok(outcome.hasResult, `no result; stderr: ${outcome.process.stderrTail}`);
    profile = await loadCProfileResult(outcome.resultPath);
    lines = pythonJson<PstatsLine[]>(testPython(), PSTATS_LINES, outcome.profPath);
  });

  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('has the same functions as the .prof', () => {
    assert.strictEqual(profile.functions.length, lines.length);
  });

  it('shows ncalls, tottime, percall, cumtime, percall exactly as pstats prints them', () => {
    const rows = functionRows(profile);
    for (const expected of lines) {
      const [file, line, name] = expected.key;
      const row = rows.find(r => r.name === name && r.line === line &&
        (file === '~' ? r.file === '~' : path.resolve(WORKLOADS, file) === r.file));
      assert.ok(row, `no row for ${expected.where}`);
      const printedFigures = expected.line.slice(0, expected.line.length - expected.where.length).trim().split(/\s+/);
      const ours = [row!.display.ncalls, row!.display.tottime, row!.display.tottimePercall,
        row!.display.cumtime, row!.display.cumtimePercall].filter(s => s !== '');
      assert.deepStrictEqual(ours, printedFigures, expected.where);
    }
  });

  it("shows 3,000,000 calls on inc's CodeLens with pstats' tottime and cumtime", () => {
    const incIndex = profile.frames.findIndex(f => f.name === 'inc' && f.file === path.join(WORKLOADS, 'calls.py'));
    const inc = profile.functions.find(f => f.frameIndex === incIndex)!;
    const printed = lines.find(l => l.key[2] === 'inc')!.line.trim().split(/\s+/);
    assert.strictEqual(printed[0], '3000000');
    assert.strictEqual(functionLensText(inc, profile).split(' | ').slice(0, 3).join(' | '),
      `cum ${printed[3]}s | own ${printed[1]}s | 3,000,000 calls`);
  });
});
