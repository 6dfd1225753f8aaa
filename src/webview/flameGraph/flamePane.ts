/**
 * One flame graph on a canvas: draws the visible part of a layout (boxes of at least half a pixel, batched by
 * colour, labels measured once per frame), scrolls vertically, zooms into a node, hit-tests the pointer and
 * moves a keyboard selection. Text reaches the screen only through fillText.
 */
import type { FlameLayout } from '../../core/flameLayout';
import { firstChildOf } from '../../core/flameLayout';
import {
  contentHeight, depthAt, horizontalView, MIN_DRAW_PX, MIN_LABEL_PX, type Orientation, ROW_HEIGHT, rowTop, scrollHeight,
} from './flameGeometry';
import { BASE_SLOTS, type Palette, SLOT_COUNT } from './flamePalette';

/** Per payload frame: its label and full-colour slot. */
export interface FrameStyle {
  readonly labels: readonly string[];
  readonly slots: Uint8Array;
}

export interface PaneHost {
  palette(): Palette;
  frameStyle(): FrameStyle;
  hover(pane: FlamePane, node: number, clientX: number, clientY: number): void;
  selectionChanged(pane: FlamePane): void;
  zoomChanged(pane: FlamePane): void;
  open(pane: FlamePane, node: number): void;
  focused(pane: FlamePane): void;
}

export type PaneRole = 'main' | 'callers' | 'callees';

const LABEL_PADDING = 4;

export class FlamePane {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  /** The pane's breadcrumbs (its zoom path), filled by the app. */
  readonly header: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly resizeObserver: ResizeObserver;
  layout: FlameLayout | null = null;
  /** The node whose span fills the width; -1 for the whole graph. */
  zoom = -1;
  selected = -1;
  matched: Uint8Array | null = null;
  private widthPx = 0;
  private heightPx = 0;
  private frameRequest = 0;
  private visible = new Int32Array(4096);
  private visibleSlot = new Uint8Array(4096);
  private sorted = new Int32Array(4096);
  private readonly slotCounts = new Int32Array(SLOT_COUNT + 1);
  /** Label width per frame at `measuredFont`; NaN until measured. */
  private labelWidths = new Float32Array(0);
  private readonly lineLabelWidths = new Map<string, number>();
  private measuredFont = '';
  private ellipsisWidth = 0;

  constructor(readonly role: PaneRole, private orientationValue: Orientation, private readonly host: PaneHost) {
    this.element = document.createElement('section');
    this.element.className = `pane pane-${role}`;
    this.header = document.createElement('nav');
    this.header.className = 'breadcrumbs';
    this.header.setAttribute('aria-label', role === 'main' ? 'Zoom path' : `Zoom path of the ${role}`);
    this.scroller = document.createElement('div');
    this.scroller.className = 'pane-scroll';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'pane-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'flame graph');
    this.canvas.setAttribute('aria-label', 'Flame graph. Arrow keys move the selection, Enter zooms in (again: opens the source), Escape zooms out, / searches.');
    this.spacer = document.createElement('div');
    this.spacer.className = 'pane-spacer';
    this.scroller.append(this.canvas, this.spacer);
    this.element.append(this.header, this.scroller);
    const ctx = this.canvas.getContext('2d', { alpha: true });
    if (!ctx) throw new Error('no 2d canvas context');
    this.ctx = ctx;

    this.scroller.addEventListener('scroll', () => {
      this.host.hover(this, -1, 0, 0);
      this.requestDraw();
    }, { passive: true });
    this.canvas.addEventListener('mousemove', e => this.onPointer(e));
    this.canvas.addEventListener('mouseleave', () => this.host.hover(this, -1, 0, 0));
    this.canvas.addEventListener('click', e => this.onClick(e));
    this.canvas.addEventListener('dblclick', e => {
      const node = this.nodeAtEvent(e);
      if (node >= 0) this.host.open(this, node);
    });
    this.canvas.addEventListener('keydown', e => this.onKey(e));
    this.canvas.addEventListener('focus', () => this.host.focused(this));
    this.resizeObserver = new ResizeObserver(() => this.measure());
    this.resizeObserver.observe(this.scroller);
  }

  get orientation(): Orientation { return this.orientationValue; }

  /** Shows a new layout: zoom and selection start over (the caller may restore them by frame path). */
  setLayout(layout: FlameLayout): void {
    this.layout = layout;
    this.zoom = -1;
    this.selected = -1;
    this.matched = null;
    this.labelWidths = new Float32Array(0);
    this.lineLabelWidths.clear();
    // The halves of a sandwich take the room their rows need (and share it when both need more).
    if (this.role !== 'main') this.element.style.flex = `0 1 ${contentHeight(layout.maxDepth) + 28}px`;
    this.measure(false);
    this.scrollToRoots();
  }

  setOrientation(orientation: Orientation): void {
    if (orientation === this.orientationValue) return;
    this.orientationValue = orientation;
    this.measure(false);
    this.scrollToRoots();
    if (this.selected >= 0) this.revealRow(this.selected);
    this.draw();
  }

  setMatches(matched: Uint8Array | null): void {
    this.matched = matched;
    this.draw();
  }

  /** Frame labels or colours changed (new payload, theme): measure again. */
  restyle(): void {
    this.labelWidths = new Float32Array(0);
    this.lineLabelWidths.clear();
    this.draw();
  }

  zoomTo(node: number): void {
    const l = this.layout;
    if (!l) return;
    const z = node >= 0 && node < l.count ? node : -1;
    if (z === this.zoom) return;
    this.zoom = z;
    if (z >= 0) this.revealRow(z);
    this.draw();
    this.host.zoomChanged(this);
  }

  /** One level up: the zoomed node's parent (or the whole graph). */
  zoomOut(): void {
    if (!this.layout || this.zoom < 0) return;
    this.zoomTo(this.layout.parent[this.zoom]);
  }

  select(node: number, reveal = true): void {
    const l = this.layout;
    const n = l && node >= 0 && node < l.count ? node : -1;
    this.selected = n;
    const zoomBefore = this.zoom;
    if (n >= 0 && reveal) {
      // A selection outside the zoomed span zooms out to the nearest ancestor that holds it.
      while (this.zoom >= 0 && !this.isShown(n)) this.zoom = l!.parent[this.zoom];
      this.revealRow(n);
    }
    this.draw();
    this.host.selectionChanged(this);
    if (this.zoom !== zoomBefore) this.host.zoomChanged(this);
  }

  focus(): void {
    this.canvas.focus();
  }

  /** Size the canvas again (e.g. the device pixel ratio changed) and redraw. */
  refit(): void {
    this.measure();
  }

  /** Scroll position and size of the visible part, for tests and tooltips. */
  viewport(): { scrollTop: number; height: number; widthPx: number; heightPx: number } {
    return { scrollTop: this.scroller.scrollTop, height: this.totalHeight(), widthPx: this.widthPx, heightPx: this.heightPx };
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.frameRequest);
    this.element.remove();
  }

  // ---- geometry

  private totalHeight(): number {
    return scrollHeight(this.layout ? this.layout.maxDepth : 0, this.heightPx);
  }

  /** Whether node is drawn in the current zoom: inside the zoomed subtree, or one of its ancestors. */
  private isShown(node: number): boolean {
    const l = this.layout!;
    const z = this.zoom;
    if (z < 0) return true;
    if (node >= z && node < l.end[z]) return true;
    return node < z && l.end[node] > z;
  }

  private measure(redraw = true): void {
    const w = this.scroller.clientWidth;
    const h = this.scroller.clientHeight;
    const changed = w !== this.widthPx || h !== this.heightPx;
    this.widthPx = w;
    this.heightPx = h;
    const dpr = window.devicePixelRatio || 1;
    if (changed || this.canvas.width !== Math.round(w * dpr)) {
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
      this.canvas.width = Math.max(1, Math.round(w * dpr));
      this.canvas.height = Math.max(1, Math.round(h * dpr));
    }
    this.spacer.style.height = `${Math.max(0, this.totalHeight() - h)}px`;
    if (redraw) this.draw();
  }

  private scrollToRoots(): void {
    this.scroller.scrollTop = this.orientationValue === 'flame' ? this.scroller.scrollHeight : 0;
  }

  private revealRow(node: number): void {
    const l = this.layout;
    if (!l) return;
    const top = rowTop(l.depth[node], this.totalHeight(), this.orientationValue);
    const s = this.scroller;
    if (top < s.scrollTop) s.scrollTop = Math.max(0, top - ROW_HEIGHT);
    else if (top + ROW_HEIGHT > s.scrollTop + s.clientHeight) s.scrollTop = top + 2 * ROW_HEIGHT - s.clientHeight;
  }

  private nodeAtEvent(e: MouseEvent): number {
    const r = this.canvas.getBoundingClientRect();
    return this.nodeAt(e.clientX - r.left, e.clientY - r.top);
  }

  /** The drawn node under a point of the canvas (CSS pixels), or -1. */
  nodeAt(px: number, py: number): number {
    const l = this.layout;
    if (!l || l.count === 0 || px < 0 || px >= this.widthPx) return -1;
    const d = depthAt(py + this.scroller.scrollTop, this.totalHeight(), l.maxDepth, this.orientationValue);
    if (d < 0) return -1;
    const z = this.zoom;
    if (z >= 0 && d <= l.depth[z]) {
      let a = z;
      while (l.depth[a] > d) a = l.parent[a];
      return a;
    }
    const view = horizontalView(l, z);
    const scale = this.widthPx / view.span;
    const wx = view.start + px / scale;
    let i = -1;
    if (z >= 0) i = z;
    else for (let c = 0; c < l.count; c = l.end[c]) if (wx >= l.x[c] && wx < l.x[c] + l.width[c]) { i = c; break; }
    while (i >= 0 && l.depth[i] < d) {
      let next = -1;
      for (let c = i + 1; c < l.end[i]; c = l.end[c]) if (wx >= l.x[c] && wx < l.x[c] + l.width[c]) { next = c; break; }
      i = next;
    }
    return i >= 0 && l.width[i] * scale >= MIN_DRAW_PX ? i : -1;
  }

  // ---- input

  private onPointer(e: MouseEvent): void {
    const node = this.nodeAtEvent(e);
    this.canvas.style.cursor = node >= 0 ? 'pointer' : 'default';
    this.host.hover(this, node, e.clientX, e.clientY);
  }

  private onClick(e: MouseEvent): void {
    const node = this.nodeAtEvent(e);
    if (node < 0) return;
    this.selected = node;
    this.host.selectionChanged(this);
    if (node !== this.zoom) this.zoomTo(node);
    else this.draw();
  }

  private onKey(e: KeyboardEvent): void {
    const l = this.layout;
    if (!l || l.count === 0) return;
    const sel = this.selected >= 0 ? this.selected : -1;
    const start = this.zoom >= 0 ? this.zoom : 0;
    let target = -2;
    const up = this.orientationValue === 'icicle' ? 'ArrowUp' : 'ArrowDown';
    const down = this.orientationValue === 'icicle' ? 'ArrowDown' : 'ArrowUp';
    switch (e.key) {
      case up: target = sel < 0 ? start : l.parent[sel] >= 0 ? l.parent[sel] : sel; break;
      case down: target = sel < 0 ? start : this.firstDrawnChild(sel); break;
      case 'ArrowLeft': target = sel < 0 ? start : this.neighbourAtDepth(sel, -1); break;
      case 'ArrowRight': target = sel < 0 ? start : this.neighbourAtDepth(sel, 1); break;
      case 'Home': target = start; break;
      case 'Enter':
        if (sel < 0) break;
        if (e.shiftKey || e.ctrlKey || e.metaKey || sel === this.zoom) this.host.open(this, sel);
        else this.zoomTo(sel);
        e.preventDefault();
        return;
      case 'Escape':
        if (this.zoom >= 0) { this.zoomOut(); e.preventDefault(); }
        return;
      default: return;
    }
    e.preventDefault();
    if (target >= 0 && target !== sel) this.select(target);
  }

  private firstDrawnChild(i: number): number {
    const l = this.layout!;
    const c = firstChildOf(l, i);
    return c >= 0 && this.drawnWidth(c) >= MIN_DRAW_PX ? c : i;
  }

  /** The next drawn node at the same depth to the left (-1) or right (+1), within the zoomed span; else i. */
  private neighbourAtDepth(i: number, direction: 1 | -1): number {
    const l = this.layout!;
    const d = l.depth[i];
    if (this.zoom >= 0 && d <= l.depth[this.zoom]) return i;
    const lo = this.zoom >= 0 ? this.zoom : 0;
    const hi = this.zoom >= 0 ? l.end[this.zoom] : l.count;
    if (direction > 0) {
      let j = l.end[i];
      while (j < hi) {
        if (l.depth[j] === d && this.drawnWidth(j) >= MIN_DRAW_PX) return j;
        j = l.depth[j] >= d || this.drawnWidth(j) < MIN_DRAW_PX ? l.end[j] : j + 1;
      }
    } else {
      for (let j = i - 1; j >= lo; j--) {
        if (l.depth[j] === d && this.drawnWidth(j) >= MIN_DRAW_PX) return j;
      }
    }
    return i;
  }

  private drawnWidth(i: number): number {
    const l = this.layout!;
    return (l.width[i] * this.widthPx) / horizontalView(l, this.zoom).span;
  }

  // ---- drawing

  requestDraw(): void {
    if (this.frameRequest) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.draw();
    });
  }

  draw(): void {
    if (this.frameRequest) { cancelAnimationFrame(this.frameRequest); this.frameRequest = 0; }
    performance.mark('flameGraph:draw-start');
    const ctx = this.ctx;
    const dpr = window.devicePixelRatio || 1;
    const W = this.widthPx;
    const H = this.heightPx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const l = this.layout;
    if (l && l.count > 0 && W > 0 && H > 0) this.drawBoxes(ctx, l, W, H);
    performance.clearMeasures('flameGraph:draw');
    performance.measure('flameGraph:draw', 'flameGraph:draw-start');
  }

  private drawBoxes(ctx: CanvasRenderingContext2D, l: FlameLayout, W: number, H: number): void {
    const palette = this.host.palette();
    const style = this.host.frameStyle();
    const z = this.zoom;
    const view = horizontalView(l, z);
    const scale = W / view.span;
    const minWeight = MIN_DRAW_PX / scale;
    const height = this.totalHeight();
    const scrollTop = this.scroller.scrollTop;
    const flame = this.orientationValue === 'flame';
    // Depths whose rows intersect [scrollTop, scrollTop + H].
    const rowsFromEdgeTop = flame ? height - (scrollTop + H) : scrollTop;
    const rowsFromEdgeBottom = flame ? height - scrollTop : scrollTop + H;
    const dMin = Math.max(0, Math.floor((rowsFromEdgeTop - 4) / ROW_HEIGHT) - 1);
    const dMax = Math.ceil(rowsFromEdgeBottom / ROW_HEIGHT) + 1;
    const matched = this.matched;
    const dim = matched ? BASE_SLOTS : 0;

    let count = 0;
    const push = (i: number) => {
      if (count === this.visible.length) this.growVisible();
      this.visible[count] = i;
      const slot = style.slots[l.frame[i]];
      this.visibleSlot[count] = matched && matched[i] !== 1 ? slot + dim : slot;
      count++;
    };
    if (z >= 0) for (let a = l.parent[z]; a >= 0; a = l.parent[a]) if (l.depth[a] >= dMin && l.depth[a] <= dMax) push(a);
    const stop = z >= 0 ? l.end[z] : l.count;
    const depth = l.depth, width = l.width, end = l.end;
    for (let i = z >= 0 ? z : 0; i < stop;) {
      if (width[i] < minWeight) { i = end[i]; continue; }
      const d = depth[i];
      if (d > dMax) { i = end[i]; continue; }
      if (d >= dMin) push(i);
      i++;
    }

    // Counting sort by colour slot, then one path per colour.
    const counts = this.slotCounts;
    counts.fill(0);
    for (let k = 0; k < count; k++) counts[this.visibleSlot[k] + 1]++;
    for (let s = 0; s < SLOT_COUNT; s++) counts[s + 1] += counts[s];
    if (this.sorted.length < count) this.sorted = new Int32Array(this.visible.length);
    const sorted = this.sorted;
    const cursor = counts.slice(0, SLOT_COUNT);
    for (let k = 0; k < count; k++) sorted[cursor[this.visibleSlot[k]]++] = k;

    const boxX = (i: number) => (z >= 0 && depth[i] < depth[z] ? 0 : (l.x[i] - view.start) * scale);
    const boxW = (i: number) => (z >= 0 && depth[i] < depth[z] ? W : width[i] * scale);
    const boxY = (i: number) => rowTop(depth[i], height, this.orientationValue) - scrollTop;
    for (let s = 0; s < SLOT_COUNT; s++) {
      const from = counts[s], to = counts[s + 1];
      if (from === to) continue;
      ctx.fillStyle = palette.fills[s];
      ctx.beginPath();
      for (let k = from; k < to; k++) {
        const i = this.visible[sorted[k]];
        const w = boxW(i);
        ctx.rect(boxX(i), boxY(i), w > 2 ? w - 1 : w, ROW_HEIGHT - 1);
      }
      ctx.fill();
      if (palette.contrastBorder) {
        ctx.strokeStyle = palette.contrastBorder;
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    }

    // Labels, batched by text colour.
    ctx.font = palette.font;
    ctx.textBaseline = 'middle';
    this.prepareMeasurement(ctx, palette.font, style.labels.length);
    for (let s = 0; s < SLOT_COUNT; s++) {
      const from = counts[s], to = counts[s + 1];
      if (from === to) continue;
      ctx.fillStyle = palette.texts[s];
      for (let k = from; k < to; k++) {
        const i = this.visible[sorted[k]];
        const w = boxW(i);
        if (w < MIN_LABEL_PX) continue;
        const text = this.fitLabel(ctx, style, l, i, w - 2 * LABEL_PADDING);
        if (text) ctx.fillText(text, boxX(i) + LABEL_PADDING, boxY(i) + ROW_HEIGHT / 2);
      }
    }

    const sel = this.selected;
    if (sel >= 0 && sel < l.count && this.isShown(sel)) {
      const w = Math.max(3, boxW(sel));
      ctx.strokeStyle = palette.foreground;
      ctx.lineWidth = 2;
      ctx.strokeRect(boxX(sel) + 1, boxY(sel) + 1, Math.max(1, w - 3), ROW_HEIGHT - 3);
    }
  }

  private growVisible(): void {
    const n = this.visible.length * 2;
    const v = new Int32Array(n); v.set(this.visible); this.visible = v;
    const s = new Uint8Array(n); s.set(this.visibleSlot); this.visibleSlot = s;
  }

  private prepareMeasurement(ctx: CanvasRenderingContext2D, font: string, frames: number): void {
    if (font !== this.measuredFont || this.labelWidths.length !== frames) {
      this.measuredFont = font;
      this.labelWidths = new Float32Array(frames).fill(NaN);
      this.lineLabelWidths.clear();
      this.ellipsisWidth = ctx.measureText('…').width;
    }
  }

  /** The label, cut with an ellipsis to fit `room` pixels (by the label's average glyph width), or null. */
  private fitLabel(ctx: CanvasRenderingContext2D, style: FrameStyle, l: FlameLayout, i: number, room: number): string | null {
    const f = l.frame[i];
    const line = l.line[i];
    let label = style.labels[f];
    let full: number;
    if (line > 0) {
      label = `${label}:${line}`;
      full = this.lineLabelWidths.get(label) ?? NaN;
      if (Number.isNaN(full)) {
        full = ctx.measureText(label).width;
        if (this.lineLabelWidths.size > 50_000) this.lineLabelWidths.clear();
        this.lineLabelWidths.set(label, full);
      }
    } else {
      full = this.labelWidths[f];
      if (Number.isNaN(full)) full = this.labelWidths[f] = ctx.measureText(label).width;
    }
    if (full <= room) return label;
    const perChar = full / Math.max(1, label.length);
    const n = Math.floor((room - this.ellipsisWidth) / perChar) - 1;
    return n >= 2 ? label.slice(0, n) + '…' : null;
  }
}
