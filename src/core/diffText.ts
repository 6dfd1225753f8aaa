import { escapeMarkdown } from './markdownText';
import type { FunctionDelta, ProfileDiff } from './profileDiff';
import { pstatsSeconds, pythonFixed } from './pstatsNumbers';
import type { RunWarning } from './runWarnings';

/** How a comparison reads in the editor: CodeLens deltas and the deltas table. */

const MINUS = '\u2212';

/** −34%, +12%, ±0% (rounded to whole percent); the sign is a real minus sign. */
export function signedPercent(change: number): string {
  const rounded = Math.round(change * 100);
  if (rounded === 0) return '\u00b10%';
  return `${rounded < 0 ? MINUS : '+'}${Math.abs(rounded)}%`;
}

/** Seconds with pstats' three decimals and an explicit sign. */
export function signedSeconds(delta: number): string {
  const text = pstatsSeconds(Math.abs(delta));
  if (Number(text) === 0) return `\u00b1${text} s`;
  return `${delta < 0 ? MINUS : '+'}${text} s`;
}

/** A share 0..1 as percentage points with one decimal and a sign: +4.1 pts. */
export function signedPoints(deltaShare: number): string {
  const text = pythonFixed(Math.abs(deltaShare) * 100, 1);
  if (Number(text) === 0) return `\u00b1${text} pts`;
  return `${deltaShare < 0 ? MINUS : '+'}${text} pts`;
}

const share = (samples: number, total: number) => `${pythonFixed(total > 0 ? (samples / total) * 100 : 0, 1)}%`;

/**
 * The delta CodeLens on a def: `cum −34% vs baseline (was 1.818 s)` (cProfile) or `total −4.1 pts vs baseline (was
 * 16.4%)` (sampled). It follows the def's figures lens, which already says what the figure is now: repeating it
 * made the line long enough to be cut off in a narrow editor.
 */
export function deltaLensText(d: FunctionDelta, diff: ProfileDiff): string {
  if (diff.kind === 'cProfile') {
    if (!d.baseline) return 'new since the baseline';
    if (!d.current) return `gone (baseline cum ${pstatsSeconds(d.baseline.total)} s)`;
    const change = d.totalChange === null ? signedSeconds(d.totalDelta) : signedPercent(d.totalChange);
    return `cum ${change} vs baseline (was ${pstatsSeconds(d.baseline.total)} s)`;
  }
  if (!d.baseline) return 'new since the baseline';
  return `total ${signedPoints(d.totalDelta)} vs baseline (was ${share(d.baseline.total, diff.baselineTotal)})`;
}

export interface CompareLabels {
  readonly baseline: string;
  readonly current: string;
}

const MATCH_TEXT: Record<FunctionDelta['matchedBy'], string> = {
  fileAndName: 'same', baseNameAndName: 'by file name', added: 'new', removed: 'gone',
};

function fileLine(d: FunctionDelta): string {
  const base = d.file.split(/[\\/]/).pop() ?? d.file;
  if (d.file === '~') return '';
  if (d.baselineLine && d.currentLine && d.baselineLine !== d.currentLine) return `${base}:${d.baselineLine}→${d.currentLine}`;
  return `${base}:${d.currentLine || d.baselineLine}`;
}

/** The deltas table as a Markdown document: warnings first, then every changed function, biggest change first. */
export function diffTableMarkdown(diff: ProfileDiff, labels: CompareLabels, warnings: readonly RunWarning[], limit = 200): string {
  const lines = [`# Pyrometer: ${escapeMarkdown(labels.current)} vs baseline ${escapeMarkdown(labels.baseline)}`, ''];
  for (const w of warnings) lines.push(`> **Warning:** ${escapeMarkdown(w.message)}`, '');
  if (diff.kind === 'cProfile') {
    lines.push(`cProfile, seconds as pstats prints them. Total (pstats total_tt): baseline ${pstatsSeconds(diff.baselineTotal)} s, ` +
      `this run ${pstatsSeconds(diff.currentTotal)} s, ${signedSeconds(diff.currentTotal - diff.baselineTotal)}` +
      (diff.baselineTotal > 0 ? ` (${signedPercent((diff.currentTotal - diff.baselineTotal) / diff.baselineTotal)}).` : '.'), '');
    lines.push('| function | where | cum (base → now) | Δ cum | own (base → now) | Δ own | calls Δ | match |', '|---|---|---:|---:|---:|---:|---:|---|');
  } else {
    lines.push(`Sampled: shares of each run's samples (baseline ${diff.baselineTotal}, this run ${diff.currentTotal} samples); ` +
      'Δ in percentage points, because the two runs took different numbers of samples.', '');
    lines.push('| function | where | total (base → now) | Δ total | self (base → now) | Δ self | match |', '|---|---|---:|---:|---:|---:|---|');
  }
  const changed = diff.functions.filter(d => d.totalDelta !== 0 || d.selfDelta !== 0 || d.matchedBy === 'added' || d.matchedBy === 'removed' || (d.callsDelta ?? 0) !== 0);
  for (const d of changed.slice(0, limit)) {
    const name = escapeMarkdown(d.name);
    const where = escapeMarkdown(fileLine(d));
    if (diff.kind === 'cProfile') {
      const pct = (c: number | null) => (c === null ? '' : ` (${signedPercent(c)})`);
      lines.push(`| ${name} | ${where} | ${pstatsSeconds(d.baseline?.total ?? 0)} → ${pstatsSeconds(d.current?.total ?? 0)} | ` +
        `${signedSeconds(d.totalDelta)}${pct(d.totalChange)} | ${pstatsSeconds(d.baseline?.self ?? 0)} → ${pstatsSeconds(d.current?.self ?? 0)} | ` +
        `${signedSeconds(d.selfDelta)}${pct(d.selfChange)} | ${d.callsDelta === 0 ? '0' : (d.callsDelta ?? 0) > 0 ? `+${d.callsDelta}` : `${MINUS}${Math.abs(d.callsDelta ?? 0)}`} | ${MATCH_TEXT[d.matchedBy]} |`);
    } else {
      lines.push(`| ${name} | ${where} | ${share(d.baseline?.total ?? 0, diff.baselineTotal)} → ${share(d.current?.total ?? 0, diff.currentTotal)} | ` +
        `${signedPoints(d.totalDelta)} | ${share(d.baseline?.self ?? 0, diff.baselineTotal)} → ${share(d.current?.self ?? 0, diff.currentTotal)} | ` +
        `${signedPoints(d.selfDelta)} | ${MATCH_TEXT[d.matchedBy]} |`);
    }
  }
  if (changed.length === 0) lines.push('', 'No function changed: the two profiles are equal.');
  else if (changed.length > limit) lines.push('', `${changed.length - limit} smaller changes not listed.`);
  return lines.join('\n') + '\n';
}
