import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { callTreeFromCallGraph, CALL_TREE_ROOT } from '../../../src/core/callTree';
import { exportStacksOf } from '../../../src/core/exportStacks';
import { FlameGraphSource } from '../../../src/core/flameLayout';
import { functionRows } from '../../../src/core/functionTable';
import { flameInputOfImports } from '../../../src/core/importTime';
import type { Profile } from '../../../src/core/profileModel';
import type { ExportFormat, RunSource } from '../../../src/protocol/serverRequests';
import { exportRun } from '../../../src/server/runExport';
import { cprofileFiles, loadCProfileResult, runCProfile } from '../../../src/runners/cprofile';
import { loadProfileFile, ProfileFileContent } from '../../../src/runners/profileFile';
import { loadPySpyProfile, runPySpyRecord } from '../../../src/runners/pyspy';
import { pySpyForTests } from '../../support/pySpyForTests';
import { pythonJson, RUNNER_ROOT, testPython, WORKLOADS } from '../../support/pythonForTests';
import { sampleFigures } from '../../support/sampleFigures';
import { emptyStackTable } from '../../../src/core/stackTable';

/**
 * Profile files made by the real tools (the cprofile runner, py-spy, python -X importtime), opened the way the
 * editor opens them (runners/profileFile.ts, the language server's loader), and runs exported by the server's
 * exporter and opened again: the same totals. The references are the tools' own numbers: pstats for .prof files,
 * py-spy's files counted by plain Python, the importtime log summed by plain Python.
 */

/** pstats' stats of a .prof, as plain JSON: [file, line, name, cc, nc, tt, ct, callers[[file, line, name, nc, cc, tt, ct]]]. */
const PSTATS_DUMP = `
import json, pstats, sys
stats = pstats.Stats(json.loads(sys.argv[1]))
out = []
for (f, l, n), (cc, nc, tt, ct, callers) in stats.stats.items():
    out.append([f, l, n, cc, nc, tt, ct, sorted([cf, cl, cn] + list(e) for (cf, cl, cn), e in callers.items())])
print(json.dumps({"functions": out, "total_tt": stats.total_tt}))
`;

type PstatsRow = [string, number, string, number, number, number, number, [string, number, string, number, number, number, number][]];

/** The run's result.json functions (pyrometer.cprofile/1, pstats' keys as they are) in PSTATS_DUMP's shape. */
interface ResultEdge { file: string; line: number; name: string; totalCalls: number; primitiveCalls: number; selfSeconds: number; cumulativeSeconds: number }
interface ResultFunction extends ResultEdge { callers: ResultEdge[] }
function asPstatsRows(functions: ResultFunction[]): PstatsRow[] {
  return functions.map(f => [f.file, f.line, f.name, f.primitiveCalls, f.totalCalls, f.selfSeconds, f.cumulativeSeconds,
    f.callers.map(c => [c.file, c.line, c.name, c.totalCalls, c.primitiveCalls, c.selfSeconds, c.cumulativeSeconds] as [string, number, string, number, number, number, number])
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))] as PstatsRow);
}

const sortRows = (rows: PstatsRow[]) => [...rows].sort((a, b) => (JSON.stringify(a.slice(0, 3)) < JSON.stringify(b.slice(0, 3)) ? -1 : 1));

const tmpDirs: string[] = [];
async function tmpDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-files-'));
  tmpDirs.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(tmpDirs.map(d => fs.rm(d, { recursive: true, force: true })));
});

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

async function open(file: string, resultDir?: string, pathMappings = [] as { from: string; to: string }[]): Promise<ProfileFileContent> {
  return loadProfileFile({
    path: file, pathMappings,
    pstats: { python: testPython(), runnerRoot: RUNNER_ROOT, resultPath: path.join(resultDir ?? await tmpDir(), 'result.json'), timeoutMs: 60000 },
  });
}

function profileOf(content: ProfileFileContent): Profile {
  assert.strictEqual(content.kind, 'profile');
  return (content as Extract<ProfileFileContent, { kind: 'profile' }>).profile;
}

async function exported(profile: Profile, source: RunSource | undefined, format: ExportFormat, name: string, extension: string): Promise<string> {
  const file = path.join(await tmpDir(), `exported${extension}`);
  const result = await exportRun(profile, source, { runId: 'r', format, path: file, name });
  assert.ok(result.ok, JSON.stringify(result));
  return file;
}

describe('profile files from the cprofile runner (calls.py): open, export, open again', function () {
  this.timeout(180000);
  const run = once(async () => {
    const runDir = await tmpDir();
    const outcome = await runCProfile({ python: testPython(), runnerRoot: RUNNER_ROOT, target: { kind: 'script', script: path.join(WORKLOADS, 'calls.py') }, args: [], cwd: WORKLOADS, runDir, timeoutMs: 120000 });
    assert.ok(outcome.hasResult, outcome.process.stderrTail);
    assert.strictEqual(cprofileFiles(runDir).profPath, outcome.profPath);
    const profile = await loadCProfileResult(outcome.resultPath);
    return { outcome, profile, source: { kind: 'cprofile', resultPath: outcome.resultPath } as RunSource };
  });

  it('the .prof opens (read by Python\'s pstats) as the run itself: same functions, numbers and total', async () => {
    const { outcome, profile } = await run();
    const content = await open(outcome.profPath);
    assert.strictEqual(content.facts.format, 'pstats');
    const opened = profileOf(content);
    assert.strictEqual(opened.metadata.tool, 'cProfile (file)');
    assert.strictEqual(opened.totalSeconds, profile.totalSeconds);
    assert.deepStrictEqual(opened.functions, profile.functions);
    // Relative names resolve against the file's folder (the run's own folder here, not the cwd calls.py ran in):
    // only the frames' files may differ, by their directory.
    assert.deepStrictEqual(opened.frames.map(f => [f.name, f.line, f.kind, path.basename(f.file)]), profile.frames.map(f => [f.name, f.line, f.kind, path.basename(f.file)]));
  });

  it('the result JSON opens as the run, and pathMappings move its files', async () => {
    const { outcome, profile } = await run();
    const plain = profileOf(await open(outcome.resultPath));
    assert.deepStrictEqual(plain, profile);
    const moved = await open(outcome.resultPath, undefined, [{ from: WORKLOADS, to: '/elsewhere/ws' }]);
    const mappedProfile = profileOf(moved);
    const calls = mappedProfile.frames.filter(f => f.name === 'inc').map(f => f.file);
    assert.deepStrictEqual(calls, ['/elsewhere/ws/calls.py']);
    assert.ok(moved.facts.framesMapped >= 4, `${moved.facts.framesMapped}`);
    assert.deepStrictEqual(functionRows(mappedProfile).map(r => r.display), functionRows(profile).map(r => r.display), 'figures unchanged');
  });

  it('export pstats: the run\'s own .prof, byte for byte; pstats reads the run\'s exact numbers from it', async () => {
    const { outcome, profile, source } = await run();
    const file = await exported(profile, source, 'pstats', 'calls.py', '.prof');
    assert.ok((await fs.readFile(file)).equals(await fs.readFile(outcome.profPath)));
    const dumped = pythonJson<{ functions: PstatsRow[]; total_tt: number }>(testPython(), PSTATS_DUMP, file);
    const result = JSON.parse(await fs.readFile(outcome.resultPath, 'utf8')) as { totalSeconds: number; functions: ResultFunction[] };
    assert.strictEqual(dumped.total_tt, result.totalSeconds);
    assert.strictEqual(dumped.total_tt, profile.totalSeconds);
    assert.deepStrictEqual(sortRows(dumped.functions), sortRows(asPstatsRows(result.functions)));
    assert.ok(dumped.functions.some(f => f[2] === 'inc' && f[4] === 3000000));
  });

  it('export speedscope: opens again with the derived call tree\'s total, to the microsecond', async () => {
    const { profile, source } = await run();
    const file = await exported(profile, source, 'speedscope', 'calls.py', '.speedscope.json');
    const content = await open(file);
    assert.strictEqual(content.facts.format, 'speedscope');
    assert.strictEqual(content.facts.weightsAreDurations, true);
    const back = profileOf(content);
    const stacks = exportStacksOf(profile);
    assert.strictEqual(back.stacks!.totalWeight, stacks.totalWeight);
    assert.strictEqual(back.totalSeconds, stacks.totalWeight / 1e6);
    const treeSeconds = callTreeFromCallGraph(profile).totalWeight[CALL_TREE_ROOT];
    assert.ok(Math.abs(back.totalSeconds - treeSeconds) <= 0.5e-6 * stacks.stacks.length, `${back.totalSeconds} vs ${treeSeconds}`);
    // The flame graph of the file and of the run: the same total (µs vs s).
    const flameBack = new FlameGraphSource(back).data().totalWeight / 1e6;
    const flameRun = new FlameGraphSource(profile).data().totalWeight;
    assert.ok(Math.abs(flameBack - flameRun) <= 0.5e-6 * stacks.stacks.length, `${flameBack} vs ${flameRun}`);
    const inc = back.frames.findIndex(f => f.name === 'inc');
    assert.ok(inc >= 0 && back.frames[inc].file === path.join(WORKLOADS, 'calls.py'));
  });

  it('export collapsed: integer microseconds, the unit in the first line; opens again like the speedscope export', async () => {
    const { profile, source } = await run();
    const file = await exported(profile, source, 'collapsed', 'calls.py', '.collapsed');
    const text = await fs.readFile(file, 'utf8');
    assert.match(text.split('\n')[0], /^# Pyrometer export of "calls\.py" \(cProfile\): microseconds of own time/);
    const content = await open(file);
    assert.strictEqual(content.facts.format, 'collapsed');
    assert.strictEqual(content.facts.derivedFromCallGraph, true);
    const back = profileOf(content);
    const viaSpeedscope = profileOf(await open(await exported(profile, source, 'speedscope', 'calls.py', '.json')));
    assert.deepStrictEqual(sampleFigures(back), sampleFigures(viaSpeedscope));
    assert.strictEqual(back.totalSeconds, exportStacksOf(profile).totalWeight / 1e6);
  });

  it('a py-spy run has no .prof to export, and says so', async () => {
    const { profile } = await run();
    const result = await exportRun({ ...profile, source: 'py-spy', functions: [], stacks: { unit: 'samples', stacks: emptyStackTable(), threads: [], totalWeight: 0 } },
      undefined, { runId: 'r', format: 'pstats', path: path.join(await tmpDir(), 'x.prof'), name: 'x' });
    assert.ok(!result.ok && /pstats export copies the \.prof that cProfile wrote, and this is a py-spy run/.test(result.error), JSON.stringify(result));
  });
});

/** py-spy's own counts from its file, by plain Python: the samples per thread profile (speedscope) or line (raw). */
const PYSPY_TOTAL = `
import json, sys
path = json.loads(sys.argv[1])
text = open(path, encoding="utf-8").read()
if text.lstrip().startswith("{"):
    print(json.dumps(sum(len(p["samples"]) for p in json.loads(text)["profiles"])))
else:
    print(json.dumps(sum(int(l.rpartition(" ")[2]) for l in text.splitlines() if l.strip() and not l.startswith("#"))))
`;

const THREADS_SCRIPT = `
import threading, time

def spin(seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:
        n += 1
    return n

def worker():
    spin(0.8)

t = threading.Thread(target=worker, name="worker-1")
t.start()
spin(0.8)
t.join()
`;

for (const format of ['raw', 'speedscope'] as const) {
  describe(`profile files from py-spy for real (--format ${format}, --threads): open, export, open again`, function () {
    this.timeout(180000);
    const run = once(async () => {
      const dir = await tmpDir();
      const script = path.join(dir, 'threads_app.py');
      await fs.writeFile(script, THREADS_SCRIPT);
      const outcome = await runPySpyRecord({
        pySpy: pySpyForTests(), python: testPython(), runnerRoot: RUNNER_ROOT, target: { kind: 'script', script }, args: [], cwd: dir, runDir: path.join(dir, 'run'),
        timeoutMs: 120000, sampling: { format, rateHz: 100, threads: true },
      });
      assert.ok(outcome.hasProfile, outcome.process.stderrTail);
      const profile = await loadPySpyProfile(outcome.load);
      return { outcome, profile, script };
    });

    it('py-spy\'s own file opens with py-spy\'s sample count and the rate', async () => {
      const { outcome } = await run();
      const opened = profileOf(await open(outcome.files.profilePath));
      const reference = pythonJson<number>(testPython(), PYSPY_TOTAL, outcome.files.profilePath);
      assert.strictEqual(opened.stacks!.totalWeight, reference);
      if (format === 'speedscope') assert.strictEqual(opened.stacks!.rateHz, 100, 'speedscope weights are 1/rate');
      assert.ok(opened.stacks!.threads.length >= 2, JSON.stringify(opened.stacks!.threads));
    });

    for (const [exportFormat, extension] of [['speedscope', '.speedscope.json'], ['collapsed', '.collapsed']] as const) {
      it(`export ${exportFormat}: the same samples per function, line and thread, the same seconds; py-spy's counting agrees`, async () => {
        const { profile, script } = await run();
        const file = await exported(profile, undefined, exportFormat, 'threads_app.py', extension);
        const back = profileOf(await open(file));
        assert.deepStrictEqual(sampleFigures(back), sampleFigures(profile));
        assert.strictEqual(back.stacks!.rateHz, 100);
        assert.strictEqual(back.totalSeconds, profile.totalSeconds);
        assert.deepStrictEqual(back.stacks!.threads.map(t => t.name).sort(), profile.stacks!.threads.map(t => t.name).sort());
        assert.ok(back.stacks!.threads.some(t => t.name === 'worker-1'));
        assert.strictEqual(pythonJson<number>(testPython(), PYSPY_TOTAL, file), profile.stacks!.totalWeight);
        assert.ok(back.frames.some(f => f.name === 'spin' && f.file === script));
      });
    }
  });
}

describe('profile files from python -X importtime for real', function () {
  this.timeout(60000);

  it('a saved perf script output opens with perf\'s own sample count, its Python functions at their def lines', async () => {
    // The fixture was recorded from the workload's copy in another checkout: a path mapping puts it on this one.
    const fixtures = path.join(RUNNER_ROOT, '..', 'test', 'fixtures', 'perf');
    const file = path.join(fixtures, 'py313-jit-script.txt');
    const text = await fs.readFile(file, 'utf8');
    const content = await loadProfileFile({ path: file, pathMappings: [{ from: '/work/wt-perf/test/fixtures/perf', to: fixtures }] });
    assert.strictEqual(content.kind, 'profile');
    if (content.kind !== 'profile') return;
    assert.strictEqual(content.facts.format, 'perfScript');
    const headers = text.split('\n').filter(l => /^\S.* \d+\/\d+ .*cpu-clock:/.test(l)).length;
    assert.strictEqual(content.profile.stacks!.totalWeight, headers, 'one sample per header line of perf script');
    const frames = content.profile.frames;
    const workload = path.join(fixtures, 'regex_dict_workload.py');
    const source = (await fs.readFile(workload, 'utf8')).split('\n');
    for (const fn of ['count_words', 'dict_churn']) {
      const found = frames.find(f => f.name === fn && f.kind === 'python');
      assert.ok(found, fn);
      assert.deepStrictEqual([found!.file, found!.line], [workload, source.findIndex(l => l.startsWith(`def ${fn}(`)) + 1]);
    }
  });

  it('perf script output whose Python frames perf could not name says how many', async () => {
    const file = path.join(RUNNER_ROOT, '..', 'test', 'fixtures', 'perf', 'py313-noinject-script.txt');
    const content = await loadProfileFile({ path: file });
    assert.ok(content.kind === 'profile' && (content.facts.unresolvedFrames ?? 0) > 0, JSON.stringify(content.facts));
  });

  it('a captured log opens as an import tree whose flame graph adds up to Σ self µs, summed by plain Python', async () => {
    const dir = await tmpDir();
    const log = path.join(dir, 'imports.log');
    // The interpreter's startup imports, then json and asyncio with everything they import.
    const ran = spawnSync(testPython(), ['-X', 'importtime', '-c', 'import json, asyncio'], { encoding: 'utf8' });
    assert.strictEqual(ran.status, 0, ran.stderr);
    const stderr = ran.stderr;
    await fs.writeFile(log, stderr);
    const content = await open(log);
    assert.strictEqual(content.kind, 'imports');
    const tree = (content as Extract<ProfileFileContent, { kind: 'imports' }>).tree;
    const selfUs = pythonJson<number>(testPython(), `
import json, sys
total = 0
for line in open(json.loads(sys.argv[1])):
    if line.startswith("import time:") and "imported package" not in line:
        total += int(line.split(":", 1)[1].split("|")[0])
print(total)`, log);
    assert.strictEqual(tree.totalSelfUs, selfUs);
    const flame = new FlameGraphSource(flameInputOfImports(tree)).data();
    assert.ok(Math.abs(flame.totalWeight - selfUs / 1e6) < 1e-9, `${flame.totalWeight} vs ${selfUs / 1e6}`);
    assert.ok(tree.nodes.some(n => n.module === 'asyncio'));
  });
});

describe('profile files that are not profiles', function () {
  this.timeout(60000);

  it('a corrupt .prof: Python\'s pstats refuses it, and the message says so', async () => {
    const dir = await tmpDir();
    const runDir = await tmpDir();
    const outcome = await runCProfile({ python: testPython(), runnerRoot: RUNNER_ROOT, target: { kind: 'script', script: path.join(WORKLOADS, 'calls.py') }, args: [], cwd: WORKLOADS, runDir, timeoutMs: 120000 });
    const data = await fs.readFile(outcome.profPath);
    const cut = path.join(dir, 'cut.prof');
    await fs.writeFile(cut, data.subarray(0, Math.floor(data.length / 2)));
    await assert.rejects(open(cut), /Cannot read .*cut\.prof as a pstats profile: it is not marshal data/);
  });

  it('a speedscope file with an evented profile, a broken collapsed file: what is wrong, where', async () => {
    const dir = await tmpDir();
    const evented = path.join(dir, 'e.speedscope.json');
    await fs.writeFile(evented, JSON.stringify({ $schema: 'https://www.speedscope.app/file-format-schema.json', shared: { frames: [] }, profiles: [{ type: 'evented', name: 'x' }] }));
    await assert.rejects(open(evented), /e\.speedscope\.json looks like a speedscope JSON but cannot be read: .*"evented"/);
    const broken = path.join(dir, 'b.collapsed');
    await fs.writeFile(broken, 'a (x.py:1) 3\nthis line has no count\n');
    await assert.rejects(open(broken), /b\.collapsed looks like a collapsed stacks but cannot be read: Line 2/);
    const nothing = path.join(dir, 'n.txt');
    await fs.writeFile(nothing, 'just words\n');
    await assert.rejects(open(nothing), /does not recognise .*n\.txt as a profile/);
  });
});
