import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nativeShares } from '../../../src/core/nativeShares';
import { parsePerfScript } from '../../../src/core/perfScript';
import { loadPerfProfile, PerfCapabilities, planPerf, probePerf, runPerfRecord, withoutRunnerExec } from '../../../src/runners/perf';
import { withoutRunnerFrames } from '../../../src/runners/pyspy';
import { newestPyenvPython } from '../../support/pyenvPython';
import { REPO_ROOT, RUNNER_ROOT } from '../../support/pythonForTests';
import { stackSamplesOf } from '../../../src/core/stackTable';

const WORKLOAD = path.join(REPO_ROOT, 'test', 'fixtures', 'perf', 'regex_dict_workload.py');

function perfRuns(): string | undefined {
  try {
    execFileSync('perf', ['--version']);
  } catch (e) {
    return `perf cannot be run here (${(e as Error).message})`;
  }
  return undefined;
}

describe('perf: what is missing, in the user\'s terms', () => {
  const linux: PerfCapabilities = { platform: 'linux', perfVersion: 'perf version 6.1', pythonVersion: [3, 13], framePointers: false, paranoid: 2, root: false };
  it('3.13 without frame pointers: DWARF, -X perf_jit and perf inject', () => {
    assert.deepStrictEqual(planPerf(linux, 'auto'), { ok: true, callGraph: 'dwarf', pythonFlag: 'perf_jit', inject: true, note: undefined });
  });
  it('3.12: DWARF with -X perf, and a note that only the innermost Python frame is seen', () => {
    const plan = planPerf({ ...linux, pythonVersion: [3, 12] }, 'auto');
    assert.ok(plan.ok && plan.callGraph === 'dwarf' && plan.pythonFlag === 'perf' && !plan.inject && /innermost Python function/.test(plan.note ?? ''));
  });
  it('frame pointers when the build has them; the setting overrides', () => {
    const fp = planPerf({ ...linux, framePointers: true }, 'auto');
    assert.ok(fp.ok && fp.callGraph === 'fp' && fp.pythonFlag === 'perf' && !fp.note);
    const forced = planPerf(linux, 'fp');
    assert.ok(forced.ok && forced.callGraph === 'fp' && /without frame pointers/.test(forced.note ?? ''));
  });
  it('Python 3.11, no perf, not Linux, paranoid 3: says what is missing and offers py-spy', () => {
    const old = planPerf({ ...linux, pythonVersion: [3, 11] }, 'auto');
    assert.ok(!old.ok && /Python 3\.11/.test(old.problem) && /3\.12 or newer/.test(old.problem) && /py-spy/.test(old.problem));
    const noPerf = planPerf({ ...linux, perfVersion: undefined, perfProblem: 'spawn perf ENOENT' }, 'auto');
    assert.ok(!noPerf.ok && /ENOENT/.test(noPerf.problem) && /pyrometer\.perf\.path/.test(noPerf.problem) && /py-spy/.test(noPerf.problem));
    const mac = planPerf({ ...linux, platform: 'darwin' }, 'auto');
    assert.ok(!mac.ok && /macOS/.test(mac.problem) && /Instruments/.test(mac.problem) && /not supported yet/.test(mac.problem));
    const paranoid = planPerf({ ...linux, paranoid: 3 }, 'auto');
    assert.ok(!paranoid.ok && /perf_event_paranoid is 3/.test(paranoid.problem));
  });
});

for (const family of ['3.12', '3.13']) {
  describe(`perf for real on Python ${family}: the regex/dict workload`, function () {
    this.timeout(120_000);
    const python = newestPyenvPython(family);
    const why = python ? perfRuns() : `no Python ${family} in pyenv`;
    let runDir = '';
    before(async function () {
      if (why) {
        console.log(`      skipped: ${why}`);
        this.skip();
      }
      runDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-perf-'));
    });
    after(async () => {
      if (runDir) await fs.rm(runDir, { recursive: true, force: true });
    });

    it('Python frames from the perf map / jitdump are the workload\'s functions at their def lines, C frames under them', async () => {
      const caps = await probePerf('perf', python!, REPO_ROOT);
      assert.strictEqual(caps.perfVersion !== undefined, true, caps.perfProblem);
      const plan = planPerf(caps, 'auto');
      assert.ok(plan.ok, plan.ok ? '' : plan.problem);
      if (!plan.ok) return;
      assert.strictEqual(plan.pythonFlag, family === '3.13' ? 'perf_jit' : 'perf');
      const outcome = await runPerfRecord({ perf: 'perf', plan, frequencyHz: 499, python: python!, runnerRoot: RUNNER_ROOT,
        target: { kind: 'script', script: WORKLOAD }, args: [], cwd: path.dirname(WORKLOAD), runDir, timeoutMs: 90_000 });
      assert.strictEqual(outcome.failure, undefined, outcome.failure?.message);
      assert.ok(outcome.hasProfile);
      const { profile, facts } = await loadPerfProfile(outcome.load);
      assert.strictEqual(profile.source, 'perf');
      assert.strictEqual(profile.metadata.exitCode, 0);
      assert.strictEqual(profile.metadata.python.version.slice(0, 4), family);

      const source = (await fs.readFile(WORKLOAD, 'utf8')).split('\n');
      const defLine = (fn: string) => source.findIndex(l => l.startsWith(`def ${fn}(`)) + 1;
      for (const fn of ['count_words', 'dict_churn']) {
        const frames = profile.frames.filter(f => f.name === fn && f.kind === 'python');
        assert.strictEqual(frames.length, 1, `${fn}: ${JSON.stringify(frames)}`);
        assert.strictEqual(frames[0].file, WORKLOAD);
        assert.strictEqual(frames[0].line, defLine(fn));
      }
      const index = (name: string) => profile.frames.findIndex(f => f.name === name && f.file === WORKLOAD);
      const under = (py: string, c: RegExp) => stackSamplesOf(profile.stacks!.stacks).filter(s => {
        const at = s.frames.indexOf(index(py));
        return at >= 0 && s.frames.slice(at + 1).some(f => profile.frames[f].kind === 'native' && c.test(profile.frames[f].name));
      }).reduce((n, s) => n + s.weight, 0);
      assert.ok(under('count_words', /^_PyEval_EvalFrameDefault$/) > 0, 'eval loop under count_words');
      assert.ok(under('count_words', /^(sre_|_sre_)/) > 0, 'regex engine under count_words');
      assert.ok(under('dict_churn', /dict/i) > 0, 'dict code under dict_churn');
      if (family === '3.13') {
        const main = index('main');
        assert.ok(main >= 0 && stackSamplesOf(profile.stacks!.stacks).some(s => s.frames.includes(main) && s.frames.includes(index('count_words'))),
          'main above count_words: full stacks with perf_jit');
      }
      // Perf's samples, all accounted: the runner's own samples are the only ones removed.
      assert.ok(profile.stacks!.totalWeight <= facts.samples && profile.stacks!.totalWeight > facts.samples * 0.6,
        `${profile.stacks!.totalWeight} of ${facts.samples} samples kept`);
      const shares = nativeShares(profile);
      assert.strictEqual(shares.functions.get(index('count_words'))!.byCategory[0].category, 'regex');
      assert.strictEqual(shares.functions.get(index('dict_churn'))!.byCategory[0].category, 'dict');

      // The interpreter's files in /tmp are copied into the run folder and removed.
      for (const pid of facts.pids) {
        for (const f of [`perf-${pid}.map`, `jit-${pid}.dump`]) {
          await assert.rejects(fs.stat(path.join('/tmp', f)), `/tmp/${f} removed`);
        }
        assert.ok(!(await fs.readdir('/tmp')).some(n => n.startsWith(`jitted-${pid}-`)), 'jitted .so files removed');
      }
      assert.strictEqual(outcome.load.mapPaths.length + outcome.load.jitDumpPaths.length, 1);
      assert.ok(!(await fs.readdir(runDir)).includes('perf.data'), 'perf.data removed');
    });

    it('a cancelled run leaves none of its interpreter files in /tmp', async () => {
      const caps = await probePerf('perf', python!, REPO_ROOT);
      const plan = planPerf(caps, 'auto');
      if (!plan.ok) assert.fail(plan.problem);
      const script = path.join(runDir, 'spin.py');
      await fs.writeFile(script, 'import time\ndef spin():\n    while True:\n        time.sleep(0.001)\nspin()\n');
      const interpreterFiles = async () => (await fs.readdir('/tmp')).filter(n => /^(perf-\d+\.map|jit-\d+\.dump)$/.test(n));
      const before = new Set(await interpreterFiles());
      const controller = new AbortController();
      const started = runPerfRecord({ perf: 'perf', plan, frequencyHz: 99, python: python!, runnerRoot: RUNNER_ROOT,
        target: { kind: 'script', script }, args: [], cwd: runDir, runDir, timeoutMs: 60_000 }, { signal: controller.signal });
      let appeared: string[] = [];
      for (let i = 0; i < 100 && appeared.length === 0; i++) {  // until the interpreter has written its file
        await new Promise(r => setTimeout(r, 100));
        appeared = (await interpreterFiles()).filter(n => !before.has(n));
      }
      assert.ok(appeared.length > 0, 'the interpreter wrote its perf map / jitdump while running');
      await new Promise(r => setTimeout(r, 300));  // the runner looks for them every 50 ms
      controller.abort();
      const outcome = await started;
      assert.strictEqual(outcome.failure?.kind, 'cancelled');
      const left = (await interpreterFiles()).filter(n => appeared.includes(n));
      assert.deepStrictEqual(left, [], 'the cancelled run\'s files were removed');
    });
  });
}

describe('perf: the runner\'s frames', () => {
  it('the C frames of the runner\'s exec between Target.run and the script\'s <module> are removed with it', () => {
    const runner = path.join(RUNNER_ROOT, 'pyrometer_runner');
    const text = ['python 1/1 1.0: cpu-clock:', '\t1 sre_search (/lib/libpython.so)', '\t2 _PyEval_EvalFrameDefault (/lib/libpython.so)',
      '\t3 py::work:/w/app.py (/tmp/perf-1.map)', '\t4 _PyEval_EvalFrameDefault (/lib/libpython.so)', '\t5 py::<module>:/w/app.py (/tmp/perf-1.map)',
      '\t6 py_trampoline_evaluator (/lib/libpython.so)', '\t7 PyEval_EvalCode (/lib/libpython.so)', '\t8 builtin_exec (/lib/libpython.so)',
      '\t9 _PyEval_EvalFrameDefault (/lib/libpython.so)', `\t10 py::Target.run:${runner}/target.py (/tmp/perf-1.map)`,
      `\t11 py::main:${runner}/__main__.py (/tmp/perf-1.map)`, ''].join('\n');
    const { profile } = parsePerfScript(text);
    const cut = withoutRunnerFrames(withoutRunnerExec(profile, runner), runner);
    assert.deepStrictEqual(stackSamplesOf(cut.stacks!.stacks)[0].frames.map(f => cut.frames[f].name),
      ['<module>', '_PyEval_EvalFrameDefault', 'work', '_PyEval_EvalFrameDefault', 'sre_search']);
  });
});
