import path = require('path');
import vscode = require('vscode');
import { byteSize, signedByteSize } from '../core/byteSize';
import type { MemoryRow, MemorySortKey } from '../core/memoryAnnotations';
import type { MemoryFrame, MemoryGrowthSite, MemoryTraceback } from '../core/memoryResult';
import type { RetainedType, RetainerRoot } from '../core/memoryRetainers';
import { groupThousands } from '../core/pstatsNumbers';
import type { AllocationsResult } from '../protocol/serverRequests';
import type { ServerClient } from './serverClient';

/** Rows shown at most: the heaviest lines; a run can have thousands of allocating lines. */
const MAX_ROWS = 300;
const SORT_ORDER: readonly MemorySortKey[] = ['bytes', 'blocks', 'growth'];
const SORT_WORDS: Readonly<Record<MemorySortKey, string>> = { bytes: 'size', blocks: 'blocks', growth: 'growth since start' };

type Node =
  | { readonly kind: 'row'; readonly row: MemoryRow; readonly site?: MemoryGrowthSite }
  | { readonly kind: 'traceback'; readonly traceback: MemoryTraceback; readonly index: number }
  | { readonly kind: 'frame'; readonly frame: MemoryFrame }
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'retainers'; readonly roots: readonly RetainerRoot[]; readonly text: string }
  | { readonly kind: 'root'; readonly root: RetainerRoot }
  | { readonly kind: 'retainedType'; readonly type: RetainedType };

/** Pyrometer: Allocations — the tracemalloc run's lines, sortable, growing lines expand into their tracebacks. */
export class AllocationsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  static readonly viewId = 'pyrometer.allocations';
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private sortBy: MemorySortKey = 'bytes';
  private data: AllocationsResult = null;

  constructor(private readonly server: ServerClient) {}

  /** Asks the server again (the shown run changed). */
  async refresh(): Promise<void> {
    try {
      this.data = this.server.isRunning ? await this.server.allocations(this.sortBy) : null;
    } catch {
      this.data = null; // the server is restarting; it refreshes again when it is back
    }
    this.changed.fire();
  }

  async cycleSort(): Promise<MemorySortKey> {
    this.sortBy = SORT_ORDER[(SORT_ORDER.indexOf(this.sortBy) + 1) % SORT_ORDER.length];
    void vscode.window.setStatusBarMessage(`Pyrometer: allocations sorted by ${SORT_WORDS[this.sortBy]}`, 3000);
    await this.refresh();
    return this.sortBy;
  }

  /** The rows as shown, for tests. */
  get rows(): readonly MemoryRow[] {
    return this.data?.rows.slice(0, MAX_ROWS) ?? [];
  }

  getChildren(node?: Node): Node[] {
    const data = this.data;
    if (!data) return [];
    if (!node) {
      const sites = new Map(data.growth.map(g => [`${g.file}\0${g.line}`, g]));
      const rows: Node[] = data.rows.slice(0, MAX_ROWS).map(row => ({ kind: 'row', row, site: sites.get(`${row.file}\0${row.line}`) }));
      const cut = data.rows.length - MAX_ROWS;
      const retainers = data.retainers;
      const holders: Node[] = retainers && (retainers.roots.length > 0 || retainers.error)
        ? [{ kind: 'retainers', roots: retainers.roots, text: retainers.error ?? (retainers.truncated ? 'the walk hit its object limit' : '') }]
        : [];
      return [{ kind: 'note', text: `${data.label}: ${data.summary} · sorted by ${SORT_WORDS[this.sortBy]}` }, ...holders, ...rows,
        ...(cut > 0 ? [{ kind: 'note' as const, text: `${groupThousands(cut)} smaller lines not listed` }] : [])];
    }
    if (node.kind === 'row' && node.site) {
      return node.site.tracebacks.map((traceback, index) => ({ kind: 'traceback', traceback, index }));
    }
    if (node.kind === 'retainers') return node.roots.map(root => ({ kind: 'root', root }));
    if (node.kind === 'root') return node.root.types.map(type => ({ kind: 'retainedType', type }));
    if (node.kind === 'traceback') return [...node.traceback.frames].reverse().map(frame => ({ kind: 'frame', frame }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'note': {
        const item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
      case 'row': {
        const r = node.row;
        const item = new vscode.TreeItem(`${path.basename(r.file)}:${r.line}`,
          node.site && node.site.tracebacks.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = `${byteSize(r.bytes)} · ${groupThousands(r.blocks)} ${r.blocks === 1 ? 'block' : 'blocks'}` +
          (r.bytesDiff !== null ? ` · ${signedByteSize(r.bytesDiff)} since start` : '');
        item.tooltip = `${r.file}:${r.line} (${r.origin})\n${groupThousands(r.bytes)} bytes in ${groupThousands(r.blocks)} blocks at the end` +
          (r.bytesDiff !== null ? `\n${r.bytesDiff >= 0 ? '+' : ''}${groupThousands(r.bytesDiff)} bytes, ${r.blocksDiff! >= 0 ? '+' : ''}${groupThousands(r.blocksDiff!)} blocks since the start` : '') +
          (r.growthRank !== null ? `\nGrowth rank ${r.growthRank}: expand for its tracebacks` : '');
        item.iconPath = new vscode.ThemeIcon(r.growthRank !== null ? 'arrow-up' : 'symbol-variable');
        item.command = openCommand(r.file, r.line);
        return item;
      }
      case 'retainers': {
        const item = new vscode.TreeItem('Kept alive at the end by globals', vscode.TreeItemCollapsibleState.Expanded);
        item.description = node.text || `${node.roots.length} largest`;
        item.tooltip = 'Module-level names, class attributes and lru_caches of your code, and everything they reach at the end ' +
          'of the run (sys.getsizeof). The lines below say where memory was allocated; this says who holds it.';
        item.iconPath = new vscode.ThemeIcon('references');
        return item;
      }
      case 'root': {
        const r = node.root;
        const item = new vscode.TreeItem(r.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `${byteSize(r.bytes)} · ${groupThousands(r.objects)} objects · ${path.basename(r.file)}${r.line > 0 ? `:${r.line}` : ''}`;
        item.tooltip = `${r.module}.${r.name} (${r.type}), ${r.file}${r.line > 0 ? `:${r.line}` : ''}\n` +
          `${groupThousands(r.bytes)} bytes in ${groupThousands(r.objects)} objects reachable at the end`;
        item.iconPath = new vscode.ThemeIcon('symbol-field');
        if (r.line > 0) item.command = openCommand(r.file, r.line);
        return item;
      }
      case 'retainedType': {
        const t = node.type;
        const site = t.sites[0];
        const item = new vscode.TreeItem(`${groupThousands(t.objects)} ${t.type}`);
        item.description = `${byteSize(t.bytes)}` + (site ? ` · allocated at ${path.basename(site.file)}:${site.line}` : '');
        item.tooltip = site
          ? t.sites.map(s => `${s.file}:${s.line}: ${groupThousands(s.sampled)} of ${groupThousands(t.sampled)} sampled objects`).join('\n')
          : 'no sampled object of this type has a tracemalloc traceback';
        if (site) item.command = openCommand(site.file, site.line);
        return item;
      }
      case 'traceback': {
        const t = node.traceback;
        const item = new vscode.TreeItem(`traceback ${node.index + 1}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `${signedByteSize(t.bytesDiff)} in ${groupThousands(t.blocksDiff)} blocks`;
        return item;
      }
      case 'frame': {
        const item = new vscode.TreeItem(`${path.basename(node.frame.file)}:${node.frame.line}`);
        item.description = path.dirname(node.frame.file);
        item.command = openCommand(node.frame.file, node.frame.line);
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function openCommand(file: string, line: number): vscode.Command {
  return {
    command: 'vscode.open', title: 'Open source',
    arguments: [vscode.Uri.file(file), { selection: new vscode.Range(line - 1, 0, line - 1, 0), preview: true }],
  };
}
