import { displayPaths, functionRow, FunctionRow, locationText } from './functionTable';
import { FUNCTION_SORT_KEYS, FunctionSortKey, numericSortValue } from './functionRowSort';
import type { Profile } from './profileModel';

/**
 * The function table a page at a time. A big program's profile has tens of thousands of functions: sending every
 * row (18 MB of JSON for 50,000) through the extension host blocked it for hundreds of milliseconds, and a webview
 * laying out 350,000 cells froze. The server sorts and filters all functions here and sends the rows asked for; the
 * display strings (pstats' formatting) are made only for those.
 */

/** Rows in the first page, and how many more each "Show more" adds. */
export const FUNCTION_TABLE_PAGE_ROWS = 500;

export interface FunctionTableQuery {
  readonly sortKey: FunctionSortKey;
  readonly descending: boolean;
  /** How many rows from the top of the sorted, filtered list. */
  readonly limit: number;
  /** Text looked for, ignoring case, in each function's name and file:line; '' lists every function. */
  readonly filter: string;
  /**
   * A function (frame index) the user asked to see: the limit grows to include its row, and a filter that hides it
   * is cleared.
   */
  readonly reveal?: number;
}

export interface FunctionTablePage {
  /** Functions in the profile. */
  readonly total: number;
  /** Functions the filter keeps. */
  readonly matched: number;
  /** The first `query.limit` of them, in the query's order. */
  readonly rows: readonly FunctionRow[];
  /** The query as answered: its limit and filter changed by `reveal`, its reveal dropped. */
  readonly query: FunctionTableQuery;
}

export const DEFAULT_FUNCTION_TABLE_QUERY: FunctionTableQuery = {
  sortKey: 'cumtime', descending: true, limit: FUNCTION_TABLE_PAGE_ROWS, filter: '',
};

/** The table when there is no run to show. */
export function emptyFunctionTablePage(query: FunctionTableQuery): FunctionTablePage {
  return { total: 0, matched: 0, rows: [], query };
}

/**
 * A query as a client sent it, made safe to answer: the server is an LSP server other editors may talk to, so a
 * missing or odd field gets the default instead of a sort by nothing or an empty page.
 */
export function normalizeQuery(query: Partial<FunctionTableQuery> | undefined): FunctionTableQuery {
  const q = query ?? {};
  const d = DEFAULT_FUNCTION_TABLE_QUERY;
  return {
    sortKey: (FUNCTION_SORT_KEYS as readonly unknown[]).includes(q.sortKey) ? q.sortKey as FunctionSortKey : d.sortKey,
    descending: typeof q.descending === 'boolean' ? q.descending : d.descending,
    limit: typeof q.limit === 'number' && q.limit >= 1 ? Math.min(Math.floor(q.limit), MAX_ROWS) : d.limit,
    filter: typeof q.filter === 'string' ? q.filter : d.filter,
    ...(typeof q.reveal === 'number' ? { reveal: q.reveal } : {}),
  };
}

/** More rows than a table can usefully show at once; a client asking for more gets this many. */
const MAX_ROWS = 100_000;

/**
 * The orders: numbers by value, text by the default collation (localeCompare's), ties by frame index. The last
 * order computed is kept, so "show more" and filtering do not sort again.
 */
export class FunctionTable {
  private readonly shown: (file: string) => string;
  private locations: string[] | undefined;
  /** Names and file:line texts in lower case, made once for every filter after the first. */
  private lowerNames: string[] | undefined;
  private lowerLocations: string[] | undefined;
  private sorted: { readonly key: FunctionSortKey; readonly descending: boolean; readonly order: Int32Array } | undefined;

  constructor(private readonly profile: Profile) {
    this.shown = displayPaths(profile);
  }

  /** The page for `query` (normalized first: see normalizeQuery). */
  page(asked: Partial<FunctionTableQuery> | undefined): FunctionTablePage {
    const query = normalizeQuery(asked);
    const functions = this.profile.functions;
    const order = this.order(query.sortKey, query.descending);
    let filter = query.filter;
    const revealAt = query.reveal === undefined ? -1 : functions.findIndex(f => f.frameIndex === query.reveal);
    if (revealAt >= 0 && !this.matches(revealAt, filter.toLowerCase())) filter = '';
    const needle = filter.toLowerCase();
    const kept: number[] = [];
    let revealPosition = -1;
    for (const fn of order) {
      if (!this.matches(fn, needle)) continue;
      if (fn === revealAt) revealPosition = kept.length;
      kept.push(fn);
    }
    const limit = revealPosition >= query.limit
      ? Math.ceil((revealPosition + 1) / FUNCTION_TABLE_PAGE_ROWS) * FUNCTION_TABLE_PAGE_ROWS
      : query.limit;
    const rows = kept.slice(0, limit).map(fn => functionRow(this.profile, functions[fn], this.shown));
    return {
      total: functions.length,
      matched: kept.length,
      rows,
      query: { sortKey: query.sortKey, descending: query.descending, limit, filter },
    };
  }

  private matches(fn: number, needle: string): boolean {
    if (needle === '') return true;
    this.lowerNames ??= this.profile.functions.map(f => this.profile.frames[f.frameIndex].name.toLowerCase());
    this.lowerLocations ??= this.profile.functions.map((_, i) => this.location(i).toLowerCase());
    return this.lowerNames[fn].includes(needle) || this.lowerLocations[fn].includes(needle);
  }

  private location(fn: number): string {
    this.locations ??= this.profile.functions.map(f => locationText(this.profile.frames[f.frameIndex], this.shown));
    return this.locations[fn];
  }

  /** Function indices (into profile.functions) in the table's order for this key. */
  private order(key: FunctionSortKey, descending: boolean): Int32Array {
    if (this.sorted?.key === key && this.sorted.descending === descending) return this.sorted.order;
    const functions = this.profile.functions;
    const frameOf = (fn: number) => functions[fn].frameIndex;
    const sign = descending ? -1 : 1;
    const order = Int32Array.from(functions.keys());
    let compare: (a: number, b: number) => number;
    if (key === 'name' || key === 'location') {
      const text = key === 'name'
        ? functions.map(f => this.profile.frames[f.frameIndex].name)
        : functions.map((_, fn) => this.location(fn));
      // One collator, not localeCompare per comparison: the same order, without setting up the locale each time.
      const collate = new Intl.Collator().compare;
      compare = (a, b) => sign * collate(text[a], text[b]) || frameOf(a) - frameOf(b);
    } else {
      const value = Float64Array.from(functions, f => numericSortValue(f, key));
      compare = (a, b) => sign * (value[a] - value[b]) || frameOf(a) - frameOf(b);
    }
    order.sort(compare);
    this.sorted = { key, descending, order };
    return order;
  }
}
