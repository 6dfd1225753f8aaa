import type { Profile } from './profileModel';

/**
 * Rewrites the file names of a profile taken elsewhere (a server, a container, another checkout) so that its frames
 * name the workspace's files and the editor can put figures on them (`pyrometer.pathMappings`).
 *
 * A mapping applies to a file equal to `from` or under it (`from` followed by `/` or `\`): `from` is replaced by
 * `to`. The longest matching `from` wins. The rest of the path takes `to`'s separators, so a profile taken on
 * Windows (`C:\proj\app\x.py`) maps onto a Linux checkout. `..` and `.` segments that `to` brings in are resolved
 * (`${workspaceFolder}/../lib` is a usual `to`). Files under no mapping stay as they are.
 *
 * Pure: no node built-ins (the separators are handled by hand so a Windows path maps on Linux and back).
 */
export interface PathMapping {
  /** A path prefix as the profile has it. */
  readonly from: string;
  /** The same place here (absolute; variables such as ${workspaceFolder} already expanded). */
  readonly to: string;
}

/** Mappings to apply in order: longest `from` first, empty ones dropped, trailing separators trimmed. */
export function orderedMappings(mappings: readonly PathMapping[]): PathMapping[] {
  return mappings
    .filter(m => typeof m.from === 'string' && typeof m.to === 'string' && m.from.trim() !== '' && m.to.trim() !== '')
    .map(m => ({ from: trimSeparator(m.from.trim()), to: trimSeparator(m.to.trim()) }))
    .sort((a, b) => b.from.length - a.from.length);
}

/** The file as it is here, or the file unchanged when no mapping covers it. */
export function mapPath(file: string, ordered: readonly PathMapping[]): string {
  for (const m of ordered) {
    if (!file.startsWith(m.from)) continue;
    const rest = file.slice(m.from.length);
    if (rest !== '' && rest[0] !== '/' && rest[0] !== '\\' && !/[\\/:]$/.test(m.from)) continue;
    const windowsTarget = m.to.includes('\\') && !m.to.includes('/');
    const separator = windowsTarget ? '\\' : '/';
    const tail = rest.replace(/^[\\/]+/, '').split(/[\\/]/).filter(s => s !== '');
    return normalize(m.to, tail, separator);
  }
  return file;
}

/** The profile with every frame's file (and the run's cwd and script) mapped; the same object when nothing maps. */
export function withMappedPaths(profile: Profile, mappings: readonly PathMapping[]): Profile {
  const ordered = orderedMappings(mappings);
  if (ordered.length === 0) return profile;
  let changed = false;
  const map = (file: string) => {
    const mapped = file === '' ? file : mapPath(file, ordered);
    if (mapped !== file) changed = true;
    return mapped;
  };
  const frames = profile.frames.map(f => ({ ...f, file: map(f.file) }));
  const metadata = { ...profile.metadata, cwd: map(profile.metadata.cwd), script: map(profile.metadata.script) };
  const lineTimings = profile.lineTimings && {
    ...profile.lineTimings,
    unmatched: profile.lineTimings.unmatched.map(u => ({ ...u, file: map(u.file) })),
  };
  if (!changed) return profile;
  return { ...profile, frames, metadata, ...(lineTimings ? { lineTimings } : {}) };
}

function trimSeparator(p: string): string {
  let end = p.length;
  // Keep a root as it is: "/" and "C:\".
  while (end > 1 && (p[end - 1] === '/' || p[end - 1] === '\\') && !(end === 3 && p[1] === ':')) end--;
  return p.slice(0, end);
}

/** `to` joined with the tail's segments, `.` and `..` resolved (never above `to`'s own root). */
function normalize(to: string, tail: readonly string[], separator: string): string {
  const m = /^([A-Za-z]:)?([\\/]*)/.exec(to)!;
  const slashes = m[2].length >= 2 ? separator + separator : m[2].length === 1 ? separator : ''; // `\\server` keeps two
  const root = (m[1] ?? '') + slashes;
  const segments: string[] = [];
  for (const s of [...to.slice(m[0].length).split(/[\\/]/), ...tail]) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (segments.length > 0 && segments[segments.length - 1] !== '..') segments.pop();
      else if (!root) segments.push(s);
      continue;
    }
    segments.push(s);
  }
  return root + segments.join(separator);
}
