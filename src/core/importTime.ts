import { ProfileFormatError } from './profileErrors';
import type { Frame } from './profileModel';
import type { StackSource } from './callTree';
import type { FlameInput } from './flameLayout';

/**
 * `python -X importtime` (stderr) → an import tree.
 *
 * CPython prints, once, a header and then one line per import as it finishes:
 *
 *     import time: self [us] | cumulative | imported package
 *     import time:       410 |        410 |   _io
 *     import time:       970 |       3225 | _frozen_importlib_external
 *
 * (`"import time: %9ld | %10ld | %*s%s"` with 2 × depth spaces before the name). Children print before their parent
 * (post-order): on reading a node at depth d, its children are the pending nodes above d, in the order they were
 * printed, which is the order they were imported. Modules already imported are not printed again; imports that
 * failed are printed like the others (`msvcrt`, `sitecustomize` when there is none); startup imports come first, then
 * the script's, then those it makes at run time (each at depth 0 when made from the script's own code).
 *
 * The script's own stderr is interleaved: every line that is not an import-time line is ignored. A line is an
 * import-time line when it holds `import time: N | N | name` at its end: it may start mid-line, after text the
 * script wrote without a newline (`partial import time: …`). CRLF is tolerated, and a last line without a newline is
 * read if it is whole (a cut inside a module name cannot be detected: `lastLineUnterminated` says when it may be).
 * A capture with no header, or with a header and garbage where import-time lines should be, is a ProfileFormatError.
 *
 * Numbers are kept exactly as printed (µs integers). CPython rounds each figure up to the µs on its own, so
 * `self + Σ children's cumulative` is within a µs or so per child of `cumulative`, not equal to it.
 *
 * `import_level` is one counter for the whole interpreter: imports made by two threads at once print with mixed
 * depths. The tree is still built (a node takes every pending node deeper than itself); `irregularNesting` counts
 * the children whose depth is not their parent's + 1, and nodes left pending at the end (their parent's line never
 * came: the process was killed mid-import, or the log was cut) become roots at their printed depth.
 */
export const IMPORTTIME_FORMAT = 'the stderr of `python -X importtime` (a header "import time: self [us] | cumulative | ' +
  'imported package", then lines "import time: SELF | CUMULATIVE | MODULE" indented two spaces per nesting level)';

export interface ImportNode {
  /** Index in `ImportTree.nodes`: the order the line was printed (post-order: children before their parent). */
  readonly index: number;
  /** The module's absolute name as printed (`asyncio.base_events`). */
  readonly module: string;
  /** Microseconds, exactly as printed. */
  readonly selfUs: number;
  readonly cumulativeUs: number;
  /** Nesting level as printed (indentation / 2); 0 for imports made by the script or at startup. */
  readonly depth: number;
  /** Index of the importing module's node, -1 for a root. */
  readonly parent: number;
  /** Children's indices, in import order. */
  readonly children: readonly number[];
  /** The order imports started (pre-order over the tree): 0 is the first module the interpreter began to import. */
  readonly startOrder: number;
  /** 1-based line of the input text the node came from. */
  readonly line: number;
}

export interface ImportTree {
  /** In printed order. */
  readonly nodes: readonly ImportNode[];
  /** Nodes without a parent, in printed order: the depth-0 imports, and any node whose parent's line never came. */
  readonly roots: readonly number[];
  /** Σ cumulativeUs of the nodes printed at depth 0: the time spent importing, as the interpreter counted it. */
  readonly topLevelCumulativeUs: number;
  /** Σ selfUs over all nodes (what a flame graph of self times adds up to). */
  readonly totalSelfUs: number;
  /** Children whose depth is not their parent's + 1, plus roots at depth > 0 (see the module comment). */
  readonly irregularNesting: number;
  /** Lines that were not import-time lines (the script's own stderr), blank lines excluded. */
  readonly ignoredLines: number;
  /** Headers seen: more than 1 when another interpreter (PYTHONPROFILEIMPORTTIME in a child) wrote to the same stream. */
  readonly headers: number;
  /** The input did not end in a newline and its last line was read as an import: its module name may be cut. */
  readonly lastLineUnterminated: boolean;
}

const PREFIX = 'import time:';
const HEADER = /^\s*self \[us\] \| cumulative \| imported package\s*$/;
/** After the prefix: self, cumulative, then `| ` and 2 × depth spaces and a name without spaces. */
const DATA = /^ *(\d+) \| *(\d+) \| ( *)(\S+)$/;

/** Parses `-X importtime` stderr. Throws ProfileFormatError when there is no header or no readable line after it. */
export function parseImportTime(text: string): ImportTree {
  const modules: string[] = [];
  const selfs: number[] = [];
  const cumulatives: number[] = [];
  const depths: number[] = [];
  const lineNos: number[] = [];
  const parents: number[] = [];
  const children: number[][] = [];
  const pending: number[] = [];
  let headers = 0;
  let ignored = 0;
  let prefixedButUnreadable = 0;
  let firstUnreadable = '';
  let dataBeforeHeader = 0;
  let lastLineUnterminated = false;

  let lineNo = 0;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf('\n', start);
    const terminated = end >= 0;
    if (!terminated) end = length;
    lineNo++;
    let lineEnd = end;
    while (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13 /* \r */) lineEnd--;
    const line = text.slice(start, lineEnd);
    start = end + 1;
    const at = line.indexOf(PREFIX);
    if (at < 0) {
      if (line.trim() !== '') ignored++;
      continue;
    }
    const rest = line.slice(at + PREFIX.length);
    if (HEADER.test(rest)) {
      headers++;
      continue;
    }
    const m = DATA.exec(rest);
    if (!m || m[3].length % 2 !== 0) {
      // The script's own text that happens to hold the prefix, or a line cut short at the end of the capture.
      ignored++;
      if (at === 0 && terminated) {
        prefixedButUnreadable++;
        if (!firstUnreadable) firstUnreadable = `line ${lineNo}: ${JSON.stringify(abbreviate(line))}`;
      }
      continue;
    }
    if (headers === 0) {
      dataBeforeHeader++;
      continue;
    }
    if (!terminated) lastLineUnterminated = true;
    const index = modules.length;
    const depth = m[3].length / 2;
    modules.push(m[4]);
    selfs.push(Number(m[1]));
    cumulatives.push(Number(m[2]));
    depths.push(depth);
    lineNos.push(lineNo);
    parents.push(-1);
    let first = pending.length;
    while (first > 0 && depths[pending[first - 1]] > depth) first--;
    const mine = pending.splice(first);
    for (const c of mine) parents[c] = index;
    children.push(mine);
    pending.push(index);
  }

  if (headers === 0) {
    const why = dataBeforeHeader > 0
      ? `it has ${dataBeforeHeader} import-time line(s) but no header line before them (was the start of the output cut off?)`
      : 'no line of it is an import-time line';
    throw new ProfileFormatError(`This is not -X importtime output: ${why}. Pyrometer reads ${IMPORTTIME_FORMAT}.`);
  }
  if (modules.length === 0 && prefixedButUnreadable > 0) {
    throw new ProfileFormatError(`The -X importtime output has a header but no readable import line (first unreadable: ${firstUnreadable}). Pyrometer reads ${IMPORTTIME_FORMAT}.`);
  }

  // Start order: pre-order over the roots in printed order, children in import order.
  const startOrders = new Array<number>(modules.length).fill(-1);
  const roots = pending.slice(); // what is still pending at the end has no parent
  let next = 0;
  const stack: number[] = [];
  for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]);
  while (stack.length > 0) {
    const n = stack.pop()!;
    startOrders[n] = next++;
    const kids = children[n];
    for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]);
  }

  let irregular = 0;
  let topLevel = 0;
  let totalSelf = 0;
  const nodes: ImportNode[] = modules.map((module, i) => {
    const parent = parents[i];
    if (parent >= 0 ? depths[i] !== depths[parent] + 1 : depths[i] !== 0) irregular++;
    if (depths[i] === 0) topLevel += cumulatives[i];
    totalSelf += selfs[i];
    return {
      index: i, module, selfUs: selfs[i], cumulativeUs: cumulatives[i], depth: depths[i], parent,
      children: children[i], startOrder: startOrders[i], line: lineNos[i],
    };
  });
  return {
    nodes, roots, topLevelCumulativeUs: topLevel, totalSelfUs: totalSelf, irregularNesting: irregular,
    ignoredLines: ignored, headers, lastLineUnterminated,
  };
}

/**
 * Whether one line (without or with its line break) is, from its start, an import-time line or the header: for
 * splitting a stream into the script's own stderr and the log while it runs.
 */
export function isImportTimeLine(line: string): boolean {
  if (!line.startsWith(PREFIX)) return false;
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 10 || line.charCodeAt(end - 1) === 13)) end--;
  const rest = line.slice(PREFIX.length, end);
  if (HEADER.test(rest)) return true;
  const m = DATA.exec(rest);
  return m !== null && m[3].length % 2 === 0;
}

export const IMPORTTIME_PREFIX = PREFIX;

/** Every node under `index` (not itself), depth first in import order. */
export function descendants(tree: ImportTree, index: number): number[] {
  const out: number[] = [];
  const stack = [...tree.nodes[index].children].reverse();
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.push(n);
    const kids = tree.nodes[n].children;
    for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]);
  }
  return out;
}

/** What one import statement of the script cost: for CodeLens on `import NAME`. */
export interface TopLevelImport {
  readonly module: string;
  /** The node (index in `tree.nodes`). */
  readonly node: number;
  readonly selfUs: number;
  readonly cumulativeUs: number;
  /** False when the module was imported by another module first (e.g. `os` by site at startup). */
  readonly isRoot: boolean;
  /** Every module it imported, directly or not, by cumulativeUs descending (ties: import order). */
  readonly modules: readonly ImportNode[];
}

function summarize(tree: ImportTree, index: number): TopLevelImport {
  const node = tree.nodes[index];
  const modules = descendants(tree, index).map(n => tree.nodes[n])
    .sort((a, b) => b.cumulativeUs - a.cumulativeUs || a.startOrder - b.startOrder);
  return { module: node.module, node: index, selfUs: node.selfUs, cumulativeUs: node.cumulativeUs, isRoot: node.parent < 0, modules };
}

/** Every root of the tree by module name (the first when a name is printed twice), in printed order. */
export function importsByTopLevel(tree: ImportTree): Map<string, TopLevelImport> {
  const out = new Map<string, TopLevelImport>();
  for (const r of tree.roots) {
    const name = tree.nodes[r].module;
    if (!out.has(name)) out.set(name, summarize(tree, r));
  }
  return out;
}

/**
 * The import of `module` (`json`, `email.mime.multipart`: the name as the import statement wrote it): the root of
 * that name; else the first node of that name anywhere (imported by another module before the script asked for it);
 * undefined when the run never printed it (a builtin such as `sys`, or an alias such as `os.path`).
 */
export function topLevelImport(tree: ImportTree, module: string): TopLevelImport | undefined {
  for (const r of tree.roots) if (tree.nodes[r].module === module) return summarize(tree, r);
  const found = tree.nodes.find(n => n.module === module);
  return found ? summarize(tree, found.index) : undefined;
}

/**
 * Startup imports vs the application's: roots printed up to and including the depth-0 `site` node are the
 * interpreter's startup (site imports sitecustomize/usercustomize and .pth files inside it); later roots are the
 * script's and what it imports at run time. Without a `site` root (`python -S`) nothing tells them apart: every root
 * counts as application (compare with `startupBreakdown` in src/runners/importTime.ts for the -S baseline).
 */
export interface StartupSplit {
  readonly startupRoots: readonly number[];
  readonly applicationRoots: readonly number[];
  readonly startupUs: number;
  readonly applicationUs: number;
}

export function splitStartup(tree: ImportTree): StartupSplit {
  let cut = -1;
  tree.roots.forEach((r, k) => {
    const n = tree.nodes[r];
    if (n.depth === 0 && n.module === 'site') cut = k;
  });
  const startupRoots = tree.roots.slice(0, cut + 1);
  const applicationRoots = tree.roots.slice(cut + 1);
  const sum = (roots: readonly number[]) => roots.reduce((s, r) => s + tree.nodes[r].cumulativeUs, 0);
  return { startupRoots, applicationRoots, startupUs: sum(startupRoots), applicationUs: sum(applicationRoots) };
}

/**
 * The tree for the flame graph. The profile model cannot hold it as-is: `StackSamples.unit` is only 'samples' and
 * `ProfileSource` has no importtime, so the import tree stays its own structure and is drawn through a StackSource
 * (callTree.ts' `buildCallTree(source)`): one frame per module (kind 'import', no file, line 0) and one stack per
 * node, root first, weighted by its self time. Weights are in seconds (selfUs / 1e6), the unit the flame graph
 * already formats: a node's total in the rebuilt tree is Σ self over its subtree, which is its printed cumulative
 * within CPython's per-figure rounding (see the module comment). Nodes with self 0 are still visited (weight 0),
 * so every printed module has its node. The exact µs stay in the ImportTree (`frameNodes` maps frame → node).
 */
export interface ImportStacks {
  readonly frames: readonly Frame[];
  /** For each frame, the node it stands for (frames are one per node: a module is printed once per run). */
  readonly frameNodes: readonly number[];
  readonly source: StackSource;
}

export function importTreeStacks(tree: ImportTree): ImportStacks {
  const frames: Frame[] = tree.nodes.map(n => ({ name: n.module, file: '', line: 0, kind: 'import' }));
  const frameNodes = tree.nodes.map(n => n.index);
  let frameCount = 0;
  for (const n of tree.nodes) frameCount += n.depth + 1;
  const source: StackSource = {
    unit: 'seconds',
    frameCount,
    forEachStack(visit) {
      const path: number[] = [];
      const walk = (n: number, depth: number) => {
        path[depth] = n; // frame index == node index
        visit(path, undefined, depth + 1, tree.nodes[n].selfUs / 1e6);
        for (const c of tree.nodes[n].children) walk(c, depth + 1);
      };
      for (const r of tree.roots) walk(r, 0);
    },
  };
  return { frames, frameNodes, source };
}

/**
 * The import tree as flame graph input (`new FlameGraphSource(flameInputOfImports(tree), label)`): weights in
 * seconds (selfUs / 1e6), frames of kind 'import' (not linkable), no threads, no lines to merge by.
 */
export function flameInputOfImports(tree: ImportTree): FlameInput {
  const { frames, source } = importTreeStacks(tree);
  return { frames, cwd: '', source: 'importtime', unit: 'seconds', threads: [], canMergeByLine: false, stacks: () => source };
}

function abbreviate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
