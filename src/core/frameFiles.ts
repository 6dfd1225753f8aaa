import * as path from 'path';
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

/** Whether a frame points at a real source file the editor can open. */
export function isLinkable(file: string, kind: FrameKind): boolean {
  return kind === 'python' && path.isAbsolute(file);
}

/** Paths under the run's cwd are shown relative to it (as the user typed them); others stay absolute. */
export function displayPath(file: string, cwd: string): string {
  if (!path.isAbsolute(file) || !cwd) return file;
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
