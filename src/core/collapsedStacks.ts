import { compactCopy } from './compactString';
import { ProfileFormatError } from './profileErrors';
import type { Frame, FrameKind, Profile, RunMetadata, ThreadInfo } from './profileModel';
import { smallestLines, StackStore, StackTableBuilder } from './stackTable';
import { CollapsedLineScanner, END_OF_INPUT, FrameResolution } from './collapsedLineScanner';
import { SubstringTable } from './substringTable';
import { utf8BomLength } from './utf8Bom';

/**
 * py-spy's raw output (`py-spy record --format raw`, the "collapsed stacks" of flamegraph.pl) → the profile model.
 *
 * One line per unique stack, root first, frames joined by `;`, then a space and the sample count:
 *
 *     <module> (w.py:115);main (w.py:92);hot (w.py:27) 16
 *
 * - A frame is `name (file:line)`, `name (file)` when it has no line (native frames: `gc_collect_main
 *   (libpython3.12.so.1.0)`, `0x7fe9086b36c8 (?)`, `--nolineno`), or a bare `name`. The line is the executing line
 *   of the leaf and the call site in each parent (with `--function`, the function's first line instead).
 *   `file` is package-relative (`json/decoder.py`) unless py-spy ran with `--full-filenames`; it is kept as written:
 *   relative names are relative to a sys.path entry, not to the cwd, so they are not resolved here.
 * - `--threads` puts a root `thread (TID)` or `thread (TID): NAME` before the frames; the name may hold `;` and
 *   spaces. `--subprocesses` puts one `process PID:"CMDLINE"` root per process level (parent first) before that;
 *   the command line is written unescaped and may hold `;`, spaces and `"`. Neither becomes a frame: they name the
 *   stack's thread (`ThreadInfo`).
 * - An empty stack (`" 1"`: a sample without Python frames) is kept with no frames; it counts in the total.
 *
 * Frames are deduplicated by (name, file). A frame's `line` is the smallest line seen for it in any stack, 0 if
 * none: with `--function` that is the `def` line; otherwise it is the earliest sampled line of the function, at or
 * after its `def` (py-spy records no first line). The exact line of every position is in the stack table's `lines`.
 *
 * Linear in the input: each distinct frame text is parsed once (a cache keyed by the frame's text without its line;
 * the position's line comes from its `:LINE)`), and nothing is built by repeated concatenation.
 */
export const COLLAPSED_FORMATS = 'py-spy raw output (py-spy record --format raw) or collapsed stacks ' +
  '(one stack per line, root first, frames joined by ";", then a space and a whole sample count)';

export interface SampledParseOptions {
  /** The run's metadata (the runner's `run` result when Pyrometer launched the script); a placeholder otherwise. */
  readonly metadata?: RunMetadata;
  /** Samples per second (py-spy --rate): sets `stacks.rateHz` and `totalSeconds` = samples / rate. */
  readonly rateHz?: number;
}

/** A collapsed-stacks file already in the fast path's memory (a runner read it there), to be read from `start`. */
export interface CollapsedInMemory {
  readonly scanner: CollapsedLineScanner;
  readonly start: number;
}

/**
 * Parses py-spy raw output / collapsed stacks (the file's bytes, its text, or the file already in the fast path's
 * memory). Throws ProfileFormatError naming the line it cannot read. Plain lines go through the WebAssembly fast path
 * (collapsedLineScanner.ts); every other line, decoded, through StackLineReader below.
 */
export function parseCollapsedStacks(input: string | Uint8Array | CollapsedInMemory, options: SampledParseOptions = {}): Profile {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
    let scanner: CollapsedLineScanner;
    try {
      scanner = CollapsedLineScanner.of(bytes);
    } catch (e) {
      // The fast path could not get its memory (a file near WebAssembly's 4 GB): the line reader needs none of its own.
      if (e instanceof WebAssembly.RuntimeError) return readLineByLine(bytes, options);
      throw e;
    }
    return readFastOrLineByLine({ scanner, start: 0 }, options);
  }
  return readFastOrLineByLine(input, options);
}

function readFastOrLineByLine(input: CollapsedInMemory, options: SampledParseOptions): Profile {
  try {
    return readFast(input, options);
  } catch (e) {
    // The module could not grow its tables: the input it holds is still whole, for the line reader.
    if (e instanceof WebAssembly.RuntimeError) return readLineByLine(input.scanner.input.subarray(input.start), options);
    throw e;
  }
}

/** The same reader without the fast path: every line decoded and read by StackLineReader (the fuzz tests' reference). */
export function parseCollapsedStacksLineByLine(input: string | Uint8Array, options: SampledParseOptions = {}): Profile {
  return readLineByLine(typeof input === 'string' ? new TextEncoder().encode(input) : input, options);
}

// ignoreBOM keeps a U+FEFF inside the text as the file has it; the file's own BOM is skipped by the readers.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

function checkNotJson(bytes: Uint8Array): void {
  if (looksLikeJson(utf8.decode(bytes.subarray(0, 4096)))) {
    throw new ProfileFormatError(`This looks like JSON (a speedscope file?), not collapsed stacks. Pyrometer reads ${COLLAPSED_FORMATS}, or speedscope JSON as py-spy writes it.`);
  }
}

/** Decodes bytes[lineStart, lineEnd) (its CR too) for the line reader. */
function readDecoded(lineReader: StackLineReader, bytes: Uint8Array, lineStart: number, lineEnd: number, lineNo: number): void {
  if (lineEnd > lineStart && bytes[lineEnd - 1] === 13 /* \r */) lineEnd--;
  lineReader.read(utf8.decode(bytes.subarray(lineStart, lineEnd)), lineNo);
}

function readLineByLine(bytes: Uint8Array, options: SampledParseOptions): Profile {
  checkNotJson(bytes);
  const builder = new SampledProfileBuilder();
  const lineReader = new StackLineReader(builder);
  let lineNo = 0;
  for (let start = utf8BomLength(bytes); start < bytes.length;) {
    let end = bytes.indexOf(10 /* \n */, start);
    if (end < 0) end = bytes.length;
    readDecoded(lineReader, bytes, start, end, ++lineNo);
    start = end + 1;
  }
  return builder.build('py-spy', options);
}

function readFast({ scanner, start: first }: CollapsedInMemory, options: SampledParseOptions): Profile {
  scanner.claim();
  checkNotJson(scanner.input.subarray(first));
  const builder = new SampledProfileBuilder(scanner);
  const lineReader = new StackLineReader(builder);
  // scanner.input is taken anew after every read: the module's memory may have grown, which replaces the view.
  const resolve = (from: number, to: number, colon: number): FrameResolution | undefined => {
    const bytes = scanner.input;
    const text = utf8.decode(bytes.subarray(from, to));
    // As many characters as bytes: each byte is one character, so the colon's character index is its byte offset.
    const colonAt = colon < 0 ? -1 : text.length === to - from ? colon - from : utf8.decode(bytes.subarray(from, colon)).length;
    return lineReader.resolvePlainFrame(text, colonAt);
  };
  // The module reads every plain line into the profile's stacks; the others come back here, one at a time.
  for (let start = first + utf8BomLength(scanner.input.subarray(first)); ;) {
    if (scanner.readPlainLines(start, resolve) === END_OF_INPUT) break;
    readDecoded(lineReader, scanner.input, scanner.lineStart, scanner.lineEnd, scanner.lineNumber);
    start = scanner.next;
  }
  return builder.build('py-spy', options);
}

/**
 * Reads one line of collapsed stacks, decoded: every form the format allows (roots, `;` inside file names, odd
 * frames), with the errors that name the line and column.
 */
class StackLineReader {
  // Frame texts → frames. Without their `:LINE)` only for frames whose line is that suffix (see lineIsSuffix);
  // every other frame text whole: `g(x.py:3)` is a bare name, and `g(x.py:4)` another one.
  private readonly frameByTextWithoutLine = new SubstringTable();
  private readonly frameByText = new SubstringTable();
  private readonly frames: number[] = [];
  private readonly lines: number[] = [];

  constructor(private readonly builder: SampledProfileBuilder) {}

  /**
   * A plain frame's text, seen by the fast path for the first time (`colon`: where its `:LINE)` starts, in
   * characters, or -1): its frame, or undefined for a piece of a frame.
   */
  resolvePlainFrame(segment: string, colon: number): FrameResolution | undefined {
    if (parenDepth(segment) !== 0) return undefined;
    const parsed = parseFrameText(segment);
    // The segment was decoded on its own from the file's bytes: its slices hold only it, no copies needed.
    return { frame: this.builder.frameIndex(parsed.name, parsed.file, parsed.kind, false), lineIsSuffix: colon > 0 && lineIsSuffix(parsed, segment, colon) };
  }

  read(line: string, lineNo: number): void {
    const builder = this.builder;
    if (isBlank(line)) return;
    if (line.indexOf('\0') >= 0) fail(lineNo, 'it holds NUL bytes (a binary file?)');

    const space = line.lastIndexOf(' ');
    const count = space < 0 ? -1 : parseCount(line, space + 1);
    if (count < 0) {
      fail(lineNo, `it does not end in a space and a whole sample count (${JSON.stringify(abbreviate(line))})`);
    }
    const stack = line.slice(0, space);
    const frames = this.frames;
    const lines = this.lines;
    frames.length = 0;
    lines.length = 0;
    let pos = 0;
    const root: ThreadRoot = {};
    // --subprocesses: process PID:"cmdline" roots, outermost first.
    while (stack.startsWith('process ', pos)) {
      const next = readProcessRoot(stack, pos, root);
      if (next === NOT_A_ROOT) break;
      if (next === UNCLOSED) fail(lineNo, `its process root at column ${pos + 1} has no closing '"'`);
      pos = next;
    }
    // --threads: thread (TID) or thread (TID): NAME
    if (stack.startsWith('thread (', pos)) {
      const next = readThreadRoot(stack, pos, root);
      if (next >= 0) pos = next;
    }
    while (pos < stack.length) {
      let segEnd = stack.indexOf(';', pos);
      if (segEnd < 0) segEnd = stack.length;
      // Fast path: `name (file:LINE)` is looked up by `name (file` (its text without the line), so the cache
      // holds one entry per frame, not one per frame and line; other frame texts are looked up whole. Keys come
      // from complete frames only (balanced parentheses), so a piece of a frame split by a ';' in its file name
      // (unbalanced) can never hit one: it takes the slow path below.
      let frame: number;
      let line = 0;
      const keyEnd = segEnd > pos && stack.charCodeAt(segEnd - 1) === 41 /* ) */ ? lineSuffixStart(stack, pos, segEnd) : -1;
      const withoutLine = keyEnd > 0 ? this.frameByTextWithoutLine.get(stack, pos, keyEnd) : -1;
      const cached = withoutLine >= 0 ? withoutLine : this.frameByText.get(stack, pos, segEnd);
      if (cached >= 0) {
        frame = cached;
        if (withoutLine >= 0) line = readDigits(stack, keyEnd + 1, segEnd - 1);
      } else {
        let segment = stack.slice(pos, segEnd);
        let depth = parenDepth(segment);
        if (depth > 0) {
          // A file name holding ';' splits a frame: extend to the ';' where its parentheses close, if any, over at
          // most MAX_SEMICOLONS_IN_FRAME more ';' (so each segment is rescanned a bounded number of times and a
          // line of unbalanced '(' stays linear, not quadratic).
          let extended = segEnd;
          for (let more = 0; more < MAX_SEMICOLONS_IN_FRAME && extended < stack.length && depth > 0; more++) {
            const next = stack.indexOf(';', extended + 1);
            const to = next < 0 ? stack.length : next;
            depth += parenDepth(stack.slice(extended, to));
            extended = to;
          }
          if (depth === 0) {
            segEnd = extended;
            segment = stack.slice(pos, extended);
          }
        }
        if (segment === '') fail(lineNo, `it has an empty frame at column ${pos + 1}`);
        const parsed = parseFrameText(segment);
        frame = builder.frameIndex(parsed.name, parsed.file, parsed.kind);
        line = parsed.line;
        if (parenDepth(segment) === 0) {
          const colon = segment.endsWith(')') ? lineSuffixStart(segment, 0, segment.length) : -1;
          if (colon > 0 && lineIsSuffix(parsed, segment, colon)) this.frameByTextWithoutLine.set(segment.slice(0, colon), frame);
          else this.frameByText.set(segment, frame);
        }
      }
      if (!Number.isSafeInteger(line)) fail(lineNo, `a frame's line number at column ${pos + 1} is too large (more than 2^53)`);
      frames.push(frame);
      lines.push(line);
      pos = segEnd + 1;
    }
    builder.addStack(frames, lines, count, builder.threadIndex(root));
  }
}

/**
 * Whether the frame parsed from `segment` is `NAME (FILE` + its `:LINE)` suffix (from `colon`), so every text with
 * the same part before the colon is the same frame at another line. Not so for a bare name (`g(x.py:3)`) or a file
 * the line was not split from (`f (:5)`).
 */
function lineIsSuffix(parsed: FrameText, segment: string, colon: number): boolean {
  return parsed.file !== '' && segment.slice(0, colon) === `${parsed.name} (${parsed.file}`;
}

/** How many ';' a frame's file name may hold (py-spy writes them unescaped); more is taken as separate frames. */
const MAX_SEMICOLONS_IN_FRAME = 32;

/** For text[from, end) ending in `:DIGITS)`, the index of that ':'; else -1. */
function lineSuffixStart(text: string, from: number, end: number): number {
  let i = end - 2;
  while (i > from) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i--;
  }
  return i < end - 2 && i > from && text.charCodeAt(i) === 58 /* : */ ? i : -1;
}

function readDigits(text: string, from: number, end: number): number {
  let value = 0;
  for (let i = from; i < end; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

function fail(lineNo: number, why: string): never {
  throw new ProfileFormatError(`Line ${lineNo} of the collapsed stacks cannot be read: ${why}. Pyrometer reads ${COLLAPSED_FORMATS}.`);
}

/** `{…` or `[{…` / `[[…` / `["…` / `[]` at the start (a collapsed stack may start with a `[unknown]` frame). */
function looksLikeJson(text: string): boolean {
  return /^\ufeff?\s*(\{|\[\s*[[{"\]])/.test(text.slice(0, 4096));
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** The whole non-negative integer from `from` to the end of the line, or -1. */
function parseCount(line: string, from: number): number {
  if (from >= line.length) return -1;
  let value = 0;
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return Number.isSafeInteger(value) ? value : -1;
}

function abbreviate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** '(' minus ')' over the text. */
function parenDepth(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41) depth--;
  }
  return depth;
}

/** What the roots of one stack say about its thread: process levels and the thread root. */
export interface ThreadRoot {
  /** Innermost process (--subprocesses). */
  pid?: string;
  cmdline?: string;
  /** Thread id as py-spy prints it (decimal OS id on Linux, 0x… elsewhere). */
  tid?: string;
  threadName?: string;
}

const PROCESS_ROOT = /process (\d+):"/y;
const NOT_A_ROOT = -1;
const UNCLOSED = -2;
const THREAD_ROOT = /thread \((0x[0-9a-fA-F]+|\d+)\)/y;

/**
 * Reads `process PID:"CMDLINE"` at pos; returns the index after it (and its `;`), NOT_A_ROOT, or UNCLOSED.
 * The command line is unescaped, so it ends at the first `"` that is followed by the end of the stack or by `;`
 * and something that can follow a process root (another process root, a thread root or a frame `name (…)`).
 */
function readProcessRoot(stack: string, pos: number, root: ThreadRoot): number {
  PROCESS_ROOT.lastIndex = pos;
  const m = PROCESS_ROOT.exec(stack);
  if (!m) return NOT_A_ROOT;
  const from = PROCESS_ROOT.lastIndex;
  let quote = stack.indexOf('"', from);
  while (quote >= 0) {
    if (quote === stack.length - 1) {
      setProcess(root, m[1], stack.slice(from, quote));
      return stack.length;
    }
    if (stack.charCodeAt(quote + 1) === 59 /* ; */ && canFollowProcess(stack, quote + 2)) {
      setProcess(root, m[1], stack.slice(from, quote));
      return quote + 2;
    }
    quote = stack.indexOf('"', quote + 1);
  }
  return UNCLOSED;
}

function setProcess(root: ThreadRoot, pid: string, cmdline: string): void {
  root.pid = pid;
  root.cmdline = cmdline;
}

function canFollowProcess(stack: string, pos: number): boolean {
  if (stack.startsWith('process ', pos)) {
    PROCESS_ROOT.lastIndex = pos;
    if (PROCESS_ROOT.test(stack)) return true;
  }
  if (stack.startsWith('thread (', pos)) {
    THREAD_ROOT.lastIndex = pos;
    if (THREAD_ROOT.test(stack)) return true;
  }
  return looksLikeFrame(stack, pos);
}

/** Whether the segment at pos reads as a frame `name (…`: a ` (` before the next `;`. */
function looksLikeFrame(stack: string, pos: number): boolean {
  // Looks only up to the next ';' (an indexOf of ' (' over the rest of the stack would make a line of many
  // quote-semicolons quadratic).
  let end = stack.indexOf(';', pos);
  if (end < 0) end = stack.length;
  for (let i = pos + 1; i < end - 1; i++) {
    if (stack.charCodeAt(i) === 32 && stack.charCodeAt(i + 1) === 40) return true;
  }
  return false;
}

/**
 * Reads `thread (TID)` or `thread (TID): NAME` at pos; returns the index after it (and its `;`), or -1.
 * The name may hold `;`: it ends at the first `;` followed by a frame `name (…`, else at the end of the stack.
 */
function readThreadRoot(stack: string, pos: number, root: ThreadRoot): number {
  THREAD_ROOT.lastIndex = pos;
  const m = THREAD_ROOT.exec(stack);
  if (!m) return -1;
  const after = THREAD_ROOT.lastIndex;
  if (after === stack.length) {
    root.tid = m[1];
    return after;
  }
  if (stack.charCodeAt(after) === 59 /* ; */) {
    root.tid = m[1];
    return after + 1;
  }
  if (!stack.startsWith(': ', after)) return -1;
  const nameStart = after + 2;
  let semi = stack.indexOf(';', nameStart);
  while (semi >= 0 && !looksLikeFrame(stack, semi + 1)) semi = stack.indexOf(';', semi + 1);
  root.tid = m[1];
  root.threadName = stack.slice(nameStart, semi < 0 ? stack.length : semi);
  return semi < 0 ? stack.length : semi + 1;
}

export interface FrameText {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly kind: FrameKind;
}

/**
 * `name (file:line)`, `name (file)` or `name`. The file part is the parenthesised group that closes the text
 * (matched from the end, so names like `operator() (libfoo.so)` and paths with parentheses keep their own).
 */
export function parseFrameText(text: string): FrameText {
  if (text.endsWith(')')) {
    let depth = 0;
    for (let i = text.length - 1; i >= 0; i--) {
      const c = text.charCodeAt(i);
      if (c === 41) depth++;
      else if (c === 40 && --depth === 0) {
        if (i > 0 && text.charCodeAt(i - 1) === 32) {
          const name = text.slice(0, i - 1);
          const inner = text.slice(i + 1, text.length - 1);
          const colon = inner.lastIndexOf(':');
          let file = inner;
          let line = 0;
          if (colon > 0 && colon < inner.length - 1 && isDigits(inner, colon + 1)) {
            file = inner.slice(0, colon);
            line = Number(inner.slice(colon + 1));
          }
          return { name, file, line, kind: pySpyFrameKind(file, line) };
        }
        break;
      }
    }
  }
  return { name: text, file: '', line: 0, kind: 'native' };
}

function isDigits(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return from < text.length;
}

const PYTHON_SOURCE = /\.(py|pyw|pyi|pyx|pxd|pxi)$/i;
const NATIVE_FILE = /(\.so(\.[0-9.]+)?|\.dylib|\.dll|\.pyd|\.exe|\.(c|cc|cpp|cxx|h|hpp|rs|s))$/i;

/**
 * python for Python source (`*.py`, Cython `*.pyx`, `<frozen …>`, `<string>`); native for what py-spy's --native
 * adds: a binary or library (`libc.so.6`, `libpython3.12.so.1.0`, `python3.12`), `?` for an address it could
 * not resolve, `[vdso]`, a C/C++/Rust source from debug info; and a frame with no line and no Python source.
 */
export function pySpyFrameKind(file: string, line: number): FrameKind {
  if (file.startsWith('<') || PYTHON_SOURCE.test(file)) return 'python';
  if (file === '' || file === '?' || file.startsWith('[') || NATIVE_FILE.test(file)) return 'native';
  return line > 0 ? 'python' : 'native';
}

/**
 * Collects frames, stacks and threads for the sampled parsers (collapsed stacks and speedscope), so both give one
 * shape: frames by (name, file), per-position lines, threads as ThreadInfo.
 */
export class SampledProfileBuilder {
  private readonly names: string[] = [];
  private readonly files: string[] = [];
  private readonly kinds: FrameKind[] = [];
  /**
   * name → the index of its first frame; names seen in more than one file also in `otherFiles`. Lookups of strings
   * the parser already holds, no key string built per frame, and no map per name (most names have one file).
   */
  private readonly frameByName = new Map<string, number>();
  private readonly otherFiles = new Map<string, Map<string, number>>();
  private readonly threadByKey = new Map<string, number>();
  private readonly threadRoots: ThreadRoot[] = [];

  /** `stacks`: where the stacks go (the collapsed reader's fast path keeps them in its WebAssembly memory). */
  constructor(private readonly stacks: StackStore = new StackTableBuilder()) {}

  /** `copy`: whether name and file may be slices of a bigger text, which the profile would otherwise keep alive. */
  frameIndex(name: string, file: string, kind: FrameKind, copy = true): number {
    const first = this.frameByName.get(name);
    if (first !== undefined && this.files[first] === file) return first;
    const byFile = first === undefined ? undefined : this.otherFiles.get(name);
    const known = byFile?.get(file);
    if (known !== undefined) return known;
    const index = this.names.length;
    const ownName = copy ? compactCopy(name) : name;
    const ownFile = copy ? compactCopy(file) : file;
    this.names.push(ownName);
    this.files.push(ownFile);
    this.kinds.push(kind);
    if (first === undefined) this.frameByName.set(ownName, index);
    else if (byFile === undefined) this.otherFiles.set(ownName, new Map([[ownFile, index]]));
    else byFile.set(ownFile, index);
    return index;
  }

  /** Index of the thread a stack's roots name, or -1 when they name none. Names: the first non-empty seen. */
  threadIndex(root: ThreadRoot): number {
    if (root.pid === undefined && root.tid === undefined) return -1;
    const key = root.pid === undefined ? `t${root.tid}` : root.tid === undefined ? `p${root.pid}` : `p${root.pid}/t${root.tid}`;
    let index = this.threadByKey.get(key);
    if (index === undefined) {
      index = this.threadRoots.length;
      this.threadRoots.push(Object.fromEntries(Object.entries(root).map(([k, v]) => [k, typeof v === 'string' ? compactCopy(v) : v])) as ThreadRoot);
      this.threadByKey.set(key, index);
    } else {
      const known = this.threadRoots[index];
      if (!known.threadName && root.threadName) known.threadName = compactCopy(root.threadName);
      if (!known.cmdline && root.cmdline) known.cmdline = compactCopy(root.cmdline);
    }
    return index;
  }

  /** Throws ProfileFormatError when the samples add up past 2^53 (no profiler records that many; sums would be inexact). */
  addStack(frames: ArrayLike<number>, lines: ArrayLike<number>, weight: number, thread: number): void {
    const total = this.stacks.totalWeight;
    if (!Number.isSafeInteger(total + weight)) {
      throw new ProfileFormatError(`The sample counts add up to more than 2^53 (${total} + ${weight}): the counts are not a profiler's.`);
    }
    for (let k = 0; k < frames.length; k++) this.stacks.addFrame(frames[k], lines[k]);
    this.stacks.endStack(weight, thread);
  }

  build(source: Profile['source'], options: SampledParseOptions): Profile {
    const table = this.stacks.build();
    const minLines = smallestLines(table, this.names.length);
    const frames: Frame[] = this.names.map((name, i) => ({
      name, file: this.files[i], line: minLines[i], kind: this.kinds[i],
    }));
    const threads = this.threadRoots.map(threadInfo);
    const rate = options.rateHz !== undefined && options.rateHz > 0 ? options.rateHz : undefined;
    return {
      source,
      metadata: options.metadata ?? placeholderMetadata(threads.length),
      frames,
      functions: [],
      stacks: {
        unit: 'samples', stacks: table, threads, totalWeight: this.stacks.totalWeight,
        ...(rate !== undefined ? { rateHz: rate } : {}),
      },
      totalSeconds: rate !== undefined ? this.stacks.totalWeight / rate : 0,
    };
  }
}

/**
 * ThreadInfo for a stack's roots. id: `TID` for a thread root alone, `PID` for a process root alone, `PID/TID` for
 * both. name: the thread's name ('' when py-spy had none); under --subprocesses it also says which process, e.g.
 * `MainThread (process 14845: python child.py a;b)` or `process 14845: python child.py a;b`.
 */
export function threadInfo(root: ThreadRoot): ThreadInfo {
  const process = root.pid === undefined ? '' : `process ${root.pid}${root.cmdline ? `: ${root.cmdline}` : ''}`;
  if (root.tid === undefined) return { id: root.pid ?? '', name: process };
  const id = root.pid === undefined ? root.tid : `${root.pid}/${root.tid}`;
  if (!process) return { id, name: root.threadName ?? '' };
  return { id, name: `${root.threadName || `thread ${root.tid}`} (${process})` };
}

/** Metadata for a profile read from a file alone: py-spy as the tool, everything else unknown. */
export function placeholderMetadata(threadsSeen = 0): RunMetadata {
  return {
    tool: 'py-spy',
    python: { version: '', implementation: '', executable: '' },
    platform: '', argv: [], cwd: '', script: '', startedAt: '',
    wallSeconds: 0, cpuSeconds: 0, exitCode: 0, exception: null, threadsSeen, capabilities: {},
  };
}
