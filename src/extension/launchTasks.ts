import vscode = require('vscode');

/**
 * A launch configuration's `preLaunchTask` / `postDebugTask`, run as the debugger runs them: the task of that label
 * (tasks.json or an extension's), or the default build task for `${defaultBuildTask}`, and waited for. A
 * preLaunchTask that cannot be found or fails stops the launch, as it does before a debug session.
 */
export type TaskOutcome =
  | { readonly kind: 'done'; readonly note: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'cancelled' };

const DEFAULT_BUILD_TASK = '${defaultBuildTask}';

/** The task a configuration names, among those of its folder (or the workspace's). */
async function findTask(label: string, folder: vscode.WorkspaceFolder): Promise<vscode.Task | undefined> {
  const tasks = await vscode.tasks.fetchTasks();
  const inScope = (t: vscode.Task) => t.scope === undefined || typeof t.scope === 'number' || t.scope.uri.toString() === folder.uri.toString();
  if (label === DEFAULT_BUILD_TASK) {
    return tasks.find(t => inScope(t) && t.group?.id === vscode.TaskGroup.Build.id && t.group.isDefault === true);
  }
  // A folder's own task wins over a workspace or global one of the same label.
  const named = tasks.filter(t => t.name === label && inScope(t));
  return named.find(t => typeof t.scope === 'object') ?? named[0];
}

/** Starts the task and resolves with its process's exit code when it ends (undefined: it had no process, e.g. a custom execution). */
async function runToEnd(task: vscode.Task, token: vscode.CancellationToken): Promise<number | undefined | 'cancelled'> {
  const disposables: vscode.Disposable[] = [];
  try {
    // Events are recorded from before the start: a quick task can end before executeTask's promise resolves.
    const ended = new Set<vscode.TaskExecution>();
    const exitCodes = new Map<vscode.TaskExecution, number | undefined>();
    let check = () => {};
    disposables.push(
      vscode.tasks.onDidEndTaskProcess(e => { exitCodes.set(e.execution, e.exitCode); }),
      vscode.tasks.onDidEndTask(e => { ended.add(e.execution); check(); }),
    );
    const execution = await vscode.tasks.executeTask(task);
    const done = new Promise<'ended'>(resolve => {
      check = () => { if (ended.has(execution)) resolve('ended'); };
      check();
    });
    const cancelled = new Promise<'cancelled'>(resolve => disposables.push(token.onCancellationRequested(() => resolve('cancelled'))));
    if (await Promise.race([done, cancelled]) === 'cancelled') {
      execution.terminate();
      return 'cancelled';
    }
    // The process's end is announced apart from the task's; give it a moment to arrive if it came second.
    for (let i = 0; i < 20 && !exitCodes.has(execution) && !(task.execution instanceof vscode.CustomExecution); i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    return exitCodes.get(execution);
  } finally {
    for (const d of disposables) d.dispose();
  }
}

/**
 * Runs the task `label` of `folder` for the configuration `configName`, with a cancellable notification.
 * `role` says which key named it, for the messages.
 */
export async function runLaunchTask(label: string, folder: vscode.WorkspaceFolder, configName: string,
  role: 'preLaunchTask' | 'postDebugTask'): Promise<TaskOutcome> {
  const task = await findTask(label, folder);
  if (!task) {
    const what = label === DEFAULT_BUILD_TASK ? 'no default build task is defined (Terminal > Configure Default Build Task…)'
      : `no task is labelled "${label}" in tasks.json or among the tasks of installed extensions`;
    const consequence = role === 'preLaunchTask' ? ' Nothing was profiled.' : '';
    return { kind: 'failed', message: `Launch configuration "${configName}": its ${role} cannot run: ${what}.${consequence}` };
  }
  if (task.isBackground) {
    // The debugger waits for a background task's problem matcher to say it is ready; the tasks API does not tell
    // extensions when that is, so it is started and the launch goes on.
    await vscode.tasks.executeTask(task);
    return { kind: 'done', note: `${role} "${task.name}" is a background task: started, not waited for.` };
  }
  const startedMs = Date.now();
  const exit = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Pyrometer: running ${role} "${task.name}"`, cancellable: true },
    (_progress, token) => runToEnd(task, token));
  if (exit === 'cancelled') return { kind: 'cancelled' };
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
  if (exit !== undefined && exit !== 0) {
    return {
      kind: 'failed',
      message: `Launch configuration "${configName}": its ${role} "${task.name}" ended with exit code ${exit}` +
        (role === 'preLaunchTask' ? ', so nothing was profiled. Its output is in the task\'s terminal.' : '. Its output is in the task\'s terminal.'),
    };
  }
  const when = role === 'preLaunchTask' ? 'ran first' : 'ran after the run';
  return { kind: 'done', note: `${role} "${task.name}" ${when} (${exit === undefined ? 'no process' : 'exit code 0'}, ${seconds} s)` };
}
