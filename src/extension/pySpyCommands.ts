import path = require('path');
import vscode = require('vscode');
import { probeInterpreter } from '../runners/interpreterProbe';
import { runPySpyAttach, runPySpyRecord, PySpyRunOutcome, PySpySampling } from '../runners/pyspy';
import { listPythonProcesses } from '../runners/pythonProcesses';
import type { RunVerdict } from '../runners/runVerdict';
import { readConfig } from './config';
import { chooseInterpreter } from './interpreter';
import { askSampling, samplingFromSettings } from './pySpyOptions';
import { locatePySpy } from './pySpyLocator';
import type { JobOutcome, ProfileCommandResult, ProfileRunner } from './profileRun';
import { isLaunchTarget, launchHeader, LaunchInput, prepareLaunch, scriptLaunch } from './profileScriptCommand';

function jobOutcome(o: PySpyRunOutcome): JobOutcome {
  const failure: RunVerdict | undefined = o.failure && {
    showResults: false, severity: o.failure.kind === 'cancelled' ? 'info' : 'error', message: o.failure.message,
  };
  return {
    // py-spy's exit code is not the script's (see runners/pyspy.ts): the run's own metadata says how it ended.
    process: { ...o.process, exitCode: 0 },
    failure, rawProfilePath: o.files.profilePath,
    // Launched runs also leave the script's bytecode as the unprofiled run specialized it, for the hover.
    source: o.hasProfile ? { kind: 'pyspy', load: o.load, ...(o.mode === 'launch' ? { bytecodePath: o.files.bytecodePath } : {}) } : undefined,
  };
}

function samplingHeader(s: PySpySampling): string {
  const flags = (['native', 'idle', 'gil', 'threads', 'subprocesses', 'nonblocking'] as const).filter(f => s[f]);
  return `py-spy: ${s.rateHz} Hz${flags.length ? `, ${flags.map(f => `--${f}`).join(' ')}` : ''}`;
}

/** Pyrometer: Profile this script (py-spy) [with options…]. */
export async function profileWithPySpy(target: LaunchInput, runner: ProfileRunner, runnerRoot: string,
  output: vscode.OutputChannel, withOptions: boolean, override: Partial<PySpySampling> = {}): Promise<ProfileCommandResult | undefined> {
  const prepared = await prepareLaunch(target, runner);
  if (!isLaunchTarget(prepared)) return prepared;
  let sampling: PySpySampling = { ...samplingFromSettings(), ...override };
  if (withOptions) {
    const asked = await askSampling(sampling);
    if (!asked) return undefined;
    sampling = asked.sampling;
  }
  const pySpy = await locatePySpy(prepared.interpreter.executable, output);
  if (typeof pySpy !== 'string') return runner.fail(pySpy.problem);
  const config = readConfig(vscode.Uri.file(prepared.script));
  return runner.run({
    label: prepared.scriptName, script: prepared.script, tool: 'py-spy', interpreter: prepared.interpreter,
    header: [...launchHeader('py-spy', prepared), samplingHeader(sampling), `py-spy: ${pySpy}`],
    async run(runDir, listeners) {
      return jobOutcome(await runPySpyRecord({ ...scriptLaunch(prepared, runnerRoot, runDir, config), pySpy, sampling }, listeners));
    },
  });
}

/** Pyrometer: Attach to process… (py-spy). `pid` may be given (tests, other commands). */
export async function attachWithPySpy(runner: ProfileRunner, output: vscode.OutputChannel, pid?: number,
  withOptions = true): Promise<ProfileCommandResult | undefined> {
  if (!vscode.workspace.isTrusted) {
    return runner.fail('Attaching runs py-spy, so Pyrometer does not attach in an untrusted workspace. Trust the workspace to attach.');
  }
  const chosen = pid ?? await pickProcess();
  if (chosen === undefined) return undefined;
  let sampling = samplingFromSettings();
  let durationSeconds = Math.max(1, vscode.workspace.getConfiguration('pyrometer.pyspy').get<number>('attachDurationSeconds', 10));
  if (withOptions) {
    const asked = await askSampling(sampling, { durationSeconds });
    if (!asked) return undefined;
    sampling = asked.sampling;
    durationSeconds = asked.durationSeconds ?? durationSeconds;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  const choice = folder ? await chooseInterpreter(folder.uri) : undefined;
  const probe = choice ? await probeInterpreter(choice.command, folder!.uri.fsPath) : undefined;
  const python = probe?.ok ? probe.info.executable : undefined;
  const pySpy = await locatePySpy(python, output);
  if (typeof pySpy !== 'string') return runner.fail(pySpy.problem);
  const label = `process ${chosen}`;
  return runner.run({
    label, script: '', tool: 'py-spy',
    header: [`Attaching py-spy to ${label} for ${durationSeconds} s`, samplingHeader(sampling), `py-spy: ${pySpy}`],
    async run(runDir, listeners) {
      return jobOutcome(await runPySpyAttach({
        pySpy, pid: chosen, durationSeconds, cwd: folder?.uri.fsPath ?? path.dirname(runDir), runDir,
        timeoutMs: (durationSeconds + 60) * 1000, sampling, python,
      }, listeners));
    },
  });
}

async function pickProcess(): Promise<number | undefined> {
  const processes = await listPythonProcesses();
  const typeIt = { label: '$(edit) Enter a process id…', pid: -1, description: '' };
  const picked = await vscode.window.showQuickPick([
    ...processes.map(p => ({ label: `${p.pid}`, description: p.commandLine.slice(0, 200), pid: p.pid })),
    typeIt,
  ], { title: 'Attach py-spy to a Python process', placeHolder: processes.length ? 'Pick a running Python process' : 'No Python process found; enter a process id', matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.pid !== -1) return picked.pid;
  const typed = await vscode.window.showInputBox({ title: 'Process id', validateInput: v => (/^\d+$/.test(v) ? undefined : 'A process id (digits)') });
  return typed === undefined ? undefined : Number(typed);
}
