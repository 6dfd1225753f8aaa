import { durationText } from './durationText';
import { asArray, asObject, optionalNumber, optionalString, parseResultRoot } from './jsonFields';
import { escapeMarkdown } from './markdownText';
import { parseBuildFlags, parseMachine } from './runEnvironment';
import type { MachineInfo, PythonBuildFlags } from './profileModel';

/** A timeit benchmark as the runner's `bench` subcommand wrote it (python/pyrometer_runner/bench_run.py). */

export const BENCH_SCHEMA = 'pyrometer.bench/1';

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
    pythonVersion: optionalString(python, 'version') ?? '',
    debugBuild: python.debugBuild === true,
    buildFlags: parseBuildFlags(python.buildFlags),
    machine: parseMachine(meta.machine),
    startedAt: optionalString(meta, 'startedAt') ?? '',
  };
}

const ns = (seconds: number) => durationText(seconds * 1e9);
const BAR = 30;

/** The distribution as text: every value, a bar per value scaled from min to max, and the summary. */
export function benchMarkdown(result: BenchResult, previous?: BenchResult): string {
  const lines = [`# Pyrometer benchmark: \`${result.target.replace(/`/g, "'")}\``, ''];
  if (result.error) {
    lines.push(`The timed code raised **${escapeMarkdown(result.error.type)}**: ${escapeMarkdown(result.error.message)}`, '', '```', result.error.traceback, '```');
    return lines.join('\n') + '\n';
  }
  if (result.debugBuild) lines.push('> **Warning:** this Python is a debug build: its timings say little about speed.', '');
  const values = result.valuesSeconds;
  lines.push(`${escapeMarkdown(result.engine)} on Python ${escapeMarkdown(result.pythonVersion)}: ${values.length} repetitions of ` +
    `${result.number.toLocaleString('en-US')} loops (${result.autorange ? 'chosen by autorange' : 'given'}); times are per loop.`, '',
    '| min | median | mean | stdev | max |', '|---:|---:|---:|---:|---:|',
    `| ${ns(result.minSeconds)} | ${ns(result.medianSeconds)} | ${ns(result.meanSeconds)} | ${ns(result.stdevSeconds)} | ${ns(result.maxSeconds)} |`,
    '', '**Every repetition** (the spread is the noise; the min is the least disturbed run):', '', '```');
  const span = result.maxSeconds - result.minSeconds;
  values.forEach((v, i) => {
    const width = span > 0 ? Math.round(((v - result.minSeconds) / span) * BAR) : 0;
    lines.push(`${String(i + 1).padStart(3)}  ${ns(v).padStart(9)}  ${'█'.repeat(1 + width)}`);
  });
  lines.push('```');
  if (previous && !previous.error && previous.medianSeconds > 0) {
    const ratio = result.medianSeconds / previous.medianSeconds;
    const overlap = result.minSeconds <= previous.maxSeconds && previous.minSeconds <= result.maxSeconds;
    lines.push('', `**Against the previous run of the same target** (${escapeMarkdown(previous.startedAt)}): median ${ns(previous.medianSeconds)} → ${ns(result.medianSeconds)}, ` +
      `${ratio < 1 ? `${(1 / ratio).toFixed(2)}× faster` : `${ratio.toFixed(2)}× slower`}; min ${ns(previous.minSeconds)} → ${ns(result.minSeconds)}. ` +
      (overlap ? 'The two ranges of values overlap: the difference may be noise; repeat more.' : 'The ranges do not overlap.'));
    if (previous.pythonVersion !== result.pythonVersion) lines.push('', `> **Warning:** the previous run used Python ${escapeMarkdown(previous.pythonVersion)}.`);
  }
  return lines.join('\n') + '\n';
}
