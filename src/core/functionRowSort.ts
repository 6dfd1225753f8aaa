/** The function table's columns a user can sort by. */
export const FUNCTION_SORT_KEYS = ['ncalls', 'tottime', 'tottimePercall', 'cumtime', 'cumtimePercall', 'name', 'location'] as const;
export type FunctionSortKey = typeof FUNCTION_SORT_KEYS[number];

/** What a numeric column sorts by, from a function's pstats figures (per-call columns: 0 when never called). */
export function numericSortValue(
  f: { readonly totalCalls: number; readonly primitiveCalls: number; readonly selfSeconds: number; readonly cumulativeSeconds: number },
  key: Exclude<FunctionSortKey, 'name' | 'location'>,
): number {
  switch (key) {
    case 'ncalls': return f.totalCalls;
    case 'tottime': return f.selfSeconds;
    case 'tottimePercall': return f.totalCalls ? f.selfSeconds / f.totalCalls : 0;
    case 'cumtime': return f.cumulativeSeconds;
    case 'cumtimePercall': return f.primitiveCalls ? f.cumulativeSeconds / f.primitiveCalls : 0;
  }
}
