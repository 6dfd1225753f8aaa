import * as path from 'path';
import type { ProcessListeners } from './childProcess';
import { RunnerOutcome, runRunnerSubcommand, ScriptLaunchRequest } from './runnerLaunch';

/** What to time: a statement in the script's namespace, or one of its functions called with a literal. */
export type BenchTarget =
  | { readonly kind: 'stmt'; readonly stmt: string }
  | { readonly kind: 'call'; readonly qualname: string; readonly args?: string };

export interface BenchRequest extends ScriptLaunchRequest {
  readonly timed: BenchTarget;
  readonly repeat?: number;
}

/** `python <runner> bench --out RESULT [--stmt S | --call Q [--call-args A]] [--repeat N] -- SCRIPT`. */
export async function runBench(req: BenchRequest, listeners: ProcessListeners = {}): Promise<RunnerOutcome & { resultPath: string }> {
  const resultPath = path.join(req.runDir, 'bench.json');
  const t = req.timed;
  const options = t.kind === 'stmt' ? ['--stmt', t.stmt] : ['--call', t.qualname, ...(t.args ? ['--call-args', t.args] : [])];
  if (req.repeat) options.push('--repeat', String(req.repeat));
  const outcome = await runRunnerSubcommand(req, 'bench', resultPath, options, listeners);
  return { ...outcome, resultPath };
}
