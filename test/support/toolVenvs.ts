import * as os from 'os';
import * as path from 'path';

/** Where scripts/setup-python-tools.sh puts its venvs: $PYROMETER_TOOLS, else ~/.cache/pyrometer-tools. */
export function toolsRoot(): string {
  return process.env.PYROMETER_TOOLS || path.join(os.homedir(), '.cache', 'pyrometer-tools');
}

export type ToolVenv = 'pytest' | 'pyperf' | 'lprof';

/**
 * The interpreter of a tool venv setup-python-tools.sh makes for one Python family: $PYROMETER_<TOOL>_PYTHON_<3_X>
 * (scripts/test.sh exports them), else the venv's python under toolsRoot(). Not checked to exist.
 */
export function toolVenvPython(tool: ToolVenv, family: '3.11' | '3.12'): string {
  return process.env[`PYROMETER_${tool.toUpperCase()}_PYTHON_${family.replace('.', '_')}`] ||
    path.join(toolsRoot(), `venv-${tool}-${family}`, 'bin', 'python');
}
