/** Messages between the extension and the function-table webview, imported by both sides. */
import type { FunctionTablePage, FunctionTableQuery } from '../core/functionTablePage';
import type { ProfileSource } from '../core/profileModel';

export type ToFunctionTable =
  /** `answers`: the `seq` of the last query the extension had from this webview when it asked for the page (0: none). */
  | { readonly type: 'rows'; readonly label: string; readonly source: ProfileSource | null; readonly page: FunctionTablePage; readonly answers: number }
  | { readonly type: 'highlight'; readonly frameIndex: number };

/**
 * `query` carries the table's sort, filter and row count, numbered from 1 in each webview (`seq`); the extension
 * answers it and `ready` with `rows`.
 */
export type FromFunctionTable =
  | { readonly type: 'ready' }
  | { readonly type: 'query'; readonly query: FunctionTableQuery; readonly seq: number }
  | { readonly type: 'openSource'; readonly file: string; readonly line: number };
