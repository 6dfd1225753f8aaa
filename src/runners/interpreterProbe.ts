import { runProcess } from './childProcess';

export interface InterpreterInfo {
  readonly executable: string;
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  readonly implementation: string;
}

export type ProbeResult = { readonly ok: true; readonly info: InterpreterInfo } | { readonly ok: false; readonly problem: string };

const PROBE = 'import sys, json; print(json.dumps([sys.executable, list(sys.version_info[:3]), sys.implementation.name]))';

/** Asks the interpreter who it is, so a wrong path or a Python too old is reported before any run. */
export async function probeInterpreter(command: string, cwd: string): Promise<ProbeResult> {
  let stdout = '';
  const outcome = await runProcess({ command, args: ['-c', PROBE], cwd, timeoutMs: 20000 },
    { onStdout: t => { stdout += t; } });
  if (outcome.end === 'failedToStart') {
    return { ok: false, problem: `The interpreter "${command}" could not be started (${outcome.startError}).` };
  }
  if (outcome.end === 'timedOut') return { ok: false, problem: `The interpreter "${command}" did not answer within 20 s.` };
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const [executable, [major, minor, micro], implementation] = JSON.parse(line) as [string, number[], string];
    return { ok: true, info: { executable, version: `${major}.${minor}.${micro}`, major, minor, implementation } };
  } catch {
    const detail = outcome.stderrTail.trim().split('\n').pop() ?? '';
    return { ok: false, problem: `"${command}" does not look like a Python interpreter` +
      (detail ? ` (it said: ${detail.slice(0, 200)})` : '') + '.' };
  }
}

export const MIN_PYTHON: readonly [number, number] = [3, 8];

export function tooOld(info: InterpreterInfo): boolean {
  return info.major < MIN_PYTHON[0] || (info.major === MIN_PYTHON[0] && info.minor < MIN_PYTHON[1]);
}
