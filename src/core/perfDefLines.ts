import type { Frame, Profile } from './profileModel';
import { indexDefs } from './pythonSource';

/**
 * perf names Python code by `qualname:file` only (no line). The def line makes CodeLens and flame graph clicks land
 * on the function: `<module>` is line 1; otherwise the `def`/`class` of the qualname's last part, preferring one
 * nested (by indentation) under the qualname's enclosing class when there are several. Frames whose source is not
 * given, or whose def is gone, keep line 0.
 */
export function withDefLines(profile: Profile, sourceOf: (file: string) => string | undefined): Profile {
  const cache = new Map<string, string[] | undefined>();
  const frames: Frame[] = profile.frames.map(f => {
    if (f.kind !== 'python' || f.line > 0 || !f.file || f.file.startsWith('<')) return f;
    if (!cache.has(f.file)) cache.set(f.file, sourceOf(f.file)?.split(/\r?\n/));
    const lines = cache.get(f.file);
    if (!lines) return f;
    const line = defLineOf(lines, f.name);
    return line > 0 ? { ...f, line } : f;
  });
  return { ...profile, frames };
}

/** 1-based line of qualname's def in the source lines, or 0. */
export function defLineOf(lines: readonly string[], qualname: string): number {
  if (qualname === '<module>') return 1;
  const parts = qualname.split('.').filter(p => p !== '<locals>');
  const name = parts[parts.length - 1];
  const candidates = indexDefs(lines).get(name) ?? [];
  if (candidates.length === 0) return 0;
  if (candidates.length === 1 || parts.length === 1) return candidates[0] + 1;
  const outer = parts[parts.length - 2];
  const indent = (s: string) => s.length - s.trimStart().length;
  for (const c of candidates) {
    for (let i = c - 1; i >= 0; i--) {
      const text = lines[i];
      if (text.trim() === '' || indent(text) >= indent(lines[c])) continue;
      if (new RegExp(`^\\s*(async\\s+)?(def|class)\\s+${outer.replace(/[^\w]/g, '')}\\b`).test(text)) return c + 1;
      break;
    }
  }
  return candidates[0] + 1;
}
