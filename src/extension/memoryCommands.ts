import vscode = require('vscode');
import { runEvents, runMemory } from '../runners/memoryEvents';
import { readConfig } from './config';
import type { ProfileCommandResult, ProfileRunner } from './profileRun';
import { isLaunchTarget, launchHeader, LaunchInput, prepareLaunch, scriptLaunch } from './profileScriptCommand';

/** Pyrometer: Profile memory (tracemalloc) — allocations by line at the end, growth since the start. */
export async function profileMemory(target: LaunchInput, runner: ProfileRunner, runnerRoot: string):
  Promise<ProfileCommandResult> {
  const prepared = await prepareLaunch(target, runner);
  if (!isLaunchTarget(prepared)) return prepared;
  const config = readConfig(vscode.Uri.file(prepared.script));
  const cost = config.memoryFrames === 1 ? 'about ×2–7 slower' : 'much slower per frame kept (×30 and more at 10 frames)';
  return runner.run({
    label: prepared.scriptName, script: prepared.script, tool: 'tracemalloc', interpreter: prepared.interpreter,
    header: [...launchHeader('tracemalloc', prepared),
      `tracemalloc: ${config.memoryFrames} frame(s) per traceback (${cost} while tracing)` +
      (config.memoryIntervalSeconds > 0 ? `, a snapshot every ${config.memoryIntervalSeconds} s` : '')],
    async run(runDir, listeners) {
      const outcome = await runMemory({
        ...scriptLaunch(prepared, runnerRoot, runDir, config), frames: config.memoryFrames, intervalSeconds: config.memoryIntervalSeconds,
      }, listeners);
      return { process: outcome.process, resultPath: outcome.resultPath,
        source: outcome.hasResult ? { kind: 'memory', resultPath: outcome.resultPath } : undefined };
    },
  });
}

/** Pyrometer: Profile GC and exceptions — collections with their pauses, and exceptions counted where raised. */
export async function profileEvents(target: LaunchInput, runner: ProfileRunner, runnerRoot: string):
  Promise<ProfileCommandResult> {
  const prepared = await prepareLaunch(target, runner);
  if (!isLaunchTarget(prepared)) return prepared;
  const config = readConfig(vscode.Uri.file(prepared.script));
  return runner.run({
    label: prepared.scriptName, script: prepared.script, tool: 'events', interpreter: prepared.interpreter,
    header: launchHeader('gc callbacks and exception counting', prepared),
    async run(runDir, listeners) {
      const outcome = await runEvents(scriptLaunch(prepared, runnerRoot, runDir, config), listeners);
      return { process: outcome.process, resultPath: outcome.resultPath,
        source: outcome.hasResult ? { kind: 'events', resultPath: outcome.resultPath } : undefined };
    },
  });
}
