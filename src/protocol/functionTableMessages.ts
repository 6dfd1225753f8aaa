/** Messages between the extension and the function-table webview, imported by both sides. */
import type { FunctionRow } from '../core/functionTable';
import type { ProfileSource } from '../core/profileModel';

export type ToFunctionTable =
  | { readonly type: 'rows'; readonly label: string; readonly source: ProfileSource | null; readonly rows: readonly FunctionRow[] }
  | { readonly type: 'highlight'; readonly frameIndex: number };

export type FromFunctionTable =
  | { readonly type: 'ready' }
  | { readonly type: 'openSource'; readonly file: string; readonly line: number };
