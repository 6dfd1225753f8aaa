import { COLLAPSED_LINES_WASM } from './collapsedLinesWasm';
import { onFirstUse } from './onFirstUse';

/**
 * The fast path of the collapsed-stacks reader: the WebAssembly module compiled from src/wasm/collapsedLines.ts reads
 * each plain line (`name (file:LINE)`, `name (file)`, `name` frames; no roots) straight from the file's bytes and
 * looks its frame texts up among those seen before. A frame text seen for the first time comes back here once, to be
 * decoded and parsed by the caller (`resolve`); a line the module is unsure of is declined (NOT_PLAIN) for the
 * line-by-line reader. The fuzz tests compare the two readers.
 */
export const NOT_PLAIN = -1;
const NEW_FRAME = -2;
export const END_OF_INPUT = -3;

/** What a frame text first seen resolves to; `undefined` declines the line (the line reader must handle it). */
export interface FrameResolution {
  readonly frame: number;
  /**
   * Whether the frame is the text before its `:LINE)` suffix at that line, so every text with the same part before
   * the colon is the same frame (not so for a bare name such as `g(x.py:3)`).
   */
  readonly lineIsSuffix: boolean;
}

interface CollapsedLinesExports {
  readonly memory: WebAssembly.Memory;
  allocInput(length: number): number;
  resultsAt(): number;
  read(start: number): number;
  resume(): number;
  addFrame(from: number, to: number, colon: number, frame: number, lineIsSuffix: boolean): void;
  hashOfInput(from: number, to: number): number;
}

/** The slots of the module's results, as it exports them. */
const RESULT_SLOT_NAMES = ['LINE_START', 'LINE_END', 'NEXT_LINE', 'FRAME_COUNT', 'FRAMES_AT', 'LINES_AT', 'NEW_FROM', 'NEW_TO', 'NEW_COLON', 'RESULT_SLOTS'] as const;
type ResultSlots = Readonly<Record<typeof RESULT_SLOT_NAMES[number], number>>;

function resultSlots(exports: WebAssembly.Exports): ResultSlots {
  return Object.fromEntries(RESULT_SLOT_NAMES.map(name => [name, (exports[name] as WebAssembly.Global).value as number])) as ResultSlots;
}

const compiledModule = onFirstUse(() => new WebAssembly.Module(decodeBase64(COLLAPSED_LINES_WASM)));

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const chars = atob(text);
  const bytes = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
  return bytes;
}

export class CollapsedLineScanner {
  private readonly exports: CollapsedLinesExports;
  private readonly slots: ResultSlots;
  private readonly inputAt: number;
  private readonly inputLength: number;
  private inputView!: Uint8Array;
  private results!: Float64Array;
  private int32s!: Int32Array;
  private float64s!: Float64Array;

  /** The line last read: input offsets of its start and its newline (the input's length for a last line without). */
  lineStart = 0;
  lineEnd = 0;
  /** Where the next line starts. */
  next = 0;
  /** How many frames the last plain line had; frame(k) and line(k) read them, root first. */
  frameCount = 0;
  private framesAt = 0;
  private linesAt = 0;

  /**
   * A new instance of the module (dropped with this scanner) with room for `length` input bytes, which the caller
   * writes into `input` before the first read: a file can be read straight there, with no copy of its own. Throws a
   * WebAssembly.RuntimeError when the module cannot get the memory.
   */
  constructor(length: number) {
    const instance = new WebAssembly.Instance(compiledModule(), {
      env: { abort: () => { throw new WebAssembly.RuntimeError('the collapsed-stacks reader aborted'); } },
    });
    this.exports = instance.exports as unknown as CollapsedLinesExports;
    this.slots = resultSlots(instance.exports);
    this.inputAt = this.exports.allocInput(length);
    this.inputLength = length;
    this.refreshViews();
  }

  /** A scanner of a copy of `bytes`. */
  static of(bytes: Uint8Array): CollapsedLineScanner {
    const scanner = new CollapsedLineScanner(bytes.length);
    scanner.input.set(bytes);
    return scanner;
  }

  private claimed = false;

  /**
   * Takes the scanner for one parse. Its tables hold the frame numbers of the profile being built: a second parse
   * through them would mix two profiles' frames, so it is refused.
   */
  claim(): void {
    if (this.claimed) throw new Error('This collapsed-stacks input was parsed already: read the file again to parse it again.');
    this.claimed = true;
  }

  /** The input, in the module's memory: a view that is replaced when the memory grows, so take it anew after a read. */
  get input(): Uint8Array {
    return this.inputView;
  }

  /**
   * Reads the line at input offset `start`: its sample count, NOT_PLAIN for a line the line reader must read, or
   * END_OF_INPUT. Sets lineStart, lineEnd and next for every line. `resolve` is asked for each frame text
   * input[from, to) seen for the first time (`colon`: where its `:LINE)` starts, or -1).
   */
  read(start: number, resolve: (from: number, to: number, colon: number) => FrameResolution | undefined): number {
    const wasm = this.exports;
    let lastNew = -1;
    for (let count = wasm.read(start); ; count = wasm.resume()) {
      // A view's length drops to 0 when the module grew its memory (the old buffer is detached).
      if (this.results.length === 0) this.refreshViews();
      if (count === END_OF_INPUT) return count;
      const results = this.results;
      const slots = this.slots;
      this.lineStart = results[slots.LINE_START];
      this.lineEnd = results[slots.LINE_END];
      this.next = results[slots.NEXT_LINE];
      if (count === NEW_FRAME) {
        const from = results[slots.NEW_FROM];
        const to = results[slots.NEW_TO];
        const colon = results[slots.NEW_COLON];
        // A text added and asked for again would loop forever: a bug of the module, reported, not hung on.
        if (from === lastNew) throw new Error(`The collapsed-stacks fast path asked twice for the frame text at byte ${from}.`);
        lastNew = from;
        const resolved = resolve(from, to, colon);
        if (resolved === undefined) return NOT_PLAIN;
        wasm.addFrame(from, to, colon, resolved.frame, resolved.lineIsSuffix);
        continue; // the module goes on from that frame
      }
      if (count !== NOT_PLAIN) {
        this.frameCount = results[slots.FRAME_COUNT];
        this.framesAt = results[slots.FRAMES_AT] >> 2;
        this.linesAt = results[slots.LINES_AT] >> 3;
      }
      return count;
    }
  }

  /** The module's key hash of input[from, to) (the tests craft colliding keys with it). */
  hashOf(from: number, to: number): number {
    return this.exports.hashOfInput(from, to) >>> 0;
  }

  /** The k-th frame (root first) of the last plain line. */
  frame(k: number): number {
    return this.int32s[this.framesAt + k];
  }

  /** The line executing in the k-th frame of the last plain line (0: none). */
  line(k: number): number {
    return this.float64s[this.linesAt + k];
  }

  private refreshViews(): void {
    const buffer = this.exports.memory.buffer;
    this.inputView = new Uint8Array(buffer, this.inputAt, this.inputLength);
    this.results = new Float64Array(buffer, this.exports.resultsAt(), this.slots.RESULT_SLOTS);
    this.int32s = new Int32Array(buffer);
    this.float64s = new Float64Array(buffer, 0, buffer.byteLength >> 3);
  }
}
