/** Messages between the extension and the GC timeline webview, imported by both sides. */
import type { GcTimeline } from '../core/eventAnnotations';
import type { GcSummary } from '../core/eventsResult';

export interface GcTimelineData {
  readonly label: string;
  /** The script's wall time: the axis. */
  readonly wallNs: number;
  readonly thresholds: readonly number[];
  /** Exact over every collection; null when collections were not recorded. */
  readonly summary: GcSummary | null;
  readonly note: string | null;
  readonly timeline: GcTimeline;
}

export type ToGcTimeline =
  | { readonly type: 'data'; readonly data: GcTimelineData }
  | { readonly type: 'empty'; readonly message: string };

export type FromGcTimeline =
  | { readonly type: 'ready' }
  | { readonly type: 'openSource'; readonly file: string; readonly line: number };
