/**
 * Just enough reading of Python source to place figures on lines: where a def is now (after edits),
 * the lines of its body, and the lines that call a given name. Textual, not a parser: it is used to
 * place decorations, never to compute a figure.
 */

import { onFirstUse } from './onFirstUse';

const INDENT = /^[ \t]*/;
/** Python identifiers may be non-ASCII (PEP 3131). */
const identifier = onFirstUse(() => /^[\p{ID_Start}_][\p{ID_Continue}]*$/u);

export function indentOf(line: string): number {
  return INDENT.exec(line)![0].replace(/\t/g, '        ').length;
}

function isCodeLine(line: string): boolean {
  const t = line.trim();
  return t !== '' && !t.startsWith('#');
}

function defPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${escaped}[ \\t]*[(\\[]`, 'u');
}

const anyDef = onFirstUse(() => /^[ \t]*(?:async[ \t]+)?def[ \t]+([\p{ID_Start}_][\p{ID_Continue}]*)[ \t]*[(\[]/u);

/** Every `def` of a file by name (0-based lines, ascending): built once per text, not per function. */
export type DefIndex = ReadonlyMap<string, readonly number[]>;

export function indexDefs(lines: readonly string[]): DefIndex {
  const index = new Map<string, number[]>();
  lines.forEach((line, i) => {
    const m = anyDef().exec(line);
    if (!m) return;
    const list = index.get(m[1]);
    if (list) list.push(i);
    else index.set(m[1], [i]);
  });
  return index;
}

/**
 * The 0-based line of `def name` nearest to where the profile says the function starts.
 * pstats' line is the code object's first line: the first decorator for decorated functions,
 * so the nearest def at or below wins ties; a sampler's line is in the body, so there the def above wins.
 * Undefined when the def is gone.
 */
export function locateDef(defs: DefIndex, name: string, recordedLine: number,
  recorded: 'firstLine' | 'bodyLine' = 'firstLine'): number | undefined {
  if (!identifier().test(name)) return undefined;
  const expected = recordedLine - 1;
  let best: number | undefined;
  let bestDistance = Infinity;
  // A sampler records a line inside the body, so its def is above; pstats records the first line (decorators).
  const penaltyBelow = recorded === 'bodyLine' ? 0.5 : 0;
  const penaltyAbove = recorded === 'bodyLine' ? 0 : 0.5;
  for (const i of defs.get(name) ?? []) {
    const distance = i >= expected ? i - expected + penaltyBelow : (expected - i) + penaltyAbove;
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}

/** The 0-based line range [start, end) of a def's body, signature continuation lines excluded. */
export function defBodyRange(lines: readonly string[], defLine: number): { start: number; end: number } {
  const defIndent = indentOf(lines[defLine]);
  let depth = 0;
  let i = defLine;
  // The signature may span lines; it ends at the line where brackets balance.
  for (; i < lines.length; i++) {
    for (const ch of lines[i].replace(/#.*$/, '')) {
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
    }
    if (depth <= 0) break;
  }
  const start = i + 1;
  let end = start;
  for (let j = start; j < lines.length; j++) {
    if (!isCodeLine(lines[j])) continue;
    if (indentOf(lines[j]) <= defIndent) break;
    end = j + 1;
  }
  return { start, end };
}

/** Top-level lines that belong to no def or class: the body of `<module>`. */
export function moduleLevelLines(lines: readonly string[]): number[] {
  const result: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!isCodeLine(lines[i])) continue;
    if (indentOf(lines[i]) === 0 && /^(?:async[ \t]+)?(?:def|class)[ \t]/.test(lines[i])) {
      const { end } = defBodyRange(lines, i);
      i = Math.max(i, end - 1);
      continue;
    }
    result.push(i);
  }
  return result;
}

/** The name a call site would use for a profiled function: 'inc', or 'len' for '<built-in method builtins.len>'. */
export function callableName(frameName: string): string | undefined {
  if (identifier().test(frameName)) return frameName;
  const builtin = /^<built-in method (?:[\w.]+\.)?(\w+)>$/.exec(frameName);
  if (builtin) return builtin[1];
  const method = /^<method '(\w+)' of /.exec(frameName);
  if (method) return method[1];
  return undefined;
}

/** Lines (0-based, among `candidates`) whose code calls `name(` — comments and string quotes ignored roughly. */
export function callSiteLines(lines: readonly string[], candidates: Iterable<number>, name: string): number[] {
  const pattern = new RegExp(`(?:^|[^\\p{ID_Continue}.])${name}[ \\t]*\\(|\\.${name}[ \\t]*\\(`, 'u');
  const result: number[] = [];
  for (const i of candidates) {
    const code = lines[i].replace(/#.*$/, '');
    if (pattern.test(code) && !defPattern(name).test(code)) result.push(i);
  }
  return result;
}

/** The 0-based line where a def's decorators begin (the def line itself when it has none): pstats' and co_firstlineno's line. */
export function decoratedStart(lines: readonly string[], defLine: number): number {
  const indent = indentOf(lines[defLine] ?? '');
  let start = defLine;
  for (let i = defLine - 1; i >= 0; i--) {
    const t = lines[i].trim();
    if (t === '' || t.startsWith('#')) continue;
    if (!t.startsWith('@') || indentOf(lines[i]) !== indent) break;
    start = i;
  }
  return start;
}

/** The 0-based line of the innermost `def` whose decorators, signature or body hold `line`, if any. */
export function enclosingDef(lines: readonly string[], line: number): number | undefined {
  let best: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (!anyDef().test(lines[i])) continue;
    const start = decoratedStart(lines, i);
    const { end } = defBodyRange(lines, i);
    if (start <= line && line < Math.max(end, i + 1) && (best === undefined || i > best)) best = i;
  }
  return best;
}
