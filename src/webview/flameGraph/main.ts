/**
 * The flame graph webview: toolbar (view, order, orientation, thread, merge by line, search), breadcrumbs of
 * the zoom, one canvas pane (two for a sandwich), tooltip and status line. Profile strings reach the page only
 * as textContent or canvas fillText, never as HTML.
 */
import { DEFAULT_FLAME_GRAPH_REQUEST, framePathOf, layoutFromPane, matchFrames, nodeAtFramePath, searchLayout } from '../../core/flameLayout';
import type { FlameFrame, FlameGraphData, FlameGraphRequest, FromFlameGraph, ToFlameGraph } from '../../protocol/flameGraphMessages';
import type { FlameGraphSummaryMessage } from '../../protocol/flameGraphSummary';
import type { Orientation } from './flameGeometry';
import { FlamePane, type FrameStyle, type PaneHost } from './flamePane';
import { diffSlot, frameSlot, type Palette, readPalette } from './flamePalette';

interface VsCodeApi {
  postMessage(message: FromFlameGraph): void;
  getState?(): unknown;
  setState?(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

interface SavedState { readonly orientation?: Orientation; readonly query?: string }
const saved = (vscode.getState?.() ?? {}) as SavedState;

const IMPORTTIME_BANNER = 'Import times from python -X importtime — a box is a module, its width the time to import it and what it imported (Σ self times).';
const CPROFILE_BANNER = 'Derived from cProfile caller edges — cProfile records no stacks; widths are apportioned, not sampled.';

// ---- state

let data: FlameGraphData | null = null;
let request: FlameGraphRequest = DEFAULT_FLAME_GRAPH_REQUEST;
let panes: FlamePane[] = [];
let activePane: FlamePane | null = null;
let orientation: Orientation = saved.orientation === 'flame' ? 'flame' : 'icicle';
let palette: Palette = readPalette();
let frameStyle: FrameStyle = { labels: [], slots: new Uint8Array(0) };
let frameNames: string[] = [];
let searchTimer: ReturnType<typeof setTimeout> | undefined;

// ---- DOM (built here; the panel's HTML is an empty #app)

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

interface Segmented<T extends string> {
  readonly element: HTMLElement;
  set(value: T): void;
  enable(value: T, enabled: boolean, title?: string): void;
  disableAll(disabled: boolean): void;
}

function segmented<T extends string>(label: string, options: readonly (readonly [T, string, string])[], pick: (value: T) => void): Segmented<T> {
  const group = el('div', 'segmented');
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', label);
  const buttons = new Map<T, HTMLButtonElement>();
  for (const [value, text, title] of options) {
    const b = el('button', 'segment', text);
    b.type = 'button';
    b.title = title;
    b.dataset.value = value;
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => pick(value));
    buttons.set(value, b);
    group.append(b);
  }
  return {
    element: group,
    set(value) { for (const [v, b] of buttons) b.setAttribute('aria-pressed', String(v === value)); },
    enable(value, enabled, title) {
      const b = buttons.get(value)!;
      b.disabled = !enabled;
      if (title) b.title = title;
    },
    disableAll(disabled) { for (const b of buttons.values()) b.disabled = disabled; },
  };
}

const root = document.getElementById('app') ?? document.body;
const toolbar = el('div', 'toolbar');
toolbar.setAttribute('role', 'toolbar');
toolbar.setAttribute('aria-label', 'Flame graph');

const viewButtons = segmented('View', [
  ['topDown', 'Top-down', 'Callers above their callees, from the outermost frame'],
  ['inverted', 'Inverted', 'Bottom-up: where the time was spent, then who called it'],
  ['sandwich', 'Sandwich', 'Callers and callees of the selected function'],
] as const, view => {
  if (view === 'sandwich') {
    const profileIndex = selectedProfileFrame();
    if (profileIndex < 0) return;
    ask({ view, sandwichFrame: profileIndex });
  } else {
    ask({ view, sandwichFrame: -1 });
  }
});
const orderButtons = segmented('Order', [
  ['leftHeavy', 'Left-heavy', 'Heaviest children first'],
  ['timeOrder', 'Time order', 'Children in the order their call paths were first sampled (not a timeline: identical stacks are merged)'],
] as const, order => ask({ order }));
const orientationButtons = segmented('Orientation', [
  ['icicle', 'Icicle', 'Roots at the top'],
  ['flame', 'Flame', 'Roots at the bottom'],
] as const, o => setOrientation(o));

const threadLabel = el('label', 'thread');
threadLabel.append(el('span', undefined, 'Thread '));
const threadSelect = el('select');
threadSelect.addEventListener('change', () => ask({ thread: Number(threadSelect.value) }));
threadLabel.append(threadSelect);

const mergeLabel = el('label', 'merge');
const mergeBox = el('input');
mergeBox.type = 'checkbox';
mergeBox.addEventListener('change', () => ask({ mergeByLine: mergeBox.checked }));
mergeLabel.append(mergeBox, el('span', undefined, ' Merge by line'));
mergeLabel.title = 'One box per line executing in a function, instead of one per function';

// Mixed (perf) stacks only: which frames to draw, and what the colours mean.
const filterButtons = segmented('Frames', [
  ['all', 'All frames', 'Python, native, kernel and JIT frames as perf recorded them'],
  ['noInterpreter', 'No interpreter', "Hide the interpreter's own frames (eval loop, call plumbing, trampolines): Python functions with the C work under them"],
  ['python', 'Python only', 'Only Python frames: native work is merged into the Python function that ran it'],
  ['native', 'Native only', "Only native and kernel frames, without the interpreter's own"],
] as const, frameFilter => ask({ frameFilter }));
const legend = el('div', 'legend');
legend.setAttribute('aria-label', 'Frame colours');
const LEGEND_KINDS = [['python', 'Python'], ['native', 'native (C)'], ['kernel', 'kernel'], ['jit', 'JIT / unnamed']] as const;

function renderLegend(): void {
  legend.replaceChildren();
  for (const [kind, text] of LEGEND_KINDS) {
    const item = el('span', 'legend-item');
    const swatch = el('span', 'legend-swatch');
    swatch.style.background = palette.fills[frameSlot(kind, '')];
    item.append(swatch, el('span', undefined, text));
    legend.append(item);
  }
}

const searchBox = el('input', 'search');
searchBox.type = 'search';
searchBox.placeholder = 'Search functions ( / )';
searchBox.setAttribute('aria-label', 'Search functions');
searchBox.value = saved.query ?? '';
const matchCount = el('span', 'match-count');
matchCount.setAttribute('aria-live', 'polite');
const searchWrap = el('div', 'search-wrap');
searchWrap.append(searchBox, matchCount);

// Shown only while the run is compared with a baseline.
const diffButtons = segmented('Diff colours by', [
  ['total', 'Δ total', 'Colour by the change of each function\'s total (cumulative) time against the baseline'],
  ['self', 'Δ self', 'Colour by the change of each function\'s own (self) time against the baseline'],
] as const, by => ask({ diffBy: by }));
diffButtons.element.hidden = true;

toolbar.append(viewButtons.element, orderButtons.element, orientationButtons.element, threadLabel, mergeLabel, filterButtons.element, legend, diffButtons.element, searchWrap);

const banner = el('div', 'banner');
banner.hidden = true;
banner.setAttribute('role', 'note');
const paneArea = el('div', 'panes');
paneArea.hidden = true;
const placeholder = el('div', 'placeholder', 'Waiting for the profile…');
const status = el('div', 'status');
status.setAttribute('aria-live', 'polite');
const tooltip = el('div', 'tooltip');
tooltip.setAttribute('role', 'tooltip');
tooltip.hidden = true;
// A profile file's editor says what the file holds in one line above the toolbar; the Flame Graph tab sends none.
// Styled here (CSSOM, which the CSP allows) so that the stylesheet and its `.status` line stay as they are.
const summary = el('div', 'summary');
summary.hidden = true;
summary.setAttribute('role', 'note');
Object.assign(summary.style, { padding: '6px 0 2px', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' });
root.append(summary, toolbar, banner, paneArea, placeholder, status, tooltip);

function showSummary(msg: FlameGraphSummaryMessage): void {
  summary.textContent = msg.text;
  summary.title = msg.text;
  summary.className = msg.warning ? 'banner summary' : 'summary';
  summary.hidden = !msg.text;
}

// ---- requests

function ask(change: Partial<FlameGraphRequest>): void {
  if (!data) return;
  request = { ...request, ...change };
  document.body.classList.add('loading');
  status.textContent = 'Loading…';
  vscode.postMessage({ type: 'request', request });
}

function selectedProfileFrame(): number {
  const p = activePane;
  if (!p?.layout || p.selected < 0 || !data) return -1;
  return data.frames[p.layout.frame[p.selected]]?.profileIndex ?? -1;
}

// ---- formatting

const integer = new Intl.NumberFormat('en-US');

function formatWeight(weight: number): string {
  if (!data) return '';
  if (data.unit === 'seconds') return `${weight.toFixed(3)} s`;
  const samples = `${integer.format(Math.round(weight))} sample${Math.round(weight) === 1 ? '' : 's'}`;
  return data.samplesPerSecond ? `${samples}, ${(weight / data.samplesPerSecond).toFixed(2)} s` : samples;
}

function formatPercent(fraction: number): string {
  const p = fraction * 100;
  if (p > 0 && p < 0.1) return '<0.1%';
  return `${p >= 99.95 ? 100 : p.toFixed(1)}%`;
}

function frameOf(pane: FlamePane, node: number): FlameFrame {
  return data!.frames[pane.layout!.frame[node]];
}

function lineOf(pane: FlamePane, node: number): number {
  return pane.layout!.line[node] || frameOf(pane, node).line;
}

/** Location, total and self of a node, one string per line. */
function describe(pane: FlamePane, node: number): string[] {
  const l = pane.layout!;
  const f = frameOf(pane, node);
  const line = lineOf(pane, node);
  const where = f.kind === 'builtin' ? 'built-in' : `${f.shownFile}${line > 0 ? `:${line}` : ''}`;
  const total = data!.totalWeight;
  const figure = (weight: number) => `${formatWeight(weight)} (${formatPercent(total > 0 ? weight / total : 0)})`;
  const place = f.kind === 'python' ? where : `${where} · ${f.kind}`;
  // Bottom-up trees (the inverted view, a sandwich's callers): a box is the samples of its root's leaf reached through that path.
  const bottomUp = pane.role === 'callers' || (pane.role === 'main' && data!.request.view === 'inverted');
  if (bottomUp) {
    if (l.depth[node] === 0) return [place, pane.role === 'callers' ? `Total: ${figure(l.width[node])}` : `Self time: ${figure(l.width[node])}`];
    return [place, `Through this caller path: ${figure(l.width[node])}`];
  }
  return [place, `Total: ${figure(l.width[node])}`, `Self: ${figure(l.self[node])}`, ...diffLine(pane, node)];
}

/** The function's change against the baseline, as the colour shows it. */
function diffLine(pane: FlamePane, node: number): string[] {
  const diff = data?.diff;
  if (!diff) return [];
  const change = diff.changes[pane.layout!.frame[node]];
  const percent = Math.round(change * 100);
  const text = percent === 0 ? '\u00b10%' : `${percent < 0 ? '\u2212' : '+'}${Math.abs(percent)}%${Math.abs(change) >= 1 ? ' or more' : ''}`;
  return [`${diff.by === 'self' ? 'Self' : 'Total'} vs baseline: ${text}`];
}

function labelOf(pane: FlamePane, node: number): string {
  const l = pane.layout!;
  return l.line[node] > 0 ? `${frameOf(pane, node).name}:${l.line[node]}` : frameOf(pane, node).name;
}

// ---- the panes' host

const host: PaneHost = {
  palette: () => palette,
  frameStyle: () => frameStyle,
  hover(pane, node, clientX, clientY) {
    if (node < 0 || !data) { tooltip.hidden = true; return; }
    tooltip.replaceChildren(el('div', 'tooltip-name', labelOf(pane, node)), ...describe(pane, node).map(t => el('div', undefined, t)));
    tooltip.hidden = false;
    const pad = 14;
    const w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    const x = clientX + pad + w > window.innerWidth ? Math.max(0, clientX - pad - w) : clientX + pad;
    const y = clientY + pad + h > window.innerHeight ? Math.max(0, clientY - pad - h) : clientY + pad;
    tooltip.style.left = `${x}px`;
    tooltip.style.top = `${y}px`;
  },
  selectionChanged(pane) {
    activePane = pane;
    updateStatus();
    updateSandwichButton();
  },
  zoomChanged(pane) {
    activePane = pane;
    renderBreadcrumbs(pane);
  },
  open(pane, node) {
    const f = frameOf(pane, node);
    if (!f.linkable) {
      status.textContent = `${f.name}: no source to open (${f.kind === 'python' ? 'not a file on this machine' : f.kind}).`;
      return;
    }
    vscode.postMessage({ type: 'openSource', file: f.file, line: Math.max(1, lineOf(pane, node)) });
  },
  focused(pane) {
    if (activePane !== pane) {
      activePane = pane;
      updateStatus();
    }
  },
};

// ---- showing data

interface Remembered { readonly role: string; readonly zoom: number[] | null; readonly selected: number[] | null }

function remember(): Remembered[] {
  if (!data) return [];
  const toProfile = (path: number[]) => path.map(f => data!.frames[f].profileIndex);
  return panes.map(p => ({
    role: p.role,
    zoom: p.layout && p.zoom >= 0 ? toProfile(framePathOf(p.layout, p.zoom)) : null,
    selected: p.layout && p.selected >= 0 ? toProfile(framePathOf(p.layout, p.selected)) : null,
  }));
}

function showData(next: FlameGraphData): void {
  performance.mark('flameGraph:data');
  const sameView = data !== null && data.label === next.label && data.request.view === next.request.view && data.request.sandwichFrame === next.request.sandwichFrame;
  const kept = sameView ? remember() : [];
  data = next;
  request = next.request;
  document.body.classList.remove('loading');
  tooltip.hidden = true;

  frameNames = next.frames.map(f => f.name);
  const changes = next.diff?.changes;
  frameStyle = { labels: frameNames, slots: Uint8Array.from(next.frames, (f, i) => (changes ? diffSlot(changes[i]) : frameSlot(f.kind, f.name))) };
  diffButtons.element.hidden = !next.diff;
  if (next.diff) diffButtons.set(next.diff.by);
  const hadFocus = panes.some(p => document.activeElement === p.canvas);
  for (const p of panes) p.dispose();
  panes = next.panes.map(paneData => {
    const pane = new FlamePane(paneData.role, paneData.role === 'main' ? orientation : paneData.role === 'callers' ? 'flame' : 'icicle', host);
    paneArea.append(pane.element);
    pane.setLayout(layoutFromPane(paneData));
    return pane;
  });
  activePane = panes.find(p => p.role === 'callees') ?? panes[0] ?? null;

  const empty = panes.every(p => !p.layout || p.layout.count === 0);
  placeholder.hidden = !empty;
  placeholder.textContent = empty ? 'This profile has no samples to draw.' : '';
  paneArea.hidden = empty;
  const diffText = next.diff ? `Compared with baseline ${next.diff.baselineLabel}: red grew, blue shrank, grey unchanged — by each function's ${next.diff.by === 'self' ? 'self' : 'total'} ${next.unit === 'samples' ? 'share of samples' : 'time'}. ` : '';
  const bannerText = diffText + (next.derivedFromCallGraph ? CPROFILE_BANNER : next.source === 'importtime' ? IMPORTTIME_BANNER : '');
  banner.hidden = !bannerText;
  banner.textContent = bannerText;

  // Zoom and selection survive a change of order or thread, matched by the frames on their path.
  if (kept.length > 0) {
    const ids = new Map(next.frames.map((f, i) => [f.profileIndex, i]));
    const toPayload = (path: number[]) => path.map(p => ids.get(p) ?? -1);
    for (const k of kept) {
      const pane = panes.find(p => p.role === k.role);
      if (!pane?.layout) continue;
      if (k.zoom) pane.zoom = nodeAtFramePath(pane.layout, toPayload(k.zoom));
      if (k.selected) pane.selected = nodeAtFramePath(pane.layout, toPayload(k.selected));
    }
  }

  updateToolbar();
  applySearch(false);
  for (const p of panes) p.draw();
  performance.clearMeasures('flameGraph:firstPaint');
  performance.measure('flameGraph:firstPaint', 'flameGraph:data');
  for (const p of panes) renderBreadcrumbs(p);
  updateStatus();
  if (hadFocus) activePane?.focus();
}

function showMessage(text: string): void {
  data = null;
  for (const p of panes) p.dispose();
  panes = [];
  activePane = null;
  document.body.classList.remove('loading');
  placeholder.hidden = false;
  placeholder.textContent = text;
  paneArea.hidden = true;
  banner.hidden = true;
  status.textContent = '';
  matchCount.textContent = '';
  updateToolbar();
}

function updateToolbar(): void {
  const has = data !== null;
  viewButtons.disableAll(!has);
  orderButtons.disableAll(!has);
  viewButtons.set(request.view);
  orderButtons.set(request.order);
  orientationButtons.set(orientation);
  orientationButtons.disableAll(!has || request.view === 'sandwich');
  if (request.view === 'sandwich') orientationButtons.element.title = 'A sandwich shows callers growing up and callees growing down';
  else orientationButtons.element.removeAttribute('title');
  updateSandwichButton();

  const threads = data?.threads ?? [];
  threadLabel.hidden = threads.length <= 1;
  threadSelect.replaceChildren();
  const all = el('option', undefined, 'All threads');
  all.value = '-1';
  threadSelect.append(all);
  threads.forEach((t, i) => {
    const o = el('option', undefined, t.name && t.name !== t.id ? `${t.name} (${t.id})` : t.id);
    o.value = String(i);
    threadSelect.append(o);
  });
  threadSelect.value = String(request.thread);

  mergeLabel.hidden = !data?.canMergeByLine;
  mergeBox.checked = request.mergeByLine;

  const mixed = data?.canFilterFrames === true;
  filterButtons.element.hidden = !mixed;
  legend.hidden = !mixed;
  filterButtons.set(request.frameFilter ?? 'all');
  if (mixed) renderLegend();
}

function updateSandwichButton(): void {
  const frame = selectedProfileFrame();
  viewButtons.enable('sandwich', data !== null && (frame >= 0 || request.view === 'sandwich'),
    frame >= 0 ? 'Callers and callees of the selected function' : 'Select a function first (click or arrow keys)');
}

function setOrientation(o: Orientation): void {
  orientation = o;
  orientationButtons.set(o);
  for (const p of panes) if (p.role === 'main') p.setOrientation(o);
  persist();
}

function persist(): void {
  vscode.setState?.({ orientation, query: searchBox.value } satisfies SavedState);
}

// ---- breadcrumbs and status

/** The pane's zoom path; its first crumb names the pane ("All", or "Callers of f" / "Callees of f" in a sandwich). */
function renderBreadcrumbs(pane: FlamePane): void {
  const breadcrumbs = pane.header;
  breadcrumbs.replaceChildren();
  const l = pane.layout;
  if (!l) return;
  const path: number[] = [];
  for (let n = pane.zoom; n >= 0; n = l.parent[n]) path.unshift(n);
  const crumb = (text: string, node: number, current: boolean) => {
    const b = el('button', 'crumb', text);
    b.type = 'button';
    if (current) b.setAttribute('aria-current', 'location');
    b.addEventListener('click', () => { pane.zoomTo(node); pane.focus(); });
    breadcrumbs.append(b);
  };
  const sandwichOf = data?.frames.find(f => f.profileIndex === request.sandwichFrame)?.name ?? '';
  crumb(pane.role === 'main' ? 'All' : `${pane.role === 'callers' ? 'Callers' : 'Callees'} of ${sandwichOf}`, -1, path.length === 0);
  // Deep paths (recursion) keep their first and last steps.
  const shown = path.length > 12 ? [...path.slice(0, 3), -2, ...path.slice(-8)] : path;
  shown.forEach((n, k) => {
    breadcrumbs.append(el('span', 'crumb-separator', '›'));
    if (n === -2) breadcrumbs.append(el('span', 'crumb-gap', '…'));
    else crumb(labelOf(pane, n), n, k === shown.length - 1);
  });
}

function updateStatus(): void {
  if (!data) return;
  const pane = activePane;
  if (pane?.layout && pane.selected >= 0) {
    status.textContent = `${labelOf(pane, pane.selected)} — ${describe(pane, pane.selected).join(' — ')}`;
    return;
  }
  const thread = request.thread >= 0 ? data.threads[request.thread]?.name || data.threads[request.thread]?.id : 'all threads';
  const view = request.view === 'topDown' ? 'top-down' : request.view;
  status.textContent = `${data.label ? `${data.label} — ` : ''}${formatWeight(data.totalWeight)}, ${view}${data.threads.length > 1 ? `, ${thread}` : ''}. Click a frame to zoom${data.source === 'importtime' ? '' : ', double-click to open its source'}.`;
}

// ---- search

function applySearch(draw = true): void {
  const matches = data ? matchFrames(frameNames, searchBox.value) : null;
  let shownFraction: number | null = null;
  for (const p of panes) {
    if (!p.layout) continue;
    const result = matches ? searchLayout(p.layout, matches, data!.totalWeight) : null;
    p.matched = result ? result.matched : null;
    if (result && (p === activePane || (shownFraction === null && p.role !== 'callers'))) shownFraction = result.fractionOfTotal;
    if (draw) p.draw();
  }
  if (!matches) matchCount.textContent = '';
  else if (!shownFraction) matchCount.textContent = 'no match';
  else matchCount.textContent = `${formatPercent(shownFraction)} of total matched`;
}

/** Enter in the search box: select the next matching frame in the active pane. */
function selectNextMatch(backwards: boolean): void {
  const p = activePane;
  const l = p?.layout;
  if (!p || !l || !p.matched) return;
  const n = l.count;
  for (let k = 1; k <= n; k++) {
    const i = ((p.selected < 0 ? (backwards ? 0 : -1) : p.selected) + (backwards ? -k : k) + n * 2) % n;
    if (p.matched[i] === 1) { p.select(i); return; }
  }
}

searchBox.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { applySearch(); persist(); }, 60);
});
searchBox.addEventListener('keydown', e => {
  if (e.key === 'Enter') {
    clearTimeout(searchTimer);
    applySearch();
    selectNextMatch(e.shiftKey);
    e.preventDefault();
  } else if (e.key === 'Escape') {
    searchBox.value = '';
    applySearch();
    persist();
    activePane?.focus();
    e.preventDefault();
  } else if (e.key === 'ArrowDown') {
    activePane?.focus();
    e.preventDefault();
  }
});

document.addEventListener('keydown', e => {
  const target = e.target as HTMLElement | null;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
  if (e.key === '/' && !typing) {
    searchBox.focus();
    searchBox.select();
    e.preventDefault();
  }
});

// ---- theme

new MutationObserver(() => {
  palette = readPalette();
  for (const p of panes) p.restyle();
  if (!legend.hidden) renderLegend();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

/** Moving the window to a screen of another pixel ratio resizes the canvases' backing stores. */
function watchPixelRatio(): void {
  matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener('change', () => {
    for (const p of panes) p.refit();
    watchPixelRatio();
  }, { once: true });
}
watchPixelRatio();

// ---- messages

// Each answer replaces the one before: a graph still being fetched when the next answer arrives is not shown.
let answers = 0;

window.addEventListener('message', (event: MessageEvent<ToFlameGraph | FlameGraphSummaryMessage>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'summary') {
    showSummary(msg);
    return;
  }
  const answer = ++answers;
  if (msg.type === 'data') showData(msg.data);
  else if (msg.type === 'dataJson') showData(JSON.parse(new TextDecoder().decode(msg.utf8)) as FlameGraphData);
  else if (msg.type === 'dataUrl') void fetchData(msg.url, answer);
  else if (msg.type === 'empty') showMessage(msg.message);
  else if (msg.type === 'error') showError(msg.message);
});

async function fetchData(url: string, answer: number): Promise<void> {
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`its data could not be read (HTTP ${response.status} for ${url}). Show the flame graph again.`);
    const bytes = await response.arrayBuffer();
    if (answer === answers) showData(JSON.parse(new TextDecoder().decode(bytes)) as FlameGraphData);
  } catch (e) {
    if (answer === answers) showError(e instanceof Error ? e.message : String(e));
  }
}

/** The request failed: what was shown stays, with the reason in the status line. */
function showError(message: string): void {
  document.body.classList.remove('loading');
  if (data) request = data.request;
  updateToolbar();
  status.textContent = `Could not show the flame graph: ${message}`;
  if (!data) { placeholder.hidden = false; placeholder.textContent = status.textContent; }
}

updateToolbar();
vscode.postMessage({ type: 'ready' });
