/**
 * How to count a speedscope file's time weights before parseSpeedscope turns them into samples.
 *
 * parseSpeedscope takes the smallest time weight as the sample period, which is right for sampled files (py-spy
 * writes 1/rate for every sample, and Pyrometer's exports of sampled runs do too), and wrong for files whose
 * weights are durations of their own (Pyrometer's cProfile exports, other tools' weighted profiles): 7 µs and 10 µs
 * would become 1 and 1 sample. Such files, whose time weights are not all whole multiples of the smallest one, or
 * whose smallest weight is under 10 µs (no sampler runs at 100 kHz: py-spy's rates are 1 to a few thousand per
 * second), are read with a 1 µs quantum instead: a sample is a microsecond, and the total in seconds is kept to the microsecond
 * (exactly, for Pyrometer's exports, whose weights are whole microseconds).
 *
 * Pure: takes the parsed JSON.
 */
export const MICROSECOND_RATE_HZ = 1e6;
/** A smaller "sample period" than this is a duration, not a period. */
const SHORTEST_SAMPLE_PERIOD_SECONDS = 1e-5;

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  seconds: 1, milliseconds: 1e-3, microseconds: 1e-6, nanoseconds: 1e-9,
};

export interface SpeedscopeWeighting {
  /** The rate to give parseSpeedscope; undefined to let it infer the sample period. */
  readonly rateHz?: number;
  /** The weights are durations, counted in microseconds (not one sample each). */
  readonly weightsAreDurations: boolean;
}

export function speedscopeWeighting(root: unknown): SpeedscopeWeighting {
  const profiles = (root as { profiles?: unknown } | null)?.profiles;
  if (!Array.isArray(profiles)) return { weightsAreDurations: false };
  const seconds: number[] = [];
  for (const p of profiles) {
    const unit = SECONDS_PER_UNIT[(p as { unit?: unknown } | null)?.unit as string];
    const weights = (p as { weights?: unknown } | null)?.weights;
    if (unit === undefined || !Array.isArray(weights)) continue;
    for (const w of weights) if (typeof w === 'number' && w > 0) seconds.push(w * unit);
  }
  if (seconds.length === 0) return { weightsAreDurations: false };
  let smallest = Number.POSITIVE_INFINITY;
  for (const s of seconds) if (s < smallest) smallest = s;
  const wholeMultiples = smallest >= SHORTEST_SAMPLE_PERIOD_SECONDS && seconds.every(s => {
    const k = s / smallest;
    return Math.abs(k - Math.round(k)) <= 1e-6 * Math.max(1, k);
  });
  return wholeMultiples ? { weightsAreDurations: false } : { rateHz: MICROSECOND_RATE_HZ, weightsAreDurations: true };
}
