import vscode = require('vscode');
import { FlameGraphSource } from '../core/flameLayout';
import { flameInputOfImports } from '../core/importTime';
import type { ImportTree } from '../core/importTime';

export type ImportSort = 'cumulative' | 'self' | 'order';
const NEXT_SORT: Record<ImportSort, ImportSort> = { cumulative: 'self', self: 'order', order: 'cumulative' };
const SORT_NAME: Record<ImportSort, string> = { cumulative: 'by cumulative', self: 'by self', order: 'in import order' };

/** What the Imports view shows: one -X importtime run. */
export interface ShownImports {
  readonly tree: ImportTree;
  /** What was profiled: a script's file name or `import MODULE`. */
  readonly label: string;
  /** Roots imported after startup but not by a top-level import line of the script (see lazyRoots). */
  readonly lazy: ReadonlySet<number>;
  readonly startupRoots: ReadonlySet<number>;
}

/** The import tree of the last import run: node indices as elements, children expandable, sorted as chosen. */
export class ImportsView implements vscode.TreeDataProvider<number>, vscode.Disposable {
  static readonly viewId = 'pyrometer.imports';
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<number>;
  private shown: ShownImports | undefined;
  private sort: ImportSort = 'cumulative';
  /** Bumped per run shown, so item ids (and expansion state) never carry over to another run's nodes. */
  private generation = 0;
  private flame: { readonly tree: ImportTree; readonly source: FlameGraphSource } | undefined;

  constructor() {
    this.view = vscode.window.createTreeView(ImportsView.viewId, { treeDataProvider: this, showCollapseAll: true });
  }

  show(shown: ShownImports): void {
    this.shown = shown;
    this.generation++;
    this.refresh();
  }

  get current(): ShownImports | undefined {
    return this.shown;
  }

  /** The flame graph of the shown run (built once per run), or undefined when none is shown. */
  flameSource(): FlameGraphSource | undefined {
    const s = this.shown;
    if (!s) return undefined;
    if (this.flame?.tree !== s.tree) this.flame = { tree: s.tree, source: new FlameGraphSource(flameInputOfImports(s.tree), s.label) };
    return this.flame.source;
  }

  toggleSort(): ImportSort {
    this.sort = NEXT_SORT[this.sort];
    this.refresh();
    return this.sort;
  }

  private refresh(): void {
    const s = this.shown;
    this.view.description = s
      ? `${s.label} · ${(s.tree.topLevelCumulativeUs / 1000).toFixed(1)} ms · ${SORT_NAME[this.sort]}` : undefined;
    this.changed.fire();
  }

  getChildren(element?: number): number[] {
    const tree = this.shown?.tree;
    if (!tree) return [];
    const nodes = element === undefined ? [...tree.roots] : [...tree.nodes[element].children];
    const byOrder = (a: number, b: number) => tree.nodes[a].startOrder - tree.nodes[b].startOrder;
    if (this.sort === 'order') return nodes.sort(byOrder);
    const key = this.sort === 'self' ? 'selfUs' : 'cumulativeUs';
    return nodes.sort((a, b) => tree.nodes[b][key] - tree.nodes[a][key] || byOrder(a, b));
  }

  getParent(element: number): number | undefined {
    const parent = this.shown?.tree.nodes[element].parent ?? -1;
    return parent >= 0 ? parent : undefined;
  }

  getTreeItem(index: number): vscode.TreeItem {
    const s = this.shown!;
    const node = s.tree.nodes[index];
    const item = new vscode.TreeItem(node.module,
      node.children.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.description = `cum ${node.cumulativeUs} µs · self ${node.selfUs} µs`;
    const lines = [`${node.module}`, `cumulative ${node.cumulativeUs} µs, self ${node.selfUs} µs (as -X importtime printed)`,
      `${node.children.length} direct import(s)`];
    if (node.parent >= 0) lines.push(`imported by ${s.tree.nodes[node.parent].module}`);
    else if (s.startupRoots.has(index)) lines.push('imported at interpreter startup (up to site)');
    else if (s.lazy.has(index)) {
      lines.push('imported lazily (after startup): not by a top-level import line of the script — inside a function or block, or by a module at run time');
    } else lines.push('imported after startup');
    item.tooltip = lines.join('\n');
    item.iconPath = new vscode.ThemeIcon(s.lazy.has(index) ? 'watch' : 'package');
    item.id = `${this.generation}:${index}`;
    return item;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}
