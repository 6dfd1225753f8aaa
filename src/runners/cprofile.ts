import { promises as fs } from 'fs';
import path = require('path');
import { parseCProfileResult } from '../core/cprofileResult';
import type { Profile } from '../core/profileModel';
import type { ProcessListeners } from './childProcess';
import { RunnerOutcome, runRunnerSubcommand, ScriptLaunchRequest } from './runnerLaunch';

export type CProfileRunRequest = ScriptLaunchRequest;

export interface CProfileRunFiles {
  readonly resultPath: string;
  readonly profPath: string;
}

export type CProfileRunOutcome = CProfileRunFiles & RunnerOutcome;

export function cprofileFiles(runDir: string): CProfileRunFiles {
  return { resultPath: path.join(runDir, 'result.json'), profPath: path.join(runDir, 'profile.prof') };
}

export async function runCProfile(req: CProfileRunRequest, listeners: ProcessListeners = {}): Promise<CProfileRunOutcome> {
  const files = cprofileFiles(req.runDir);
  const outcome = await runRunnerSubcommand(req, 'cprofile', files.resultPath, ['--prof-out', files.profPath], listeners);
  return { ...files, ...outcome };
}

export async function loadCProfileResult(resultPath: string): Promise<Profile> {
  return parseCProfileResult(await fs.readFile(resultPath, 'utf8'));
}
