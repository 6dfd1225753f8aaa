import { durationText } from './durationText';
import { asArray, asObject, optionalNumber, optionalString, parseResultRoot } from './jsonFields';
import { escapeMarkdown } from './markdownText';
import { parseBuildFlags, parseMachine } from './runEnvironment';
import type { MachineInfo, PythonBuildFlags } from './profileModel';

/** A timeit or pyperf benchmark as the runner's `bench` subcommand wrote it (python/pyrometer_runner/bench_run.py). */

export const BENCH_SCHEMA = 'pyrometer.bench/1';

/** One pyperf worker process: its warm-ups and values (per-loop seconds); a calibration run has no values. */
export interface PyperfRun {
  readonly loops: number;
  readonly calibration: boolean;
  readonly warmupsSeconds: readonly number[];
  readonly valuesSeconds: readonly number[];
}

/** What only the pyperf engine gives (python/pyrometer_runner/bench_pyperf.py). */
export interface PyperfDetails {
  readonly mode: string;
  /** Worker processes that measured values (calibration runs not counted), and the most warm-ups one of them ran. */
  readonly processes: number;
  readonly warmups: number;
  readonly runs: readonly PyperfRun[];
  /** pyperf's own JSON, as it wrote it: kept to compare the next run with it. */
  readonly json: string | null;
  /** `pyperf compare_to PREVIOUS NEW`'s stdout, verbatim, when the run was compared. */
  readonly compareText: string | null;
  readonly compareError: string | null;
}

export interface BenchResult {
  readonly engine: string;
  /** What was timed: the statement, or `qualname(args)`. */
  readonly target: string;
  readonly script: string;
  /** Loops per repetition, and whether timeit's autorange chose it. */
  readonly number: number;
  readonly autorange: boolean;
  /** Per-loop seconds of every repetition, in the order measured. */
  readonly valuesSeconds: readonly number[];
  readonly minSeconds: number;
  readonly medianSeconds: number;
  readonly meanSeconds: number;
  readonly stdevSeconds: number;
  readonly maxSeconds: number;
  readonly error: { readonly type: string; readonly message: string; readonly traceback: string } | null;
  /** Set when the engine is pyperf. */
  readonly pyperf?: PyperfDetails;
  readonly pythonVersion: string;
  readonly debugBuild: boolean;
  readonly buildFlags?: PythonBuildFlags;
  readonly machine?: MachineInfo;
  readonly startedAt: string;
}

export function parseBenchResult(text: string): BenchResult {
  const root = parseResultRoot(text, BENCH_SCHEMA, 'benchmark');
  const meta = asObject(root.metadata ?? {}, 'metadata');
  const python = asObject(meta.python ?? {}, 'metadata.python');
  const error = root.error ? asObject(root.error, 'error') : null;
  const call = optionalString(root, 'call');
  const num = (key: string) => optionalNumber(root, key) ?? 0;
  return {
    engine: optionalString(root, 'engine') ?? 'timeit',
    target: call ? `${call}(${(optionalString(root, 'callArgs') ?? '').replace(/^\((.*?),?\)$/s, '$1')})` : optionalString(root, 'stmt') ?? '',
    script: optionalString(root, 'script') ?? '',
    number: num('number'),
    autorange: root.autorange === true,
    valuesSeconds: asArray(root.valuesSeconds ?? [], 'valuesSeconds').map(Number),
    minSeconds: num('minSeconds'), medianSeconds: num('medianSeconds'), meanSeconds: num('meanSeconds'),
    stdevSeconds: num('stdevSeconds'), maxSeconds: num('maxSeconds'),
    error: error ? { type: optionalString(error, 'type') ?? 'Exception', message: optionalString(error, 'message') ?? '', traceback: optionalString(error, 'traceback') ?? '' } : null,
    pyperf: optionalString(root, 'engine') === 'pyperf' ? parsePyperf(root) : undefined,
    pythonVersion: optionalString(python, 'version') ?? '',
    debugBuild: python.debugBuild === true,
    buildFlags: parseBuildFlags(python.buildFlags),
    machine: parseMachine(meta.machine),
    startedAt: optionalString(meta, 'startedAt') ?? '',
  };
}

function parsePyperf(root: Record<string, unknown>): PyperfDetails {
  const runs = asArray(root.runs ?? [], 'runs').map((value, i) => {
    const run = asObject(value, `runs[${i}]`);
    return {
      loops: optionalNumber(run, 'loops') ?? 0, calibration: run.calibration === true,
      warmupsSeconds: asArray(run.warmupsSeconds ?? [], `runs[${i}].warmupsSeconds`).map(Number),
      valuesSeconds: asArray(run.valuesSeconds ?? [], `runs[${i}].valuesSeconds`).map(Number),
    };
  });
  return {
    mode: optionalString(root, 'pyperfMode') ?? 'default', processes: optionalNumber(root, 'processes') ?? 0,
    warmups: optionalNumber(root, 'warmups') ?? 0, runs, json: optionalString(root, 'pyperfJson') ?? null,
    compareText: optionalString(root, 'compareText') ?? null, compareError: optionalString(root, 'compareError') ?? null,
  };
}

const ns = (seconds: number) => durationText(seconds * 1e9);
const BAR = 30;

/** The distribution as text: every value, a bar per value scaled from min to max, and the summary. */
export function benchMarkdown(result: BenchResult, previous?: BenchResult): string {
  const lines = [`# Pyrometer benchmark: \`${result.target.replace(/`/g, "'")}\``, ''];
  if (result.error && result.pyperf) {
    lines.push(`pyperf failed (**${escapeMarkdown(result.error.type)}**): ${escapeMarkdown(result.error.message)}`, '');
    if (result.error.traceback) lines.push('```', result.error.traceback.trimEnd(), '```');
    return lines.join('\n') + '\n';
  }
  if (result.error) {
    lines.push(`The timed code raised **${escapeMarkdown(result.error.type)}**: ${escapeMarkdown(result.error.message)}`, '', '```', result.error.traceback, '```');
    return lines.join('\n') + '\n';
  }
  if (result.debugBuild) lines.push('> **Warning:** this Python is a debug build: its timings say little about speed.', '');
  const values = result.valuesSeconds;
  if (result.pyperf) return pyperfMarkdown(lines, result, result.pyperf, previous);
  lines.push(`${escapeMarkdown(result.engine)} on Python ${escapeMarkdown(result.pythonVersion)}: ${values.length} repetitions of ` +
    `${result.number.toLocaleString('en-US')} loops (${result.autorange ? 'chosen by autorange' : 'given'}); times are per loop.`, '',
    '| min | median | mean | stdev | max |', '|---:|---:|---:|---:|---:|',
    `| ${ns(result.minSeconds)} | ${ns(result.medianSeconds)} | ${ns(result.meanSeconds)} | ${ns(result.stdevSeconds)} | ${ns(result.maxSeconds)} |`,
    '', '**Every repetition** (the spread is the noise; the min is the least disturbed run):', '', '```');
  values.forEach((v, i) => lines.push(valueLine(result, i + 1, v)));
  lines.push('```');
  ownComparison(lines, result, previous);
  return lines.join('\n') + '\n';
}

/** `  3    1.75 µs  ████`: the value's bar scaled from the min (one block) to the max. */
function valueLine(result: BenchResult, index: number, seconds: number): string {
  const span = result.maxSeconds - result.minSeconds;
  const width = span > 0 ? Math.round(((seconds - result.minSeconds) / span) * BAR) : 0;
  return `${String(index).padStart(3)}  ${ns(seconds).padStart(9)}  ${'█'.repeat(1 + width)}`;
}

/** pyperf's procedure, every value grouped by the worker process that measured it, and compare_to's own verdict. */
function pyperfMarkdown(lines: string[], result: BenchResult, pyperf: PyperfDetails, previous?: BenchResult): string {
  const loops = result.number > 0 ? `${result.number.toLocaleString('en-US')} loops` : 'loops calibrated per process';
  lines.push(`pyperf (${escapeMarkdown(pyperf.mode)} mode) on Python ${escapeMarkdown(result.pythonVersion)}: ${result.valuesSeconds.length} values ` +
    `from ${pyperf.processes} processes, each after ${pyperf.warmups} warm-up${pyperf.warmups === 1 ? '' : 's'}, of ${loops}` +
    `${result.autorange ? ' (calibrated by pyperf)' : ' (given)'}; times are per loop.`, '',
    '| min | median | mean | stdev | max |', '|---:|---:|---:|---:|---:|',
    `| ${ns(result.minSeconds)} | ${ns(result.medianSeconds)} | ${ns(result.meanSeconds)} | ${ns(result.stdevSeconds)} | ${ns(result.maxSeconds)} |`,
    '', '**Every value, by process** (warm-ups are not counted; the spread between processes is noise pyperf averages over):', '', '```');
  let index = 0;
  pyperf.runs.filter(run => !run.calibration).forEach((run, p) => {
    const warm = run.warmupsSeconds.length ? `, warm-up ${run.warmupsSeconds.map(ns).join(', ')}` : '';
    lines.push(`process ${p + 1} (${run.loops.toLocaleString('en-US')} loops${warm})`);
    for (const v of run.valuesSeconds) lines.push(valueLine(result, ++index, v));
  });
  lines.push('```');
  if (pyperf.compareText !== null) {
    lines.push('', `**pyperf compare_to** the previous run of the same target${previous ? ` (${escapeMarkdown(previous.startedAt)})` : ''}:`, '',
      '```', pyperf.compareText.trimEnd(), '```');
  } else {
    if (pyperf.compareError !== null) lines.push('', `> **Warning:** pyperf compare_to failed: ${escapeMarkdown(pyperf.compareError)}`);
    ownComparison(lines, result, previous);
  }
  return lines.join('\n') + '\n';
}

function ownComparison(lines: string[], result: BenchResult, previous?: BenchResult): void {
  if (previous && !previous.error && previous.medianSeconds > 0) {
    const ratio = result.medianSeconds / previous.medianSeconds;
    const overlap = result.minSeconds <= previous.maxSeconds && previous.minSeconds <= result.maxSeconds;
    lines.push('', `**Against the previous run of the same target** (${escapeMarkdown(previous.startedAt)}): median ${ns(previous.medianSeconds)} → ${ns(result.medianSeconds)}, ` +
      `${ratio < 1 ? `${(1 / ratio).toFixed(2)}× faster` : `${ratio.toFixed(2)}× slower`}; min ${ns(previous.minSeconds)} → ${ns(result.minSeconds)}. ` +
      (overlap ? 'The two ranges of values overlap: the difference may be noise; repeat more.' : 'The ranges do not overlap.'));
    if (previous.pythonVersion !== result.pythonVersion) lines.push('', `> **Warning:** the previous run used Python ${escapeMarkdown(previous.pythonVersion)}.`);
    if (previous.engine !== result.engine) lines.push('', `> **Warning:** the previous run was timed with ${escapeMarkdown(previous.engine)}, this one with ${escapeMarkdown(result.engine)}.`);
  }
}
