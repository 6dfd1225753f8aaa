import { promises as fs } from 'fs';
import path = require('path');
import { parseLineTimingResult } from '../core/lineTimingResult';
import type { Profile } from '../core/profileModel';
import type { ProcessListeners } from './childProcess';
import { RunnerOutcome, runRunnerSubcommand, ScriptLaunchRequest } from './runnerLaunch';

/** auto: sys.monitoring on 3.12+, settrace before; line_profiler when the user's environment has it. */
export type LineTimingEngineChoice = 'auto' | 'monitoring' | 'settrace' | 'line_profiler';

/** What to time: whole files, or the functions containing given lines (a def line, or the cursor's line). */
export interface LineTimingScope {
  readonly files: readonly string[];
  readonly functions: readonly { readonly file: string; readonly line: number }[];
}

export interface LineTimingRunRequest extends ScriptLaunchRequest {
  readonly engine: LineTimingEngineChoice;
  /** Empty scope: the script's own file. */
  readonly scope: LineTimingScope;
}

export type LineTimingRunOutcome = RunnerOutcome & { readonly resultPath: string };

export function lineTimingOptions(req: Pick<LineTimingRunRequest, 'engine' | 'scope'>): string[] {
  return ['--engine', req.engine,
    ...req.scope.files.flatMap(f => ['--file', f]),
    ...req.scope.functions.flatMap(f => ['--function', `${f.file}:${f.line}`])];
}

export async function runLineTiming(req: LineTimingRunRequest, listeners: ProcessListeners = {}): Promise<LineTimingRunOutcome> {
  const resultPath = path.join(req.runDir, 'lines.json');
  const outcome = await runRunnerSubcommand(req, 'lines', resultPath, lineTimingOptions(req), listeners);
  return { ...outcome, resultPath };
}

export async function loadLineTimingResult(resultPath: string): Promise<Profile> {
  return parseLineTimingResult(await fs.readFile(resultPath, 'utf8'));
}
