import { CATEGORY_LABELS, NativeCategory, nativeCategory } from './nativeFrames';
import { groupThousands, percentOf } from './pstatsNumbers';
import type { Profile } from './profileModel';
import { emptyStackTable, stackFrames } from './stackTable';

/**
 * Per Python function of a mixed (perf) profile, from perf's samples:
 * - totalSamples: samples with the function anywhere on the stack (once per sample);
 * - selfSamples: samples where it is the innermost Python frame, i.e. the time spent in it and in the C code it
 *   called directly (the Python-only view's self time);
 * - nativeSamples: those of its self samples whose leaf is native or kernel code, by what that code is doing. The
 *   category is the first frame below the Python frame (leafward) that is not the interpreter's own plumbing
 *   (`PyDict_SetItem` under `_PyEval_EvalFrameDefault` counts as dict even when the leaf is `siphash13`); samples
 *   with nothing but plumbing under the function count as 'interpreter' (the eval loop running its bytecode).
 */
export interface NativeShare {
  readonly frameIndex: number;
  readonly totalSamples: number;
  readonly selfSamples: number;
  readonly nativeSamples: number;
  /** Largest first. */
  readonly byCategory: readonly { readonly category: NativeCategory; readonly samples: number }[];
}

export interface NativeShares {
  /** Python frames with at least one sample, by frame index. */
  readonly functions: ReadonlyMap<number, NativeShare>;
  readonly totalSamples: number;
}

export function nativeShares(profile: Profile): NativeShares {
  const frames = profile.frames;
  const isPython = frames.map(f => f.kind === 'python');
  const categories: NativeCategory[] = frames.map((f, i) => (isPython[i] ? 'other' : nativeCategory(f)));
  const total = new Float64Array(frames.length);
  const self = new Float64Array(frames.length);
  const native = new Float64Array(frames.length);
  const byCategory = new Map<number, Map<NativeCategory, number>>();
  const stamp = new Int32Array(frames.length).fill(-1);
  let totalSamples = 0;
  const table = profile.stacks?.stacks ?? emptyStackTable();
  for (let si = 0; si < table.length; si++) {
    const s = { frames: stackFrames(table, si), weight: table.weights[si] };
    totalSamples += s.weight;
    let innermost = -1;
    for (let k = 0; k < s.frames.length; k++) {
      const f = s.frames[k];
      if (!isPython[f]) continue;
      innermost = k;
      if (stamp[f] !== si) {
        stamp[f] = si;
        total[f] += s.weight;
      }
    }
    if (innermost < 0) continue;
    const fn = s.frames[innermost];
    self[fn] += s.weight;
    if (innermost === s.frames.length - 1) continue;
    native[fn] += s.weight;
    let category: NativeCategory = 'interpreter';
    for (let k = innermost + 1; k < s.frames.length; k++) {
      const c = categories[s.frames[k]];
      if (c !== 'interpreter' && c !== 'other') {
        category = c;
        break;
      }
      if (c === 'other' && category === 'interpreter') category = 'other';
    }
    let counts = byCategory.get(fn);
    if (!counts) byCategory.set(fn, counts = new Map());
    counts.set(category, (counts.get(category) ?? 0) + s.weight);
  }
  const functions = new Map<number, NativeShare>();
  for (let f = 0; f < frames.length; f++) {
    if (!isPython[f] || total[f] === 0) continue;
    const list = [...(byCategory.get(f) ?? new Map<NativeCategory, number>())]
      .map(([category, samples]) => ({ category, samples }))
      .sort((a, b) => b.samples - a.samples || a.category.localeCompare(b.category));
    functions.set(f, { frameIndex: f, totalSamples: total[f], selfSamples: self[f], nativeSamples: native[f], byCategory: list });
  }
  return { functions, totalSamples };
}

/**
 * `perf: 41% total (410 samples) | self 30% (300) | native under it 85%: dict 38%, regex 30%, eval loop 12%`.
 * Every percentage is of the run's samples, so the figures add up against the flame graph; at most three
 * categories are named.
 */
export function nativeLensText(share: NativeShare, runSamples: number): string {
  const head = `perf: ${percentOf(share.totalSamples, runSamples)} total (${groupThousands(share.totalSamples)} ${share.totalSamples === 1 ? 'sample' : 'samples'}) | ` +
    `self ${percentOf(share.selfSamples, runSamples)} (${groupThousands(share.selfSamples)})`;
  if (share.nativeSamples === 0) return head;
  const named = share.byCategory.slice(0, 3).map(c => `${CATEGORY_LABELS[c.category]} ${percentOf(c.samples, runSamples)}`);
  return `${head} | native under it ${percentOf(share.nativeSamples, runSamples)}: ${named.join(', ')}`;
}
