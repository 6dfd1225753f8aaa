import * as fs from 'fs';
import * as path from 'path';
import { toolsRoot } from './toolVenvs';

/** The venv scripts/setup-python-tools.sh creates (py-spy pinned there). */
export function toolsVenv(): string {
  return path.join(toolsRoot(), 'venv-tools');
}

/**
 * The py-spy tests run: $PYROMETER_PYSPY, else the one scripts/setup-python-tools.sh installs. Missing py-spy is a
 * failure with the fix in its message, never a skip.
 */
export function pySpyForTests(): string {
  const fromEnv = process.env.PYROMETER_PYSPY;
  const candidate = fromEnv || path.join(toolsVenv(), 'bin', process.platform === 'win32' ? 'py-spy.exe' : 'py-spy');
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
  } catch {
    throw new Error(`py-spy is not installed for the tests (looked for ${candidate}${fromEnv ? ' from $PYROMETER_PYSPY' : ''}). ` +
      'Run: bash scripts/setup-python-tools.sh (it installs py-spy 0.4.2 into ~/.cache/pyrometer-tools/venv-tools), ' +
      'or set PYROMETER_PYSPY to a py-spy executable.');
  }
  return candidate;
}
