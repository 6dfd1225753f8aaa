import * as assert from 'assert';
import { parseRunMetadata } from '../../src/core/cprofileResult';
import type { Profile, RunMetadata } from '../../src/core/profileModel';
import { runDetailsMarkdown } from '../../src/core/runDetails';
import { comparisonWarnings, profileWarnings } from '../../src/core/runWarnings';
import { emptyStackTable, stackTableOf } from '../../src/core/stackTable';

const OLD_METADATA = {
  tool: 'cProfile', python: { version: '3.11.7', implementation: 'CPython', executable: '/py', debugBuild: false, optimizeLevel: 0 },
  platform: 'Linux-6.1-x86_64', argv: ['a.py'], cwd: '/w', script: '/w/a.py', startedAt: '2026-11-25T14:50:00.123Z',
  wallSeconds: 1.5, cpuSeconds: 1.4, exitCode: 0, exception: null, threadsSeen: 0, capabilities: {},
};
const NEW_METADATA = {
  ...OLD_METADATA,
  python: { ...OLD_METADATA.python, freeThreadingBuild: false, buildFlags: { pgo: true, lto: false, cOptimization: '-O3', assertions: false, jitBuild: false, jitEnabled: false, configureArgs: "'--enable-optimizations'" } },
  commandLine: ['/py', '-O', 'a.py', 'x y'],
  machine: { cpuModel: 'AMD EPYC', cpuCount: 4, cpusUsable: 2, pythonEnv: { PYTHONHASHSEED: '0' }, git: { commit: 'abc123', branch: 'main', root: '/w' } },
};

const meta = (over: Partial<RunMetadata> = {}, python: Partial<RunMetadata['python']> = {}): RunMetadata => {
  const m = parseRunMetadata(NEW_METADATA);
  return { ...m, ...over, python: { ...m.python, ...python } };
};
const profileOf = (metadata: RunMetadata, samples?: number): Profile => ({
  source: samples === undefined ? 'cProfile' : 'py-spy', metadata, frames: [], functions: [], totalSeconds: 1,
  ...(samples === undefined ? {} : { stacks: { unit: 'samples' as const, stacks: emptyStackTable(), threads: [], totalWeight: samples } }),
});

describe('run metadata', () => {
  it('reads results written before build flags, machine and command line were recorded', () => {
    const m = parseRunMetadata(OLD_METADATA);
    assert.strictEqual(m.machine, undefined);
    assert.strictEqual(m.commandLine, undefined);
    assert.strictEqual(m.python.buildFlags, undefined);
    const details = runDetailsMarkdown({ label: 'a.py', source: 'cProfile', figures: '1 s' }, m, []);
    assert.match(details, /\| CPU \| unknown \|/);
    assert.match(details, /\| Command line \| `a\.py` \|/);
  });

  it('reads the new fields and shows them in the run details', () => {
    const m = parseRunMetadata(NEW_METADATA);
    assert.deepStrictEqual(m.machine, NEW_METADATA.machine);
    assert.deepStrictEqual(m.python.buildFlags, NEW_METADATA.python.buildFlags);
    const details = runDetailsMarkdown({ label: 'a.py', source: 'cProfile', figures: 'total_tt 1.000 s' }, m,
      profileWarnings(profileOf(meta({ wallSeconds: 0.05 }))));
    assert.match(details, /\| Command line \| `\/py -O a\.py 'x y'` \|/);
    assert.match(details, /\| PGO \/ LTO \| yes \/ no \|/);
    assert.match(details, /\| CPU \| AMD EPYC \|/);
    assert.match(details, /\| Cores \(machine \/ usable\) \| 4 \/ 2 \|/);
    assert.match(details, /\| Git commit \| `abc123` on main \|/);
    assert.match(details, /`PYTHONHASHSEED=0`/);
    assert.match(details, /> \*\*Warning:\*\* The run took 50\\\.0 ms/);
  });
});

describe('run warnings', () => {
  it('warns about a debug build used for timings', () => {
    assert.deepStrictEqual(profileWarnings(profileOf(meta({}, { debugBuild: true }))).map(w => w.kind), ['debugBuild']);
    assert.deepStrictEqual(profileWarnings(profileOf(meta())).map(w => w.kind), []);
  });

  it('warns about runs under 100 ms and under 100 samples, not at the thresholds', () => {
    assert.deepStrictEqual(profileWarnings(profileOf(meta({ wallSeconds: 0.099 }))).map(w => w.kind), ['shortRun']);
    assert.deepStrictEqual(profileWarnings(profileOf(meta({ wallSeconds: 0.1 }))).map(w => w.kind), []);
    assert.deepStrictEqual(profileWarnings(profileOf(meta(), 99)).map(w => w.kind), ['fewSamples']);
    assert.deepStrictEqual(profileWarnings(profileOf(meta(), 100)).map(w => w.kind), []);
    // a profile file records no wall time: not "short"
    assert.deepStrictEqual(profileWarnings(profileOf(meta({ wallSeconds: 0 }))).map(w => w.kind), []);
  });

  it('warns when a py-spy profile is mostly under importlib', () => {
    const frames = [{ name: '<module>', file: '/w/a.py', line: 1, kind: 'python' as const },
      { name: '_find_and_load', file: '<frozen importlib._bootstrap>', line: 1165, kind: 'python' as const }];
    const stacks = (imp: number, rest: number) => ({ unit: 'samples' as const, threads: [], totalWeight: imp + rest, stacks: stackTableOf([
      { frames: [0, 1], lines: [1, 1], weight: imp, thread: -1 }, { frames: [0], lines: [2], weight: rest, thread: -1 }]) });
    const p = (imp: number, rest: number): Profile => ({ ...profileOf(meta()), source: 'py-spy', frames, stacks: stacks(imp, rest) });
    assert.deepStrictEqual(profileWarnings(p(101, 99)).map(w => w.kind), ['importDominated']);
    assert.match(profileWarnings(p(101, 99))[0].message, /^51% of the run is under import machinery/);
    assert.deepStrictEqual(profileWarnings(p(100, 100)).map(w => w.kind), []);
  });

  it('warns when compared runs used other Pythons, builds or machines', () => {
    assert.deepStrictEqual(comparisonWarnings(meta(), meta()), []);
    assert.deepStrictEqual(comparisonWarnings(meta(), meta({}, { version: '3.12.1' })).map(w => w.kind), ['pythonDiffers']);
    assert.deepStrictEqual(comparisonWarnings(meta(), meta({}, { optimizeLevel: 1 })).map(w => w.kind), ['buildDiffers']);
    const other = meta({ machine: { ...meta().machine!, cpuModel: 'Intel Xeon' } });
    const [w] = comparisonWarnings(meta(), other);
    assert.strictEqual(w.kind, 'machineDiffers');
    assert.match(w.message, /baseline Linux-6\.1-x86_64, AMD EPYC, 2 CPUs; this run Linux-6\.1-x86_64, Intel Xeon, 2 CPUs/);
    // a profile file knows no machine: no claim that it differs
    assert.deepStrictEqual(comparisonWarnings(meta({ machine: undefined, platform: '' }), other), []);
  });
});
