import { promises as fs } from 'fs';
import path = require('path');

/** A running process that looks like a Python interpreter, for "Attach to process…". */
export interface PythonProcess {
  readonly pid: number;
  readonly executable: string;
  readonly commandLine: string;
}

const PYTHON_EXE = /^(?:python|pypy)[\d.]*(?:[dmu]*)$/i;

/**
 * Python processes visible in /proc (Linux). Read directly rather than through `ps`, so no process is spawned
 * and command lines are split exactly (NUL-separated).
 */
export async function listPythonProcesses(procRoot = '/proc', excludePid = process.pid): Promise<PythonProcess[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(procRoot);
  } catch {
    return [];
  }
  const found: PythonProcess[] = [];
  await Promise.all(entries.filter(e => /^\d+$/.test(e)).map(async e => {
    const pid = Number(e);
    if (pid === excludePid) return;
    try {
      const argv = (await fs.readFile(path.join(procRoot, e, 'cmdline'), 'utf8')).split('\0').filter(Boolean);
      if (argv.length === 0 || !PYTHON_EXE.test(path.basename(argv[0]))) return;
      found.push({ pid, executable: argv[0], commandLine: argv.join(' ') });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }));
  return found.sort((a, b) => b.pid - a.pid);
}
