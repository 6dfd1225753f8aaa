import type { FrameKind } from './profileModel';

/**
 * Path rules for showing and linking frames, as plain string operations: no node `path`, so the same rules
 * serve the language server and the webview bundles.
 */
export function isAbsolutePath(file: string): boolean {
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) || file.startsWith('\\\\');
}

/** Whether a frame points at a real source file the editor can open. */
export function isLinkable(file: string, kind: FrameKind): boolean {
  return kind === 'python' && isAbsolutePath(file);
}

/** Paths under the run's cwd are shown relative to it (as the user typed them); others stay absolute. */
export function displayPath(file: string, cwd: string): string {
  if (!cwd || !isAbsolutePath(file)) return file;
  const base = cwd.endsWith('/') || cwd.endsWith('\\') ? cwd : cwd + (cwd.includes('\\') && !cwd.includes('/') ? '\\' : '/');
  return file.startsWith(base) && file.length > base.length ? file.slice(base.length) : file;
}
