import * as path from 'path';
import * as vscode from 'vscode';
import { byteSize, signedByteSize } from '../core/byteSize';
import type { MemoryRow, MemorySortKey } from '../core/memoryAnnotations';
import type { MemoryFrame, MemoryGrowthSite, MemoryTraceback } from '../core/memoryResult';
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
  | { readonly kind: 'note'; readonly text: string };

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
      return [{ kind: 'note', text: `${data.label}: ${data.summary} · sorted by ${SORT_WORDS[this.sortBy]}` }, ...rows,
        ...(cut > 0 ? [{ kind: 'note' as const, text: `${groupThousands(cut)} smaller lines not listed` }] : [])];
    }
    if (node.kind === 'row' && node.site) {
      return node.site.tracebacks.map((traceback, index) => ({ kind: 'traceback', traceback, index }));
    }
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
