/**
 * Line timing overhead (the runner's `lines` subcommand) against the unprofiled run, cProfile and line_profiler,
 * on Python 3.11 and 3.12: finds the interpreters and runs bench/line_overhead.py, which prints the table.
 * Not a test: nothing here asserts a time.
 *
 *   npx tsc -p . && node out/bench/lineOverhead.bench.js
 *
 * Interpreters: the tools venv $PYROMETER_TOOLS/venv-lprof-3.X/bin/python (scripts/setup-python-tools.sh makes it
 * from the newest pyenv 3.X.y, with line_profiler) when it exists, else $(pyenv prefix <newest 3.X.y>)/bin/python,
 * whose line_profiler column then reads n/a.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { newestPyenvPython } from '../test/support/pyenvPython';

const FAMILIES = ['3.11', '3.12'];
const REPO = path.resolve(__dirname, '..', '..');
const TOOLS = process.env.PYROMETER_TOOLS || path.join(os.homedir(), '.cache', 'pyrometer-tools');


function interpreter(family: string): string | undefined {
  const venv = path.join(TOOLS, `venv-lprof-${family}`, 'bin', 'python');
  return fs.existsSync(venv) ? venv : newestPyenvPython(family);
}

const interpreters: string[] = [];
for (const family of FAMILIES) {
  const python = interpreter(family);
  if (python) interpreters.push(python);
  else console.error(`lineOverhead.bench: no Python ${family}.x in pyenv; skipped`);
}
if (interpreters.length === 0) {
  console.error('lineOverhead.bench: no interpreter found');
  process.exitCode = 1;
} else {
  const script = path.join(REPO, 'bench', 'line_overhead.py');
  const run = spawnSync(interpreters[0], [script, ...interpreters], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) process.exitCode = run.status ?? 1;
}
