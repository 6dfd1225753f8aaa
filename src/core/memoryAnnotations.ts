import { byteSize, signedByteSize } from './byteSize';
import type { LineAnnotation } from './lineAnnotations';
import type { FileOrigin, MemoryDiffEntry, MemoryGrowthSite, MemoryResult, MemoryStatistic } from './memoryResult';
import { placeOf } from './memoryPlace';
import { retainerHoverMarkdown, retainerLens, rootsHoldingMarkdown } from './retainerText';
import { escapeMarkdown } from './markdownText';
import { groupThousands, percentOf } from './pstatsNumbers';

/** One allocating line, end figures and growth together: a row of the memory table and of a line's decoration. */
export interface MemoryRow {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly origin: FileOrigin;
  /** Alive at the end of the run (0 when everything it allocated was freed). */
  readonly bytes: number;
  readonly blocks: number;
  /** bytes / blocks; 0 without blocks. */
  readonly averageBytes: number;
  /** Since the start snapshot; null when the line is in neither capped list of the diff. */
  readonly bytesDiff: number | null;
  readonly blocksDiff: number | null;
  /** 1-based rank among the largest-growing lines (`diff.growth`), which carry tracebacks; null otherwise. */
  readonly growthRank: number | null;
}

export type MemorySortKey = 'bytes' | 'blocks' | 'growth';

const siteKey = (file: string, line: number) => `${line}\0${file}`;

/**
 * Every allocating line of the run (the end statistics, plus lines the diff knows that hold nothing any more),
 * sorted for the table: by bytes alive at the end, by blocks, or by growth since the start (largest first;
 * lines without a known growth last).
 */
export function memoryRows(result: MemoryResult, sortBy: MemorySortKey = 'bytes'): MemoryRow[] {
  const diffs = new Map<string, MemoryDiffEntry>();
  for (const d of result.diff.entries) diffs.set(siteKey(d.file, d.line), d);
  const ranks = new Map<string, number>();
  result.diff.growth.forEach((g, i) => ranks.set(siteKey(g.file, g.line), i + 1));
  const rows: MemoryRow[] = [];
  const seen = new Set<string>();
  const add = (s: MemoryStatistic) => {
    const key = siteKey(s.file, s.line);
    if (seen.has(key)) return;
    seen.add(key);
    const d = diffs.get(key);
    rows.push({ file: s.file, line: s.line, origin: s.origin, bytes: s.bytes, blocks: s.blocks,
      averageBytes: s.blocks > 0 ? s.bytes / s.blocks : 0,
      bytesDiff: d ? d.bytesDiff : null, blocksDiff: d ? d.blocksDiff : null, growthRank: ranks.get(key) ?? null });
  };
  for (const s of result.statistics) add(s);
  for (const d of result.diff.entries) add(d);
  const byPlace = (a: MemoryRow, b: MemoryRow) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
  const compare: Record<MemorySortKey, (a: MemoryRow, b: MemoryRow) => number> = {
    bytes: (a, b) => b.bytes - a.bytes || b.blocks - a.blocks || byPlace(a, b),
    blocks: (a, b) => b.blocks - a.blocks || b.bytes - a.bytes || byPlace(a, b),
    growth: (a, b) => (b.bytesDiff ?? -Infinity) - (a.bytesDiff ?? -Infinity) || b.bytes - a.bytes || byPlace(a, b),
  };
  return rows.sort((a, b) => {
    if (sortBy === 'growth' && (a.bytesDiff === null) !== (b.bytesDiff === null)) return a.bytesDiff === null ? 1 : -1;
    return compare[sortBy](a, b);
  });
}

function blocksPhrase(blocks: number): string {
  return `${groupThousands(blocks)} ${blocks === 1 ? 'block' : 'blocks'}`;
}

/** '  1.23 MiB in 20,000 blocks (+1.10 MiB since start)': a line's decoration. */
export function memoryLineText(row: MemoryRow): string {
  const growth = row.bytesDiff === null ? '' : ` (${signedByteSize(row.bytesDiff)} since start)`;
  return `  ${byteSize(row.bytes)} in ${blocksPhrase(row.blocks)}${growth}`;
}

/**
 * Places a memory run on one file: each allocating line gets its bytes and blocks alive at the end and its growth
 * since the start, with heat and gutter bar scaled to the file's largest line; line 1 gets a lens with the
 * file's total. Lines are the recorded ones (an edit since the run moves them; tracemalloc records no function
 * to find them again by).
 */
export function annotateMemoryFile(result: MemoryResult, filePath: string, text: string): LineAnnotation[] {
  const lineCount = text.split(/\r?\n/).length;
  const rows = memoryRows(result).filter(r => r.file === filePath && r.line >= 1 && r.line <= lineCount);
  const retainerLenses: LineAnnotation[] = (result.retainers?.roots ?? [])
    .map((root, rank) => ({ root, rank }))
    .filter(({ root }) => root.file === filePath && root.line >= 1 && root.line <= lineCount)
    .map(({ root, rank }) => ({ line: root.line - 1, kind: 'def' as const, frameIndex: -1, heat: 0, afterText: '',
      lensText: retainerLens(root, rank, filePath) }));
  if (rows.length === 0) return retainerLenses;
  const largest = Math.max(...rows.map(r => r.bytes), 0);
  const annotations: LineAnnotation[] = rows.map(r => {
    const share = largest > 0 ? r.bytes / largest : 0;
    return { line: r.line - 1, kind: 'line', frameIndex: -1, heat: share, gutterFraction: share, afterText: memoryLineText(r) };
  });
  const fileBytes = rows.reduce((sum, r) => sum + r.bytes, 0);
  const fileBlocks = rows.reduce((sum, r) => sum + r.blocks, 0);
  const top = rows.reduce((best, r) => (r.bytes > best.bytes ? r : best), rows[0]);
  const programBytes = endTotalBytes(result);
  annotations.push({
    line: 0, kind: 'def', frameIndex: -1, heat: 0, afterText: '',
    lensText: `memory: ${byteSize(fileBytes)} in ${blocksPhrase(fileBlocks)} alive at the end from this file` +
      (programBytes > 0 ? ` (${percentOf(fileBytes, programBytes)} of the program's)` : '') +
      ` | largest: line ${top.line} (${byteSize(top.bytes)})`,
  });
  annotations.push(...retainerLenses);
  return annotations.sort((a, b) => a.line - b.line || (a.kind === 'def' ? -1 : 1));
}

/** The program's traced memory at the end (excluded sites left out), or 0 without an end snapshot. */
function endTotalBytes(result: MemoryResult): number {
  const end = result.snapshots.find(s => s.label === 'end');
  return end ? end.totalBytes : 0;
}


/**
 * The hover of one line (1-based, as recorded): its figures with the exact bytes, its share of the program's
 * memory, the tracebacks of its growth when it is one of the largest-growing lines, and its change between
 * snapshots when interval snapshots were taken. Undefined when the run has nothing on that line.
 */
export function memoryHoverMarkdown(result: MemoryResult, filePath: string, line1: number): string | undefined {
  const row = memoryRows(result).find(r => r.file === filePath && r.line === line1);
  const roots = (result.retainers?.roots ?? []).filter(r => r.file === filePath && r.line === line1);
  const rootParts = roots.map(root => retainerHoverMarkdown(result, root, filePath));
  if (!row) return rootParts.length > 0 ? rootParts.join('\n\n---\n\n') : undefined;
  const frames = result.tracemalloc.frames;
  const parts = [`**Line ${line1}** — memory (tracemalloc, ${frames} ${frames === 1 ? 'frame' : 'frames'})`, '',
    '| alive at end | blocks | average block | since start |', '|--:|--:|--:|--:|',
    `| ${byteSize(row.bytes)} | ${groupThousands(row.blocks)} | ${byteSize(row.averageBytes)} | ` +
      `${row.bytesDiff === null ? '—' : `${signedByteSize(row.bytesDiff)} (${signedCount(row.blocksDiff ?? 0)} blocks)`} |`,
    ''];
  const programBytes = endTotalBytes(result);
  parts.push(`${groupThousands(row.bytes)} bytes` +
    (programBytes > 0 ? `, ${percentOf(row.bytes, programBytes)} of the ${byteSize(programBytes)} the program held at the end.` : '.') +
    ' Memory counts where it was allocated, not where it is kept alive.');
  const holders = rootsHoldingMarkdown(result, filePath, line1);
  if (holders) parts.push('', holders);
  const growth = result.diff.growth.find(g => g.file === filePath && g.line === line1);
  if (growth) parts.push('', ...growthMarkdown(result, growth, row.growthRank!));
  const steps = result.intervalDiffs
    .map(d => ({ d, entry: d.entries.find(e => e.file === filePath && e.line === line1) }))
    .filter(x => x.entry && x.entry.bytesDiff !== 0);
  if (steps.length > 0) {
    // Labels are the runner's own ('start', '+5.0s', 'end'): nothing to escape.
    parts.push('', 'Between snapshots: ' + steps.map(({ d, entry }) =>
      `${d.from} → ${d.to} ${signedByteSize(entry!.bytesDiff)}`).join(' · '));
  }
  for (const part of rootParts) parts.push('', '---', '', part);
  return parts.join('\n');
}

function signedCount(n: number): string {
  return n > 0 ? `+${groupThousands(n)}` : groupThousands(n);
}

function growthMarkdown(result: MemoryResult, site: MemoryGrowthSite, rank: number): string[] {
  const lines = [`**Growing site #${rank}** — ${signedByteSize(site.bytesDiff)} since start; where it was allocated (oldest call first):`];
  site.tracebacks.forEach((t, i) => {
    lines.push('', `${i + 1}. ${signedByteSize(t.bytesDiff)} in ${signedCount(t.blocksDiff)} blocks`);
    for (const f of t.frames) lines.push(`    - \`${placeOf(result, f.file, f.line)}\``);
  });
  if (site.tracebacksOmitted > 0) {
    lines.push('', `${site.tracebacksOmitted} smaller ${site.tracebacksOmitted === 1 ? 'traceback' : 'tracebacks'} not kept.`);
  }
  lines.push('', `_${escapeMarkdown(result.diff.note)}_`);
  return lines;
}
