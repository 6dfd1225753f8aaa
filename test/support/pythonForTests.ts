import { execFileSync } from 'child_process';
import * as path from 'path';

/** The repo root and the shared workloads every suite profiles. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const WORKLOADS = path.resolve(REPO_ROOT, '..', 'shared', 'workloads');
export const RUNNER_ROOT = path.join(REPO_ROOT, 'python');

/** The interpreter tests run with: $PYROMETER_TEST_PYTHON, else python3 resolved to its real executable. */
export function testPython(): string {
  const fromEnv = process.env.PYROMETER_TEST_PYTHON;
  if (fromEnv) return fromEnv;
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();
}

/** Runs a Python snippet with JSON in argv[1], returns its JSON stdout: for asking pstats itself. */
export function pythonJson<T>(python: string, code: string, input: unknown): T {
  return JSON.parse(execFileSync(python, ['-c', code, JSON.stringify(input)], { maxBuffer: 64 * 1024 * 1024 }).toString()) as T;
}
