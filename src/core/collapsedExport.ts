import { ExportStacks, exportStacksOf, MICROSECONDS_PER_SECOND, threadRootParts } from './exportStacks';
import type { Profile } from './profileModel';
import { utf8BomLength } from './utf8Bom';

/**
 * A run as collapsed stacks (flamegraph.pl's input, py-spy's `--format raw`): one line per stack, root first,
 * frames `name (file:line)` joined by `;`, a space and a whole count. flamegraph.pl, inferno, speedscope and
 * Pyrometer read it.
 *
 * The counts must be integers, and the format has no place for their unit, so the first line is a comment saying
 * it (readers skip lines that do not end in a count; Pyrometer reads the unit back from it):
 *
 *     # Pyrometer export of "app.py" (py-spy): sample counts, 100 samples/s
 *     # Pyrometer export of "calls.py" (cProfile): microseconds of own time, derived from caller edges (apportioned, not sampled)
 *
 * Sampled runs keep py-spy's roots: `thread (TID): NAME` for a thread, `process PID:"CMD"` for a subprocess, and the
 * executing line of every position. cProfile runs are the paths of the call tree the flame graph draws, in whole
 * microseconds (see exportStacks.ts), each frame with its function's first line.
 *
 * A `;` in a function name would split the frame: it is written as `,` (py-spy does the same to its own output by
 * never meeting one); line breaks in names become spaces.
 */
export const COLLAPSED_HEADER_PREFIX = '# Pyrometer export of ';
const MICROSECONDS_WORDS = 'microseconds of own time, derived from caller edges (apportioned, not sampled)';
const RATE_WORDS = /\): sample counts, (\d+(?:\.\d+)?) samples\/s\r?$/;

export function collapsedText(profile: Profile, name: string): string {
  const exported = exportStacksOf(profile);
  const lines: string[] = [headerLine(exported, name, profile.source)];
  const frameText = new Map<string, string>();
  const textOf = (frame: number, line: number): string => {
    const key = `${frame}:${line}`;
    let text = frameText.get(key);
    if (text === undefined) {
      const f = profile.frames[frame];
      const fname = f.name.replace(/[\r\n]+/g, ' ').replace(/;/g, ',') || '?';
      const file = f.file.replace(/[\r\n]+/g, ' ');
      text = file ? `${fname} (${file}${line > 0 ? `:${line}` : ''})` : fname;
      frameText.set(key, text);
    }
    return text;
  };
  const rootText = exported.threads.map(threadRoot);
  for (const s of exported.stacks) {
    if (!(s.weight > 0)) continue;
    const parts: string[] = [];
    if (s.thread >= 0 && rootText[s.thread]) parts.push(rootText[s.thread]);
    for (let k = 0; k < s.frames.length; k++) parts.push(textOf(s.frames[k], s.lines[k]));
    lines.push(`${parts.join(';')} ${s.weight}`);
  }
  return `${lines.join('\n')}\n`;
}

function headerLine(exported: ExportStacks, name: string, tool: string): string {
  const label = JSON.stringify(name.replace(/[\r\n]+/g, ' '));
  if (exported.kind === 'derivedFromCallGraph') {
    return `${COLLAPSED_HEADER_PREFIX}${label} (${tool}): ${MICROSECONDS_WORDS}`;
  }
  return `${COLLAPSED_HEADER_PREFIX}${label} (${tool}): sample counts${exported.rateHz ? `, ${exported.rateHz} samples/s` : ''}`;
}

/** py-spy's roots for a thread, or '' when its id cannot be written as one (py-spy's TIDs are decimal or 0x…). */
function threadRoot(thread: { readonly id: string; readonly name: string }): string {
  const parts = threadRootParts(thread);
  const roots: string[] = [];
  if (parts.pid !== undefined) roots.push(`process ${parts.pid}:"${(parts.cmdline ?? '').replace(/[\r\n]+/g, ' ')}"`);
  if (parts.tid !== undefined && /^(0x[0-9a-fA-F]+|\d+)$/.test(parts.tid)) {
    const threadName = parts.threadName.replace(/[\r\n]+/g, ' ');
    roots.push(threadName ? `thread (${parts.tid}): ${threadName}` : `thread (${parts.tid})`);
  }
  return roots.join(';');
}

/** What the header comments of a collapsed file say about its counts (Pyrometer's own exports). */
export interface CollapsedHeader {
  /** Counts per second: the sampling rate, or 1e6 when the counts are microseconds. */
  readonly rateHz?: number;
  readonly derivedFromCallGraph: boolean;
  /** The file's bytes after its leading comment lines (the parser reads stacks only); a view, not a copy. */
  readonly body: Uint8Array;
}

/**
 * Reads and skips the leading `#` comment lines of a collapsed file's bytes; only Pyrometer's own header says
 * anything about units. Only the comment lines are decoded.
 */
export function readCollapsedHeader(bytes: Uint8Array): CollapsedHeader {
  let pos = utf8BomLength(bytes);
  let rateHz: number | undefined;
  let derived = false;
  for (;;) {
    while (pos < bytes.length && (bytes[pos] === 10 /* \n */ || bytes[pos] === 13 /* \r */)) pos++;
    if (bytes[pos] !== 35 /* # */) break;
    let end = bytes.indexOf(10, pos);
    if (end < 0) end = bytes.length;
    const line = new TextDecoder().decode(bytes.subarray(pos, end));
    if (line.startsWith(COLLAPSED_HEADER_PREFIX)) {
      if (line.replace(/\r$/, '').endsWith(`): ${MICROSECONDS_WORDS}`)) {
        derived = true;
        rateHz = MICROSECONDS_PER_SECOND;
      } else {
        const m = RATE_WORDS.exec(line);
        if (m && Number(m[1]) > 0) rateHz = Number(m[1]);
      }
    }
    pos = end + 1;
  }
  return { ...(rateHz !== undefined ? { rateHz } : {}), derivedFromCallGraph: derived, body: pos === 0 ? bytes : bytes.subarray(Math.min(pos, bytes.length)) };
}
