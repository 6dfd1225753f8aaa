import vscode = require('vscode');
import { runProcess } from '../runners/childProcess';
import { findPySpy, pySpyInstallHint } from '../runners/pyspy';
import { clockTime } from './clockTime';

/**
 * py-spy for the selected interpreter: the pyrometer.pyspy.path setting (trusted workspaces), else beside the
 * interpreter, else on PATH. When missing, offers to install it into that environment — never silently.
 */
export async function locatePySpy(python: string | undefined, output: vscode.OutputChannel): Promise<string | { problem: string }> {
  const configured = vscode.workspace.isTrusted ? vscode.workspace.getConfiguration('pyrometer.pyspy').get<string>('path', '').trim() : '';
  if (configured) return configured;
  const found = python ? await findPySpy(python) : await findPySpy('python3');
  if (found) return found;
  if (!python) return { problem: `py-spy was not found. ${pySpyInstallHint()}` };
  const install = 'Install py-spy';
  const choice = await vscode.window.showWarningMessage(
    `Pyrometer: py-spy is not installed for ${python}. Install it into that environment with "python -m pip install py-spy"?`,
    install, 'Cancel');
  if (choice !== install) return { problem: `py-spy was not found. ${pySpyInstallHint(python)}` };
  output.appendLine(`[${clockTime()}] Installing py-spy: ${python} -m pip install py-spy`);
  output.show(true);
  const outcome = await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, title: 'Pyrometer: installing py-spy', cancellable: true,
  }, (_p, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return runProcess({ command: python, args: ['-m', 'pip', 'install', 'py-spy'], cwd: process.cwd(), timeoutMs: 300_000 },
      { onStdout: t => output.append(t), onStderr: t => output.append(t), signal: abort.signal });
  });
  const after = await findPySpy(python);
  if (outcome.end === 'exited' && outcome.exitCode === 0 && after) return after;
  return { problem: `Installing py-spy did not work (see the Pyrometer output). ${pySpyInstallHint(python)}` };
}
