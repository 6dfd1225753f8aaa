import { ByteRangeTable, NOT_FOUND, TOO_MANY_PROBES } from './byteRangeTable';

/**
 * The fast path of the collapsed-stacks reader: a line whose frames are all plain (`name (file:LINE)`, `name
 * (file)`, `name`: no thread or process root, no `;` inside a frame, no NUL) read straight from the file's bytes.
 * Lines are cut by the engine's byte search (indexOf), frames by a loop, and each frame's text is looked up in a
 * ByteRangeTable; only a frame text seen for the first time is decoded to a string and parsed (by the caller, with
 * the same code as every other line).
 *
 * It answers for a line exactly what the line-by-line reader (collapsedStacks.ts) would, or declines the line
 * (PlainLineReader.read returns NOT_PLAIN) so that reader takes it: everything it is unsure of (roots, unbalanced
 * parentheses, empty frames, a count or line number of more than 15 digits, a bad count) is declined, never guessed.
 * The fuzz tests compare the two readers on every generated input.
 */
export const NOT_PLAIN = -1;

/** What a frame text first seen resolves to; `undefined` declines the line (the line reader must handle it). */
export interface FrameResolution {
  readonly frame: number;
  /**
   * Whether the frame is the text before its `:LINE)` suffix at that line, so every text with the same part before
   * the colon is the same frame (not so for a bare name such as `g(x.py:3)`).
   */
  readonly lineIsSuffix: boolean;
}

const SEMICOLON = 59;
const COLON = 58;
const CLOSE_PAREN = 41;
const SPACE = 32;
const MAX_DIGITS = 15;

export class PlainLineReader {
  /** Texts before the `:LINE)` suffix of frames whose line is that suffix → frame. */
  private readonly withoutLine = new ByteRangeTable(4096);
  /** Every other frame text, whole → frame. */
  private readonly whole = new ByteRangeTable(1024);
  private readonly view: DataView;
  /** The bytes as a Node Buffer when there is one: its indexOf is memchr, a typed array's a loop. */
  private readonly searchable: Uint8Array;
  /** Where the next NUL byte is at or after the current line (-1: none), found once per NUL, not per byte. */
  private nextNul: number;

  constructor(
    private readonly bytes: Uint8Array,
    /**
     * Resolves a frame text bytes[from, to) seen for the first time (`colon`: where its `:LINE)` suffix starts, or
     * -1), or declines it.
     */
    private readonly resolve: (from: number, to: number, colon: number) => FrameResolution | undefined,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.searchable = typeof Buffer === 'function' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
    this.nextNul = this.searchable.indexOf(0);
  }

  /** Index of the next `\n` at or after `from`, or -1 (the line splitter's search, at memchr speed). */
  nextNewline(from: number): number {
    return this.searchable.indexOf(10, from);
  }

  /** Frame indices of the last line read (its first `frameCount` entries), root first. */
  frames = new Int32Array(64);
  /** The line of each of those frames (0: none); doubles, as a line may have up to 15 digits. */
  lines = new Float64Array(64);
  /** How many frames the last plain line had. */
  frameCount = 0;

  /**
   * Reads the line bytes[start, end) (no newline, no trailing CR) into `frames`, `lines` and `frameCount` and
   * returns its sample count, or NOT_PLAIN when the line is not a plain line.
   */
  read(start: number, end: number): number {
    const bytes = this.bytes;
    this.frameCount = 0;
    if (this.nextNul >= 0 && this.nextNul < start) this.nextNul = this.searchable.indexOf(0, start);
    if (this.nextNul >= 0 && this.nextNul < end) return NOT_PLAIN;
    // The count: digits after the line's last space.
    let space = end - 1;
    let count = 0;
    let scale = 1;
    while (space >= start) {
      const digit = bytes[space] - 48;
      if (digit < 0 || digit > 9) break;
      count += digit * scale;
      scale *= 10;
      space--;
    }
    if (space === end - 1 || end - 1 - space > MAX_DIGITS || space < start || bytes[space] !== SPACE) return NOT_PLAIN;
    if (startsWithRoot(bytes, start, space)) return NOT_PLAIN;

    let n = 0;
    let pos = start;
    while (pos < space) {
      // A loop, not indexOf: frames are short, and a call into the engine's search per frame cost more than it saved.
      let frameEnd = pos;
      while (frameEnd < space && bytes[frameEnd] !== SEMICOLON) frameEnd++;
      if (frameEnd === pos) return NOT_PLAIN; // an empty frame: the line reader says where
      const colon = bytes[frameEnd - 1] === CLOSE_PAREN ? lineSuffixColon(bytes, pos, frameEnd) : -1;
      if (colon >= 0 && frameEnd - 2 - colon > MAX_DIGITS) return NOT_PLAIN;
      let frame = colon >= 0 ? this.withoutLine.get(bytes, this.view, pos, colon) : NOT_FOUND;
      let lineIsSuffix = frame >= 0;
      if (frame === NOT_FOUND) frame = this.whole.get(bytes, this.view, pos, frameEnd);
      if (frame === TOO_MANY_PROBES) return NOT_PLAIN;
      if (frame === NOT_FOUND) {
        const resolved = this.resolve(pos, frameEnd, colon);
        if (resolved === undefined) return NOT_PLAIN;
        frame = resolved.frame;
        lineIsSuffix = resolved.lineIsSuffix;
        if (lineIsSuffix) this.withoutLine.add(bytes, this.view, pos, colon, frame);
        else this.whole.add(bytes, this.view, pos, frameEnd, frame);
      }
      if (n === this.frames.length) this.growScratch();
      this.frames[n] = frame;
      this.lines[n] = lineIsSuffix ? readNumber(bytes, colon + 1, frameEnd - 1) : 0;
      n++;
      pos = frameEnd + 1;
    }
    this.frameCount = n;
    return count;
  }

  private growScratch(): void {
    const frames = new Int32Array(this.frames.length * 2);
    frames.set(this.frames);
    this.frames = frames;
    const lines = new Float64Array(this.lines.length * 2);
    lines.set(this.lines);
    this.lines = lines;
  }
}

/**
 * For a frame bytes[from, end) ending in `)`: the index of the `:` of its `:DIGITS)` suffix, or -1 when it has none
 * (the colon must not be the frame's first byte).
 */
function lineSuffixColon(bytes: Uint8Array, from: number, end: number): number {
  let i = end - 2;
  while (i > from) {
    const c = bytes[i];
    if (c < 48 || c > 57) break;
    i--;
  }
  return i < end - 2 && i > from && bytes[i] === COLON ? i : -1;
}

function readNumber(bytes: Uint8Array, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + (bytes[i] - 48);
  return value;
}

const PROCESS = [112, 114, 111, 99, 101, 115, 115, 32]; // "process "
const THREAD = [116, 104, 114, 101, 97, 100, 32, 40]; // "thread ("

/** Whether the stack may start with a `process …` or `thread (…` root (the line reader parses those). */
function startsWithRoot(bytes: Uint8Array, start: number, end: number): boolean {
  const prefix = bytes[start] === 112 ? PROCESS : bytes[start] === 116 ? THREAD : undefined;
  if (prefix === undefined || end - start < prefix.length) return false;
  for (let k = 1; k < prefix.length; k++) if (bytes[start + k] !== prefix[k]) return false;
  return true;
}
