import vscode = require('vscode');
import type { PySpySampling } from '../runners/pyspy';

/** py-spy options from settings; the "with options…" commands let the user change them for one run. */
export function samplingFromSettings(): PySpySampling {
  const c = vscode.workspace.getConfiguration('pyrometer.pyspy');
  return {
    format: 'raw',
    rateHz: Math.max(1, Math.round(c.get<number>('rate', 100))),
    native: c.get<boolean>('native', false),
    idle: c.get<boolean>('idle', false),
    gil: c.get<boolean>('gil', false),
    threads: c.get<boolean>('threads', true),
    subprocesses: c.get<boolean>('subprocesses', false),
    nonblocking: c.get<boolean>('nonblocking', false),
  };
}

type Flag = 'native' | 'idle' | 'gil' | 'threads' | 'subprocesses' | 'nonblocking';
const FLAGS: readonly { flag: Flag; label: string; detail: string }[] = [
  { flag: 'idle', label: 'Idle (wall-clock view)', detail: 'Keep samples of threads that are waiting (I/O, locks, sleep): wall time instead of CPU time.' },
  { flag: 'native', label: 'Native frames', detail: 'Also sample C/C++/Cython frames (Python 3.11–3.13; costs about ×1.3).' },
  { flag: 'gil', label: 'GIL holder only', detail: 'Only samples of the thread holding the GIL.' },
  { flag: 'threads', label: 'Per thread', detail: 'Keep which thread each sample came from (the flame graph can show one thread).' },
  { flag: 'subprocesses', label: 'Subprocesses', detail: 'Also sample the processes the script starts.' },
  { flag: 'nonblocking', label: 'Non-blocking', detail: 'Do not pause the process to sample: lower overhead, occasionally inconsistent stacks.' },
];

/** Asks for this run's py-spy options, starting from the settings. Undefined when the user backs out. */
export async function askSampling(base: PySpySampling, extra?: { durationSeconds: number }):
  Promise<{ sampling: PySpySampling; durationSeconds?: number } | undefined> {
  const items = FLAGS.map(f => ({ label: f.label, detail: f.detail, flag: f.flag, picked: base[f.flag] === true }));
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'py-spy options', placeHolder: 'Choose what to sample' });
  if (!picked) return undefined;
  const rate = await vscode.window.showInputBox({
    title: 'py-spy sampling rate', prompt: 'Samples per second (100 is cheap; 1000 can slow the program several times)',
    value: String(base.rateHz), validateInput: v => (/^\d+$/.test(v) && Number(v) >= 1 ? undefined : 'A whole number ≥ 1'),
  });
  if (rate === undefined) return undefined;
  let durationSeconds = extra?.durationSeconds;
  if (extra) {
    const d = await vscode.window.showInputBox({
      title: 'Attach for how long?', prompt: 'Seconds to sample the process', value: String(extra.durationSeconds),
      validateInput: v => (/^\d+$/.test(v) && Number(v) >= 1 ? undefined : 'Whole seconds ≥ 1'),
    });
    if (d === undefined) return undefined;
    durationSeconds = Number(d);
  }
  const on = new Set(picked.map(p => p.flag));
  const sampling: PySpySampling = { ...base, rateHz: Number(rate),
    ...Object.fromEntries(FLAGS.map(f => [f.flag, on.has(f.flag)])) };
  return { sampling, durationSeconds };
}
