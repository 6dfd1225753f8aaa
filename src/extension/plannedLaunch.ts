import { promises as fs } from 'fs';
import path = require('path');
import vscode = require('vscode');
import { probeInterpreter, tooOld } from '../runners/interpreterProbe';
import type { RunTarget } from '../runners/runnerLaunch';
import { chooseInterpreter, InterpreterChoice } from './interpreter';
import type { ProfileCommandResult, ProfileRunner } from './profileRun';
import { checkedLaunch, LaunchTarget } from './profileScriptCommand';

/** A launch described by a launch configuration or a test: what to run, where, with what, for which resource. */
export interface LaunchPlan {
  /** The name runs are listed under (the configuration's name, the test's name). */
  readonly label: string;
  readonly run: RunTarget;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The child's whole environment; undefined: the extension's own. */
  readonly env?: NodeJS.ProcessEnv;
  /** An interpreter the configuration names (`python`); undefined: the usual choice for `resource`. */
  readonly python?: string;
  /** The file the launch is about (the test file, the program, the workspace folder): settings and interpreter scope. */
  readonly resource: vscode.Uri;
  /** What the run is filed under when the target is a module: the test file, say; else the module's file is looked for. */
  readonly subjectFile?: string;
  readonly notes: readonly string[];
}

/** The file `python -m module` would run from cwd, when it is a plain module or package of the cwd; else undefined. */
async function moduleFile(module: string, cwd: string): Promise<string | undefined> {
  const base = path.join(cwd, ...module.split('.'));
  for (const candidate of [`${base}.py`, path.join(base, '__main__.py')]) {
    if (await fs.stat(candidate).then(s => s.isFile(), () => false)) return candidate;
  }
  return undefined;
}

/** Checks a plan (trust, cwd, script, interpreter) and makes it the LaunchTarget every launching command takes. */
export async function preparePlannedLaunch(plan: LaunchPlan, runner: ProfileRunner): Promise<LaunchTarget | ProfileCommandResult> {
  if (!vscode.workspace.isTrusted) {
    return runner.fail('Profiling runs the program, so Pyrometer does not profile in an untrusted workspace. Trust the workspace (Manage Workspace Trust) to profile.');
  }
  if (!await fs.stat(plan.cwd).then(s => s.isDirectory(), () => false)) {
    return runner.fail(`${plan.label}: the working directory ${plan.cwd} does not exist.`);
  }
  if (plan.run.kind === 'script' && !await fs.stat(plan.run.script).then(s => s.isFile(), () => false)) {
    return runner.fail(`${plan.label}: the program ${plan.run.script} does not exist.`);
  }
  // A configuration's interpreter wins, as it does for the debugger (trusted workspaces only: checked above).
  const choice: InterpreterChoice | undefined = plan.python
    ? { command: plan.python, source: 'launch configuration' }
    : await chooseInterpreter(plan.resource);
  if (!choice) return runner.fail('No Python interpreter found: install the Python extension, set "pyrometer.pythonPath", or put python3 on PATH.');
  const probe = await probeInterpreter(choice.command, plan.cwd);
  if (!probe.ok) return runner.fail(`${probe.problem} (interpreter from ${choice.source}).`);
  if (tooOld(probe.info)) return runner.fail(`Python ${probe.info.version} at ${probe.info.executable} is too old: Pyrometer needs Python 3.8 or newer.`);
  const script = plan.run.kind === 'script' ? plan.run.script
    : plan.subjectFile ?? await moduleFile(plan.run.module, plan.cwd) ?? plan.cwd;
  return checkedLaunch({
    script, scriptName: plan.label, cwd: plan.cwd, run: plan.run, args: plan.args,
    interpreter: { executable: probe.info.executable, version: probe.info.version, source: choice.source },
    ...(plan.env ? { env: plan.env } : {}), notes: plan.notes,
  });
}
