import path = require('path');
import type { FrameKind } from './profileModel';

/** pstats names builtins with file '~' and line 0, e.g. ('~', 0, '<built-in method builtins.len>'). */
export function frameKindOf(file: string, name: string): FrameKind {
  if (file === '~' || (file === '' && name.startsWith('<'))) return 'builtin';
  return 'python';
}

/**
 * pstats keeps file names as the code objects have them, often relative to the run's cwd.
 * Pseudo-files like '<string>' or '<frozen importlib._bootstrap>' are left alone.
 */
export function resolveFrameFile(file: string, kind: FrameKind, cwd: string): string {
  if (kind !== 'python' || file.startsWith('<') || file === '') return file;
  return path.isAbsolute(file) ? path.normalize(file) : path.resolve(cwd, file);
}
