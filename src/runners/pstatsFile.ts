import { promises as fs } from 'fs';
import path = require('path');
import { parseCProfileResult } from '../core/cprofileResult';
import { ProfileFormatError } from '../core/profileErrors';
import type { Profile } from '../core/profileModel';
import { runProcess } from './childProcess';

/**
 * pstats files (`.prof`, `.pstats`) are Python's marshal, which only Python reads faithfully: the user's
 * interpreter runs the runner's `pstats` subcommand (docs/runner-protocol.md), which loads the file with pstats and
 * writes the same `pyrometer.cprofile/1` result a cProfile run writes. Nothing of the user's code runs.
 */
export interface PstatsReadRequest {
  /** The interpreter to read with (any Python 3.8+: marshal reads files of older versions). */
  readonly python: string;
  /** The extension's `python/` folder holding the runner package. */
  readonly runnerRoot: string;
  readonly profPath: string;
  /** Where the result goes (a run folder in the extension's storage). */
  readonly resultPath: string;
  readonly timeoutMs: number;
}

const RUNNER_PREFIX = 'pyrometer-runner: ';

export async function readPstatsFile(req: PstatsReadRequest): Promise<Profile> {
  await fs.mkdir(path.dirname(req.resultPath), { recursive: true });
  await fs.rm(req.resultPath, { force: true });
  const outcome = await runProcess({
    command: req.python, args: [path.join(req.runnerRoot, 'pyrometer_runner'), 'pstats', '--out', req.resultPath, req.profPath],
    cwd: path.dirname(req.profPath), timeoutMs: req.timeoutMs,
  });
  if (outcome.end === 'failedToStart') {
    throw new ProfileFormatError(`Reading the pstats file needs Python, and ${req.python} could not be started (${outcome.startError ?? 'unknown error'}). Set "pyrometer.pythonPath" or select an interpreter.`);
  }
  if (outcome.end === 'timedOut') throw new ProfileFormatError(`Python took too long to read ${path.basename(req.profPath)} (over ${Math.round(req.timeoutMs / 1000)} s).`);
  if (outcome.end !== 'exited' || outcome.exitCode !== 0) {
    const said = runnerMessage(outcome.stderrTail);
    throw new ProfileFormatError(said
      ? `${said.charAt(0).toUpperCase()}${said.slice(1)}.`
      : `Python (${req.python}) could not read ${path.basename(req.profPath)} as a pstats profile (exit ${outcome.exitCode ?? outcome.signal}).`);
  }
  return parseCProfileResult(await fs.readFile(req.resultPath, 'utf8'));
}

/** The runner's own `pyrometer-runner: …` line (the last one), without the prefix. */
function runnerMessage(stderr: string): string {
  const lines = stderr.split(/\r?\n/).filter(l => l.startsWith(RUNNER_PREFIX));
  return lines.length > 0 ? lines[lines.length - 1].slice(RUNNER_PREFIX.length).replace(/\.$/, '') : '';
}
