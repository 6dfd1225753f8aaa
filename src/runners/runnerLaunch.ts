import { promises as fs } from 'fs';
import path = require('path');
import type { RunTargetSpec } from '../core/launchConfig';
import { ProcessListeners, ProcessOutcome, runProcess } from './childProcess';

/** A script (`python SCRIPT ARGS`) or a module (`python -m MODULE ARGS`). */
export type RunTarget = RunTargetSpec;

/** What every launching adapter needs to run a target the way `python script.py` / `python -m module` would. */
export interface ScriptLaunchRequest {
  /** Absolute path of the interpreter (resolved, not a shim). */
  readonly python: string;
  /** The extension's `python/` folder holding the runner package. */
  readonly runnerRoot: string;
  readonly target: RunTarget;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Where the adapter's files go; created if missing. */
  readonly runDir: string;
  readonly timeoutMs: number;
  /** The whole environment of the child (the extension's, with a launch configuration's merged over it). */
  readonly env?: NodeJS.ProcessEnv;
  readonly maxForwardedBytes?: number;
}

/** What follows the runner's `--`: `SCRIPT ARGS` or `-m MODULE ARGS` (docs/runner-protocol.md). */
export function targetArgv(target: RunTarget, args: readonly string[]): string[] {
  return target.kind === 'script' ? [target.script, ...args] : ['-m', target.module, ...args];
}

/** A short name for messages: the script's file name, or `-m module`. */
export function targetSubject(target: RunTarget): string {
  return target.kind === 'script' ? path.basename(target.script) : `-m ${target.module}`;
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
    '--', ...targetArgv(req.target, req.args)];
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
