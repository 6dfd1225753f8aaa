/**
 * Call trees for flame graphs: top-down, inverted (bottom-up) and the two halves of a sandwich, built from
 * weighted stacks; and an approximate top-down tree for cProfile, which has caller edges but no stacks.
 *
 * A tree is a set of flat typed arrays indexed by node (no object per node), so a tree of 10^6 nodes is a
 * handful of contiguous buffers. Node 0 is a virtual root (frame -1) whose children are the real roots;
 * a child is always created after its parent, so `parent[n] < n` for every node but the root. Children are
 * linked in the order they were first seen (`firstChild` / `nextSibling`).
 *
 * No vscode, no node built-ins: the flame graph webview bundles this module too.
 */
import type { FunctionStats, Profile, StackSamples } from './profileModel';

export type WeightUnit = 'samples' | 'seconds';

export interface CallTree {
  /** Number of nodes, the virtual root included. */
  readonly nodeCount: number;
  /** Index into `Profile.frames`; -1 for the virtual root. */
  readonly frame: Int32Array;
  /** The line executing in that frame when the tree merges by line; 0 otherwise. */
  readonly line: Int32Array;
  /** -1 for the virtual root. */
  readonly parent: Int32Array;
  /** -1 when there is none. */
  readonly firstChild: Int32Array;
  readonly nextSibling: Int32Array;
  /** Weight of the stacks that end in this node. */
  readonly selfWeight: Float64Array;
  /** Weight of the stacks that pass through this node (a stack counts once per node, recursion or not). */
  readonly totalWeight: Float64Array;
  readonly unit: WeightUnit;
}

/** The virtual root's index; `tree.totalWeight[CALL_TREE_ROOT]` is the weight of the whole tree. */
export const CALL_TREE_ROOT = 0;

export interface CallTreeOptions {
  /** Make a frame executing different lines into different nodes (off by default). */
  readonly mergeByLine?: boolean;
}

/**
 * Called once per stack. `frames` (and `lines`, when present) may be reused between calls, and may be longer
 * than `length`: only the first `length` entries are the stack, root first.
 */
export type StackVisitor = (frames: ArrayLike<number>, lines: ArrayLike<number> | undefined, length: number, weight: number) => void;

/** Anything that can list weighted stacks: sampled stacks, or the paths of another tree. */
export interface StackSource {
  readonly unit: WeightUnit;
  /** Number of frames over all stacks, or an estimate: only used to size a tree once instead of growing it. */
  readonly frameCount?: number;
  forEachStack(visit: StackVisitor): void;
}

/** The stacks of a sampled profile; `thread` >= 0 keeps only that thread's stacks (index into `samples.threads`). */
export function stacksOfSamples(samples: StackSamples, thread = -1): StackSource {
  const table = samples.stacks;
  let frameCount = 0;
  for (let i = 0; i < table.length; i++) if (thread < 0 || table.threads[i] === thread) frameCount += table.starts[i + 1] - table.starts[i];
  return {
    unit: 'samples',
    frameCount,
    forEachStack(visit) {
      for (let i = 0; i < table.length; i++) {
        if (thread >= 0 && table.threads[i] !== thread) continue;
        const from = table.starts[i];
        const to = table.starts[i + 1];
        visit(table.frames.subarray(from, to), table.lines.subarray(from, to), to - from, table.weights[i]);
      }
    },
  };
}

/**
 * The paths of a tree as stacks: every node with self weight is one stack, root first, weighted by that self
 * weight. A top-down tree built from them is the same tree (up to child order).
 */
export function stacksOfTree(tree: CallTree): StackSource {
  return {
    unit: tree.unit,
    frameCount: tree.nodeCount * 2, // an estimate: trees rebuilt from these stacks are about this tree's size
    forEachStack(visit) {
      const { frame, line, parent, firstChild, nextSibling, selfWeight } = tree;
      const pathFrames: number[] = [];
      const pathLines: number[] = [];
      let depth = 0;
      let n = firstChild[CALL_TREE_ROOT];
      while (n > 0) {
        pathFrames[depth] = frame[n];
        pathLines[depth] = line[n];
        if (selfWeight[n] > 0) visit(pathFrames, pathLines, depth + 1, selfWeight[n]);
        if (firstChild[n] > 0) { n = firstChild[n]; depth++; continue; }
        while (n > 0 && nextSibling[n] < 0) { n = parent[n]; depth--; }
        if (n > 0) n = nextSibling[n];
      }
    },
  };
}

/**
 * Grows the node arrays and finds a child by (parent, frame, line) through an open-addressing table that keeps
 * the key beside the node index (one cache line per probe). Consecutive stacks often share a prefix: the
 * previous path is kept and only the part after the shared prefix is looked up.
 */
class TreeBuilder {
  nodeCount = 1;
  frame: Int32Array;
  line: Int32Array;
  parent: Int32Array;
  firstChild: Int32Array;
  lastChild: Int32Array;
  nextSibling: Int32Array;
  selfWeight: Float64Array;
  totalWeight: Float64Array;
  /** 4 ints per slot: node index (0, the root, marks an empty slot: the root is nobody's child), parent, frame, line. */
  private table: Int32Array;
  private mask: number;
  private pathFrames = new Int32Array(64);
  private pathLines = new Int32Array(64);
  private pathNodes = new Int32Array(64);
  private pathLength = 0;

  constructor(private readonly unit: WeightUnit, capacity = 1024) {
    capacity = Math.max(16, capacity);
    this.frame = new Int32Array(capacity);
    this.line = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.firstChild = new Int32Array(capacity);
    this.lastChild = new Int32Array(capacity);
    this.nextSibling = new Int32Array(capacity);
    this.selfWeight = new Float64Array(capacity);
    this.totalWeight = new Float64Array(capacity);
    const slots = tableSizeFor(capacity);
    this.table = new Int32Array(slots * 4);
    this.mask = slots - 1;
    this.frame[0] = -1;
    this.parent[0] = -1;
    this.firstChild[0] = -1;
    this.lastChild[0] = -1;
    this.nextSibling[0] = -1;
  }

  /** The child of `p` for (frame, line), created (last among its siblings) when new. */
  child(p: number, frame: number, line: number): number {
    const table = this.table;
    const mask = this.mask;
    let h = hashKey(p, frame, line) & mask;
    for (;;) {
      const at = h << 2;
      const n = table[at];
      if (n === 0) break;
      if (table[at + 1] === p && table[at + 2] === frame && table[at + 3] === line) return n;
      h = (h + 1) & mask;
    }
    if (this.nodeCount === this.frame.length) this.grow();
    const n = this.nodeCount++;
    this.frame[n] = frame;
    this.line[n] = line;
    this.parent[n] = p;
    this.firstChild[n] = -1;
    this.lastChild[n] = -1;
    this.nextSibling[n] = -1;
    if (this.lastChild[p] < 0) this.firstChild[p] = n;
    else this.nextSibling[this.lastChild[p]] = n;
    this.lastChild[p] = n;
    const at = h << 2;
    table[at] = n;
    table[at + 1] = p;
    table[at + 2] = frame;
    table[at + 3] = line;
    if (this.nodeCount * 2 > mask + 1) this.rehash((mask + 1) * 2);
    return n;
  }

  /**
   * Adds one stack read from `frames[from]` stepping by `step` for `length` frames: its weight becomes self
   * weight of the last node; totals are summed once in `finish`.
   */
  addPath(frames: ArrayLike<number>, lines: ArrayLike<number> | undefined, from: number, step: number, length: number, weight: number): void {
    if (this.pathFrames.length < length) this.growPath(length);
    const pathFrames = this.pathFrames, pathLines = this.pathLines, pathNodes = this.pathNodes;
    const shared = this.pathLength;
    let n = CALL_TREE_ROOT;
    let k = 0;
    let i = from;
    for (; k < length && k < shared; k++, i += step) {
      if (pathFrames[k] !== frames[i] || pathLines[k] !== (lines ? (lines[i] ?? 0) : 0)) break;
      n = pathNodes[k];
    }
    for (; k < length; k++, i += step) {
      const f = frames[i];
      const l = lines ? (lines[i] ?? 0) : 0;
      n = this.child(n, f, l);
      pathFrames[k] = f;
      pathLines[k] = l;
      pathNodes[k] = n;
    }
    this.pathLength = length;
    this.selfWeight[n] += weight;
  }

  /** Trims the arrays; with `sumTotals`, total = self + children's totals (children come after their parent). */
  finish(sumTotals = true): CallTree {
    const c = this.nodeCount;
    const parent = this.parent.slice(0, c);
    const selfWeight = this.selfWeight.slice(0, c);
    const totalWeight = sumTotals ? selfWeight.slice() : this.totalWeight.slice(0, c);
    if (sumTotals) for (let n = c - 1; n >= 1; n--) totalWeight[parent[n]] += totalWeight[n];
    return {
      nodeCount: c,
      frame: this.frame.slice(0, c),
      line: this.line.slice(0, c),
      parent,
      firstChild: this.firstChild.slice(0, c),
      nextSibling: this.nextSibling.slice(0, c),
      selfWeight,
      totalWeight,
      unit: this.unit,
    };
  }

  private growPath(length: number): void {
    let size = this.pathFrames.length;
    while (size < length) size *= 2;
    const grow = (a: Int32Array) => { const b = new Int32Array(size); b.set(a); return b; };
    this.pathFrames = grow(this.pathFrames);
    this.pathLines = grow(this.pathLines);
    this.pathNodes = grow(this.pathNodes);
  }

  private grow(): void {
    const capacity = this.frame.length * 2;
    const int = (a: Int32Array) => { const b = new Int32Array(capacity); b.set(a); return b; };
    const float = (a: Float64Array) => { const b = new Float64Array(capacity); b.set(a); return b; };
    this.frame = int(this.frame);
    this.line = int(this.line);
    this.parent = int(this.parent);
    this.firstChild = int(this.firstChild);
    this.lastChild = int(this.lastChild);
    this.nextSibling = int(this.nextSibling);
    this.selfWeight = float(this.selfWeight);
    this.totalWeight = float(this.totalWeight);
  }

  private rehash(slots: number): void {
    const table = new Int32Array(slots * 4);
    const mask = slots - 1;
    for (let n = 1; n < this.nodeCount; n++) {
      const p = this.parent[n], f = this.frame[n], l = this.line[n];
      let h = hashKey(p, f, l) & mask;
      while (table[h << 2] !== 0) h = (h + 1) & mask;
      const at = h << 2;
      table[at] = n;
      table[at + 1] = p;
      table[at + 2] = f;
      table[at + 3] = l;
    }
    this.table = table;
    this.mask = mask;
  }
}

/** Room for the nodes a source can make: half its frames (stacks share prefixes), within [1024, 2^22]. */
function capacityFor(source: StackSource): number {
  return Math.min(1 << 22, Math.max(1024, Math.ceil((source.frameCount ?? 0) / 2)));
}

/** Slots for `capacity` nodes at a load factor of at most 3/4 (the table doubles past 1/2). */
function tableSizeFor(capacity: number): number {
  let size = 32;
  while (size < capacity * 1.34) size *= 2;
  return size;
}

function hashKey(parent: number, frame: number, line: number): number {
  let h = Math.imul(parent ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(frame + 0x27d4eb2f, 0x85ebca77) ^ Math.imul(line + 0x165667b1, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Top-down tree: roots are the outermost frames, a stack's weight is self weight of its innermost frame. */
export function buildCallTree(source: StackSource, options: CallTreeOptions = {}): CallTree {
  const builder = new TreeBuilder(source.unit, capacityFor(source));
  const byLine = options.mergeByLine === true;
  source.forEachStack((frames, lines, length, weight) => {
    if (length > 0 && weight > 0) builder.addPath(frames, byLine ? lines : undefined, 0, 1, length, weight);
  });
  return builder.finish();
}

/**
 * Bottom-up tree: every stack read leaf first. A root's total is the self weight of that function over the
 * whole profile; below it are its callers, then their callers. (The stack's weight lands as self weight on the
 * node of its outermost frame, so totals still equal self + children.)
 */
export function buildInvertedTree(source: StackSource, options: CallTreeOptions = {}): CallTree {
  const builder = new TreeBuilder(source.unit, capacityFor(source));
  const byLine = options.mergeByLine === true;
  source.forEachStack((frames, lines, length, weight) => {
    if (length > 0 && weight > 0) builder.addPath(frames, byLine ? lines : undefined, length - 1, -1, length, weight);
  });
  return builder.finish();
}

export interface Sandwich {
  /** Rooted at the frame; below it, its callers, then theirs (an inverted tree of the stacks that hold the frame). */
  readonly callers: CallTree;
  /** Rooted at the frame; below it, what it called. */
  readonly callees: CallTree;
}

/**
 * Callers and callees of one frame. Only stacks containing the frame count, each once: under recursion the
 * outermost occurrence is the one used (the caller half runs from it to the root, the callee half from it to
 * the leaf, where inner recursive calls show up as descendants). Both roots therefore weigh the same: the
 * weight of the stacks in which the frame appears at least once.
 */
export function buildSandwich(source: StackSource, frameIndex: number, options: CallTreeOptions = {}): Sandwich {
  const callers = new TreeBuilder(source.unit);
  const callees = new TreeBuilder(source.unit);
  const byLine = options.mergeByLine === true;
  source.forEachStack((frames, lines, length, weight) => {
    if (weight <= 0) return;
    let k = 0;
    while (k < length && frames[k] !== frameIndex) k++;
    if (k === length) return;
    const l = byLine ? lines : undefined;
    callers.addPath(frames, l, k, -1, k + 1, weight);
    callees.addPath(frames, l, k, 1, length - k, weight);
  });
  return { callers: callers.finish(), callees: callees.finish() };
}

/** Top-down tree of a sampled profile, optionally one thread's. */
export function callTreeFromSamples(samples: StackSamples, options: CallTreeOptions & { readonly thread?: number } = {}): CallTree {
  return buildCallTree(stacksOfSamples(samples, options.thread ?? -1), options);
}

export interface CallGraphTreeOptions {
  /** Stop adding nodes past this many; what is left unexpanded stays in the node as self time. Default 300,000. */
  readonly maxNodes?: number;
  /** Callee shares smaller than this fraction of the whole tree are not expanded (left as the caller's self). Default 1e-6. */
  readonly minFraction?: number;
}

/**
 * An approximate top-down tree for cProfile, in seconds.
 *
 * cProfile records caller edges, not stacks: for each function, which functions called it and the callee's
 * cumulative time attributable to each caller. Which *path* led to a call is not recorded, so the tree is
 * apportioned, the way gprof does it:
 *  - roots are the functions nobody in the profile called (if every function has a caller, the one with the
 *    largest cumulative time), each with its cumulative time;
 *  - a node for function f with total T gives each callee g the time of the f → g edge scaled by
 *    T / cumtime(f): every call of f is assumed to spend its time in its callees in the same proportions;
 *  - if the callees' shares add up to more than T (pstats' per-edge figures can, with recursion), they are
 *    scaled down to T; the node's self time is what remains of T, so a node's total is never less than the sum
 *    of its children;
 *  - recursion and cycles: an edge to a function already on the path is not followed; that time stays in the
 *    function already on the path (cumtime in pstats counts the outermost call of a recursion only);
 *  - the expansion stops at `maxNodes` nodes, and callee shares below `minFraction` of the tree are left
 *    inside their caller, so a wide diamond-shaped call graph cannot explode into exponentially many paths.
 * "First seen" child order for this tree is the order pstats lists the callees, not time.
 */
export function callTreeFromCallGraph(profile: Profile, options: CallGraphTreeOptions = {}): CallTree {
  const maxNodes = options.maxNodes ?? 300_000;
  const minFraction = options.minFraction ?? 1e-6;
  const frameCount = profile.frames.length;
  const stats: (FunctionStats | undefined)[] = new Array(frameCount);
  for (const fn of profile.functions) if (fn.frameIndex >= 0 && fn.frameIndex < frameCount) stats[fn.frameIndex] = fn;
  const callees: { callee: number; seconds: number }[][] = new Array(frameCount);
  const hasCaller = new Uint8Array(frameCount);
  for (const fn of profile.functions) {
    for (const edge of fn.callers) {
      if (!stats[edge.callerIndex]) continue;
      hasCaller[fn.frameIndex] = 1;
      (callees[edge.callerIndex] ??= []).push({ callee: fn.frameIndex, seconds: edge.cumulativeSeconds });
    }
  }
  let roots = profile.functions.filter(fn => !hasCaller[fn.frameIndex]);
  if (roots.length === 0 && profile.functions.length > 0) {
    roots = [profile.functions.reduce((a, b) => (b.cumulativeSeconds > a.cumulativeSeconds ? b : a))];
  }

  const builder = new TreeBuilder('seconds');
  const grandTotal = roots.reduce((s, fn) => s + Math.max(0, fn.cumulativeSeconds), 0);
  const minSeconds = grandTotal * minFraction;
  const onPath = new Int32Array(frameCount);
  // Depth-first with an explicit stack: n >= 1 enters node n, ~n leaves it.
  const stack: number[] = [];
  for (const fn of roots) {
    if (!(fn.cumulativeSeconds > 0)) continue;
    const n = builder.child(CALL_TREE_ROOT, fn.frameIndex, 0);
    builder.totalWeight[n] += fn.cumulativeSeconds;
    builder.totalWeight[CALL_TREE_ROOT] += fn.cumulativeSeconds;
  }
  for (let n = builder.nodeCount - 1; n >= 1; n--) stack.push(n);
  const shares: number[] = [];
  const shareFrames: number[] = [];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry < 0) { onPath[builder.frame[~entry]]--; continue; }
    const n = entry;
    const f = builder.frame[n];
    const total = builder.totalWeight[n];
    onPath[f]++;
    stack.push(~n);
    const fn = stats[f]!;
    const edges = callees[f];
    shares.length = 0;
    shareFrames.length = 0;
    let sum = 0;
    if (edges && fn.cumulativeSeconds > 0 && total > minSeconds && builder.nodeCount + edges.length <= maxNodes) {
      const ratio = total / fn.cumulativeSeconds;
      for (const e of edges) {
        if (onPath[e.callee] > 0) continue;
        const share = e.seconds * ratio;
        if (!(share > minSeconds)) continue;
        shares.push(share);
        shareFrames.push(e.callee);
        sum += share;
      }
    }
    const scale = sum > total ? total / sum : 1;
    let childSum = 0;
    const firstNew = builder.nodeCount;
    for (let i = 0; i < shares.length; i++) {
      const c = builder.child(n, shareFrames[i], 0);
      const share = shares[i] * scale;
      builder.totalWeight[c] += share;
      childSum += share;
    }
    builder.selfWeight[n] = Math.max(0, total - childSum);
    for (let c = builder.nodeCount - 1; c >= firstNew; c--) stack.push(c);
  }
  return builder.finish(false);
}

/** Depth of every node (the virtual root is -1, real roots 0); relies on parent < child. */
export function nodeDepths(tree: CallTree): Int32Array {
  const depth = new Int32Array(tree.nodeCount);
  depth[CALL_TREE_ROOT] = -1;
  for (let n = 1; n < tree.nodeCount; n++) depth[n] = depth[tree.parent[n]] + 1;
  return depth;
}
