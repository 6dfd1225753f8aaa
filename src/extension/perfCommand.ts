import vscode = require('vscode');
import { PerfCallGraph, planPerf, probePerf, runPerfRecord, PerfRunOutcome } from '../runners/perf';
import type { RunVerdict } from '../runners/runVerdict';
import { readConfig } from './config';
import type { JobOutcome, ProfileCommandResult, ProfileRunner } from './profileRun';
import { isLaunchTarget, launchHeader, prepareLaunch, scriptLaunch } from './profileScriptCommand';
import { clockTime } from './clockTime';

const CALL_GRAPHS: readonly PerfCallGraph[] = ['auto', 'fp', 'dwarf'];

/** The perf settings; the path is ignored in an untrusted workspace (a workspace must not choose what runs). */
function perfSettings(scope: vscode.Uri): { perf: string; callGraph: PerfCallGraph; frequencyHz: number } {
  const c = vscode.workspace.getConfiguration('pyrometer.perf', scope);
  const configured = vscode.workspace.isTrusted ? c.get<string>('path', 'perf').trim() : '';
  return {
    perf: configured || 'perf',
    callGraph: CALL_GRAPHS.find(g => g === c.get<string>('callGraph')) ?? 'auto',
    frequencyHz: Math.min(10000, Math.max(1, Math.round(c.get<number>('frequencyHz', 999)))),
  };
}

function jobOutcome(o: PerfRunOutcome): JobOutcome {
  const failure: RunVerdict | undefined = o.failure && {
    showResults: false, severity: o.failure.kind === 'cancelled' ? 'info' : 'error', message: o.failure.message,
  };
  return { process: o.process, failure, rawProfilePath: o.load.scriptPath, source: o.hasProfile ? { kind: 'perf', load: o.load } : undefined };
}

/**
 * Pyrometer: Profile this script (native, perf). Checks what perf needs first (Linux, perf, Python 3.12+) and, when
 * something is missing, says what and offers py-spy's native mode instead.
 */
export async function profileNative(target: vscode.Uri | undefined, runner: ProfileRunner, runnerRoot: string,
  output: vscode.OutputChannel, pySpyNative: (target: vscode.Uri | undefined) => Thenable<unknown>): Promise<ProfileCommandResult | undefined> {
  const prepared = await prepareLaunch(target, runner);
  if (!isLaunchTarget(prepared)) return prepared;
  const scope = vscode.Uri.file(prepared.script);
  const settings = perfSettings(scope);
  const plan = planPerf(await probePerf(settings.perf, prepared.interpreter.executable, prepared.cwd), settings.callGraph);
  if (!plan.ok) {
    output.appendLine(`[${clockTime()}] ${plan.problem}`);
    const alternative = 'Profile with py-spy (native)';
    void vscode.window.showErrorMessage(`Pyrometer: ${plan.problem}`, alternative).then(choice => {
      if (choice === alternative) void pySpyNative(scope);
    });
    return { verdict: { showResults: false, severity: 'error', message: plan.problem } };
  }
  const config = readConfig(scope);
  const how = `${plan.callGraph === 'fp' ? 'frame-pointer' : 'DWARF'} call graphs, -X ${plan.pythonFlag}${plan.inject ? ', perf inject --jit' : ''}, cpu-clock at ${settings.frequencyHz} Hz`;
  return runner.run({
    label: prepared.scriptName, script: prepared.script, tool: 'perf', interpreter: prepared.interpreter,
    header: [...launchHeader('perf', prepared), `perf: ${how}`, `perf: ${settings.perf}`, ...(plan.note ? [`note: ${plan.note}`] : [])],
    async run(runDir, listeners) {
      return jobOutcome(await runPerfRecord({
        ...scriptLaunch(prepared, runnerRoot, runDir, config), perf: settings.perf, plan, frequencyHz: settings.frequencyHz,
      }, listeners));
    },
  });
}
