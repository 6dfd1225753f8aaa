/**
 * Which kind of profile a file holds, told from its first bytes (its name only helps the message): so that a
 * `.txt` of collapsed stacks, a `.json` from speedscope or a `.prof` renamed `.out` all open, and anything else
 * gets one clear answer naming what Pyrometer reads.
 *
 * What each format starts with:
 * - pstats (`Profile.dump_stats`, `python -m cProfile -o`): Python's marshal of a dict keyed by tuples: byte 0 is
 *   `{` (0x7b, or 0xfb with marshal's FLAG_REF), byte 1 a tuple (`(`/`)`, 0x28/0x29, or with FLAG_REF 0xa8/0xa9;
 *   `0` ends an empty dict).
 * - JSON: a Pyrometer runner result names its `"schema"` first; a speedscope file has `"$schema"` (speedscope's
 *   file-format URL) or `"profiles"` / `"shared"` keys near its start.
 * - `-X importtime`: the header `import time: self [us] | cumulative | imported package`, possibly after other
 *   stderr lines.
 * - `perf script` output: a sample header `COMM PID[/TID] [CPU] SECONDS: [PERIOD] EVENT:` followed by indented
 *   callchain lines `ADDRESS SYMBOL (DSO)`, after optional `#` comment lines.
 * - collapsed stacks / py-spy raw: the first line that is not blank or a `#` comment ends in a space and a count.
 *
 * Pure: no node built-ins (bytes in, an answer out).
 */

export type ProfileFileFormat = 'pstats' | 'cprofileResult' | 'linesResult' | 'speedscope' | 'collapsed' | 'importtime' | 'perfScript';

/** What a file holds, in the user's words, for summaries. */
export const PROFILE_FILE_FORMAT_NAMES: Readonly<Record<ProfileFileFormat, string>> = {
  pstats: 'pstats file (cProfile)',
  cprofileResult: 'Pyrometer cProfile result',
  linesResult: 'Pyrometer line timing result',
  speedscope: 'speedscope JSON',
  collapsed: 'collapsed stacks',
  importtime: '-X importtime log',
  perfScript: 'perf script output',
};

/** Every format Pyrometer opens, for error messages. */
export const FORMATS_PYROMETER_READS =
  'pstats files (.prof, .pstats: cProfile/profile dump_stats, python -m cProfile -o), ' +
  'speedscope JSON with sampled profiles (py-spy --format speedscope, or a Pyrometer export), ' +
  'collapsed stacks (py-spy --format raw, flamegraph.pl input: "frame;frame;frame COUNT" lines), ' +
  'the stderr of python -X importtime, perf script output with callchains (perf record -g or --call-graph dwarf), ' +
  'and Pyrometer runner results (pyrometer.cprofile/1, pyrometer.lines/1)';

/** How many leading bytes sniffing looks at: enough for a JSON head and a long first stack line. */
export const SNIFF_BYTES = 256 * 1024;

export type SniffResult =
  | { readonly format: ProfileFileFormat }
  | { readonly error: string };

const SCHEMA_KEY = /"schema"\s*:\s*"([^"\\]*)"/;
const SPEEDSCOPE_SCHEMA = /"\$schema"\s*:\s*"[^"]*speedscope[^"]*"/;
const SPEEDSCOPE_KEYS = /"(profiles|shared)"\s*:/;
const IMPORTTIME_HEADER = /import time:\s*self \[us\] \| cumulative \| imported package/;
const COUNT_AT_END = / \d+\r?$/;
// perf script's sample header and, on the next line, the first callchain entry (an indented hex address).
const PERF_SAMPLE_HEADER = /^\S.*? \d+(?:\/\d+)? +(?:\[\d+\] +)?\d+\.\d+: +(?:\d+ +)?[\w:.-]+:/;
const PERF_CALLCHAIN_LINE = /^\s+[0-9a-f]+ /;

/** The format of a file from its first bytes (up to SNIFF_BYTES), or why it is none Pyrometer reads. */
export function sniffProfileFormat(head: Uint8Array, fileName = ''): SniffResult {
  const name = baseName(fileName);
  if (head.length === 0) return { error: `${name || 'The file'} is empty: there is no profile in it. Pyrometer reads ${FORMATS_PYROMETER_READS}.` };
  if (looksLikeMarshalDict(head)) return { format: 'pstats' };
  const claimsPstats = /\.(prof|pstats)$/i.test(name);
  if (hasNul(head)) {
    const what = claimsPstats
      ? `${name} is binary but not a pstats profile (pstats files start with the marshal of a dictionary)`
      : `${name || 'The file'} is binary data, not a profile Pyrometer reads`;
    return { error: `${what}. Pyrometer reads ${FORMATS_PYROMETER_READS}.` };
  }
  let text = new TextDecoder('utf-8').decode(head);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const start = text.search(/\S/);
  if (start < 0) return { error: `${name || 'The file'} holds only blank space: there is no profile in it. Pyrometer reads ${FORMATS_PYROMETER_READS}.` };
  const first = text[start];
  const notPstats = claimsPstats ? `${name} is text, not a pstats profile (those are binary). ` : '';

  if (first === '{' || first === '[') {
    const schema = SCHEMA_KEY.exec(text)?.[1];
    if (schema === 'pyrometer.cprofile/1') return { format: 'cprofileResult' };
    if (schema === 'pyrometer.lines/1') return { format: 'linesResult' };
    if (schema === 'pyrometer.run/1') {
      return { error: `${notPstats}This is the run record Pyrometer writes beside a py-spy profile (pyrometer.run/1): it holds the run's exit status, not samples. Open the py-spy output instead. Pyrometer reads ${FORMATS_PYROMETER_READS}.` };
    }
    if (schema !== undefined && schema.startsWith('pyrometer.')) {
      return { error: `${notPstats}This Pyrometer result has schema ${JSON.stringify(schema)}, which this version does not read (a newer Pyrometer wrote it?). Pyrometer reads ${FORMATS_PYROMETER_READS}.` };
    }
    if (SPEEDSCOPE_SCHEMA.test(text) || (first === '{' && SPEEDSCOPE_KEYS.test(text))) return { format: 'speedscope' };
    const what = first === '['
      ? 'a JSON array (a Chrome trace-event file?), not a profile Pyrometer reads'
      : 'JSON, but neither a speedscope file (no "$schema", "profiles" or "shared" key near its start) nor a Pyrometer result (no "schema")';
    return { error: `${notPstats}${name || 'The file'} is ${what}. Pyrometer reads ${FORMATS_PYROMETER_READS}.` };
  }

  if (IMPORTTIME_HEADER.test(text)) return { format: 'importtime' };
  if (looksLikePerfScript(text)) return { format: 'perfScript' };

  const line = firstDataLine(text, head.length >= SNIFF_BYTES);
  if (line !== undefined && (COUNT_AT_END.test(line.text) || (line.cut && startsWithFrame(line.text)))) {
    return { format: 'collapsed' };
  }
  const shown = line ? ` (its first line: ${JSON.stringify(abbreviate(line.text))})` : '';
  return { error: `${notPstats}Pyrometer does not recognise ${name || 'this file'} as a profile${shown}. It reads ${FORMATS_PYROMETER_READS}.` };
}

/** The first sample header of the head (after `#` comments and blank lines) followed by a callchain line. */
function looksLikePerfScript(text: string): boolean {
  let at = 0;
  for (let scanned = 0; scanned < 64 && at < text.length; scanned++) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, Math.min(end, at + 4096));
    at = end + 1;
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (!PERF_SAMPLE_HEADER.test(line)) return false;
    const nextEnd = text.indexOf('\n', at);
    return PERF_CALLCHAIN_LINE.test(text.slice(at, nextEnd < 0 ? text.length : Math.min(nextEnd, at + 4096)));
  }
  return false;
}

/**
 * Whether the text starts with a frame `name (…)` and a ';' (what /^[^;]+ \([^;]*\);/ says), without the regex:
 * on a 256 KB head of " (" with no ';' its backtracking is quadratic.
 */
function startsWithFrame(text: string): boolean {
  const semi = text.indexOf(';');
  if (semi < 4 || text.charCodeAt(semi - 1) !== 41 /* ) */) return false;
  const paren = text.indexOf(' (', 1);
  return paren > 0 && paren + 2 <= semi - 1;
}

/** marshal of a dict whose first key is a tuple (or an empty dict): what pstats files are. */
function looksLikeMarshalDict(head: Uint8Array): boolean {
  if (head.length < 2 || (head[0] & 0x7f) !== 0x7b) return false;
  const next = head[1] & 0x7f;
  return next === 0x28 || next === 0x29 || next === 0x30;
}

function hasNul(head: Uint8Array): boolean {
  return head.indexOf(0) >= 0;
}

/** The first line that is neither blank nor a `#` comment; `cut` when the head ends inside it. */
function firstDataLine(text: string, headIsFull: boolean): { text: string; cut: boolean } | undefined {
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    const cut = end < 0 && headIsFull;
    if (end < 0) end = text.length;
    const line = text.slice(pos, end).replace(/\r$/, '');
    pos = end + 1;
    if (line.trim() === '' || line.startsWith('#')) continue;
    return { text: line, cut };
  }
  return undefined;
}

function baseName(file: string): string {
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return file.slice(slash + 1);
}

function abbreviate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
