import type { CallGraph } from './callGraph';
import { escapeMarkdown } from './markdownText';
import { callsPhrase, percentOf, pstatsSeconds, readableCalls } from './pstatsNumbers';
import type { FunctionStats, Profile } from './profileModel';

/** The CodeLens line: the same seconds pstats prints (%.3f), the calls, and the share of the run. */
export function functionLensText(fn: FunctionStats, profile: Profile): string {
  return [
    `cum ${pstatsSeconds(fn.cumulativeSeconds)}s`,
    `own ${pstatsSeconds(fn.selfSeconds)}s`,
    callsPhrase(fn.totalCalls, fn.primitiveCalls),
    `${percentOf(fn.cumulativeSeconds, profile.totalSeconds)} of total`,
  ].join(' | ');
}

function frameLabel(profile: Profile, frameIndex: number): string {
  const frame = profile.frames[frameIndex];
  if (frame.kind === 'builtin') return escapeMarkdown(frame.name);
  const base = frame.file.split(/[\\/]/).pop() ?? frame.file;
  return `${escapeMarkdown(frame.name)} (${escapeMarkdown(base)}:${frame.line})`;
}

const EDGE_LIMIT = 5;

/** Hover text for a profiled function: its figures, then the heaviest caller and callee edges. */
export function functionHoverMarkdown(fn: FunctionStats, graph: CallGraph): string {
  const profile = graph.profile;
  const frame = profile.frames[fn.frameIndex];
  const lines = [
    `**Pyrometer (cProfile)** — \`${frame.name.replace(/`/g, "'")}\``,
    '',
    '| cumulative | own | calls | % of total |',
    '|---:|---:|---:|---:|',
    `| ${pstatsSeconds(fn.cumulativeSeconds)} s | ${pstatsSeconds(fn.selfSeconds)} s | ` +
      `${readableCalls(fn.totalCalls, fn.primitiveCalls)} | ${percentOf(fn.cumulativeSeconds, profile.totalSeconds)} |`,
  ];
  const callers = graph.topCallers(fn.frameIndex, EDGE_LIMIT);
  if (callers.length) {
    lines.push('', '**Called by** (time in this function per caller)', '');
    for (const c of callers) {
      lines.push(`- ${frameLabel(profile, c.callerIndex)}: ${callsPhrase(c.totalCalls, c.primitiveCalls)}, ` +
        `cum ${pstatsSeconds(c.cumulativeSeconds)} s, own ${pstatsSeconds(c.selfSeconds)} s`);
    }
  }
  const callees = graph.topCallees(fn.frameIndex, EDGE_LIMIT);
  if (callees.length) {
    lines.push('', '**Calls**', '');
    for (const { calleeIndex, edge } of callees) {
      lines.push(`- ${frameLabel(profile, calleeIndex)}: ${callsPhrase(edge.totalCalls, edge.primitiveCalls)}, ` +
        `cum ${pstatsSeconds(edge.cumulativeSeconds)} s`);
    }
  }
  return lines.join('\n');
}
