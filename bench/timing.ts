/** The median of a few repeats, in milliseconds: the figure every benchmark reports. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** How long one call of `work` took, in milliseconds. */
function timeMs(work: () => unknown): number {
  const t0 = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function medianMs(repeats: number, work: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(timeMs(work));
  return median(times);
}

/**
 * A floor and Pyrometer's work timed alternately, `rounds` times each, and the median of each: on a shared machine
 * the load drifts, and timing all of one and then all of the other put that drift into the ratio.
 */
export function pairedMediansMs(rounds: number, floor: () => unknown, ours: () => unknown): { floorMs: number; oursMs: number } {
  const floorTimes: number[] = [];
  const oursTimes: number[] = [];
  for (let i = 0; i < rounds; i++) {
    floorTimes.push(timeMs(floor));
    oursTimes.push(timeMs(ours));
  }
  return { floorMs: median(floorTimes), oursMs: median(oursTimes) };
}

/** pairedMediansMs for work that ends in a promise (a file read as Pyrometer's server reads it, asynchronously). */
export async function pairedMediansMsAsync(rounds: number, floor: () => unknown, ours: () => Promise<unknown>): Promise<{ floorMs: number; oursMs: number }> {
  const floorTimes: number[] = [];
  const oursTimes: number[] = [];
  for (let i = 0; i < rounds; i++) {
    floorTimes.push(timeMs(floor));
    const t0 = process.hrtime.bigint();
    await ours();
    oursTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { floorMs: median(floorTimes), oursMs: median(oursTimes) };
}
