/**
 * Flame graph layout: a call tree turned into the flat arrays the webview draws, the search over them, and the
 * payload the language server answers a flame graph request with.
 *
 * Layout nodes are in depth-first pre-order, so every subtree is the contiguous range [i, end[i]): drawing can
 * skip a subtree narrower than a pixel in one step, and search can tell "inside a matched ancestor" by index.
 *
 * Pure: no vscode, no node built-ins (the webview bundles this module for search and decoding).
 */
import { displayPath, isLinkable } from './framePaths';
import { buildCallTree, buildInvertedTree, buildSandwich, CALL_TREE_ROOT, callTreeFromCallGraph, stacksOfSamples, stacksOfTree } from './callTree';
import type { CallTree, StackSource, WeightUnit } from './callTree';
import { FRAME_FILTERS, FrameFilter, filteredStackSource, framesKept, hasMixedFrames } from './nativeFrames';
import type { Frame, FrameKind, Profile, ProfileSource } from './profileModel';

/**
 * leftHeavy: siblings sorted by total weight, heaviest first (left), ties in first-seen order.
 * timeOrder: siblings in first-seen order. Profilers aggregate identical stacks, so for a sampled profile this
 * is the order in which each call path was *first* sampled (the order of the unique stacks in the profile),
 * not a timeline: a function called at the start and again at the end of a run is one box, where it was
 * first seen. For cProfile-derived trees it is the order pstats lists the functions.
 */
export type FlameOrder = 'leftHeavy' | 'timeOrder';

export interface FlameLayout {
  readonly count: number;
  /** Start of the node's box, in weight units from the left edge of the whole graph. */
  readonly x: Float64Array;
  /** The node's total weight, which is also its box's width. */
  readonly width: Float64Array;
  readonly self: Float64Array;
  /** 0 for roots. */
  readonly depth: Int32Array;
  /** Frame index (into the profile's frames for a fresh layout; into the payload's frame table once decoded). */
  readonly frame: Int32Array;
  /** Line executing in the frame when merged by line, else 0. */
  readonly line: Int32Array;
  /** Layout index of the parent, -1 for roots. */
  readonly parent: Int32Array;
  /** One past the last node of the subtree: the subtree of i is [i, end[i]). */
  readonly end: Int32Array;
  /** Sum of the roots' widths. */
  readonly totalWeight: number;
  /** Deepest depth present; -1 for an empty layout. */
  readonly maxDepth: number;
}

/** Lays a tree out; nodes of zero weight are left out. */
export function layoutFlame(tree: CallTree, order: FlameOrder): FlameLayout {
  const cap = Math.max(0, tree.nodeCount - 1);
  const x = new Float64Array(cap);
  const width = new Float64Array(cap);
  const self = new Float64Array(cap);
  const depth = new Int32Array(cap);
  const frame = new Int32Array(cap);
  const line = new Int32Array(cap);
  const parent = new Int32Array(cap);
  const layoutOf = new Int32Array(tree.nodeCount);
  const startOf = new Float64Array(tree.nodeCount);
  // Tree nodes waiting to be laid out; each node's children are pushed as one segment, ordered, then reversed.
  const stack = new Int32Array(tree.nodeCount);
  const { firstChild, nextSibling, totalWeight: total, selfWeight, frame: treeFrame, line: treeLine, parent: treeParent } = tree;
  const leftHeavy = order === 'leftHeavy';
  let sp = 0;
  let count = 0;
  let maxDepth = -1;
  let t = CALL_TREE_ROOT;
  let start = 0;
  for (;;) {
    // Push the children of t, laid out from `start`.
    const from = sp;
    for (let c = firstChild[t]; c > 0; c = nextSibling[c]) if (total[c] > 0) stack[sp++] = c;
    if (leftHeavy && sp - from > 1) sortSegmentByWeight(stack, from, sp, total);
    let at = start;
    for (let k = from; k < sp; k++) { startOf[stack[k]] = at; at += total[stack[k]]; }
    for (let a = from, b = sp - 1; a < b; a++, b--) { const tmp = stack[a]; stack[a] = stack[b]; stack[b] = tmp; }
    if (sp === 0) break;
    t = stack[--sp];
    const i = count++;
    const tp = treeParent[t];
    const p = tp === CALL_TREE_ROOT ? -1 : layoutOf[tp];
    layoutOf[t] = i;
    start = startOf[t];
    x[i] = start;
    width[i] = total[t];
    self[i] = selfWeight[t];
    frame[i] = treeFrame[t];
    line[i] = treeLine[t];
    parent[i] = p;
    const d = p < 0 ? 0 : depth[p] + 1;
    depth[i] = d;
    if (d > maxDepth) maxDepth = d;
  }
  let totalWeight = 0;
  for (let i = 0; i < count; i++) if (parent[i] < 0) totalWeight += width[i];
  return {
    count, totalWeight, maxDepth,
    x: x.slice(0, count), width: width.slice(0, count), self: self.slice(0, count), depth: depth.slice(0, count),
    frame: frame.slice(0, count), line: line.slice(0, count), parent: parent.slice(0, count), end: subtreeEnds(parent, count),
  };
}

/** Heaviest first, ties kept in first-seen order (stable): insertion sort for short runs, Array#sort beyond. */
function sortSegmentByWeight(a: Int32Array, from: number, to: number, weight: Float64Array): void {
  if (to - from <= 24) {
    for (let k = from + 1; k < to; k++) {
      const v = a[k];
      const w = weight[v];
      let j = k - 1;
      while (j >= from && weight[a[j]] < w) { a[j + 1] = a[j]; j--; }
      a[j + 1] = v;
    }
    return;
  }
  const items = Array.from(a.subarray(from, to));
  items.sort((p, q) => weight[q] - weight[p]);
  a.set(items, from);
}

function subtreeEnds(parent: Int32Array, count: number): Int32Array {
  const end = new Int32Array(count);
  for (let i = count - 1; i >= 0; i--) {
    if (end[i] < i + 1) end[i] = i + 1;
    const p = parent[i];
    if (p >= 0 && end[p] < end[i]) end[p] = end[i];
  }
  return end;
}

// ---- navigation over a layout (pre-order: children of i are i+1, end[i+1], … up to end[i])

export function firstChildOf(layout: FlameLayout, i: number): number {
  return i + 1 < layout.end[i] ? i + 1 : -1;
}

export function nextSiblingOf(layout: FlameLayout, i: number): number {
  const p = layout.parent[i];
  const limit = p < 0 ? layout.count : layout.end[p];
  return layout.end[i] < limit ? layout.end[i] : -1;
}

export function previousSiblingOf(layout: FlameLayout, i: number): number {
  const p = layout.parent[i];
  let c = p < 0 ? 0 : p + 1;
  if (c === i) return -1;
  while (layout.end[c] !== i) c = layout.end[c];
  return c;
}

/** Frames from the root down to node i. */
export function framePathOf(layout: FlameLayout, i: number): number[] {
  const path: number[] = [];
  for (let n = i; n >= 0; n = layout.parent[n]) path.push(layout.frame[n]);
  return path.reverse();
}

/** The node reached by following `path` (frames from the root down), or -1. Line-merged layouts match the first line. */
export function nodeAtFramePath(layout: FlameLayout, path: readonly number[]): number {
  let found = -1;
  let c = 0;
  let limit = layout.count;
  for (const f of path) {
    while (c < limit && layout.frame[c] !== f) c = layout.end[c];
    if (c >= limit) return -1;
    found = c;
    limit = layout.end[c];
    c = c + 1;
  }
  return found;
}

// ---- search

/** Per frame, 1 when its name contains the query (case-insensitive); null for an empty query. */
export function matchFrames(names: readonly string[], query: string): Uint8Array | null {
  const q = query.trim().toLowerCase();
  if (!q) return null;
  const matches = new Uint8Array(names.length);
  for (let f = 0; f < names.length; f++) if (names[f].toLowerCase().includes(q)) matches[f] = 1;
  return matches;
}

export interface FlameSearchResult {
  /** Per layout node, 1 when its frame matches. */
  readonly matched: Uint8Array;
  readonly matchedNodes: number;
  /** Weight of the samples with a matching frame anywhere on their stack, each sample counted once. */
  readonly matchedWeight: number;
  /** matchedWeight / `totalWeight` (the layout's own total unless given), within [0, 1]. */
  readonly fractionOfTotal: number;
}

/**
 * Marks every node whose frame matches, and sums the weight they cover: a matched node inside a matched
 * ancestor adds nothing (its samples are already in the ancestor's width), so each sample counts once.
 */
export function searchLayout(layout: FlameLayout, frameMatches: Uint8Array, totalWeight = layout.totalWeight): FlameSearchResult {
  const matched = new Uint8Array(layout.count);
  let matchedNodes = 0;
  let matchedWeight = 0;
  let coveredUntil = 0;
  for (let i = 0; i < layout.count; i++) {
    if (frameMatches[layout.frame[i]] !== 1) continue;
    matched[i] = 1;
    matchedNodes++;
    if (i >= coveredUntil) {
      matchedWeight += layout.width[i];
      coveredUntil = layout.end[i];
    }
  }
  const fraction = totalWeight > 0 ? matchedWeight / totalWeight : 0;
  return { matched, matchedNodes, matchedWeight, fractionOfTotal: Math.min(1, Math.max(0, fraction)) };
}

// ---- the payload (language server → extension → webview)

export type FlameView = 'topDown' | 'inverted' | 'sandwich';

/** What the webview asks for; everything else (zoom, search, orientation) stays in the webview. */
export interface FlameGraphRequest {
  readonly view: FlameView;
  readonly order: FlameOrder;
  /** Index into `FlameGraphData.threads`; -1 for all threads merged. */
  readonly thread: number;
  readonly mergeByLine: boolean;
  /** Profile frame index (`FlameFrame.profileIndex`) the sandwich is about; -1 when none. */
  readonly sandwichFrame: number;
  /** Mixed (perf) stacks: which frames to keep (see core/nativeFrames.ts); 'all' elsewhere. Optional for older callers. */
  readonly frameFilter?: FrameFilter;
  /** While the run is compared with a baseline: colour boxes by the change of their function's self or total. */
  readonly diffBy?: 'self' | 'total';
}

/** A compared run's colours: per payload frame, its function's relative change against the baseline. */
export interface FlameDiff {
  readonly by: 'self' | 'total';
  readonly baselineLabel: string;
  /** Per `FlameGraphData.frames` entry: (current − baseline) / baseline clamped to −1..1; 1 for a new function. */
  readonly changes: readonly number[];
}

export const DEFAULT_FLAME_GRAPH_REQUEST: FlameGraphRequest = { view: 'topDown', order: 'leftHeavy', thread: -1, mergeByLine: false, sandwichFrame: -1, frameFilter: 'all' };

export interface FlameFrame {
  readonly name: string;
  /** As in the profile (absolute when it could be resolved); what 'openSource' gets. */
  readonly file: string;
  /** Relative to the run's cwd when under it, for display. */
  readonly shownFile: string;
  readonly line: number;
  readonly kind: FrameKind;
  /** A real source file the editor can open (python frames with an absolute path). */
  readonly linkable: boolean;
  /** Index into the profile's frames (for sandwich requests). */
  readonly profileIndex: number;
}

/**
 * One flame graph as plain number arrays (JSON-safe for LSP and postMessage), in layout pre-order. x, parent
 * and subtree ends are not sent: `layoutFromPane` recomputes them in O(n).
 */
export interface FlamePaneData {
  /** main: top-down or inverted; callers/callees: the two halves of a sandwich. */
  readonly role: 'main' | 'callers' | 'callees';
  readonly totalWeight: number;
  readonly depth: number[];
  /** Index into `FlameGraphData.frames`. */
  readonly frame: number[];
  /** Total weight (= box width). */
  readonly width: number[];
  readonly self: number[];
  /** Present when merged by line. */
  readonly line?: number[];
}

export interface FlameGraphData {
  readonly label: string;
  readonly source: FlameSourceKind;
  /** True for cProfile: widths are apportioned from caller edges, not sampled. */
  readonly derivedFromCallGraph: boolean;
  readonly unit: WeightUnit;
  /** Samples per second when known, to show seconds beside samples. */
  readonly samplesPerSecond?: number;
  /** The denominator of every "% of total": the weight of the whole (thread-filtered) profile. */
  readonly totalWeight: number;
  /** The request this answers, normalised (e.g. a sandwich without a frame falls back to top-down). */
  readonly request: FlameGraphRequest;
  readonly threads: readonly { readonly id: string; readonly name: string }[];
  /** Whether the source has lines to merge by (sampled stacks do; cProfile does not). */
  readonly canMergeByLine: boolean;
  /** Whether the stacks mix Python and native frames (perf), so the frame filter applies. */
  readonly canFilterFrames?: boolean;
  /** Only the frames the panes use. */
  readonly frames: readonly FlameFrame[];
  readonly panes: readonly FlamePaneData[];
  /** Present while the run is compared with a baseline (red grew, blue shrank). */
  readonly diff?: FlameDiff;
}

/** Encodes a layout for the wire, renumbering frames through `frameIds` (profile frame → payload frame). */
export function paneDataOf(layout: FlameLayout, role: FlamePaneData['role'], frameIds: (profileFrame: number) => number, withLines: boolean): FlamePaneData {
  const n = layout.count;
  const depth = new Array<number>(n), frame = new Array<number>(n), width = new Array<number>(n), self = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    depth[i] = layout.depth[i];
    frame[i] = frameIds(layout.frame[i]);
    width[i] = layout.width[i];
    self[i] = layout.self[i];
  }
  return withLines ? { role, totalWeight: layout.totalWeight, depth, frame, width, self, line: Array.from(layout.line) } : { role, totalWeight: layout.totalWeight, depth, frame, width, self };
}

/** Decodes a pane, recomputing x, parent and subtree ends; throws when the depths are not a pre-order. */
export function layoutFromPane(pane: FlamePaneData): FlameLayout {
  const n = pane.depth.length;
  if (pane.frame.length !== n || pane.width.length !== n || pane.self.length !== n || (pane.line && pane.line.length !== n)) {
    throw new Error('flame graph pane: arrays of different lengths');
  }
  const x = new Float64Array(n), width = Float64Array.from(pane.width), self = Float64Array.from(pane.self);
  const depth = Int32Array.from(pane.depth), frame = Int32Array.from(pane.frame);
  const line = pane.line ? Int32Array.from(pane.line) : new Int32Array(n);
  const parent = new Int32Array(n);
  let maxDepth = -1;
  let totalWeight = 0;
  const lastAt: number[] = []; // last node seen at each depth: the parent of the next node one deeper
  const cursor: number[] = [0]; // where the next box at each depth starts
  for (let i = 0; i < n; i++) {
    const d = depth[i];
    if (d < 0 || d > maxDepth + 1 || (i > 0 && d > depth[i - 1] + 1) || (i === 0 && d !== 0)) throw new Error(`flame graph pane: node ${i} has depth ${d} out of pre-order`);
    parent[i] = d === 0 ? -1 : lastAt[d - 1];
    x[i] = cursor[d];
    cursor[d] += width[i];
    cursor[d + 1] = x[i];
    lastAt[d] = i;
    if (d > maxDepth) maxDepth = d;
    if (d === 0) totalWeight += width[i];
  }
  return { count: n, x, width, self, depth, frame, line, parent, end: subtreeEnds(parent, n), totalWeight, maxDepth };
}

/** What a flame graph can be drawn from: a profile's tools, or an import tree (`python -X importtime`). */
export type FlameSourceKind = ProfileSource | 'importtime';

/**
 * What FlameGraphSource draws from: frames plus either sampled stacks (per thread) or a call-graph tree.
 * `flameInputOfProfile` adapts a Profile; `flameInputOfImports` (importTime.ts) an import tree.
 */
export interface FlameInput {
  readonly frames: readonly Frame[];
  /** For showing files relative to the run's directory. */
  readonly cwd: string;
  readonly source: FlameSourceKind;
  readonly unit: WeightUnit;
  readonly threads: readonly { readonly id: string; readonly name: string }[];
  /** Samples per second when known. */
  readonly rateHz?: number;
  /** Whether the stacks carry lines to merge by. */
  readonly canMergeByLine: boolean;
  /** The stacks of one thread (-1: all); undefined when the input is a call graph (then `callGraphTree` is set). */
  stacks(thread: number): StackSource | undefined;
  /** The tree of a call-graph input (cProfile): widths apportioned, not sampled. */
  readonly callGraphTree?: () => CallTree;
}

/** A profile as flame graph input: sampled stacks when it has them, else its cProfile call graph. */
export function flameInputOfProfile(profile: Profile): FlameInput {
  const samples = profile.stacks;
  return {
    frames: profile.frames, cwd: profile.metadata.cwd, source: profile.source, unit: samples ? 'samples' : 'seconds',
    threads: samples ? samples.threads.map(t => ({ id: t.id, name: t.name })) : [],
    ...(samples?.rateHz ? { rateHz: samples.rateHz } : {}),
    canMergeByLine: !!samples,
    stacks: thread => (samples ? stacksOfSamples(samples, thread) : undefined),
    ...(samples ? {} : { callGraphTree: () => callTreeFromCallGraph(profile) }),
  };
}

function isProfile(x: Profile | FlameInput): x is Profile {
  return 'metadata' in x;
}

/**
 * Answers flame graph requests for one profile (or other FlameInput), keeping the last few trees (a cProfile tree,
 * and sampled trees per thread / line merging) so that toggling order or search does not rebuild them.
 */
export class FlameGraphSource {
  private readonly trees = new Map<string, CallTree | { readonly callers: CallTree; readonly callees: CallTree }>();
  readonly input: FlameInput;

  constructor(input: Profile | FlameInput, readonly label = '') {
    this.input = isProfile(input) ? flameInputOfProfile(input) : input;
  }

  data(request: Partial<FlameGraphRequest> = {}): FlameGraphData {
    const input = this.input;
    const callGraphTree = input.callGraphTree;
    const fromCallGraph = callGraphTree !== undefined;
    const threads = input.threads.map(t => ({ id: t.id, name: t.name }));
    const r = { ...DEFAULT_FLAME_GRAPH_REQUEST, ...request };
    const thread = Number.isInteger(r.thread) && r.thread >= 0 && r.thread < threads.length ? r.thread : -1;
    const canMergeByLine = !fromCallGraph && input.canMergeByLine;
    const mergeByLine = canMergeByLine && r.mergeByLine === true;
    const sandwichFrame = Number.isInteger(r.sandwichFrame) && r.sandwichFrame >= 0 && r.sandwichFrame < input.frames.length ? r.sandwichFrame : -1;
    const view: FlameView = r.view === 'inverted' ? 'inverted' : r.view === 'sandwich' && sandwichFrame >= 0 ? 'sandwich' : 'topDown';
    const order: FlameOrder = r.order === 'timeOrder' ? 'timeOrder' : 'leftHeavy';
    const canFilterFrames = !fromCallGraph && hasMixedFrames(input.frames);
    const frameFilter: FrameFilter = canFilterFrames && r.frameFilter && FRAME_FILTERS.includes(r.frameFilter) ? r.frameFilter : 'all';
    const normalised: FlameGraphRequest = { view, order, thread, mergeByLine, sandwichFrame: view === 'sandwich' ? sandwichFrame : -1, frameFilter };

    const callGraph = (): CallTree => this.cached('cprofile', callGraphTree!);
    const unfiltered = (): StackSource => (fromCallGraph ? stacksOfTree(callGraph()) : input.stacks(thread) ?? EMPTY_STACKS);
    const source = (): StackSource => (frameFilter === 'all' ? unfiltered() : filteredStackSource(unfiltered(), framesKept(input.frames, frameFilter)));
    const options = { mergeByLine };
    const layouts: { role: FlamePaneData['role']; layout: FlameLayout }[] = [];
    let totalWeight = 0;
    if (fromCallGraph) totalWeight = callGraph().totalWeight[CALL_TREE_ROOT];
    // Filtered views keep the whole run as the denominator: their percentages equal the unfiltered ones and the CodeLens.
    else unfiltered().forEachStack((_f, _l, length, weight) => { if (length > 0 && weight > 0) totalWeight += weight; });
    if (view === 'sandwich') {
      const s = this.cached(`sandwich|${thread}|${mergeByLine}|${sandwichFrame}|${frameFilter}`, () => buildSandwich(source(), sandwichFrame, options)) as { callers: CallTree; callees: CallTree };
      layouts.push({ role: 'callers', layout: layoutFlame(s.callers, order) }, { role: 'callees', layout: layoutFlame(s.callees, order) });
    } else if (view === 'inverted') {
      layouts.push({ role: 'main', layout: layoutFlame(this.cached(`inverted|${thread}|${mergeByLine}|${frameFilter}`, () => buildInvertedTree(source(), options)) as CallTree, order) });
    } else {
      const tree = fromCallGraph ? callGraph() : this.cached(`topDown|${thread}|${mergeByLine}|${frameFilter}`, () => buildCallTree(source(), options));
      layouts.push({ role: 'main', layout: layoutFlame(tree as CallTree, order) });
    }

    const ids = new Int32Array(input.frames.length).fill(-1);
    const frames: FlameFrame[] = [];
    const idOf = (f: number) => {
      if (ids[f] < 0) {
        const fr = input.frames[f];
        ids[f] = frames.length;
        frames.push({ name: fr.name, file: fr.file, shownFile: displayPath(fr.file, input.cwd), line: fr.line, kind: fr.kind,
          linkable: isLinkable(fr.file, fr.kind), profileIndex: f });
      }
      return ids[f];
    };
    const panes = layouts.map(l => paneDataOf(l.layout, l.role, idOf, mergeByLine));
    return {
      label: this.label, source: input.source, derivedFromCallGraph: fromCallGraph, unit: input.unit,
      ...(input.rateHz ? { samplesPerSecond: input.rateHz } : {}),
      totalWeight, request: normalised, threads, canMergeByLine, ...(canFilterFrames ? { canFilterFrames } : {}), frames, panes,
    };
  }

  private cached<T extends CallTree | { readonly callers: CallTree; readonly callees: CallTree }>(key: string, build: () => T): T {
    let t = this.trees.get(key) as T | undefined;
    if (t) {
      this.trees.delete(key);
    } else {
      t = build();
      // The cProfile tree is the base of every cProfile view: keep it; otherwise keep the three most recent.
      while (this.trees.size >= 3) {
        const oldest = [...this.trees.keys()].find(k => k !== 'cprofile');
        if (oldest === undefined) break;
        this.trees.delete(oldest);
      }
    }
    this.trees.set(key, t);
    return t;
  }
}

const EMPTY_STACKS: StackSource = { unit: 'samples', frameCount: 0, forEachStack() { /* nothing */ } };

/** One-shot form of `FlameGraphSource.data`. */
export function flameGraphData(profile: Profile | FlameInput, request: Partial<FlameGraphRequest> = {}, label = ''): FlameGraphData {
  return new FlameGraphSource(profile, label).data(request);
}
