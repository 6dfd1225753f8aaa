import { promises as fs } from 'fs';
import * as path from 'path';
import { ProcessListeners, ProcessOutcome, runProcess } from './childProcess';

/** What every launching adapter needs to run a script the way `python script.py` would. */
export interface ScriptLaunchRequest {
  /** Absolute path of the interpreter (resolved, not a shim). */
  readonly python: string;
  /** The extension's `python/` folder holding the runner package. */
  readonly runnerRoot: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Where the adapter's files go; created if missing. */
  readonly runDir: string;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly maxForwardedBytes?: number;
}

export interface RunnerOutcome {
  readonly process: ProcessOutcome;
  /** The runner wrote its result: the data is complete even if the script failed. */
  readonly hasResult: boolean;
  readonly argv: readonly string[];
}

/**
 * Runs one runner subcommand on the request's script:
 * `python <runner> SUBCOMMAND --out RESULT [OPTIONS...] -- SCRIPT ARGS...`. A stale result is removed first, and a
 * result left by a cancelled or timed-out run is never reported as complete (it would be partial).
 */
export async function runRunnerSubcommand(req: ScriptLaunchRequest, subcommand: string, resultPath: string,
  options: readonly string[], listeners: ProcessListeners = {}): Promise<RunnerOutcome> {
  await fs.mkdir(req.runDir, { recursive: true });
  await fs.rm(resultPath, { force: true });
  const argv = [path.join(req.runnerRoot, 'pyrometer_runner'), subcommand, '--out', resultPath, ...options,
    '--', req.script, ...req.args];
  const outcome = await runProcess({
    command: req.python, args: argv, cwd: req.cwd, env: req.env, timeoutMs: req.timeoutMs,
    maxForwardedBytes: req.maxForwardedBytes,
  }, listeners);
  const hasResult = outcome.end === 'exited' && await exists(resultPath);
  return { process: outcome, hasResult, argv: [req.python, ...argv] };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
