import { durationText } from './durationText';
import type { LineCost, LineTimingEngine, TimedFunction } from './profileModel';
import { escapeMarkdown } from './markdownText';
import { groupThousands, percentOf } from './pstatsNumbers';

const TOP_LINES = 5;

function engineName(engine: LineTimingEngine): string {
  return engine.version ? `${engine.name} ${engine.version}` : engine.name;
}

function exactNs(ns: number): string {
  return `${groupThousands(Math.round(ns))} ns`;
}

/** The hover of one timed line: the same figures as its decoration, with the exact nanoseconds. */
export function timedLineHoverMarkdown(fn: TimedFunction, cost: LineCost, shownLine: number, engine: LineTimingEngine): string {
  const head = `**Line ${shownLine}** of \`${fn.qualname}\` — line timing (${escapeMarkdown(engineName(engine))})`;
  if (cost.hits === 0) {
    return `${head}\n\nNever executed in this run (${groupThousands(fn.calls)} ${fn.calls === 1 ? 'call' : 'calls'} of the function).`;
  }
  return [head, '',
    '| hits | time | per hit | % of function |', '|--:|--:|--:|--:|',
    `| ${groupThousands(cost.hits)} | ${durationText(cost.totalNs)} | ${durationText(cost.totalNs / cost.hits)} | ${percentOf(cost.totalNs, fn.totalNs)} |`,
    '',
    `${exactNs(cost.totalNs)} in all. A line's time includes the calls made from it, until the next line of this function starts.`,
    ...(engine.note ? ['', `_${escapeMarkdown(engine.note)}_`] : []),
  ].join('\n');
}

/** The hover of a timed def: the function's figures and its slowest lines. */
export function timedFunctionHoverMarkdown(fn: TimedFunction, shift: number, engine: LineTimingEngine): string {
  const calls = `${groupThousands(fn.calls)} ${fn.calls === 1 ? 'call' : 'calls'}`;
  const parts = [`**\`${fn.qualname}\`** — line timing (${escapeMarkdown(engineName(engine))})`, '',
    `${durationText(fn.totalNs)} (${exactNs(fn.totalNs)}) in ${calls}, callees included, time suspended at yield/await excluded.`];
  const top = fn.lines.filter(l => l.hits > 0).sort((a, b) => b.totalNs - a.totalNs).slice(0, TOP_LINES);
  if (top.length > 0) {
    parts.push('', '| line | hits | time | % of function |', '|--:|--:|--:|--:|',
      ...top.map(l => `| ${l.line + shift} | ${groupThousands(l.hits)} | ${durationText(l.totalNs)} | ${percentOf(l.totalNs, fn.totalNs)} |`));
  }
  const never = fn.lines.filter(l => l.hits === 0).length;
  if (never > 0 && fn.calls > 0) parts.push('', `${never} executable ${never === 1 ? 'line' : 'lines'} never ran.`);
  return parts.join('\n');
}
