import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * $(pyenv prefix <newest installed X.Y.z>)/bin/python for a family such as "3.12", as scripts/test-python.sh resolves
 * interpreters (the real executable, not a shim); undefined when pyenv has no final release of that family.
 */
export function newestPyenvPython(family: string): string | undefined {
  const installed = execFileSync('pyenv', ['versions', '--bare']).toString().split('\n').map(v => v.trim())
    .filter(v => new RegExp(`^${family.replace('.', '\\.')}\\.\\d+$`).test(v))
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
  if (installed.length === 0) return undefined;
  return path.join(execFileSync('pyenv', ['prefix', installed[installed.length - 1]]).toString().trim(), 'bin', 'python');
}

/** The same, for tests that need the interpreter: a missing family is an error, not a skip. */
export function pyenvPython(family: string): string {
  const python = newestPyenvPython(family);
  if (!python) throw new Error(`no Python ${family}.x installed in pyenv`);
  return python;
}
