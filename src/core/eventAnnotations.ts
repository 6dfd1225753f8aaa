import { durationText } from './durationText';
import type { EventsResult, ExceptionSite, GcEvent } from './eventsResult';
import type { LineAnnotation } from './lineAnnotations';
import { escapeMarkdown } from './markdownText';
import type { FileOrigin } from './memoryResult';
import { groupThousands, percentOf } from './pstatsNumbers';

/** The exception sites of one file, grouped by line (most frequent type first). */
function sitesByLine(result: EventsResult, filePath: string): Map<number, ExceptionSite[]> {
  const byLine = new Map<number, ExceptionSite[]>();
  for (const site of result.exceptions?.sites ?? []) {
    if (site.file !== filePath) continue;
    const list = byLine.get(site.line) ?? [];
    list.push(site);
    byLine.set(site.line, list);
  }
  for (const list of byLine.values()) list.sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : 1));
  return byLine;
}

function countText(site: ExceptionSite): string {
  const caught = site.caughtCount === null ? '' : ` (${groupThousands(site.caughtCount)} caught)`;
  return `${site.type} ×${groupThousands(site.count)}${caught}`;
}

/** '  raised KeyError ×2 (2 caught)', '  raised KeyError ×2 (2 caught), StopIteration ×1 (0 caught)'. */
export function exceptionLineText(sites: readonly ExceptionSite[]): string {
  return `  raised ${sites.map(countText).join(', ')}`;
}

/**
 * Places the exception counts of an events run on one file: each line where exceptions were raised (not the
 * lines they propagated through) gets its counts by type; heat and gutter bar are the line's count against the
 * file's most frequent raising line. Lines are the recorded ones.
 */
export function annotateExceptionsFile(result: EventsResult, filePath: string, text: string): LineAnnotation[] {
  const lineCount = text.split(/\r?\n/).length;
  const byLine = sitesByLine(result, filePath);
  let most = 0;
  for (const sites of byLine.values()) most = Math.max(most, sites.reduce((n, s) => n + s.count, 0));
  const annotations: LineAnnotation[] = [];
  for (const [line, sites] of byLine) {
    if (line < 1 || line > lineCount) continue;
    const count = sites.reduce((n, s) => n + s.count, 0);
    const share = most > 0 ? count / most : 0;
    annotations.push({ line: line - 1, kind: 'line', frameIndex: -1, heat: share, gutterFraction: share,
      afterText: exceptionLineText(sites) });
  }
  return annotations.sort((a, b) => a.line - b.line);
}

const ORIGIN_WORDS: Record<FileOrigin, string> = {
  script: 'the script', project: "the script's project", library: 'an installed library',
  stdlib: 'the standard library', other: 'code outside the project',
};

/** The hover of a raising line (1-based, as recorded); undefined when nothing was raised there. */
export function exceptionHoverMarkdown(result: EventsResult, filePath: string, line1: number): string | undefined {
  const record = result.exceptions;
  const sites = sitesByLine(result, filePath).get(line1);
  if (!record || !sites) return undefined;
  const withCaught = sites.some(s => s.caughtCount !== null);
  const parts = [`**Line ${line1}** in \`${sites[0].function}\` — exceptions raised here (${escapeMarkdown(record.mechanism)})`, '',
    withCaught ? '| type | raised | caught by Python code |' : '| type | raised |',
    withCaught ? '|:--|--:|--:|' : '|:--|--:|',
    ...sites.map(s => `| \`${s.type}\` | ${groupThousands(s.count)} |` +
      (withCaught ? ` ${s.caughtCount === null ? '—' : groupThousands(s.caughtCount)} |` : '')),
    '',
    `Counted once where raised, not again in the callers it passed through; ` +
      `${percentOf(sites.reduce((n, s) => n + s.count, 0), record.totalRaised)} of the run's ${groupThousands(record.totalRaised)} raises. ` +
      `In ${ORIGIN_WORDS[sites[0].origin]}.`,
    '', `_${escapeMarkdown(record.note)}_`];
  return parts.join('\n');
}

/** One bar of the GC timeline: a collection at its place in the run. */
export interface GcBar {
  readonly startNs: number;
  readonly durationNs: number;
  readonly generation: number;
  readonly collected: number;
  readonly uncollectable: number;
  readonly site: GcEvent['site'];
  /** 'gen 2 · 7.97 ms · 2,856 collected · make_cycles (mixed_app.py:55)': the bar's tooltip. */
  readonly label: string;
}

/** What a webview needs to draw the collections on a time axis. */
export interface GcTimeline {
  /** The axis: the script's wall time, or the end of the last collection if later. */
  readonly spanNs: number;
  /** In time order. */
  readonly bars: readonly GcBar[];
  /** Generations present in the run (0..n-1), for the legend. */
  readonly generations: number;
  /** Collections not drawn (after the event list's cap); the summary still counts them. */
  readonly eventsOmitted: number;
}

function siteText(site: GcEvent['site']): string {
  if (!site) return 'runner';
  const base = site.file.split(/[\\/]/).pop() ?? site.file;
  return `${site.function} (${base}:${site.line})`;
}

export function gcTimeline(result: EventsResult): GcTimeline {
  const record = result.gc;
  if (!record) return { spanNs: 0, bars: [], generations: 0, eventsOmitted: 0 };
  const bars = record.events.map(e => ({
    startNs: e.startNs, durationNs: e.durationNs, generation: e.generation, collected: e.collected,
    uncollectable: e.uncollectable, site: e.site,
    label: `gen ${e.generation} · ${durationText(e.durationNs)} · ${groupThousands(e.collected)} collected` +
      (e.uncollectable > 0 ? ` · ${groupThousands(e.uncollectable)} uncollectable` : '') + ` · ${siteText(e.site)}`,
  }));
  const lastEnd = bars.reduce((end, b) => Math.max(end, b.startNs + b.durationNs), 0);
  return {
    spanNs: Math.max(Math.round(result.metadata.wallSeconds * 1e9), lastEnd),
    bars, generations: record.summary.collections.length, eventsOmitted: record.eventsOmitted,
  };
}

/** The GC figures of a run as Markdown (a hover or a panel's header): per generation, pauses, the longest one. */
export function gcSummaryMarkdown(result: EventsResult): string {
  const record = result.gc;
  if (!record) return 'Garbage collections were not recorded (--no-gc).';
  const s = record.summary;
  const total = s.collections.reduce((n, c) => n + c, 0);
  if (total === 0) return `No garbage collection ran (thresholds ${record.thresholds.join(', ')}).`;
  const wallNs = result.metadata.wallSeconds * 1e9;
  const parts = [`**Garbage collections** — ${groupThousands(total)} in ${durationText(wallNs)}, ` +
    `paused ${durationText(s.totalPauseNs)}${wallNs > 0 ? ` (${percentOf(s.totalPauseNs, wallNs)} of the run)` : ''}`, '',
  '| generation | collections | total pause | longest | collected | uncollectable |', '|--:|--:|--:|--:|--:|--:|',
  ...s.byGeneration.map(g => `| ${g.generation} | ${groupThousands(g.collections)} | ${durationText(g.totalPauseNs)} | ` +
    `${durationText(g.longestPauseNs)} | ${groupThousands(g.collected)} | ${groupThousands(g.uncollectable)} |`),
  '', `Thresholds ${record.thresholds.join(', ')}.`];
  if (s.longest) {
    const where = s.longest.site ? `, started at \`${siteText(s.longest.site)}\`` : '';
    parts.push(`Longest: generation ${s.longest.generation}, ${durationText(s.longest.durationNs)} at ` +
      `${durationText(s.longest.startNs)}${where}.`);
  }
  if (s.uncollectable > 0) parts.push(`${groupThousands(s.uncollectable)} objects were uncollectable (gc.garbage).`);
  if (record.note) parts.push('', `_${escapeMarkdown(record.note)}_`);
  return parts.join('\n');
}
