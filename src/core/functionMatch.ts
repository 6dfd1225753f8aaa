import type { MatchedBy } from './profileDiff';

/**
 * Pairs the functions of two runs: first by name and file, then, among those left, by name and the file's base
 * name (the same script run from another directory or checkout). Never by line: editing a file moves its
 * functions, and a moved function must still be itself. When a file holds several functions with one name
 * (methods `__init__` of two classes, lambdas), they pair in the order of their first lines — the order in the
 * file survives an edit that moves them all.
 */

export interface FunctionIdentity {
  readonly name: string;
  readonly file: string;
  readonly line: number;
}

export interface FunctionPair {
  /** Index into the baseline list, -1 for a function only the current run has. */
  readonly baseline: number;
  /** Index into the current list, -1 for a function only the baseline has. */
  readonly current: number;
  readonly matchedBy: MatchedBy;
}

const baseName = (file: string) => file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);

function groups(ids: readonly FunctionIdentity[], indices: readonly number[], key: (f: FunctionIdentity) => string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const i of indices) {
    const k = key(ids[i]);
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  }
  for (const list of out.values()) list.sort((a, b) => ids[a].line - ids[b].line || a - b);
  return out;
}

export function matchFunctions(baseline: readonly FunctionIdentity[], current: readonly FunctionIdentity[]): FunctionPair[] {
  const pairs: FunctionPair[] = [];
  let baseLeft = baseline.map((_, i) => i);
  let curLeft = current.map((_, i) => i);
  const levels: [MatchedBy, (f: FunctionIdentity) => string][] = [
    ['fileAndName', f => `${f.name}\0${f.file}`],
    ['baseNameAndName', f => `${f.name}\0${baseName(f.file)}`],
  ];
  for (const [matchedBy, key] of levels) {
    const baseGroups = groups(baseline, baseLeft, key);
    const curGroups = groups(current, curLeft, key);
    const usedBase = new Set<number>();
    const usedCur = new Set<number>();
    for (const [k, bs] of baseGroups) {
      const cs = curGroups.get(k);
      if (!cs) continue;
      for (let j = 0; j < Math.min(bs.length, cs.length); j++) {
        pairs.push({ baseline: bs[j], current: cs[j], matchedBy });
        usedBase.add(bs[j]);
        usedCur.add(cs[j]);
      }
    }
    baseLeft = baseLeft.filter(i => !usedBase.has(i));
    curLeft = curLeft.filter(i => !usedCur.has(i));
  }
  for (const i of baseLeft) pairs.push({ baseline: i, current: -1, matchedBy: 'removed' });
  for (const i of curLeft) pairs.push({ baseline: -1, current: i, matchedBy: 'added' });
  return pairs;
}
