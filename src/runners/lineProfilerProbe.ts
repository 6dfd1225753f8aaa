import { runProcess } from './childProcess';

const PROBE = 'import line_profiler; print(getattr(line_profiler, "__version__", "?"))';

/** line_profiler's version when the interpreter can import it, else undefined (then the built-in engine is used). */
export async function lineProfilerVersion(python: string, cwd: string): Promise<string | undefined> {
  let stdout = '';
  const outcome = await runProcess({ command: python, args: ['-c', PROBE], cwd, timeoutMs: 20000 },
    { onStdout: t => { stdout += t; } });
  if (outcome.end !== 'exited' || outcome.exitCode !== 0) return undefined;
  return stdout.trim().split('\n').pop() || undefined;
}
