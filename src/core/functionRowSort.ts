import type { FunctionRow } from './functionTable';

export type FunctionSortKey = 'ncalls' | 'tottime' | 'tottimePercall' | 'cumtime' | 'cumtimePercall' | 'name' | 'location';

function sortValue(row: FunctionRow, key: FunctionSortKey): number | string {
  switch (key) {
    case 'ncalls': return row.totalCalls;
    case 'tottime': return row.selfSeconds;
    case 'tottimePercall': return row.totalCalls ? row.selfSeconds / row.totalCalls : 0;
    case 'cumtime': return row.cumulativeSeconds;
    case 'cumtimePercall': return row.primitiveCalls ? row.cumulativeSeconds / row.primitiveCalls : 0;
    case 'name': return row.name;
    case 'location': return row.display.location;
  }
}

/** Numbers sort largest first by default (what a profile reader wants), text alphabetically. */
export function sortRows(rows: readonly FunctionRow[], key: FunctionSortKey, descending: boolean): FunctionRow[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    const order = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return order !== 0 ? sign * order : a.frameIndex - b.frameIndex;
  });
}
