import * as assert from 'assert';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCollapsedStacks } from '../../../src/core/collapsedStacks';
import type { Profile } from '../../../src/core/profileModel';
import { functionSampleStats } from '../../../src/core/sampleStats';
import { parseSpeedscope } from '../../../src/core/speedscope';
import type { ProcessOutcome } from '../../../src/runners/childProcess';
import {
  classifyPySpyRun, findPySpy, loadPySpyProfile, PySpyFacts, PySpyOutputFilter, PySpyProfileError, pySpyAttachArgv,
  pySpyError, pySpyFiles, pySpyRecordArgv, PySpyRunOutcome, runPySpyAttach, runPySpyRecord, withoutRunnerFrames,
} from '../../../src/runners/pyspy';
import { pySpyForTests, toolsVenv } from '../../support/pySpyForTests';
import { pythonJson, RUNNER_ROOT, testPython, WORKLOADS } from '../../support/pythonForTests';

/**
 * The reference for "the sample counts shown equal py-spy's own": per function (name, file), the samples whose
 * stack holds it (once per stack) and whose leaf it is, computed by plain Python from py-spy's file, without our code.
 */
const RAW_REFERENCE = `
import json, sys
totals, selfs, samples = {}, {}, 0
with open(json.loads(sys.argv[1]), encoding="utf-8") as stream:
    for line in stream:
        line = line.rstrip("\\n")
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        count = int(count)
        samples += count
        keys = []
        for frame in [f for f in stack.split(";") if f]:
            name, _, where = frame.rpartition(" (")
            where = where[:-1]
            file, _, number = where.rpartition(":")
            keys.append(name + "\\u0000" + (file if number.isdigit() else where))
        for key in set(keys):
            totals[key] = totals.get(key, 0) + count
        if keys:
            selfs[keys[-1]] = selfs.get(keys[-1], 0) + count
print(json.dumps({"total": totals, "self": selfs, "samples": samples}))
`;

const SPEEDSCOPE_REFERENCE = `
import json, sys
with open(json.loads(sys.argv[1]), encoding="utf-8") as stream:
    data = json.load(stream)
frames = data["shared"]["frames"]
totals, selfs, samples = {}, {}, 0
for profile in data["profiles"]:
    for stack in profile["samples"]:
        samples += 1
        keys = [frames[i]["name"] + "\\u0000" + frames[i]["file"] for i in stack]
        for key in set(keys):
            totals[key] = totals.get(key, 0) + 1
        if keys:
            selfs[keys[-1]] = selfs.get(keys[-1], 0) + 1
print(json.dumps({"total": totals, "self": selfs, "samples": samples}))
`;
import { stackSamplesOf } from '../../../src/core/stackTable';

interface Reference { total: Record<string, number>; self: Record<string, number>; samples: number }

function ourCounts(p: Profile): Reference {
  const stats = functionSampleStats(p);
  const total: Record<string, number> = {};
  const self: Record<string, number> = {};
  for (const r of stats.functions) {
    const f = p.frames[r.frameIndex];
    total[`${f.name}\0${f.file}`] = r.totalSamples;
    if (r.selfSamples > 0) self[`${f.name}\0${f.file}`] = r.selfSamples;
  }
  return { total, self, samples: stats.totalSamples };
}

/** Runs once, on first use: every test that needs it fails on its own (with the fix) when py-spy is missing. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

const tmpDirs: string[] = [];
async function runDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyrometer-pyspy-'));
  tmpDirs.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(tmpDirs.map(d => fs.rm(d, { recursive: true, force: true })));
});

async function writeScript(name: string, text: string): Promise<string> {
  const file = path.join(await runDir(), name);
  await fs.writeFile(file, text);
  return file;
}

interface Launch { outcome: PySpyRunOutcome; stdout: string; stderr: string }

async function launch(script: string, sampling: { format: 'raw' | 'speedscope'; rateHz?: number }, cwd = path.dirname(script)): Promise<Launch> {
  let stdout = '';
  let stderr = '';
  const outcome = await runPySpyRecord({
    pySpy: pySpyForTests(), python: testPython(), runnerRoot: RUNNER_ROOT, target: { kind: 'script', script }, args: [], cwd,
    runDir: await runDir(), timeoutMs: 120000, sampling: { rateHz: 100, ...sampling },
  }, { onStdout: t => { stdout += t; }, onStderr: t => { stderr += t; } });
  return { outcome, stdout, stderr };
}

describe('py-spy for real: calls.py launched through the runner, --format raw', function () {
  this.timeout(180000);
  const calls = path.join(WORKLOADS, 'calls.py');
  const run = once(() => launch(calls, { format: 'raw' }, WORKLOADS));

  it('writes a profile that is trusted whatever py-spy exits with; its status lines are not the script\'s output', async () => {
    const { outcome, stdout } = await run();
    assert.strictEqual(outcome.process.end, 'exited', outcome.process.stderrTail);
    assert.ok([0, 1].includes(outcome.process.exitCode ?? -1), `py-spy exit ${outcome.process.exitCode}: ${outcome.process.stderrTail}`);
    assert.ok(outcome.hasProfile, `no profile: ${outcome.process.stderrTail}`);
    assert.ok(outcome.hasMetadata);
    assert.strictEqual(outcome.failure, undefined);
    assert.strictEqual(stdout, '', 'calls.py prints nothing; py-spy\'s lines must not show');
    assert.ok(outcome.statusLines.some(l => l === 'Sampling process 100 times a second. Press Control-C to exit.'), outcome.statusLines.join('\n'));
    assert.ok(outcome.statusLines.some(l => /^Wrote raw flamegraph data to '.*'\. Samples: \d+ Errors: \d+$/.test(l)));
    assert.ok((outcome.samples ?? 0) > 0, `samples: ${outcome.samples}`);
    assert.deepStrictEqual(outcome.argv.slice(1, 8), ['record', '--format', 'raw', '-o', outcome.files.profilePath, '--rate', '100']);
  });

  it('per-function sample sums equal py-spy\'s own numbers, computed from its file by plain Python', async () => {
    const { outcome } = await run();
    const text = await fs.readFile(outcome.files.profilePath, 'utf8');
    const reference = pythonJson<Reference>(testPython(), RAW_REFERENCE, outcome.files.profilePath);
    const ours = ourCounts(parseCollapsedStacks(text, { rateHz: 100 }));
    assert.deepStrictEqual(ours, reference);
    assert.strictEqual(reference.samples, outcome.samples, 'py-spy\'s "Samples: N" is the sum of its file');
    assert.ok(Object.keys(reference.total).some(k => k.endsWith(`\0${path.join(WORKLOADS, 'calls.py')}`)), 'calls.py was sampled');
  });

  it('the loaded profile: the script\'s frames only, absolute files, the same counts, the run\'s metadata', async () => {
    const { outcome } = await run();
    const profile = await loadPySpyProfile(outcome.load);
    const reference = pythonJson<Reference>(testPython(), RAW_REFERENCE, outcome.files.profilePath);
    assert.ok(!profile.frames.some(f => f.file.includes('pyrometer_runner') || f.name === '_run_module_as_main'),
      JSON.stringify(profile.frames.filter(f => f.file.includes('pyrometer_runner'))));
    const ours = ourCounts(profile);
    for (const name of ['<module>', 'main', 'work', 'inc']) {
      const key = `${name}\0${calls}`;
      assert.strictEqual(ours.total[key] ?? 0, reference.total[key] ?? 0, name);
      assert.strictEqual(ours.self[key] ?? 0, reference.self[key] ?? 0, name);
    }
    // A sample can also land in the interpreter's shutdown after the script returned (threading._shutdown, seen in
    // CI-like runs): every stack through the workload starts at its <module>, with nothing of the runner above it.
    for (const s of stackSamplesOf(profile.stacks!.stacks)) {
      if (s.frames.some(f => profile.frames[f].file === calls)) assert.deepStrictEqual([profile.frames[s.frames[0]].name, profile.frames[s.frames[0]].file], ['<module>', calls]);
    }
    const lines: Record<string, [number, number]> = { '<module>': [1, 21], main: [15, 17], work: [8, 12], inc: [4, 5] };
    for (const f of profile.frames.filter(x => x.file === calls)) {
      assert.ok(f.kind === 'python' && f.line >= lines[f.name][0] && f.line <= lines[f.name][1], JSON.stringify(f));
    }
    assert.strictEqual(profile.source, 'py-spy');
    assert.strictEqual(profile.metadata.tool, 'py-spy');
    assert.strictEqual(profile.metadata.exitCode, 0);
    assert.strictEqual(profile.metadata.script, calls);
    assert.strictEqual(profile.stacks!.rateHz, 100);
    assert.strictEqual(profile.totalSeconds, profile.stacks!.totalWeight / 100);
  });
});

describe('py-spy for real: a module target (-m calls, as a launch configuration or a test runs it)', function () {
  this.timeout(180000);
  const calls = path.join(WORKLOADS, 'calls.py');

  it('drops the runner and runpy frames above the module, and keeps py-spy\'s counts for its functions', async () => {
    const outcome = await runPySpyRecord({
      pySpy: pySpyForTests(), python: testPython(), runnerRoot: RUNNER_ROOT, target: { kind: 'module', module: 'calls' }, args: [],
      cwd: WORKLOADS, runDir: await runDir(), timeoutMs: 120000, sampling: { format: 'raw', rateHz: 100 },
    });
    assert.ok(outcome.hasProfile, outcome.process.stderrTail);
    assert.deepStrictEqual(outcome.argv.slice(-3), ['--', '-m', 'calls']);
    const profile = await loadPySpyProfile(outcome.load);
    const reference = pythonJson<Reference>(testPython(), RAW_REFERENCE, outcome.files.profilePath);
    assert.ok(!profile.frames.some(f => f.file.includes('pyrometer_runner') || f.file.endsWith('runpy.py')),
      JSON.stringify(profile.frames.filter(f => f.file.includes('pyrometer_runner') || f.file.endsWith('runpy.py'))));
    const ours = ourCounts(profile);
    for (const name of ['<module>', 'work', 'inc']) {
      const key = `${name}\0${calls}`;
      assert.ok((reference.total[key] ?? 0) > 0 || name === 'inc', `${name} was not sampled`);
      assert.strictEqual(ours.total[key] ?? 0, reference.total[key] ?? 0, name);
      assert.strictEqual(ours.self[key] ?? 0, reference.self[key] ?? 0, name);
    }
    // As above: a sample in the interpreter's shutdown (threading._shutdown, seen here) is not under the module.
    for (const st of stackSamplesOf(profile.stacks!.stacks)) {
      if (st.frames.some(f => profile.frames[f].file === calls)) assert.deepStrictEqual([profile.frames[st.frames[0]].name, profile.frames[st.frames[0]].file], ['<module>', calls]);
    }
    assert.strictEqual(profile.metadata.script, calls);
    assert.deepStrictEqual(profile.metadata.argv, ['-m', 'calls']);
  });
});

describe('py-spy for real: --format speedscope', function () {
  this.timeout(180000);
  const run = once(() => launch(path.join(WORKLOADS, 'calls.py'), { format: 'speedscope' }, WORKLOADS));

  it('per-function sample sums equal py-spy\'s own, counted by plain Python from its JSON', async () => {
    const { outcome } = await run();
    assert.ok(outcome.hasProfile, outcome.process.stderrTail);
    const reference = pythonJson<Reference>(testPython(), SPEEDSCOPE_REFERENCE, outcome.files.profilePath);
    const ours = ourCounts(parseSpeedscope(await fs.readFile(outcome.files.profilePath, 'utf8')));
    assert.deepStrictEqual(ours, reference);
    assert.strictEqual(reference.samples, outcome.samples);
    const profile = await loadPySpyProfile(outcome.load);
    // py-spy names a speedscope profile at the thread's first sample: '' until something imports threading
    assert.strictEqual(profile.stacks!.threads.length, 1);
    assert.ok(['', 'MainThread'].includes(profile.stacks!.threads[0].name), profile.stacks!.threads[0].name);
    assert.ok(profile.frames.some(f => f.file === path.join(WORKLOADS, 'calls.py')));
  });
});

describe('py-spy for real: how the script ended comes from the runner, not from py-spy', function () {
  this.timeout(180000);

  it('sys.exit(3): py-spy exits 0 or 1, the metadata says 3', async () => {
    const script = await writeScript('exit3.py', [
      'import sys, time',
      'def busy():',
      '    end = time.time() + 1.5',
      '    while time.time() < end:',
      '        pass',
      'busy()',
      'print("done")',
      'sys.exit(3)',
      '',
    ].join('\n'));
    const { outcome, stdout } = await launch(script, { format: 'raw' });
    assert.notStrictEqual(outcome.process.exitCode, 3);
    assert.ok(outcome.hasProfile && outcome.hasMetadata, outcome.process.stderrTail);
    assert.strictEqual(stdout, 'done\n');
    const profile = await loadPySpyProfile(outcome.load);
    assert.strictEqual(profile.metadata.exitCode, 3);
    assert.strictEqual(profile.metadata.exception, null);
    assert.ok(profile.frames.some(f => f.name === 'busy'));
  });

  it('an uncaught exception: type and traceback in the metadata, the traceback on stderr', async () => {
    const script = await writeScript('raises.py', [
      'import time',
      'end = time.time() + 1.5',
      'while time.time() < end:',
      '    pass',
      'raise ValueError("bad value")',
      '',
    ].join('\n'));
    const { outcome, stderr } = await launch(script, { format: 'raw' });
    const profile = await loadPySpyProfile(outcome.load);
    assert.strictEqual(profile.metadata.exitCode, 1);
    assert.strictEqual(profile.metadata.exception?.type, 'ValueError');
    assert.match(stderr, /ValueError: bad value/);
  });

  it('the script\'s stdout comes through exactly, py-spy\'s lines and empty lines removed', async () => {
    const text = 'one\n\ntwo\n   \nthree\n\n';
    const script = await writeScript('talk.py', [
      'import sys, time',
      `sys.stdout.write(${JSON.stringify(text)})`,
      'end = time.time() + 0.3',
      'while time.time() < end:',
      '    pass',
      '',
    ].join('\n'));
    const plain = execFileSync(testPython(), [script]).toString();
    assert.strictEqual(plain, text);
    const { stdout } = await launch(script, { format: 'raw' });
    assert.strictEqual(stdout, text);
  });

  it('a script that ends at once: "no samples", said plainly', async () => {
    const script = await writeScript('quick.py', 'x = 1\n');
    const { outcome } = await launch(script, { format: 'raw' });
    let failure = outcome.failure;
    if (!failure) {
      await assert.rejects(loadPySpyProfile(outcome.load), (e: unknown) => {
        assert.ok(e instanceof PySpyProfileError, String(e));
        failure = e.failure;
        return true;
      });
    }
    assert.strictEqual(failure?.kind, 'noSamples', JSON.stringify(failure));
    assert.match(failure!.message, /quick\.py/);
    assert.match(failure!.message, /longer run|sampling rate/);
  });
});

describe('py-spy for real: attach to a running process', function () {
  this.timeout(180000);
  let target: ChildProcess | undefined;
  afterEach(() => {
    if (target?.pid && target.exitCode === null) target.kill('SIGKILL');
    target = undefined;
  });

  it('samples it for the duration and leaves it running', async () => {
    const pySpy = pySpyForTests();
    target = spawn(testPython(), ['-c', [
      'import time',
      'def spin_here():',
      '    end = time.time() + 30',
      '    while time.time() < end:',
      '        pass',
      'print("ready", flush=True)',
      'spin_here()',
    ].join('\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>(resolve => target!.stdout!.once('data', () => resolve()));
    const outcome = await runPySpyAttach({
      pySpy, pid: target.pid!, durationSeconds: 1, cwd: os.tmpdir(), runDir: await runDir(), timeoutMs: 60000,
      sampling: { format: 'raw', rateHz: 100 }, python: testPython(),
    });
    assert.ok(outcome.hasProfile, `${JSON.stringify(outcome.failure)} ${outcome.process.stderrTail}`);
    assert.ok(outcome.argv.includes('--pid') && outcome.argv.includes('--duration'));
    const profile = await loadPySpyProfile(outcome.load);
    assert.ok(profile.frames.some(f => f.name === 'spin_here'));
    assert.strictEqual(target.exitCode, null, 'the attached process must keep running');
  });

  it('a process that does not exist: a clear failure', async () => {
    const outcome = await runPySpyAttach({
      pySpy: pySpyForTests(), pid: 2147483, durationSeconds: 1, cwd: os.tmpdir(), runDir: await runDir(), timeoutMs: 60000,
      sampling: { format: 'raw', rateHz: 100 },
    });
    assert.strictEqual(outcome.hasProfile, false);
    assert.ok(outcome.failure);
    assert.match(outcome.failure!.message, /process 2147483/);
  });
});

describe('py-spy missing', () => {
  it('a py-spy that is not there: "not installed" with how to install it into the selected environment', async () => {
    const python = testPython();
    const outcome = await runPySpyRecord({
      pySpy: path.join(os.tmpdir(), 'no-such-dir', 'py-spy'), python, runnerRoot: RUNNER_ROOT,
      target: { kind: 'script', script: path.join(WORKLOADS, 'calls.py') }, args: [], cwd: WORKLOADS, runDir: await runDir(), timeoutMs: 30000,
      sampling: { format: 'raw', rateHz: 100 },
    });
    assert.strictEqual(outcome.process.end, 'failedToStart');
    assert.strictEqual(outcome.hasProfile, false);
    assert.strictEqual(outcome.failure?.kind, 'notInstalled');
    assert.ok(outcome.failure!.message.includes(`${python} -m pip install py-spy`), outcome.failure!.message);
  });

  it('findPySpy: the interpreter\'s own bin first, then PATH, else nothing', async () => {
    const venvPython = path.join(toolsVenv(), 'bin', 'python');
    assert.strictEqual(await findPySpy(venvPython, { PATH: '' }), pySpyForTests());
    const bare = await runDir();
    await fs.mkdir(path.join(bare, 'bin'));
    const fakePython = path.join(bare, 'bin', 'python');
    assert.strictEqual(await findPySpy(fakePython, { PATH: '' }), undefined);
    assert.strictEqual(await findPySpy(fakePython, { PATH: [bare, path.dirname(pySpyForTests())].join(path.delimiter) }), pySpyForTests());
    // a py-spy that is not executable is not one
    await fs.writeFile(path.join(bare, 'bin', 'py-spy'), '#!/bin/sh\n', { mode: 0o644 });
    assert.strictEqual(await findPySpy(fakePython, { PATH: '' }), undefined);
    await fs.chmod(path.join(bare, 'bin', 'py-spy'), 0o755);
    assert.strictEqual(await findPySpy(fakePython, { PATH: path.dirname(pySpyForTests()) }), path.join(bare, 'bin', 'py-spy'));
  });
});

describe('py-spy argv', () => {
  const files = pySpyFiles('/runs/1', 'raw');
  it('record: format, output, rate, flags, then the runner\'s run subcommand around the script', () => {
    const argv = pySpyRecordArgv({
      pySpy: 'py-spy', python: '/py/bin/python3', runnerRoot: '/ext/python', target: { kind: 'script', script: '/w/s.py' }, args: ['a b', '--x'],
      cwd: '/w', runDir: '/runs/1', timeoutMs: 0,
      sampling: { format: 'raw', rateHz: 250, native: true, idle: true, gil: true, threads: true, subprocesses: true, nonblocking: true },
    }, files);
    assert.deepStrictEqual(argv, ['record', '--format', 'raw', '-o', '/runs/1/pyspy-raw.txt', '--rate', '250',
      '--native', '--idle', '--gil', '--threads', '--subprocesses', '--nonblocking', '--full-filenames',
      '--', '/py/bin/python3', '/ext/python/pyrometer_runner', 'run', '--out', '/runs/1/run-metadata.json',
      '--bytecode-out', '/runs/1/bytecode.json', '--', '/w/s.py', 'a b', '--x']);
  });
  it('record: a module target is passed to the runner as -m MODULE ARGS (python -m pytest under py-spy)', () => {
    const argv = pySpyRecordArgv({
      pySpy: 'py-spy', python: '/py/bin/python3', runnerRoot: '/ext/python', target: { kind: 'module', module: 'pytest' },
      args: ['tests/test_a.py::test_b', '-p', 'no:cacheprovider'], cwd: '/w', runDir: '/runs/1', timeoutMs: 0,
      sampling: { format: 'raw', rateHz: 100 },
    }, files);
    assert.deepStrictEqual(argv.slice(argv.indexOf('--bytecode-out')), ['--bytecode-out', '/runs/1/bytecode.json', '--',
      '-m', 'pytest', 'tests/test_a.py::test_b', '-p', 'no:cacheprovider']);
  });
  it('attach: --pid and whole seconds (py-spy rejects 1.5)', () => {
    const argv = pySpyAttachArgv({
      pySpy: 'py-spy', pid: 4242, durationSeconds: 1.6, cwd: '/', runDir: '/runs/1', timeoutMs: 0,
      sampling: { format: 'speedscope', rateHz: 99.6, fullFilenames: false, functionLines: true },
    }, pySpyFiles('/runs/1', 'speedscope'));
    assert.deepStrictEqual(argv, ['record', '--format', 'speedscope', '-o', '/runs/1/pyspy-speedscope.json', '--rate', '100',
      '--function', '--pid', '4242', '--duration', '2']);
  });
});

describe('py-spy\'s stdout: status lines out, the script\'s output through', () => {
  const feed = (chunks: string[]) => {
    const f = new PySpyOutputFilter();
    const out = chunks.map(c => f.push(c)).join('') + f.end();
    return { out, f };
  };
  const SAMPLING = 'py-spy> Sampling process 100 times a second. Press Control-C to exit.\n\n';
  const END = '\npy-spy> Stopped sampling because process exited\n' +
    "py-spy> Wrote raw flamegraph data to 'x.txt'. Samples: 61 Errors: 2\n" +
    'py-spy> You can use the flamegraph.pl script from https://github.com/brendangregg/flamegraph to generate a SVG\n';

  it('as py-spy prints them, in any chunking', () => {
    const whole = `hello out\n${SAMPLING}bye\n\n${END}`;
    for (let cut = 0; cut <= whole.length; cut++) {
      const { out, f } = feed([whole.slice(0, cut), whole.slice(cut)]);
      assert.strictEqual(out, 'hello out\nbye\n\n', `cut at ${cut}`);
      assert.strictEqual(f.statusLines.length, 4);
      assert.strictEqual(f.samples, 61);
      assert.strictEqual(f.sampleErrors, 2);
    }
    assert.strictEqual(feed(whole.split('')).out, 'hello out\nbye\n\n');
  });

  it('the script\'s output before "Sampling process" (py-spy slow to start on a loaded machine): its last empty line kept', () => {
    // The flake of "stdout comes through exactly": the script's buffered output came before py-spy's first line,
    // and its trailing empty line was taken for the one py-spy prints before a status line.
    const text = 'one\n\ntwo\n   \nthree\n\n';
    for (const whole of [`${text}${SAMPLING}${END}`, `one\n\n${SAMPLING}two\n   \nthree\n\n${END}`]) {
      for (let cut = 0; cut <= whole.length; cut++) {
        assert.strictEqual(feed([whole.slice(0, cut), whole.slice(cut)]).out, text, `cut at ${cut} of ${JSON.stringify(whole.slice(0, 30))}`);
      }
    }
  });

  it('a partial line of the script goes out at once; coloured status lines are recognised', () => {
    const f = new PySpyOutputFilter();
    assert.strictEqual(f.push('progress 10%'), 'progress 10%');
    assert.strictEqual(f.push('\rprogress 20%\n'), '\rprogress 20%\n');
    assert.strictEqual(f.push('py-sp'), '');
    assert.strictEqual(f.push('ython is not py-spy\n'), 'py-spython is not py-spy\n');
    assert.strictEqual(f.push('\x1b[1m\x1b[32mpy-spy\x1b[0m\x1b[2m>\x1b[0m Sampling process 100 times a second. Press Control-C to exit.\n'), '');
    assert.strictEqual(f.push('\nafter\n'), 'after\n');
    assert.strictEqual(f.end(), '');
    assert.deepStrictEqual(f.statusLines, ['Sampling process 100 times a second. Press Control-C to exit.']);
  });

  it('attach (--duration): no "Stopped" line', () => {
    const { out, f } = feed(['py-spy> Sampling process 100 times a second for 1 seconds. Press Control-C to exit.\n\n',
      "py-spy> Wrote raw flamegraph data to 'a.txt'. Samples: 99 Errors: 0\n", 'py-spy> You can use …\n']);
    assert.strictEqual(out, '');
    assert.strictEqual(f.samples, 99);
  });
});

describe('py-spy failures in the user\'s terms (messages as py-spy 0.4.2 prints them)', () => {
  const exited = (code: number, stderrTail: string): ProcessOutcome =>
    ({ end: 'exited', exitCode: code, signal: null, stderrTail, forwardedBytes: 0, droppedBytes: 0 });
  const facts = (over: Partial<PySpyFacts>): PySpyFacts => ({
    mode: 'attach', pySpy: '/venv/bin/py-spy', python: '/venv/bin/python', subject: 'process 77', pid: 77,
    process: exited(1, ''), hasProfile: false, hasMetadata: false, ...over,
  });
  const BACKTRACE = '\n\nStack backtrace:\n   0: anyhow::error::<impl anyhow::Error>::msg\n   1: py_spy::main\n';

  it('exit 1 with "No child process (os error 10)" after a valid file: trusted, no failure', () => {
    assert.strictEqual(classifyPySpyRun(facts({ mode: 'launch', hasProfile: true, hasMetadata: true,
      process: exited(1, `Error: No child process (os error 10)${BACKTRACE}`) })), undefined);
  });

  it('ptrace refused: same user, SYS_PTRACE, ptrace_scope', () => {
    for (const said of [
      'Permission Denied: Try running again with elevated permissions by going \'sudo env "PATH=$PATH" !!\'\n',
      'Permission Denied\n\nIt looks like you are running in a docker container. Please make sure you started your container with the SYS_PTRACE capability. See https://github.com/benfred/py-spy#how-do-i-run-py-spy-in-docker for more details\n',
      `Error: Failed to open process 77\n\nCaused by:\n    Operation not permitted (os error 1)${BACKTRACE}`,
    ]) {
      const f = classifyPySpyRun(facts({ process: exited(1, said) }));
      assert.strictEqual(f?.kind, 'permissionDenied', said);
      assert.match(f!.message, /same user/);
      assert.match(f!.message, /--cap-add SYS_PTRACE/);
      assert.match(f!.message, /kernel\.yama\.ptrace_scope/);
      assert.doesNotMatch(f!.message, /backtrace|anyhow/);
    }
  });

  it('unsupported Python version, not a Python process, a process gone', () => {
    const unsupported = classifyPySpyRun(facts({ process: exited(1, `Error: Unsupported version of Python: 3.14.0${BACKTRACE}`) }));
    assert.strictEqual(unsupported?.kind, 'unsupportedPython');
    assert.match(unsupported!.message, /Python 3\.14\.0/);
    assert.match(unsupported!.message, /pip install -U py-spy/);
    const notPython = classifyPySpyRun(facts({ process: exited(1, `Error: Failed to find python version from target process${BACKTRACE}`) }));
    assert.strictEqual(notPython?.kind, 'notPython');
    assert.match(notPython!.message, /process 77/);
    const gone = classifyPySpyRun(facts({ process: exited(1, 'Error: Failed to get process executable name. Check that the process is running.\n\nCaused by:\n    0: No such file or directory (os error 2)\n') }));
    assert.strictEqual(gone?.kind, 'failed');
    assert.match(gone!.message, /process 77 is not running/);
  });

  it('launch: the script ended before py-spy attached → no samples; cancel and timeout', () => {
    const quick = classifyPySpyRun(facts({ mode: 'launch', subject: 'quick.py', hasMetadata: true,
      process: exited(1, 'Error: Failed to get process executable name. Check that the process is running.\n') }));
    assert.strictEqual(quick?.kind, 'noSamples');
    assert.match(quick!.message, /quick\.py finished before py-spy could take a sample/);
    const cancelled = classifyPySpyRun(facts({ mode: 'launch', subject: 'a.py', process: { ...exited(0, ''), end: 'cancelled', exitCode: null } }));
    assert.strictEqual(cancelled?.kind, 'cancelled');
    const timedOut = classifyPySpyRun(facts({ mode: 'launch', subject: 'a.py', timeoutMs: 5000, process: { ...exited(0, ''), end: 'timedOut', exitCode: null } }));
    assert.strictEqual(timedOut?.kind, 'timedOut');
    assert.match(timedOut!.message, /after 5 s/);
  });

  it('pySpyError keeps the error and its causes, drops the Rust backtrace', () => {
    assert.strictEqual(pySpyError(`script output\nError: Failed to open process 5\n\nCaused by:\n    0: Operation not permitted (os error 1)${BACKTRACE}`),
      'Error: Failed to open process 5 Operation not permitted (os error 1)');
  });
});

describe('loading a launch\'s files', () => {
  it('3.8 keeps a relative script name in co_filename: resolved against the run\'s cwd; metadata from run.json', async () => {
    const dir = await runDir();
    const profilePath = path.join(dir, 'pyspy-raw.txt');
    const metaPath = path.join(dir, 'run.json');
    const R = path.join(dir, 'ext', 'python', 'pyrometer_runner');
    await fs.writeFile(profilePath, [
      `_run_module_as_main (/py/lib/python3.8/runpy.py:194);<module> (${R}/__main__.py:83);run (${R}/target.py:210);<module> (calls.py:21);work (calls.py:11) 7`,
      '_bootstrap (/py/lib/python3.8/threading.py:890);spin (/abs/lib.py:4) 2',
    ].join('\n'));
    await fs.writeFile(metaPath, JSON.stringify({ schema: 'pyrometer.run/1', metadata: {
      tool: 'none', python: { version: '3.8.18', implementation: 'CPython', executable: '/py/bin/python' },
      platform: 'Linux', argv: ['calls.py'], cwd: '/work/shared/workloads', script: '/work/shared/workloads/calls.py',
      startedAt: '2026-11-25T15:00:00.000Z', wallSeconds: 0.9, cpuSeconds: 0.8, exitCode: 4, exception: null,
      threadsSeen: 1, capabilities: { sysMonitoring: false },
    } }));
    const profile = await loadPySpyProfile({
      mode: 'launch', format: 'raw', profilePath, metaPath, rateHz: 100, runnerPackageDir: R, fullFilenames: true, subject: 'calls.py',
    });
    assert.deepStrictEqual(profile.frames.map(f => [f.name, f.file]), [
      ['<module>', '/work/shared/workloads/calls.py'], ['work', '/work/shared/workloads/calls.py'],
      ['_bootstrap', '/py/lib/python3.8/threading.py'], ['spin', '/abs/lib.py'],
    ]);
    assert.strictEqual(profile.metadata.tool, 'py-spy');
    assert.strictEqual(profile.metadata.exitCode, 4);
    assert.strictEqual(profile.metadata.python.version, '3.8.18');
    assert.strictEqual(profile.stacks!.totalWeight, 9);
    await fs.writeFile(metaPath, '{"schema": "pyrometer.cprofile/1"}');
    await assert.rejects(loadPySpyProfile({ mode: 'launch', format: 'raw', profilePath, metaPath, rateHz: 100, fullFilenames: true, subject: 'calls.py' }),
      /expected pyrometer\.run\/1/);
  });
});

describe('the runner\'s frames leave a launch\'s stacks', () => {
  it('stacks through target.run lose the runner prefix; runner and startup stacks go; threads stay', () => {
    const R = '/ext/python/pyrometer_runner';
    const text = [
      `_run_module_as_main (<frozen runpy>:198);_run_code (<frozen runpy>:88);<module> (${R}/__main__.py:83);main (${R}/__main__.py:62);main (${R}/plain_run.py:59);run (${R}/target.py:210);<module> (/w/s.py:21);work (/w/s.py:11) 5`,
      `_run_module_as_main (<frozen runpy>:198);_run_code (<frozen runpy>:88);<module> (${R}/__main__.py:82);_load_subcommands (${R}/__main__.py:43) 2`,
      // sampled as run_code records the outcome, right after the script ended (seen in CI's log once)
      `_run_module_as_main (<frozen runpy>:198);<module> (${R}/__main__.py:83);main (${R}/__main__.py:62);run (${R}/module_target.py:96);run_code (${R}/target.py:230);finished (${R}/target.py:96);__init__ (${R}/target.py:86) 1`,
      '_run_module_as_main (<frozen runpy>:191);_get_main_module_details (<frozen runpy>:240);get_code (<frozen importlib._bootstrap_external>:1128) 1',
      '_find_and_load (<frozen importlib._bootstrap>:1176);exec_module (<frozen importlib._bootstrap>:980);<module> (<frozen site>:616);main (<frozen site>:603) 2',
      '<module> (/usr/lib/python3.8/site.py:12) 1',
      '_bootstrap (threading.py:1030);worker (/w/s.py:30) 3',
      ' 1',
    ].join('\n');
    const p = withoutRunnerFrames(parseCollapsedStacks(text, { rateHz: 100 }), R);
    assert.deepStrictEqual(stackSamplesOf(p.stacks!.stacks).map(s => [s.frames.map(f => p.frames[f].name), s.lines, s.weight]), [
      [['<module>', 'work'], [21, 11], 5], [['_bootstrap', 'worker'], [1030, 30], 3], [[], [], 1],
    ]);
    assert.deepStrictEqual(p.frames.map(f => f.name), ['<module>', 'work', '_bootstrap', 'worker']);
    assert.strictEqual(p.stacks!.totalWeight, 9);
    assert.strictEqual(p.totalSeconds, 0.09);
    assert.strictEqual(p.frames[0].line, 21);
  });
});
