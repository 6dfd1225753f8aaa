/** Messages between the extension and the function-table webview, imported by both sides. */
import type { FunctionTablePage, FunctionTableQuery } from '../core/functionTablePage';
import type { ProfileSource } from '../core/profileModel';

export type ToFunctionTable =
  | { readonly type: 'rows'; readonly label: string; readonly source: ProfileSource | null; readonly page: FunctionTablePage }
  | { readonly type: 'highlight'; readonly frameIndex: number };

/** `query` carries the table's sort, filter and row count; the extension answers it and `ready` with `rows`. */
export type FromFunctionTable =
  | { readonly type: 'ready' }
  | { readonly type: 'query'; readonly query: FunctionTableQuery }
  | { readonly type: 'openSource'; readonly file: string; readonly line: number };
