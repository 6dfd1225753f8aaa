import path = require('path');
import type { ProcessListeners } from './childProcess';
import { RunnerOutcome, runRunnerSubcommand, ScriptLaunchRequest } from './runnerLaunch';

/** Warm-up by calling one function instead of running the script as __main__. */
export interface WarmupCall {
  /** `func` or `Class.method`, as the runner resolves it in the script's module. */
  readonly qualname: string;
  /** A Python literal: a tuple of arguments, or one value for a single argument. */
  readonly args?: string;
  readonly repeat?: number;
}

export interface BytecodeRunRequest extends ScriptLaunchRequest {
  readonly call?: WarmupCall;
}

export type BytecodeRunOutcome = RunnerOutcome & { readonly resultPath: string };

export function bytecodeOptions(call: WarmupCall | undefined): string[] {
  if (!call) return [];
  return ['--call', call.qualname,
    ...(call.args !== undefined && call.args.trim() !== '' ? ['--call-args', call.args] : []),
    ...(call.repeat !== undefined ? ['--repeat', String(call.repeat)] : [])];
}

/** Runs the script (or one function) to warm it up, then reads its adaptive bytecode: `runner bytecode`. */
export async function runBytecode(req: BytecodeRunRequest, listeners: ProcessListeners = {}): Promise<BytecodeRunOutcome> {
  const resultPath = path.join(req.runDir, 'bytecode.json');
  const outcome = await runRunnerSubcommand(req, 'bytecode', resultPath, bytecodeOptions(req.call), listeners);
  return { ...outcome, resultPath };
}
