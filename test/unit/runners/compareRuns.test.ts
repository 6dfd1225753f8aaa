import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deltaLensText } from '../../../src/core/diffText';
import { diffProfiles, ProfileDiff } from '../../../src/core/profileDiff';
import type { Profile } from '../../../src/core/profileModel';
import { importFraction, profileWarnings } from '../../../src/core/runWarnings';
import { loadCProfileResult, runCProfile } from '../../../src/runners/cprofile';
import { pythonJson, RUNNER_ROOT, testPython, WORKLOADS } from '../../support/pythonForTests';

/** pstats' own figures per function name of the script's file: [cc, nc, tt, ct] and the first line. */
const PSTATS_FIGURES = `
import json, os, pstats, sys
prof, script = json.loads(sys.argv[1])
out = {}
for (file, line, name), (cc, nc, tt, ct, _callers) in pstats.Stats(prof).stats.items():
    if os.path.basename(file) == os.path.basename(script):
        out[name] = {"line": line, "nc": nc, "tt": tt, "ct": ct}
print(json.dumps(out))
`;

interface PstatsFigures { line: number; nc: number; tt: number; ct: number }

async function profileScript(dir: string, script: string): Promise<{ profile: Profile; pstats: Record<string, PstatsFigures> }> {
  const runDir = path.join(dir, `run-${path.basename(path.dirname(script))}`);
  await fs.mkdir(runDir, { recursive: true });
  const outcome = await runCProfile({ python: testPython(), runnerRoot: RUNNER_ROOT, target: { kind: 'script', script }, args: [], cwd: path.dirname(script), runDir, timeoutMs: 110000 });
  assert.ok(outcome.hasResult, `no result; stderr: ${outcome.process.stderrTail}`);
  return {
    profile: await loadCProfileResult(outcome.resultPath),
    pstats: pythonJson<Record<string, PstatsFigures>>(testPython(), PSTATS_FIGURES, [outcome.profPath, script]),
  };
}

describe('comparing two real cProfile runs of calls.py, before and after a change', function () {
  this.timeout(240000);
  let dir: string;
  let baseRun: Awaited<ReturnType<typeof profileScript>>;
  let changedRun: Awaited<ReturnType<typeof profileScript>>;
  let diff: ProfileDiff;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-compare-'));
    const original = await fs.readFile(path.join(WORKLOADS, 'calls.py'), 'utf8');
    // The change: work() does a third of the calls, and inc() moves below main() (other lines, same function).
    // The two versions live in different directories, as two checkouts would.
    assert.ok(original.includes('def work(n=1_000_000):') && original.includes('def inc(x):\n    return x + 1\n'));
    const incDef = 'def inc(x):\n    return x + 1\n';
    const changed = original.replace('def work(n=1_000_000):', 'def work(n=333_333):').replace(incDef, '')
      .replace('\nif __name__', `\n${incDef}\n\nif __name__`);
    await fs.mkdir(path.join(dir, 'before'));
    await fs.mkdir(path.join(dir, 'after'));
    await fs.writeFile(path.join(dir, 'before', 'calls.py'), original);
    await fs.writeFile(path.join(dir, 'after', 'calls.py'), changed);
    baseRun = await profileScript(dir, path.join(dir, 'before', 'calls.py'));
    changedRun = await profileScript(dir, path.join(dir, 'after', 'calls.py'));
    diff = diffProfiles(baseRun.profile, changedRun.profile);
  });

  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('matches the moved inc by name and file name, from its old line to its new one', () => {
    const inc = diff.functions.find(d => d.name === 'inc')!;
    assert.strictEqual(inc.matchedBy, 'baseNameAndName');
    assert.strictEqual(inc.baselineLine, baseRun.pstats.inc.line);
    assert.strictEqual(inc.currentLine, changedRun.pstats.inc.line);
    assert.notStrictEqual(inc.baselineLine, inc.currentLine);
  });

  it('gives, for every function of the script, the differences of the two pstats results', () => {
    for (const name of ['inc', 'work', 'main', '<module>']) {
      const d = diff.functions.filter(f => f.name === name && f.file.endsWith('calls.py'));
      assert.strictEqual(d.length, 1, name);
      const [b, a] = [baseRun.pstats[name], changedRun.pstats[name]];
      assert.strictEqual(d[0].totalDelta, a.ct - b.ct, `${name} cumulative`);
      assert.strictEqual(d[0].selfDelta, a.tt - b.tt, `${name} own`);
      assert.strictEqual(d[0].callsDelta, a.nc - b.nc, `${name} calls`);
    }
    assert.strictEqual(diff.functions.find(d => d.name === 'inc')!.callsDelta, 3 * 333_333 - 3_000_000);
  });

  it('shows the change on the CodeLens, with pstats\' seconds', () => {
    const work = diff.functions.find(d => d.name === 'work')!;
    const [b, a] = [baseRun.pstats.work.ct, changedRun.pstats.work.ct];
    const percent = Math.round(((a - b) / b) * 100);
    // A third of the calls: about −67% on a quiet machine. Only the direction is checked (one run of the shared CI VM
    // was slowed enough to give −29%); the figure itself is checked exactly against pstats below.
    assert.ok(percent < -10, `work should be faster, got ${percent}%`);
    // the change from pstats' two cumulative times; the figure now is on the def's own lens beside it
    assert.strictEqual(deltaLensText(work, diff), `cum \u2212${-percent}% vs baseline (was ${b.toFixed(3)} s)`);
  });

  it('is all zero against itself', () => {
    for (const d of diffProfiles(changedRun.profile, changedRun.profile).functions) assert.deepStrictEqual([d.selfDelta, d.totalDelta, d.callsDelta], [0, 0, 0]);
  });

  it('does not call a run of about a second short, nor import-dominated', () => {
    assert.deepStrictEqual(profileWarnings(baseRun.profile).map(w => w.kind), []);
    assert.ok(importFraction(baseRun.profile) < 0.05);
  });
});

describe('warnings on real runs', function () {
  this.timeout(120000);
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-warn-')); });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('calls a run that only imports short and import-dominated', async () => {
    const script = path.join(dir, 'importer', 'imp.py');
    await fs.mkdir(path.dirname(script));
    await fs.copyFile(path.join(WORKLOADS, 'imports.py'), script);
    const { profile } = await profileScript(dir, script);
    const fraction = importFraction(profile);
    // The importlib bootstrap's outermost _find_and_load holds every import: compare with pstats' own figure.
    const findAndLoad = profile.functions.find(f => profile.frames[f.frameIndex].name === '_find_and_load' &&
      profile.frames[f.frameIndex].file === '<frozen importlib._bootstrap>');
    const root = Math.max(...profile.functions.map(f => f.cumulativeSeconds));
    assert.ok(findAndLoad, 'no _find_and_load in the profile');
    assert.strictEqual(fraction, findAndLoad!.cumulativeSeconds / root);
    assert.ok(fraction > 0.5, `imports are ${fraction} of the run`);
    const kinds = profileWarnings(profile).map(w => w.kind);
    assert.ok(kinds.includes('importDominated'), kinds.join());
    if (profile.metadata.wallSeconds < 0.1) assert.ok(kinds.includes('shortRun'));
  });
});
