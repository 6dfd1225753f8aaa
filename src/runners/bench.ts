import path = require('path');
import type { ProcessListeners } from './childProcess';
import { RunnerOutcome, runRunnerSubcommand, ScriptLaunchRequest } from './runnerLaunch';

/** What to time: a statement in the script's namespace, or one of its functions called with a literal. */
export type BenchTarget =
  | { readonly kind: 'stmt'; readonly stmt: string }
  | { readonly kind: 'call'; readonly qualname: string; readonly args?: string };

/** timeit, pyperf, or pyperf when the interpreter can import it (else timeit). */
export type BenchEngine = 'auto' | 'timeit' | 'pyperf';
export type PyperfMode = 'fast' | 'default' | 'rigorous';

export interface BenchRequest extends ScriptLaunchRequest {
  readonly timed: BenchTarget;
  readonly repeat?: number;
  /** Default timeit (the runner's default). */
  readonly engine?: BenchEngine;
  readonly pyperfMode?: PyperfMode;
  /** A previous run's pyperf JSON, compared with the new one by `pyperf compare_to` (pyperf engine only). */
  readonly compareTo?: string;
}

/**
 * `python <runner> bench --out RESULT [--stmt S | --call Q [--call-args A]] [--repeat N] [--engine E]
 * [--pyperf-mode M] [--compare-to PREV.json] -- SCRIPT`.
 */
export async function runBench(req: BenchRequest, listeners: ProcessListeners = {}): Promise<RunnerOutcome & { resultPath: string }> {
  const resultPath = path.join(req.runDir, 'bench.json');
  const t = req.timed;
  const options = t.kind === 'stmt' ? ['--stmt', t.stmt] : ['--call', t.qualname, ...(t.args ? ['--call-args', t.args] : [])];
  if (req.repeat) options.push('--repeat', String(req.repeat));
  if (req.engine) options.push('--engine', req.engine);
  if (req.pyperfMode) options.push('--pyperf-mode', req.pyperfMode);
  if (req.compareTo) options.push('--compare-to', req.compareTo);
  const outcome = await runRunnerSubcommand(req, 'bench', resultPath, options, listeners);
  return { ...outcome, resultPath };
}
