/**
 * Where a flame graph node sits on the canvas, in CSS pixels. Pure, so the browser test computes the same
 * boxes the app draws and clicks inside them.
 */
import type { FlameLayout } from '../../core/flameLayout';

/** flame: roots at the bottom, callees grow upwards; icicle: roots at the top. */
export type Orientation = 'flame' | 'icicle';

export const ROW_HEIGHT = 18;
/** Space above the top row and below the bottom row. */
export const EDGE_PADDING = 4;
/** Boxes narrower than this are not drawn (nor their children, which are narrower still). */
export const MIN_DRAW_PX = 0.5;
/** Boxes narrower than this get no label. */
export const MIN_LABEL_PX = 22;

export function contentHeight(maxDepth: number): number {
  return (Math.max(0, maxDepth) + 1) * ROW_HEIGHT + 2 * EDGE_PADDING;
}

/** Height of the scrolled content: the rows, or the viewport when they are fewer (flame graphs then sit at its bottom). */
export function scrollHeight(maxDepth: number, viewportHeight: number): number {
  return Math.max(contentHeight(maxDepth), viewportHeight);
}

/** Top of a row in content coordinates (before scrolling); `height` is `scrollHeight(...)`. */
export function rowTop(depth: number, height: number, orientation: Orientation): number {
  return orientation === 'icicle' ? EDGE_PADDING + depth * ROW_HEIGHT : height - EDGE_PADDING - (depth + 1) * ROW_HEIGHT;
}

/** Depth at a content y, or -1 outside the rows. */
export function depthAt(contentY: number, height: number, maxDepth: number, orientation: Orientation): number {
  const fromEdge = orientation === 'icicle' ? contentY - EDGE_PADDING : height - EDGE_PADDING - contentY;
  if (fromEdge < 0) return -1;
  const d = Math.floor(fromEdge / ROW_HEIGHT);
  return d <= maxDepth ? d : -1;
}

/** The horizontal window: the zoomed node's span, or the whole graph. */
export interface HorizontalView {
  readonly start: number;
  readonly span: number;
}

export function horizontalView(layout: FlameLayout, zoom: number): HorizontalView {
  if (zoom >= 0 && zoom < layout.count && layout.width[zoom] > 0) return { start: layout.x[zoom], span: layout.width[zoom] };
  return { start: 0, span: layout.totalWeight > 0 ? layout.totalWeight : 1 };
}

/**
 * A node's box in canvas CSS pixels, for a canvas `widthPx` wide whose content (`height` = scrollHeight(...)) is
 * scrolled by `scrollTop`; ancestors of the zoomed node span the width.
 */
export function nodeBox(layout: FlameLayout, node: number, zoom: number, widthPx: number, height: number, scrollTop: number, orientation: Orientation): { x: number; y: number; width: number; height: number } {
  const view = horizontalView(layout, zoom);
  const scale = widthPx / view.span;
  const isAncestor = zoom >= 0 && layout.depth[node] < layout.depth[zoom] && node <= zoom && layout.end[node] > zoom;
  const x = isAncestor ? 0 : (layout.x[node] - view.start) * scale;
  const width = isAncestor ? widthPx : layout.width[node] * scale;
  return { x, y: rowTop(layout.depth[node], height, orientation) - scrollTop, width, height: ROW_HEIGHT };
}
