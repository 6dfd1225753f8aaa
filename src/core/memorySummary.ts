import { byteSize } from './byteSize';
import type { MemoryResult } from './memoryResult';

/** One line about a tracemalloc run for the Allocations view: peak, end, tracemalloc's own cost, anything cut. */
export function memorySummaryText(memory: MemoryResult): string {
  const t = memory.tracemalloc;
  const figures = t.peakBytes === null
    ? 'no end snapshot (the script did not run to a point tracemalloc could read)'
    : `peak ${byteSize(t.peakBytes)}, ${byteSize(t.endBytes ?? 0)} at the end, tracemalloc's own ${byteSize(t.trackingOverheadBytes ?? 0)}`;
  return `${figures} · ${t.frames} ${t.frames === 1 ? 'frame' : 'frames'} per traceback` +
    (memory.truncated ? ' · some lists were cut (see the run\'s result)' : '');
}
