/**
 * Messages between the extension and the flame graph webview, imported by both sides.
 *
 * The webview asks for a view (top-down / inverted / sandwich, order, thread, merge by line) with 'request';
 * the extension answers with 'data' (flat arrays per pane + the frame table; see FlameGraphData in
 * core/flameLayout.ts), or with 'dataUrl', the same as a UTF-8 JSON file the language server wrote, which the page
 * fetches: the extension host passes only its name on. 'dataJson' carries those bytes in the message when the server
 * could not write the file (as bytes, which postMessage hands over without serializing them). Zoom, search, selection and orientation never leave the webview.
 */
import type { FlameGraphData, FlameGraphRequest } from '../core/flameLayout';

export type { FlameFrame, FlameGraphData, FlameGraphRequest, FlameOrder, FlamePaneData, FlameView } from '../core/flameLayout';

export type ToFlameGraph =
  /** A graph to show; replaces whatever was shown. */
  | { readonly type: 'data'; readonly data: FlameGraphData }
  /** The same, as the UTF-8 bytes of JSON.stringify(FlameGraphData). */
  | { readonly type: 'dataJson'; readonly utf8: Uint8Array }
  /** The same bytes in a file, for the page to fetch (a webview URI): the extension host never holds them. */
  | { readonly type: 'dataUrl'; readonly url: string }
  /** Nothing to show (no run yet, or a run without stacks or functions). */
  | { readonly type: 'empty'; readonly message: string }
  /** The request failed; what was shown stays. */
  | { readonly type: 'error'; readonly message: string };

export type FromFlameGraph =
  /** The app has loaded and listens: send the current graph. */
  | { readonly type: 'ready' }
  /** Show another view of the same run. */
  | { readonly type: 'request'; readonly request: FlameGraphRequest }
  /** Reveal a frame's source: double-click or Enter on a frame with a linkable file (1-based line). */
  | { readonly type: 'openSource'; readonly file: string; readonly line: number };
