import { promises as fs } from 'fs';
import * as path from 'path';
import { parseCProfileResult } from '../core/cprofileResult';
import type { Profile } from '../core/profileModel';
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

export type CProfileRunRequest = ScriptLaunchRequest;

export interface CProfileRunFiles {
  readonly resultPath: string;
  readonly profPath: string;
}

export interface CProfileRunOutcome extends CProfileRunFiles {
  readonly process: ProcessOutcome;
  /** The runner wrote its result: the profile is complete even if the script failed. */
  readonly hasResult: boolean;
  readonly argv: readonly string[];
}

export function cprofileFiles(runDir: string): CProfileRunFiles {
  return { resultPath: path.join(runDir, 'result.json'), profPath: path.join(runDir, 'profile.prof') };
}

export function cprofileArgv(req: CProfileRunRequest, files: CProfileRunFiles): string[] {
  return [path.join(req.runnerRoot, 'pyrometer_runner'), 'cprofile',
    '--out', files.resultPath, '--prof-out', files.profPath, '--', req.script, ...req.args];
}

export async function runCProfile(req: CProfileRunRequest, listeners: ProcessListeners = {}): Promise<CProfileRunOutcome> {
  await fs.mkdir(req.runDir, { recursive: true });
  const files = cprofileFiles(req.runDir);
  await fs.rm(files.resultPath, { force: true });
  const argv = cprofileArgv(req, files);
  const outcome = await runProcess({
    command: req.python, args: argv, cwd: req.cwd, env: req.env, timeoutMs: req.timeoutMs,
    maxForwardedBytes: req.maxForwardedBytes,
  }, listeners);
  // A result from a cancelled or timed-out run would be partial: it is never shown as complete.
  const hasResult = outcome.end === 'exited' && await exists(files.resultPath);
  return { ...files, process: outcome, hasResult, argv: [req.python, ...argv] };
}

export async function loadCProfileResult(resultPath: string): Promise<Profile> {
  return parseCProfileResult(await fs.readFile(resultPath, 'utf8'));
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
