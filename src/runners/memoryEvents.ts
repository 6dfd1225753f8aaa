import { promises as fs } from 'fs';
import path = require('path');
import { parseEventsResult } from '../core/eventsResult';
import { parseMemoryResult } from '../core/memoryResult';
import type { Profile } from '../core/profileModel';
import type { ProcessListeners } from './childProcess';
import { RunnerOutcome, runRunnerSubcommand, ScriptLaunchRequest } from './runnerLaunch';

export interface MemoryRunRequest extends ScriptLaunchRequest {
  /** Traceback depth tracemalloc keeps (1: cheapest; each frame costs time and memory). */
  readonly frames: number;
  /** Seconds between extra snapshots while the script runs; 0 for start and end only. */
  readonly intervalSeconds: number;
}

export type ResultRunOutcome = RunnerOutcome & { readonly resultPath: string };

/** The script under tracemalloc: `runner memory` (docs/runner-memory.md). */
export async function runMemory(req: MemoryRunRequest, listeners: ProcessListeners = {}): Promise<ResultRunOutcome> {
  const resultPath = path.join(req.runDir, 'memory.json');
  const options = ['--frames', String(req.frames), ...(req.intervalSeconds > 0 ? ['--interval', String(req.intervalSeconds)] : [])];
  return { ...await runRunnerSubcommand(req, 'memory', resultPath, options, listeners), resultPath };
}

/** The script with gc callbacks and exception counting, without tracemalloc (it would lengthen GC pauses). */
export async function runEvents(req: ScriptLaunchRequest, listeners: ProcessListeners = {}): Promise<ResultRunOutcome> {
  const resultPath = path.join(req.runDir, 'events.json');
  return { ...await runRunnerSubcommand(req, 'events', resultPath, [], listeners), resultPath };
}

export async function loadMemoryProfile(resultPath: string): Promise<Profile> {
  const memory = parseMemoryResult(await fs.readFile(resultPath, 'utf8'));
  return { source: 'tracemalloc', metadata: memory.metadata, frames: [], functions: [], memory, totalSeconds: memory.metadata.wallSeconds };
}

export async function loadEventsProfile(resultPath: string): Promise<Profile> {
  const events = parseEventsResult(await fs.readFile(resultPath, 'utf8'));
  return { source: 'events', metadata: events.metadata, frames: [], functions: [], events, totalSeconds: events.metadata.wallSeconds };
}
