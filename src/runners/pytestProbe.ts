import { runProcess } from './childProcess';

const PROBE = 'import pytest; print(pytest.__version__)';

/** pytest's version when the interpreter can import it (from cwd, as `python -m pytest` would), else undefined. */
export async function pytestVersion(python: string, cwd: string): Promise<string | undefined> {
  let stdout = '';
  const outcome = await runProcess({ command: python, args: ['-c', PROBE], cwd, timeoutMs: 30000 },
    { onStdout: t => { stdout += t; } });
  if (outcome.end !== 'exited' || outcome.exitCode !== 0) return undefined;
  return stdout.trim().split('\n').pop() || undefined;
}
