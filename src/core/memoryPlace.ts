import path = require('path');
import type { MemoryResult } from './memoryResult';

/** `allocations.py:7`: a site relative to the run's cwd when it is under it, else the full path. */
export function placeOf(result: MemoryResult, file: string, line: number): string {
  const cwd = result.metadata.cwd;
  const relative = cwd && path.isAbsolute(file) ? path.relative(cwd, file) : file;
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  return `${shown}:${line}`;
}
