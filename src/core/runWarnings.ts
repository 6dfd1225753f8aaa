import type { Profile, RunMetadata } from './profileModel';
import { stackFrames } from './stackTable';

/**
 * Where the seed of a wrong conclusion is visible in a run's own data: a debug interpreter timed for speed, a run
 * too short to measure, a profile that is mostly imports, or two runs made on different interpreters or machines.
 */

export type RunWarningKind = 'debugBuild' | 'shortRun' | 'fewSamples' | 'importDominated'
  | 'pythonDiffers' | 'machineDiffers' | 'buildDiffers';

export interface RunWarning {
  readonly kind: RunWarningKind;
  /** One sentence: what is wrong and what to do. */
  readonly message: string;
}

/** Runs shorter than this are dominated by startup and timer resolution. */
export const SHORT_RUN_SECONDS = 0.1;
/** Fewer samples than this give shares with a statistical error of 10% or more. */
export const FEW_SAMPLES = 100;
/** Above this share of the run spent importing, the profile measures import machinery, not the program. */
export const IMPORT_DOMINATED_FRACTION = 0.5;

const IMPORT_BOOTSTRAP = /^<frozen importlib\._bootstrap(_external)?>$|[\\/]importlib[\\/]_bootstrap(_external)?\.py$/;

/** Is this frame part of the import system (importlib's bootstrap, frozen or as source)? */
export function isImportMachinery(file: string): boolean {
  return IMPORT_BOOTSTRAP.test(file);
}

/**
 * The share of the run spent under import machinery. cProfile: the largest cumulative time of an importlib
 * bootstrap function (pstats counts a recursive function's cumulative time once, at its outermost call, so
 * `_find_and_load` holds every import, nested ones once) over the largest cumulative time of any function (the
 * run's root). Sampled runs: samples whose stack has an importlib frame, over all samples.
 */
export function importFraction(profile: Profile): number {
  if (profile.stacks) {
    const total = profile.stacks.totalWeight;
    if (total <= 0) return 0;
    const importing = new Set(profile.frames.flatMap((f, i) => (isImportMachinery(f.file) ? [i] : [])));
    let underImport = 0;
    const t = profile.stacks.stacks;
    for (let i = 0; i < t.length; i++) if (stackFrames(t, i).some(f => importing.has(f))) underImport += t.weights[i];
    return underImport / total;
  }
  let root = 0;
  let imports = 0;
  for (const fn of profile.functions) {
    root = Math.max(root, fn.cumulativeSeconds);
    if (isImportMachinery(profile.frames[fn.frameIndex]?.file ?? '')) imports = Math.max(imports, fn.cumulativeSeconds);
  }
  return root > 0 ? imports / root : 0;
}

const percent = (x: number) => `${(x * 100).toFixed(0)}%`;

/** What is wrong with one run's figures as speed numbers. */
export function profileWarnings(profile: Profile): RunWarning[] {
  const m = profile.metadata;
  const warnings: RunWarning[] = [];
  if (m.python.debugBuild) {
    warnings.push({ kind: 'debugBuild', message: `Python ${m.python.version} is a debug build (--with-pydebug): it runs several times slower than a release build and not uniformly, so its timings say little about speed. Profile with a release interpreter.` });
  }
  // Profile files carry no wall time (0): only a measured duration can be called short.
  if (m.wallSeconds > 0 && m.wallSeconds < SHORT_RUN_SECONDS) {
    warnings.push({ kind: 'shortRun', message: `The run took ${(m.wallSeconds * 1000).toFixed(1)} ms (< ${SHORT_RUN_SECONDS * 1000} ms): startup, timer resolution and noise dominate. Make the workload run longer or repeat it, or benchmark it.` });
  }
  if (profile.stacks && profile.stacks.totalWeight < FEW_SAMPLES) {
    warnings.push({ kind: 'fewSamples', message: `Only ${profile.stacks.totalWeight} samples (< ${FEW_SAMPLES}): a share of n samples is uncertain by about ±1/√n, over 10% here. Run longer or raise the sampling rate.` });
  }
  const imports = importFraction(profile);
  if (imports > IMPORT_DOMINATED_FRACTION) {
    warnings.push({ kind: 'importDominated', message: `${percent(imports)} of the run is under import machinery (<frozen importlib._bootstrap>): this profile measures imports, not the program's work. Use "Profile imports" for them, or profile a longer workload.` });
  }
  return warnings;
}

function buildText(m: RunMetadata): string {
  const p = m.python;
  return [p.debugBuild ? 'debug' : 'release', `-O level ${p.optimizeLevel ?? '?'}`,
    p.buildFlags?.jitEnabled ? 'JIT on' : '', p.gilDisabled ? 'GIL off' : ''].filter(Boolean).join(', ');
}

/** Why figures of two runs may differ for reasons other than the change under test. */
export function comparisonWarnings(baseline: RunMetadata, current: RunMetadata): RunWarning[] {
  const warnings: RunWarning[] = [];
  const bp = baseline.python;
  const cp = current.python;
  if (bp.version !== cp.version || bp.implementation !== cp.implementation) {
    warnings.push({ kind: 'pythonDiffers', message: `The runs used different interpreters (baseline ${bp.implementation} ${bp.version}, this run ${cp.implementation} ${cp.version}): differences may come from the interpreter, not from your change. Compare runs made with the same Python.` });
  } else if (buildText(baseline) !== buildText(current)) {
    warnings.push({ kind: 'buildDiffers', message: `The interpreters ran differently (baseline ${buildText(baseline)}; this run ${buildText(current)}): compare runs made the same way.` });
  }
  const machineParts = (m: RunMetadata) => [m.platform, m.machine?.cpuModel ?? '', m.machine ? `${m.machine.cpusUsable} CPUs` : ''];
  const bm = machineParts(baseline);
  const cm = machineParts(current);
  // A side that did not record a part (a profile file) cannot be said to differ in it.
  const differs = bm.some((part, i) => part !== '' && cm[i] !== '' && part !== cm[i]);
  if (differs) {
    warnings.push({ kind: 'machineDiffers', message: `The runs were made on different machines (baseline ${bm.filter(Boolean).join(', ')}; this run ${cm.filter(Boolean).join(', ')}): timings are not comparable. Measure both on one machine.` });
  }
  return warnings;
}
